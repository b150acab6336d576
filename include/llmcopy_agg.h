/*
 * llmcopy_agg.h — what the aggregate state types share (agg_state.c).
 *
 * The states of fingerprint_union_agg, fingerprint_common_agg and
 * attribution_agg are values of types of their own, so that Citus can ship
 * them between nodes, and expanded objects while they are aggregated, so
 * that nodeAgg keeps them in place without copying (see agg_state.c).
 */
#ifndef LLMCOPY_AGG_H
#define LLMCOPY_AGG_H

#include "pg_llmcopy.h"

#include "lib/stringinfo.h"
#include "utils/expandeddatum.h"

/* The aggregate context of a call, or an error naming the aggregate. */
extern MemoryContext llmcopy_agg_context(FunctionCallInfo fcinfo, const char *what);

/* True when a spilling state may register its cleanup (a plain aggregate). */
extern bool llmcopy_agg_can_spill(FunctionCallInfo fcinfo);

/*
 * A zeroed state of size bytes starting with its ExpandedObjectHeader, in a
 * new memory context that is a child of parent (the aggregate context).
 */
extern void *llmcopy_agg_state_new(MemoryContext parent, Size size,
								   const ExpandedObjectMethods *methods);

/*
 * The expanded state a datum points to, if it is one of these methods (a
 * read-write pointer only, when rw), else NULL; an expanded object of
 * another kind is an error.
 */
extern ExpandedObjectHeader *llmcopy_agg_state_get(Datum d, const ExpandedObjectMethods *methods,
												   bool rw);

/*
 * The flat form of a state datum: a flat value detoasted, or an expanded
 * state (of these methods) flattened into a copy.
 */
extern void *llmcopy_agg_state_flat(Datum d, const ExpandedObjectMethods *methods);

/*
 * The flat forms begin alike: the varlena header, then a version byte.
 * Their text forms begin with "v<version> "; reading one starts here.
 */
extern void llmcopy_agg_lit_begin(LitCursor *c, const char *type, const char *str);

/*
 * Reading a binary form: checks its version byte (the first) and that the
 * fixed fields (fixed bytes, the version included) are there, and returns a
 * zeroed flat value of hdrsz bytes of header and room for the rest of the
 * message (its length in *datalen), with its size and version set.
 */
extern void *llmcopy_agg_recv_begin(StringInfo buf, const char *type, int version,
									int fixed, Size hdrsz, Size *datalen);

/* The text form's payload: "{base64}" of len bytes, appended to buf. */
extern void llmcopy_agg_b64_put(StringInfo buf, const void *data, Size len);

/*
 * Read the payload "{base64}" at the cursor into a new buffer, after room
 * bytes left free in front of it; returns the buffer, its decoded length in
 * *len.  Malformed payloads are input errors.
 */
extern char *llmcopy_agg_b64_get(LitCursor *c, Size room, Size *len);

/*
 * Varints (7 bits a byte, least significant first), how the flat forms
 * code their numbers.  Read one at *pp, before end: false when it is cut
 * short or longer than 64 bits.
 */
static inline bool
llmcopy_varint_read(const uint8 **pp, const uint8 *end, uint64 *v)
{
	const uint8 *p = *pp;

	*v = 0;
	for (int shift = 0; shift < 64; shift += 7)
	{
		if (p >= end || (shift == 63 && (*p & 0x7E) != 0))
			return false;
		*v |= (uint64) (*p & 0x7F) << shift;
		if ((*p++ & 0x80) == 0)
		{
			*pp = p;
			return true;
		}
	}
	return false;
}

/* Write a varint at p (room for 10 bytes); returns its length. */
static inline int
llmcopy_varint_write(uint8 *p, uint64 v)
{
	int			n = 0;

	while (v >= 0x80)
	{
		p[n++] = (uint8) (v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8) v;
	return n;
}

/* The length of a varint. */
static inline int
llmcopy_varint_len(uint64 v)
{
	int			n = 1;

	while (v >= 0x80)
	{
		v >>= 7;
		n++;
	}
	return n;
}

static inline void
llmcopy_varint_append(StringInfo b, uint64 v)
{
	enlargeStringInfo(b, 10);
	b->len += llmcopy_varint_write((uint8 *) b->data + b->len, v);
}

#endif							/* LLMCOPY_AGG_H */
