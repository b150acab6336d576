/*
 * pg_llmcopy.c — module magic, _PG_init and the GUCs.
 */
#include "pg_llmcopy.h"

#include "utils/guc.h"

LLMCOPY_MODULE_MAGIC;

double		llmcopy_jaccard_threshold = 0.5;
double		llmcopy_containment_threshold = 0.1;
bool		llmcopy_ascii_fast_path = true;

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
	DefineCustomBoolVariable("pg_llmcopy.ascii_fast_path",
							 "Tokenize pure-ASCII stretches without ICU.",
							 "The tokens are the same either way; turning it off is for testing that claim.",
							 &llmcopy_ascii_fast_path,
							 true,
							 PGC_USERSET, 0,
							 NULL, NULL, NULL);
	MarkGUCPrefixReserved("pg_llmcopy");
}
