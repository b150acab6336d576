/*
 * fp_trigger.c — the trigger that keeps the column llmcopy_fp of a table
 * registered with online => true equal to fingerprint() of its text.
 *
 * Registration creates it as zz_llmcopy_fp, BEFORE INSERT OR UPDATE FOR
 * EACH ROW with no column list, ENABLE ALWAYS, with the text column, k, w
 * and mode as arguments.  Each of those choices closes a way for the stored
 * fingerprint to stop matching the row's text:
 *   - BEFORE row triggers fire in the order of their names (byte order), so
 *     a name that sorts after ordinary ones lets it see the text as the
 *     table's own triggers left it (a normalize_body trigger, say);
 *   - an UPDATE OF <text column> trigger does not fire when the statement
 *     does not name the text, yet a trigger of the table's own may rewrite
 *     it then: this one fires on every update;
 *   - an ordinary trigger does not fire with session_replication_role =
 *     replica (logical replication's apply worker, some restore tools); an
 *     ALWAYS one does.
 * An update that leaves the text alone must stay cheap, so on UPDATE the
 * fingerprint is recomputed only when the text differs from OLD's, when the
 * statement set llmcopy_fp (it differs from OLD's), or when it is NULL.
 * "Differs" compares the values as stored, byte for byte (datumIsEqual),
 * never through a collation: an unchanged column keeps the very datum (a
 * TOAST pointer is compared, not read), and a value equal in content but
 * stored otherwise (another trigger assigned it afresh) costs a recompute,
 * never a stale fingerprint.
 */
#include "pg_llmcopy.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

extern PGDLLEXPORT Datum fingerprint_make(PG_FUNCTION_ARGS);

/* What the trigger needs of its table and arguments, kept for a statement's rows */
typedef struct FpTriggerTarget
{
	Oid			relid;			/* the table it was read for (a partition has its own) */
	AttrNumber	text_att;
	AttrNumber	fp_att;
	int32		k;
	int32		w;
	Datum		mode;			/* text, in fn_mcxt */
} FpTriggerTarget;

/* the column named name of the trigger's table, which must exist */
static AttrNumber
fp_trigger_column(Relation rel, const char *name)
{
	int			att = SPI_fnumber(RelationGetDescr(rel), name);

	if (att <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of table \"%s\" does not exist", name, RelationGetRelationName(rel)),
				 errhint("The registration of the table is broken: unregister it and register it again.")));
	return (AttrNumber) att;
}

/*
 * The target of this call: its columns checked for their types (a value of
 * another type would be read as text, or written where another type is
 * stored), and its arguments parsed.
 */
static FpTriggerTarget *
fp_trigger_target(FunctionCallInfo fcinfo, TriggerData *td)
{
	FpTriggerTarget *t = (FpTriggerTarget *) fcinfo->flinfo->fn_extra;
	Relation	rel = td->tg_relation;
	Trigger    *tg = td->tg_trigger;
	TupleDesc	desc = RelationGetDescr(rel);
	Oid			fp_type;
	Oid			text_type;
	MemoryContext old;

	if (t != NULL && t->relid == RelationGetRelid(rel))
		return t;
	if (tg->tgnargs != 4)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("llmcopy_fp_trigger() takes 4 arguments (text column, k, w, mode), not %d", tg->tgnargs)));
	if (t == NULL)
		t = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(FpTriggerTarget));
	t->relid = InvalidOid;
	t->text_att = fp_trigger_column(rel, tg->tgargs[0]);
	t->fp_att = fp_trigger_column(rel, "llmcopy_fp");
	text_type = getBaseType(TupleDescAttr(desc, t->text_att - 1)->atttypid);
	if (text_type != TEXTOID && text_type != VARCHAROID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"%s\" of table \"%s\" is not of type text or varchar",
						tg->tgargs[0], RelationGetRelationName(rel))));
	fp_type = llmcopy_own_type(fcinfo->flinfo->fn_oid, "fingerprint");
	if (!OidIsValid(fp_type) || TupleDescAttr(desc, t->fp_att - 1)->atttypid != fp_type)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"llmcopy_fp\" of table \"%s\" is not of type fingerprint",
						RelationGetRelationName(rel))));
	t->k = pg_strtoint32(tg->tgargs[1]);
	t->w = pg_strtoint32(tg->tgargs[2]);
	if (DatumGetPointer(t->mode) != NULL)
		pfree(DatumGetPointer(t->mode));
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	t->mode = CStringGetTextDatum(tg->tgargs[3]);
	MemoryContextSwitchTo(old);
	t->relid = RelationGetRelid(rel);
	fcinfo->flinfo->fn_extra = t;
	return t;
}

/* whether column att holds the same stored value in both tuples */
static bool
fp_trigger_same(HeapTuple a, HeapTuple b, TupleDesc desc, AttrNumber att)
{
	Form_pg_attribute attr = TupleDescAttr(desc, att - 1);
	bool		anull,
				bnull;
	Datum		av = heap_getattr(a, att, desc, &anull);
	Datum		bv = heap_getattr(b, att, desc, &bnull);

	if (anull || bnull)
		return anull && bnull;
	return datumIsEqual(av, bv, attr->attbyval, attr->attlen);
}

PG_FUNCTION_INFO_V1(llmcopy_fp_trigger);
/* the trigger zz_llmcopy_fp: sets NEW.llmcopy_fp to fingerprint(NEW.<text>, k, w, mode) */
Datum
llmcopy_fp_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	FpTriggerTarget *t;
	TupleDesc	desc;
	HeapTuple	row;
	Datum		text;
	Datum		fp = (Datum) 0;
	bool		null;
	int			fp_att;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BEFORE(td->tg_event) || !TRIGGER_FIRED_FOR_ROW(td->tg_event)
		|| !(TRIGGER_FIRED_BY_INSERT(td->tg_event) || TRIGGER_FIRED_BY_UPDATE(td->tg_event)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("llmcopy_fp_trigger() must be fired BEFORE INSERT OR UPDATE FOR EACH ROW")));
	t = fp_trigger_target(fcinfo, td);
	desc = RelationGetDescr(td->tg_relation);
	if (TRIGGER_FIRED_BY_INSERT(td->tg_event))
		row = td->tg_trigtuple;
	else
	{
		bool		fp_null;

		row = td->tg_newtuple;
		(void) heap_getattr(row, t->fp_att, desc, &fp_null);
		if (!fp_null && fp_trigger_same(td->tg_trigtuple, row, desc, t->text_att)
			&& fp_trigger_same(td->tg_trigtuple, row, desc, t->fp_att))
			return PointerGetDatum(row);
	}
	text = heap_getattr(row, t->text_att, desc, &null);
	if (!null)
		fp = DirectFunctionCall4(fingerprint_make, text, Int32GetDatum(t->k), Int32GetDatum(t->w), t->mode);
	fp_att = t->fp_att;
	return PointerGetDatum(heap_modify_tuple_by_cols(row, desc, 1, &fp_att, &fp, &null));
}
