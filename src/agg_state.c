/*
 * agg_state.c — what the state types of the aggregates share.
 *
 * fingerprint_union_agg, fingerprint_common_agg and attribution_agg keep
 * their state in a type of their own (fingerprint_agg_state,
 * attribution_agg_state) rather than in `internal`: Citus pushes an
 * aggregate down to the shards (worker_partial_agg, coord_combine_agg) only
 * when its state has a real type, which it ships between nodes through the
 * type's output and input functions, and such a state runs in parallel
 * query with no serialize function.
 *
 * While a state is being aggregated it is an expanded object (see
 * utils/expandeddatum.h): a struct in a memory context of its own, a child
 * of the aggregate context, passed around as a read-write pointer.  nodeAgg
 * (ExecAggTransReparent) and Citus keep such a value where it is when the
 * transition function hands it back, so nothing is copied per row; the
 * flat varlena form is built only when PostgreSQL needs the value as data
 * (a parallel worker's partial state, a tuple) and the text form only when
 * Citus sends it.  Every function taking a state also accepts the flat
 * form, so a state read from a table or a shard aggregates like any other.
 */
#include "llmcopy_agg.h"

#include "common/base64.h"
#include "libpq/pqformat.h"
#include "nodes/execnodes.h"
#include "utils/memutils.h"

MemoryContext
llmcopy_agg_context(FunctionCallInfo fcinfo, const char *what)
{
	MemoryContext aggctx;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s functions can only be called as aggregates", what)));
	return aggctx;
}

bool
llmcopy_agg_can_spill(FunctionCallInfo fcinfo)
{
	/* AggRegisterCallback, which closes temporary files, needs a plain aggregate */
	return fcinfo->context != NULL && IsA(fcinfo->context, AggState);
}

void *
llmcopy_agg_state_new(MemoryContext parent, Size size, const ExpandedObjectMethods *methods)
{
	MemoryContext ctx = AllocSetContextCreate(parent, "pg_llmcopy aggregate state",
											  ALLOCSET_START_SMALL_SIZES);
	ExpandedObjectHeader *eoh = MemoryContextAllocZero(ctx, size);

	EOH_init_header(eoh, methods, ctx);
	return eoh;
}

ExpandedObjectHeader *
llmcopy_agg_state_get(Datum d, const ExpandedObjectMethods *methods, bool rw)
{
	ExpandedObjectHeader *eoh;

	if (!VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
		return NULL;
	eoh = DatumGetEOHP(d);
	if (eoh->eoh_methods != methods)
		elog(ERROR, "expanded object of another type passed as an aggregate state");
	if (rw && !VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d)))
		return NULL;
	return eoh;
}

void *
llmcopy_agg_state_flat(Datum d, const ExpandedObjectMethods *methods)
{
	ExpandedObjectHeader *eoh = llmcopy_agg_state_get(d, methods, false);
	Size		size;
	void	   *flat;

	if (eoh == NULL)
		return PG_DETOAST_DATUM(d);
	size = EOH_get_flat_size(eoh);
	flat = palloc(size);
	EOH_flatten_into(eoh, flat, size);
	return flat;
}

void
llmcopy_agg_lit_begin(LitCursor *c, const char *type, const char *str)
{
	c->type = type;
	c->str = str;
	c->p = str;
	llmcopy_lit_skip_spaces(c);
	if (strncmp(c->p, "v1 ", 3) != 0)
		llmcopy_lit_error(c, psprintf("Values of type %s start with their format version, \"v1\".", type));
	c->p += 3;
}

void *
llmcopy_agg_recv_begin(StringInfo buf, const char *type, int version, int fixed,
					   Size hdrsz, Size *datalen)
{
	int			v;
	char	   *flat;

	if (buf->len - buf->cursor < fixed)
		llmcopy_bin_error(type, "The value is shorter than its header.");
	v = pq_getmsgbyte(buf);
	if (v != version)
		llmcopy_bin_error(type, psprintf("Format version %d is not supported.", v));
	*datalen = (Size) (buf->len - buf->cursor - (fixed - 1));
	flat = palloc0(hdrsz + *datalen);
	SET_VARSIZE(flat, hdrsz + *datalen);
	flat[VARHDRSZ] = (char) version;
	return flat;
}

void
llmcopy_agg_b64_put(StringInfo buf, const void *data, Size len)
{
	int			room;
	int			n;

	if (len > (Size) pg_b64_dec_len((int) (MaxAllocSize - 1024)))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("aggregate state of %zu bytes is too large for its text form", len),
				 errdetail("The text form, which Citus sends between nodes, is limited to 1 GB.")));
	room = pg_b64_enc_len((int) len);
	enlargeStringInfo(buf, room + 2);
	appendStringInfoChar(buf, '{');
	n = pg_b64_encode((const void *) data, (int) len, buf->data + buf->len, room);
	if (n < 0)
		elog(ERROR, "could not encode an aggregate state");
	buf->len += n;
	appendStringInfoChar(buf, '}');
}

char *
llmcopy_agg_b64_get(LitCursor *c, Size room, Size *len)
{
	const char *end;
	char	   *out;
	int			n;

	llmcopy_lit_skip_spaces(c);
	if (*c->p != '{')
		llmcopy_lit_error(c, "Expected \"{\" before the payload.");
	end = strchr(c->p + 1, '}');
	if (end == NULL)
		llmcopy_lit_error(c, "Expected \"}\" after the payload.");
	n = (int) (end - c->p - 1);
	out = palloc(room + pg_b64_dec_len(n) + 1);
	n = n == 0 ? 0 : pg_b64_decode(c->p + 1, n, (void *) (out + room), pg_b64_dec_len(n));
	if (n < 0)
		llmcopy_lit_error(c, "The payload is not valid base64.");
	c->p = end + 1;
	llmcopy_lit_end(c);
	*len = (Size) n;
	return out;
}
