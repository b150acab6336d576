/*
 * pg_llmcopy.c — module magic, _PG_init and the GUCs.
 */
#include "pg_llmcopy.h"

#include "funcapi.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

LLMCOPY_MODULE_MAGIC;

double		llmcopy_jaccard_threshold = 0.5;
double		llmcopy_containment_threshold = 0.1;
bool		llmcopy_ascii_fast_path = true;
static int	llmcopy_scan_lock_wait = 0;

/* pg_llmcopy.scan_lock_wait: read in SQL by llmcopy_scan_begin */
static const struct config_enum_entry scan_lock_wait_options[] = {
	{"named", 0, false},
	{"all", 1, false},
	{NULL, 0, false}
};

void		_PG_init(void);

void
_PG_init(void)
{
	DefineCustomRealVariable("pg_llmcopy.jaccard_threshold",
							 "Jaccard similarity at or above which the % operator is true.",
							 "Applies to fingerprints and MinHash signatures.",
							 &llmcopy_jaccard_threshold,
							 0.5, 0.0, 1.0,
							 PGC_USERSET, 0,
							 NULL, NULL, NULL);
	DefineCustomRealVariable("pg_llmcopy.containment_threshold",
							 "Containment at or above which the <% and %> operators are true.",
							 "containment(a, b) is the share of a's hashes that are also in b.",
							 &llmcopy_containment_threshold,
							 0.1, 0.0, 1.0,
							 PGC_USERSET, 0,
							 NULL, NULL, NULL);
	/*
	 * A test switch, not a setting: the tokens are the same either way (the
	 * tests prove it), and IMMUTABLE functions that feed stored columns and
	 * indexes must not depend on a user's choice, so only a superuser may
	 * turn it off.
	 */
	DefineCustomBoolVariable("pg_llmcopy.ascii_fast_path",
							 "Tokenize pure-ASCII stretches without ICU (a test switch).",
							 "The tokens are the same either way; turning it off is for testing that claim.",
							 &llmcopy_ascii_fast_path,
							 true,
							 PGC_SUSET, 0,
							 NULL, NULL, NULL);
	DefineCustomEnumVariable("pg_llmcopy.scan_lock_wait",
							 "Whose table locks llmcopy_scan waits for: the tables the call names, or all.",
							 "With named, a table the call does not name that another session holds a lock on is skipped, its outputs left pending.",
							 &llmcopy_scan_lock_wait,
							 0, scan_lock_wait_options,
							 PGC_USERSET, 0,
							 NULL, NULL, NULL);
	MarkGUCPrefixReserved("pg_llmcopy");
}

static void
limit_row(ReturnSetInfo *rsinfo, const char *name, int64 min, int64 max)
{
	Datum		v[3];
	bool		nulls[3] = {false, false, false};

	v[0] = CStringGetTextDatum(name);
	v[1] = Int64GetDatum(min);
	v[2] = Int64GetDatum(max);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nulls);
}

PG_FUNCTION_INFO_V1(llmcopy_limits);
/*
 * llmcopy_limits(): rows (name, min, max), the limits of the extension as
 * the C code enforces them, so that SQL asks for them rather than repeat them.
 */
Datum
llmcopy_limits(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const LlmcopyType *types[] = {&llmcopy_fingerprint_type, &llmcopy_minhash_type};

	InitMaterializedSRF(fcinfo, 0);
	for (int t = 0; t < lengthof(types); t++)
		for (int i = 0; i < 2; i++)
			limit_row(rsinfo, types[t]->param[i].name, types[t]->param[i].min,
					  types[t]->param[i].max);
	limit_row(rsinfo, "fingerprint hashes", 0, FINGERPRINT_MAX_HASHES);
	limit_row(rsinfo, "fingerprint_ops bits", LLMCOPY_GIN_MIN_BITS, LLMCOPY_GIN_MAX_BITS);
	limit_row(rsinfo, "minhash_ops bands", 1, LC_MAX_PERM);
	limit_row(rsinfo, "minhash_ops rows", 1, LC_MAX_PERM);
	limit_row(rsinfo, "span tokens", 0, LLMCOPY_SPAN_MAX_TOKENS);
	limit_row(rsinfo, "max_gap", 0, LLMCOPY_MAX_GAP);
	return (Datum) 0;
}

Oid
llmcopy_own_type(Oid fn, const char *name)
{
	Oid			nsp = get_func_namespace(fn);

	if (!OidIsValid(nsp))
		return InvalidOid;
	return GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum(name), ObjectIdGetDatum(nsp));
}
