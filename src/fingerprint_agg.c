/*
 * fingerprint_agg.c — corpus-level sets: fingerprint_union_agg and
 * fingerprint_common_agg, in memory bounded by work_mem, in parallel, and
 * on Citus shards; their state type, fingerprint_agg_state.
 *
 * The state is a multiset of hashes kept as sorted runs of (hash, count)
 * pairs, where count is the number of input fingerprints holding the hash
 * (the union keeps no counts).  Input fingerprints are sorted and unique.
 * Small ones are appended to a buffer; a full buffer is radix-sorted,
 * collapsed into counts, and the sorted chunk is merged into the in-memory
 * run from the back, in place, adding counts.  When the run would outgrow
 * its share of work_mem, run and chunk are merged onto a new logical tape
 * instead (a spilled run), and the in-memory run starts again empty.  A
 * large input fingerprint is a chunk by itself.  Nothing sorted is ever
 * sorted again: runs only meet in merges.
 *
 * The final function merges every run, in passes of at most the fan-in
 * whose tape buffers fit in work_mem when there are many, and keeps the
 * hashes whose count reaches the threshold: min_docs, or min_share of the
 * fingerprints aggregated (resolved once they are all counted).  Memory:
 * the buffer, the in-memory run and the tape buffers, about work_mem in
 * all, plus the result; disk: about 12 bytes a distinct hash per run.
 * Counts saturate at 2^32 - 1, beyond any min_docs.
 *
 * While aggregated, the state is an expanded object (agg_state.c).  Its flat
 * form, built when PostgreSQL needs the value (a parallel worker's partial
 * state) or Citus sends it (the text form), is every run merged into one:
 * hashes delta-coded and counts as varints.  That coded run stays in the
 * state as one more sorted source, so flattening loses nothing.  Combining
 * adds counts hash by hash, so min_docs and min_share are exact however the
 * rows were split among workers, partitions or shards.
 *
 * Spilled runs live in a tape set in the aggregate context, not in the
 * state's own context, and are closed by a callback on the aggregate (not
 * by the state's deletion): on an error, the transaction's cleanup closes
 * the temporary files before it frees memory.
 */
#include "llmcopy_agg.h"

#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/logtape.h"
#include "utils/memutils.h"

#define FPAGG_BLOCK		1024		/* entries per tape block */
#define FPAGG_READ_BUF	(4 * BLCKSZ)	/* read buffer of a tape being merged */
#define FPAGG_MAX_FANIN 1024

/*
 * The flat form of a fingerprint_agg_state, version 1 (native byte order;
 * send/recv use network order for the fixed fields): varlena header,
 * version, flags, the fingerprints' parameters (mode, k, w, seed; zero
 * while no fingerprint was counted), min_docs or min_share (the
 * common set's threshold; both 0 for the union), the fingerprints counted,
 * their tokens, the number of distinct hashes, then each hash as a varint
 * delta from the previous one (the first as is), followed by its count as
 * a varint when FPAGG_COUNTED.
 */
#define FPAGG_STATE_VERSION 1
#define FPAGG_COUNTED		0x01	/* fingerprint_common_agg: counts per hash */
#define FPAGG_KNOWN_FLAGS	FPAGG_COUNTED

typedef struct FpAggFlat
{
	int32		vl_len_;
	uint8		version;
	uint8		flags;
	uint8		mode;
	uint8		k;
	uint16		w;
	uint16		reserved;
	uint32		seed;
	int32		min_docs;
	float8		min_share;
	uint64		docs;
	uint64		tokens;
	uint64		nhashes;
	uint8		data[FLEXIBLE_ARRAY_MEMBER];
} FpAggFlat;

#define FPAGG_FLAT_HDRSZ offsetof(FpAggFlat, data)

/* A spilled run: a tape of blocks [uint32 n][n hashes][n counts], then 0. */
typedef struct FpRun
{
	LogicalTape *tape;
	uint64		n;
} FpRun;

/* The spilled runs of a state, in the aggregate context (see above). */
typedef struct FpTapes
{
	MemoryContext ctx;
	LogicalTapeSet *lts;
	FpRun	   *runs;
	int			nruns;
	int			maxruns;
} FpTapes;

typedef struct FpAggState
{
	ExpandedObjectHeader hdr;	/* first: the state is an expanded object */
	bool		counted;		/* common: a count per hash */
	bool		finished;		/* runs consumed by the final function */
	bool		can_spill;
	Fingerprint *params;		/* header of the first input: its parameters */
	uint64		tokens;
	uint64		docs;			/* non-NULL fingerprints aggregated */
	int32		min_docs;		/* fingerprint_common_agg(fp, int); 0 if not */
	float8		min_share;		/* fingerprint_common_agg(fp, float8); 0 if not */

	/* limits, from work_mem */
	Size		bufmax;			/* entries of the buffer */
	Size		rmax;			/* entries of the in-memory run */
	int			fanin;			/* tapes merged at once */

	/* input hashes not yet sorted; bufc: counts while collapsing */
	uint64	   *buf;
	uint32	   *bufc;
	Size		nbuf;
	Size		bufcap;

	/* the in-memory run: sorted, unique, with counts when counted */
	uint64	   *h;
	uint32	   *c;
	Size		n;
	Size		cap;

	/* spilled runs, NULL before the first spill */
	FpTapes    *tapes;

	/* the coded run of the last flattening: data of the flat form */
	uint8	   *ser;
	Size		serlen;
	uint64		nser;
} FpAggState;

static const ExpandedObjectMethods fpagg_methods;

/* ---- sorted sources of (hash, count) ---- */

typedef enum FpSourceKind
{
	SRC_ARRAY,					/* one block in memory */
	SRC_TAPE,
	SRC_SERIAL
} FpSourceKind;

typedef struct FpSource
{
	FpSourceKind kind;
	bool		counted;		/* the source has counts (else each is 1) */
	const uint64 *h;			/* the current block */
	const uint32 *c;			/* its counts, or NULL: each 1 */
	Size		n;
	Size		pos;
	/* SRC_TAPE and SRC_SERIAL: where blocks are decoded */
	uint64	   *hbuf;
	uint32	   *cbuf;
	LogicalTape *tape;
	const uint8 *p;				/* SRC_SERIAL */
	const uint8 *end;
	uint64		left;			/* entries not yet decoded */
	uint64		prev;			/* the last hash decoded */
	bool		started;
} FpSource;

static inline uint32
count_add(uint64 a, uint64 b)
{
	return (uint32) Min(a + b, (uint64) PG_UINT32_MAX);
}

static void
source_array(FpSource *s, const uint64 *h, const uint32 *c, Size n)
{
	memset(s, 0, sizeof(*s));
	s->kind = SRC_ARRAY;
	s->h = h;
	s->c = c;
	s->n = n;
}

static void
source_blocks(FpSource *s, FpSourceKind kind, bool counted)
{
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->counted = counted;
	s->hbuf = palloc(FPAGG_BLOCK * sizeof(uint64));
	s->cbuf = counted ? palloc(FPAGG_BLOCK * sizeof(uint32)) : NULL;
}

static void
tape_read(LogicalTape *t, void *p, size_t len)
{
	if (LogicalTapeRead(t, p, len) != len)
		elog(ERROR, "unexpected end of a fingerprint aggregate's temporary file");
}

static void
serial_corrupt(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("invalid fingerprint_agg_state value")));
}

static inline uint64
varint_get(const uint8 **pp, const uint8 *end)
{
	uint64		v;

	if (!llmcopy_varint_read(pp, end, &v))
		serial_corrupt();
	return v;
}

/* Load the next block of a source; false at its end. */
static bool
source_fill(FpSource *s)
{
	uint32		k;

	s->pos = 0;
	s->n = 0;
	if (s->kind == SRC_TAPE)
	{
		tape_read(s->tape, &k, sizeof(k));
		if (k == 0 || k > FPAGG_BLOCK)
		{
			if (k != 0)
				elog(ERROR, "invalid block in a fingerprint aggregate's temporary file");
			return false;
		}
		tape_read(s->tape, s->hbuf, k * sizeof(uint64));
		if (s->counted)
			tape_read(s->tape, s->cbuf, k * sizeof(uint32));
	}
	else if (s->kind == SRC_SERIAL)
	{
		k = (uint32) Min(s->left, (uint64) FPAGG_BLOCK);
		for (uint32 i = 0; i < k; i++)
		{
			uint64		d = varint_get(&s->p, s->end);

			/* strictly ascending: every delta but the first is > 0 */
			if (!s->started)
				s->prev = d;
			else if (d == 0 || d > PG_UINT64_MAX - s->prev)
				serial_corrupt();
			else
				s->prev += d;
			s->started = true;
			s->hbuf[i] = s->prev;
			if (s->counted)
			{
				uint64		c = varint_get(&s->p, s->end);

				if (c == 0 || c > PG_UINT32_MAX)
					serial_corrupt();
				s->cbuf[i] = (uint32) c;
			}
		}
		s->left -= k;
		if (k == 0)
		{
			if (s->p != s->end)
				serial_corrupt();
			return false;
		}
	}
	else
		return false;
	s->h = s->hbuf;
	s->c = s->counted ? s->cbuf : NULL;
	s->n = k;
	return true;
}

static inline bool
source_ready(FpSource *s)
{
	return s->pos < s->n || source_fill(s);
}

static inline uint64
source_key(const FpSource *s)
{
	return s->h[s->pos];
}

/* ---- sinks: where a merge writes ---- */

typedef enum FpSinkKind
{
	SINK_TAPE,					/* a new spilled run */
	SINK_RESULT,				/* the hashes whose count reaches a threshold */
	SINK_SERIAL					/* the coded partial state */
} FpSinkKind;

typedef struct FpSink
{
	FpSinkKind	kind;
	bool		counted;
	uint64		n;				/* entries written */
	/* SINK_TAPE */
	LogicalTape *tape;
	uint64	   *bh;
	uint32	   *bc;
	uint32		nb;
	/* SINK_RESULT */
	uint64		threshold;
	Fingerprint *fp;
	Size		cap;
	/* SINK_SERIAL */
	StringInfo	sbuf;
	uint64		prev;
} FpSink;

static void
sink_tape_flush(FpSink *k)
{
	if (k->nb == 0)
		return;
	LogicalTapeWrite(k->tape, &k->nb, sizeof(k->nb));
	LogicalTapeWrite(k->tape, k->bh, k->nb * sizeof(uint64));
	if (k->counted)
		LogicalTapeWrite(k->tape, k->bc, k->nb * sizeof(uint32));
	k->nb = 0;
}

static void
serial_too_large(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("state of a fingerprint aggregate exceeds 1 GB"),
			 errdetail("Partial aggregation sends each worker's or shard's distinct hashes in one value."),
			 errhint("Run the aggregate without parallel workers (SET max_parallel_workers_per_gather = 0) or over fewer rows per worker or shard.")));
}

static inline void
varint_put(StringInfo b, uint64 v)
{
	if (b->len > (int) (MaxAllocSize - FPAGG_FLAT_HDRSZ - 32))
		serial_too_large();
	llmcopy_varint_append(b, v);
}

static inline void
sink_put(FpSink *k, uint64 h, uint64 c)
{
	switch (k->kind)
	{
		case SINK_TAPE:
			k->bh[k->nb] = h;
			if (k->counted)
				k->bc[k->nb] = (uint32) Min(c, (uint64) PG_UINT32_MAX);
			if (++k->nb == FPAGG_BLOCK)
				sink_tape_flush(k);
			break;
		case SINK_RESULT:
			if (c < k->threshold)
				return;
			if (k->n == k->cap)
			{
				Size		ncap = Min(k->cap * 2, (Size) FINGERPRINT_MAX_HASHES);

				if (ncap <= k->cap)
					(void) fingerprint_alloc(k->fp, (uint32) Min(k->n + 1, (uint64) PG_UINT32_MAX));	/* raises the limit error */
				k->fp = repalloc(k->fp, FINGERPRINT_SIZE(ncap));
				k->cap = ncap;
			}
			k->fp->hashes[k->n] = h;
			break;
		case SINK_SERIAL:
			varint_put(k->sbuf, k->n == 0 ? h : h - k->prev);
			k->prev = h;
			if (k->counted)
				varint_put(k->sbuf, Min(c, (uint64) PG_UINT32_MAX));
			break;
	}
	k->n++;
}

/* ---- the merge ---- */

static inline void
heap_sift(FpSource **heap, int nh, int i)
{
	FpSource   *x = heap[i];
	uint64		key = source_key(x);

	for (;;)
	{
		int			l = 2 * i + 1;

		if (l >= nh)
			break;
		if (l + 1 < nh && source_key(heap[l + 1]) < source_key(heap[l]))
			l++;
		if (key <= source_key(heap[l]))
			break;
		heap[i] = heap[l];
		i = l;
	}
	heap[i] = x;
}

/* Merge k sorted, unique sources into a sink, adding the counts of equal hashes. */
static void
merge_sources(FpSource **src, int k, FpSink *out)
{
	FpSource  **heap = palloc(Max(k, 1) * sizeof(FpSource *));
	int			nh = 0;
	uint32		since_tick = 0;

	for (int i = 0; i < k; i++)
		if (source_ready(src[i]))
			heap[nh++] = src[i];
	for (int i = nh / 2 - 1; i >= 0; i--)
		heap_sift(heap, nh, i);
	while (nh > 0)
	{
		uint64		h = source_key(heap[0]);
		uint64		c = 0;

		do
		{
			FpSource   *s = heap[0];

			c += s->c ? s->c[s->pos] : 1;
			s->pos++;
			if (!source_ready(s))
				heap[0] = heap[--nh];
			if (nh > 1)
				heap_sift(heap, nh, 0);
		} while (nh > 0 && source_key(heap[0]) == h);
		sink_put(out, h, c);
		if (++since_tick == 65536)
		{
			since_tick = 0;
			CHECK_FOR_INTERRUPTS();
		}
	}
	pfree(heap);
}

/* ---- spilled runs ---- */

static void
tapes_shutdown(Datum arg)
{
	FpTapes    *t = (FpTapes *) DatumGetPointer(arg);

	for (int r = 0; r < t->nruns; r++)
		LogicalTapeClose(t->runs[r].tape);
	if (t->lts)
		LogicalTapeSetClose(t->lts);
	t->lts = NULL;
	t->nruns = 0;
}

/*
 * The state's tape set, made at its first spill, with its cleanup
 * registered on the aggregate (fcinfo is the transition or combine call).
 */
static FpTapes *
state_tapes(FpAggState *st, FunctionCallInfo fcinfo)
{
	FpTapes    *t = st->tapes;

	if (t == NULL)
	{
		if (fcinfo == NULL || !st->can_spill)
			elog(ERROR, "fingerprint aggregate state cannot spill here");
		t = MemoryContextAllocZero(MemoryContextGetParent(st->hdr.eoh_context), sizeof(FpTapes));
		t->ctx = MemoryContextGetParent(st->hdr.eoh_context);
		AggRegisterCallback(fcinfo, tapes_shutdown, PointerGetDatum(t));
		st->tapes = t;
	}
	if (t->lts == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(t->ctx);

		t->lts = LogicalTapeSetCreate(false, NULL, -1);
		MemoryContextSwitchTo(old);
	}
	return t;
}

static inline int
state_nruns(const FpAggState *st)
{
	return st->tapes ? st->tapes->nruns : 0;
}

/* Merge sources into a new spilled run. */
static void
state_spill(FpAggState *st, FunctionCallInfo fcinfo, FpSource **src, int k)
{
	FpTapes    *t = state_tapes(st, fcinfo);
	MemoryContext old = MemoryContextSwitchTo(t->ctx);
	FpSink		sink;

	if (t->nruns == t->maxruns)
	{
		t->maxruns = Max(16, t->maxruns * 2);
		t->runs = t->runs ? repalloc(t->runs, t->maxruns * sizeof(FpRun))
			: palloc(t->maxruns * sizeof(FpRun));
	}
	memset(&sink, 0, sizeof(sink));
	sink.kind = SINK_TAPE;
	sink.counted = st->counted;
	sink.tape = LogicalTapeCreate(t->lts);
	sink.bh = palloc(FPAGG_BLOCK * sizeof(uint64));
	sink.bc = st->counted ? palloc(FPAGG_BLOCK * sizeof(uint32)) : NULL;
	merge_sources(src, k, &sink);
	sink_tape_flush(&sink);
	LogicalTapeWrite(sink.tape, &sink.nb, sizeof(sink.nb));	/* 0: the end */
	/* from now on only read: this frees the write buffer */
	LogicalTapeRewindForRead(sink.tape, FPAGG_READ_BUF);
	t->runs[t->nruns].tape = sink.tape;
	t->runs[t->nruns].n = sink.n;
	t->nruns++;
	pfree(sink.bh);
	if (sink.bc)
		pfree(sink.bc);
	MemoryContextSwitchTo(old);
}

/* ---- the state ---- */

/*
 * A new, empty state in a context of its own under aggctx.  fcinfo: the
 * aggregate call, whose kind decides whether the state may spill (NULL for
 * a state read from a flat value, which holds one run and never spills).
 */
static FpAggState *
state_new(FunctionCallInfo fcinfo, MemoryContext aggctx, bool counted)
{
	FpAggState *st = llmcopy_agg_state_new(aggctx, sizeof(FpAggState), &fpagg_methods);
	Size		mem = (Size) work_mem * 1024;
	Size		entry = counted ? sizeof(uint64) + sizeof(uint32) : sizeof(uint64);

	st->counted = counted;
	st->can_spill = fcinfo != NULL && llmcopy_agg_can_spill(fcinfo);
	st->params = MemoryContextAllocZero(st->hdr.eoh_context, FINGERPRINT_HDRSZ);
	/* a quarter of work_mem for the buffer, the rest for the run */
	st->bufmax = Max(mem / 4 / entry, 1024);
	st->rmax = Max(mem / entry - st->bufmax, 2 * st->bufmax);
	if (!st->can_spill)
		st->rmax = MaxAllocHugeSize / entry;	/* a window aggregate: in memory */
	st->fanin = (int) Min(Max(mem / 2 / (FPAGG_READ_BUF + FPAGG_BLOCK * entry), 4), FPAGG_MAX_FANIN);
	return st;
}

/*
 * The final function consumes the state: an aggregate of one's own that
 * declares it READ_ONLY or SHAREABLE can run as a window function or share
 * its state with another aggregate, and reach it afterwards.
 */
static void
state_check_open(FpAggState *st)
{
	if (st->finished)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("a fingerprint aggregate state cannot be used after its final function"),
				 errhint("Declare an aggregate whose final function is fingerprint_union_final or fingerprint_common_final with FINALFUNC_MODIFY = READ_WRITE.")));
}

static void
state_take_params(FpAggState *st, const Fingerprint *f)
{
	if (st->docs == 0)
	{
		memcpy(st->params, f, FINGERPRINT_HDRSZ);
		st->params->flags = 0;
		st->params->threshold = 0;
	}
	else
		fingerprint_check_match(st->params, f);
}

/*
 * Add a sorted, unique chunk (counts c, or NULL for ones) to the in-memory
 * run: merged in place when the union fits in rmax, else run and chunk go
 * to a new spilled run.
 */
static void
state_add_chunk(FpAggState *st, FunctionCallInfo fcinfo, const uint64 *h, const uint32 *c, Size m)
{
	Size		u,
				i,
				j,
				k;
	uint32		since_tick = 0;

	if (m == 0)
		return;
	u = st->n + m - lc_intersect_count(st->h, st->n, h, m);
	if (u > st->rmax)
	{
		FpSource	a,
					b;
		FpSource   *src[2] = {&a, &b};

		source_array(&a, st->h, st->counted ? st->c : NULL, st->n);
		source_array(&b, h, st->counted ? c : NULL, m);
		state_spill(st, fcinfo, src, 2);
		st->n = 0;
		return;
	}
	if (u > st->cap)
	{
		Size		ncap = Min(Max(u, 2 * st->cap), st->rmax);

		if (st->h == NULL)
		{
			st->h = MemoryContextAllocHuge(st->hdr.eoh_context, ncap * sizeof(uint64));
			if (st->counted)
				st->c = MemoryContextAllocHuge(st->hdr.eoh_context, ncap * sizeof(uint32));
		}
		else
		{
			st->h = repalloc_huge(st->h, ncap * sizeof(uint64));
			if (st->counted)
				st->c = repalloc_huge(st->c, ncap * sizeof(uint32));
		}
		st->cap = ncap;
	}

	/*
	 * From the back, into the union's own size u: the slot k written next
	 * is i + j - (equal pairs left) - 1, and since every equal pair left
	 * holds one of the j chunk entries left, k >= i - 1; slot i - 1 is only
	 * written once run entry i - 1 has been read.
	 */
	i = st->n;
	j = m;
	k = u;
	while (j > 0)
	{
		uint64		x = h[j - 1];

		k--;
		if (i > 0 && st->h[i - 1] >= x)
		{
			bool		same = st->h[i - 1] == x;

			if (st->counted)
				st->c[k] = same ? count_add(st->c[i - 1], c ? c[j - 1] : 1) : st->c[i - 1];
			st->h[k] = st->h[i - 1];
			i--;
			if (same)
				j--;
		}
		else
		{
			st->h[k] = x;
			if (st->counted)
				st->c[k] = c ? c[j - 1] : 1;
			j--;
		}
		if (++since_tick == 65536)
		{
			since_tick = 0;
			CHECK_FOR_INTERRUPTS();
		}
	}
	Assert(k == i);
	st->n = u;
}

/* Sort the buffer and collapse equal hashes into counts: its unique entries. */
static Size
state_collapse(FpAggState *st)
{
	Size		m = 0;

	if (st->nbuf == 0)
		return 0;
	lc_sort_u64(st->buf, st->nbuf, llmcopy_env());
	if (st->counted && st->bufc == NULL)
		st->bufc = MemoryContextAllocHuge(st->hdr.eoh_context, st->bufmax * sizeof(uint32));
	for (Size i = 0; i < st->nbuf; i++)
	{
		if (m > 0 && st->buf[m - 1] == st->buf[i])
		{
			if (st->counted)
				st->bufc[m - 1]++;
			continue;
		}
		st->buf[m] = st->buf[i];
		if (st->counted)
			st->bufc[m] = 1;
		m++;
	}
	st->nbuf = 0;
	return m;
}

/* Add the buffer to the in-memory run as a chunk. */
static void
state_flush(FpAggState *st, FunctionCallInfo fcinfo)
{
	Size		m = state_collapse(st);

	state_add_chunk(st, fcinfo, st->buf, st->bufc, m);
}

static void
state_add_fingerprint(FpAggState *st, FunctionCallInfo fcinfo, const Fingerprint *f)
{
	Size		m = f->nhashes;

	state_check_open(st);
	state_take_params(st, f);
	st->tokens += f->tokens;
	st->docs++;
	if (m == 0)
		return;
	if (m >= st->bufmax / 2)
	{
		/* already sorted and unique: a chunk as it is */
		state_flush(st, fcinfo);
		state_add_chunk(st, fcinfo, f->hashes, NULL, m);
		return;
	}
	if (st->nbuf + m > st->bufcap)
	{
		if (st->bufcap < st->bufmax)
		{
			Size		ncap = Min(Max(st->nbuf + m, 2 * st->bufcap), st->bufmax);

			st->buf = st->buf ? repalloc_huge(st->buf, ncap * sizeof(uint64))
				: MemoryContextAllocHuge(st->hdr.eoh_context, ncap * sizeof(uint64));
			st->bufcap = ncap;
		}
		if (st->nbuf + m > st->bufcap)
			state_flush(st, fcinfo);
	}
	memcpy(st->buf + st->nbuf, f->hashes, m * sizeof(uint64));
	st->nbuf += m;
}

/* A source reading the coded run of n entries at p..end. */
static void
source_serial(FpSource *s, bool counted, const uint8 *p, const uint8 *end, uint64 n)
{
	source_blocks(s, SRC_SERIAL, counted);
	s->p = p;
	s->end = end;
	s->left = n;
}

/*
 * The state's sorted sources: the collapsed buffer (its m entries), the
 * in-memory run, the spilled runs, and the coded run.  src needs room for
 * nruns + 3.
 */
static int
state_sources(FpAggState *st, Size m, FpSource *store, FpSource **src)
{
	int			k = 0;

	if (m > 0)
	{
		source_array(&store[k], st->buf, st->counted ? st->bufc : NULL, m);
		src[k] = &store[k];
		k++;
	}
	if (st->n > 0)
	{
		source_array(&store[k], st->h, st->counted ? st->c : NULL, st->n);
		src[k] = &store[k];
		k++;
	}
	for (int r = 0; r < state_nruns(st); r++)
	{
		source_blocks(&store[k], SRC_TAPE, st->counted);
		store[k].tape = st->tapes->runs[r].tape;
		src[k] = &store[k];
		k++;
	}
	if (st->nser > 0)
	{
		source_serial(&store[k], st->counted, st->ser, st->ser + st->serlen, st->nser);
		src[k] = &store[k];
		k++;
	}
	return k;
}

static void
sources_free(FpSource *store, int k)
{
	for (int i = 0; i < k; i++)
	{
		if (store[i].hbuf)
			pfree(store[i].hbuf);
		if (store[i].cbuf)
			pfree(store[i].cbuf);
	}
}

/*
 * Merge everything the state holds into a sink: first spilled runs in
 * groups of fanin until the rest can be merged at once (nothing new spills:
 * this also runs where no cleanup could be registered, when a state is
 * flattened).  Afterwards the buffer, the in-memory run and the spilled
 * runs are empty; the coded run is left to the caller.
 */
static void
state_merge(FpAggState *st, FpSink *out)
{
	FpSource   *store;
	FpSource  **src;
	Size		m;
	int			k;

	state_check_open(st);
	m = state_collapse(st);
	while (state_nruns(st) > st->fanin)
	{
		FpTapes    *t = st->tapes;
		FpSource   *gstore = palloc(st->fanin * sizeof(FpSource));
		FpSource  **gsrc = palloc(st->fanin * sizeof(FpSource *));
		FpRun	   *group = palloc(st->fanin * sizeof(FpRun));

		/* the oldest runs, merged into one appended at the end */
		memcpy(group, t->runs, st->fanin * sizeof(FpRun));
		memmove(t->runs, t->runs + st->fanin, (t->nruns - st->fanin) * sizeof(FpRun));
		t->nruns -= st->fanin;
		for (int r = 0; r < st->fanin; r++)
		{
			source_blocks(&gstore[r], SRC_TAPE, st->counted);
			gstore[r].tape = group[r].tape;
			gsrc[r] = &gstore[r];
		}
		state_spill(st, NULL, gsrc, st->fanin);
		for (int r = 0; r < st->fanin; r++)
			LogicalTapeClose(group[r].tape);
		sources_free(gstore, st->fanin);
		pfree(gstore);
		pfree(gsrc);
		pfree(group);
	}
	store = palloc((state_nruns(st) + 3) * sizeof(FpSource));
	src = palloc((state_nruns(st) + 3) * sizeof(FpSource *));
	k = state_sources(st, m, store, src);
	merge_sources(src, k, out);
	sources_free(store, k);
	pfree(store);
	pfree(src);
	st->n = 0;
	if (st->tapes)
		tapes_shutdown(PointerGetDatum(st->tapes));
}

/*
 * Merge the state into its coded run (the data of its flat form), keeping
 * its value: nothing to do when it is one coded run already.  The buffers
 * are freed, so a flattened state holds about its flat size.
 */
static void
state_compact(FpAggState *st)
{
	MemoryContext old;
	StringInfoData b;
	FpSink		sink;

	state_check_open(st);
	if (st->nbuf == 0 && st->n == 0 && state_nruns(st) == 0)
		return;
	old = MemoryContextSwitchTo(st->hdr.eoh_context);
	initStringInfo(&b);
	memset(&sink, 0, sizeof(sink));
	sink.kind = SINK_SERIAL;
	sink.counted = st->counted;
	sink.sbuf = &b;
	state_merge(st, &sink);
	MemoryContextSwitchTo(old);
	if (st->ser)
		pfree(st->ser);
	st->ser = (uint8 *) b.data;
	st->serlen = b.len;
	st->nser = sink.n;
	if (st->h)
		pfree(st->h);
	if (st->c)
		pfree(st->c);
	if (st->buf)
		pfree(st->buf);
	if (st->bufc)
		pfree(st->bufc);
	st->h = st->buf = NULL;
	st->c = st->bufc = NULL;
	st->cap = st->bufcap = 0;
}

static Size
fpagg_get_flat_size(ExpandedObjectHeader *eoh)
{
	FpAggState *st = (FpAggState *) eoh;

	state_compact(st);
	return FPAGG_FLAT_HDRSZ + st->serlen;
}

static void
fpagg_flatten_into(ExpandedObjectHeader *eoh, void *result, Size size)
{
	FpAggState *st = (FpAggState *) eoh;
	FpAggFlat  *f = (FpAggFlat *) result;

	state_compact(st);
	Assert(size == FPAGG_FLAT_HDRSZ + st->serlen);
	memset(f, 0, FPAGG_FLAT_HDRSZ);
	SET_VARSIZE(f, size);
	f->version = FPAGG_STATE_VERSION;
	f->flags = st->counted ? FPAGG_COUNTED : 0;
	if (st->docs > 0)
	{
		f->mode = st->params->mode;
		f->k = st->params->k;
		f->w = st->params->w;
		f->seed = st->params->seed;
	}
	f->min_docs = st->min_docs;
	f->min_share = st->min_share;
	f->docs = st->docs;
	f->tokens = st->tokens;
	f->nhashes = st->nser;
	if (st->serlen > 0)
		memcpy(f->data, st->ser, st->serlen);
}

static const ExpandedObjectMethods fpagg_methods = {
	fpagg_get_flat_size,
	fpagg_flatten_into
};

/* The flat form of a state argument (an expanded one is compacted first). */
static FpAggFlat *
flat_arg(Datum d)
{
	return (FpAggFlat *) llmcopy_agg_state_flat(d, &fpagg_methods);
}

/*
 * Add a flat state to a state: its counters, and its coded run as a chunk
 * merged in memory when it fits, else with the in-memory run as a new
 * spilled run.
 */
static void
state_add_flat(FpAggState *st, FunctionCallInfo fcinfo, const FpAggFlat *f)
{
	bool		counted = (f->flags & FPAGG_COUNTED) != 0;
	FpSource	s;

	state_check_open(st);
	if (counted != st->counted)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot combine the state of fingerprint_%s_agg with that of fingerprint_%s_agg",
						counted ? "common" : "union", st->counted ? "common" : "union")));
	if (f->min_docs != 0 || f->min_share != 0)
	{
		if ((st->min_docs != 0 || st->min_share != 0) &&
			(st->min_docs != f->min_docs || st->min_share != f->min_share))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must be the same for every row of a group",
							f->min_share != 0 ? "min_share" : "min_docs")));
		st->min_docs = f->min_docs;
		st->min_share = f->min_share;
	}
	if (f->docs == 0)
		return;
	{
		Fingerprint p;

		memset(&p, 0, sizeof(p));
		p.version = FINGERPRINT_VERSION;
		p.mode = f->mode;
		p.k = f->k;
		p.w = f->w;
		p.seed = f->seed;
		state_take_params(st, &p);
	}
	st->tokens += f->tokens;
	st->docs += f->docs;
	if (f->nhashes == 0)
		return;

	source_serial(&s, counted, f->data, (const uint8 *) f + VARSIZE(f), f->nhashes);
	if (st->n + f->nhashes <= st->rmax)
	{
		/*
		 * Small enough for the in-memory run: decode it and merge it in
		 * place.  Huge allocations: a run past 134 million hashes (8 bytes
		 * each; counts past 268 million) exceeds MaxAllocSize, with a large
		 * work_mem or in a state that cannot spill (the final function of a
		 * flat value), where rmax is MaxAllocHugeSize / entry.  rmax bounds
		 * these sizes (nhashes times an entry stays below MaxAllocHugeSize),
		 * and a flat value holds fewer than 1 G hashes (a byte each at
		 * least, checked on input), so a run truly too large is the
		 * allocator's out of memory error (53200), not an internal one.
		 */
		uint64	   *h = palloc_extended(f->nhashes * sizeof(uint64), MCXT_ALLOC_HUGE);
		uint32	   *c = counted ? palloc_extended(f->nhashes * sizeof(uint32), MCXT_ALLOC_HUGE) : NULL;
		Size		m = 0;

		for (; source_ready(&s) && m < f->nhashes; s.pos++, m++)
		{
			h[m] = source_key(&s);
			if (c)
				c[m] = s.c[s.pos];
		}
		if (m != f->nhashes || source_ready(&s))
			serial_corrupt();
		state_add_chunk(st, fcinfo, h, c, m);
		pfree(h);
		if (c)
			pfree(c);
	}
	else
	{
		/* large: the in-memory run and the coded run become one spilled run */
		FpSource	a;
		FpSource   *src[2] = {&s, &a};
		int			k = 1;

		if (st->n > 0)
		{
			source_array(&a, st->h, st->counted ? st->c : NULL, st->n);
			k = 2;
		}
		state_spill(st, fcinfo, src, k);
		st->n = 0;
	}
	sources_free(&s, 1);
}

/*
 * The state argument 0 of a transition or combine call: a new one for
 * NULL, the expanded state itself, or a new one holding a flat value.
 */
static FpAggState *
state_arg(FunctionCallInfo fcinfo, MemoryContext aggctx, bool counted)
{
	ExpandedObjectHeader *eoh;
	FpAggState *st;

	if (PG_ARGISNULL(0))
		return state_new(fcinfo, aggctx, counted);
	eoh = llmcopy_agg_state_get(PG_GETARG_DATUM(0), &fpagg_methods, true);
	if (eoh)
		return (FpAggState *) eoh;
	st = state_new(fcinfo, aggctx, counted);
	state_add_flat(st, fcinfo, flat_arg(PG_GETARG_DATUM(0)));
	return st;
}

/* The count a hash needs to be kept: min_docs, or min_share of the fingerprints. */
static uint64
state_threshold(const FpAggState *st)
{
	if (!st->counted)
		return 1;
	if (st->min_share > 0)
	{
		/* a share that is an exact count of documents must not round up past it */
		double		t = ceil(st->min_share * (double) st->docs * (1.0 - 1e-12));

		return Max((uint64) t, 1);
	}
	return (uint64) Max(st->min_docs, 1);
}

/* The result of the final function, consuming the state. */
static Datum
state_result(FpAggState *st)
{
	FpSink		sink;

	memset(&sink, 0, sizeof(sink));
	sink.kind = SINK_RESULT;
	sink.threshold = state_threshold(st);
	st->params->tokens = (uint32) Min(st->tokens, (uint64) PG_UINT32_MAX);
	sink.cap = 1024;
	sink.fp = fingerprint_alloc(st->params, (uint32) sink.cap);
	state_merge(st, &sink);
	st->finished = true;
	if (st->ser)
		pfree(st->ser);
	st->ser = NULL;
	st->nser = 0;
	sink.fp->nhashes = (uint32) sink.n;
	SET_VARSIZE(sink.fp, FINGERPRINT_SIZE(sink.n));
	return PointerGetDatum(sink.fp);
}

/* ---- SQL: transition, combine and final functions ---- */

#define FPAGG_WHAT "fingerprint aggregate"

PG_FUNCTION_INFO_V1(fingerprint_union_trans);
Datum
fingerprint_union_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = llmcopy_agg_context(fcinfo, FPAGG_WHAT);
	FpAggState *st = state_arg(fcinfo, aggctx, false);

	if (st->counted)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("a fingerprint_common_agg state cannot be aggregated by fingerprint_union_agg")));
	if (!PG_ARGISNULL(1))
		state_add_fingerprint(st, fcinfo, PG_GETARG_FINGERPRINT_P(1));
	PG_RETURN_DATUM(EOHPGetRWDatum(&st->hdr));
}

/*
 * fingerprint_common_agg's transition, after its threshold argument: a
 * count (min_docs, int) or a share of the fingerprints (min_share, float8),
 * the same for every row of a group.
 */
static Datum
common_trans(FunctionCallInfo fcinfo, bool share)
{
	MemoryContext aggctx = llmcopy_agg_context(fcinfo, FPAGG_WHAT);
	FpAggState *st = state_arg(fcinfo, aggctx, true);
	const char *name = share ? "min_share" : "min_docs";
	double		v;
	double		had = share ? st->min_share : st->min_docs;

	if (!st->counted)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("a fingerprint_union_agg state cannot be aggregated by fingerprint_common_agg")));
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be NULL", name)));
	v = share ? PG_GETARG_FLOAT8(2) : PG_GETARG_INT32(2);
	if (share && !(v > 0.0 && v <= 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_share must be greater than 0 and at most 1, not %g", v)));
	if (!share && v < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_docs must be at least 1, not %d", PG_GETARG_INT32(2))));
	if (had != 0 && had != v)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be the same for every row of a group", name)));
	if (share)
		st->min_share = v;
	else
		st->min_docs = PG_GETARG_INT32(2);
	if (!PG_ARGISNULL(1))
		state_add_fingerprint(st, fcinfo, PG_GETARG_FINGERPRINT_P(1));
	PG_RETURN_DATUM(EOHPGetRWDatum(&st->hdr));
}

PG_FUNCTION_INFO_V1(fingerprint_common_trans);
Datum
fingerprint_common_trans(PG_FUNCTION_ARGS)
{
	return common_trans(fcinfo, false);
}

PG_FUNCTION_INFO_V1(fingerprint_common_share_trans);
/* fingerprint_common_agg(fp, min_share float8): the threshold as a share of the fingerprints. */
Datum
fingerprint_common_share_trans(PG_FUNCTION_ARGS)
{
	return common_trans(fcinfo, true);
}

PG_FUNCTION_INFO_V1(fingerprint_agg_combine);
/* Add state 2 to state 1, whatever form each comes in. */
Datum
fingerprint_agg_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = llmcopy_agg_context(fcinfo, FPAGG_WHAT);
	FpAggFlat  *f;
	FpAggState *st;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	f = flat_arg(PG_GETARG_DATUM(1));
	st = state_arg(fcinfo, aggctx, (f->flags & FPAGG_COUNTED) != 0);
	state_add_flat(st, fcinfo, f);
	PG_RETURN_DATUM(EOHPGetRWDatum(&st->hdr));
}

/* The final function of all three aggregates (the state knows which). */
static Datum
fingerprint_agg_final(FunctionCallInfo fcinfo)
{
	ExpandedObjectHeader *eoh;
	FpAggState *st;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	/* FINALFUNC_MODIFY = READ_WRITE: the state may be consumed */
	eoh = llmcopy_agg_state_get(PG_GETARG_DATUM(0), &fpagg_methods, false);
	if (eoh)
		st = (FpAggState *) eoh;
	else
	{
		FpAggFlat  *f = flat_arg(PG_GETARG_DATUM(0));

		st = state_new(NULL, CurrentMemoryContext, (f->flags & FPAGG_COUNTED) != 0);
		state_add_flat(st, NULL, f);
	}
	if (st->docs == 0)
		PG_RETURN_NULL();
	return state_result(st);
}

PG_FUNCTION_INFO_V1(fingerprint_union_final);
Datum
fingerprint_union_final(PG_FUNCTION_ARGS)
{
	return fingerprint_agg_final(fcinfo);
}

PG_FUNCTION_INFO_V1(fingerprint_common_final);
/* The hashes found in at least the threshold's number of the aggregated fingerprints. */
Datum
fingerprint_common_final(PG_FUNCTION_ARGS)
{
	return fingerprint_agg_final(fcinfo);
}

/* ---- fingerprint_agg_state: I/O ----
 *
 *   v1 union docs=3 tokens=120 text k=5 w=10 seed=0 hashes=40 {base64}
 *   v1 common min_docs=2 docs=3 tokens=120 text k=5 w=10 seed=0 hashes=40 {base64}
 *   v1 common min_share=0.25 docs=0 tokens=0 hashes=0 {}
 *
 * The fields of the flat form, readable, and its coded run in base64: the
 * text form is how Citus sends a shard's state to the coordinator, so it is
 * kept about as compact as the binary one.  Parameters appear once a
 * fingerprint was counted.  Input checks what binary input checks.
 */

/*
 * Why a flat value is not a valid state, or NULL.  Decodes the whole coded
 * run: hashes strictly ascending, counts from 1 to the fingerprints counted.
 */
static const char *
flat_invalid(const FpAggFlat *f, Size len)
{
	bool		counted = (f->flags & FPAGG_COUNTED) != 0;
	const uint8 *p = f->data;
	const uint8 *end = (const uint8 *) f + len;
	uint64		prev = 0;

	if (f->flags & ~FPAGG_KNOWN_FLAGS)
		return "Unknown flags are set.";
	if (!counted && (f->min_docs != 0 || f->min_share != 0))
		return "A union state has no threshold.";
	if (counted && !((f->min_docs >= 1 && f->min_share == 0) ||
					 (f->min_docs == 0 && f->min_share > 0 && f->min_share <= 1)))
		return "A common state has min_docs of at least 1 or min_share in (0, 1], not both.";
	if (f->docs == 0)
	{
		if (f->tokens != 0 || f->nhashes != 0 || f->mode != 0 || f->k != 0 || f->w != 0 || f->seed != 0)
			return "A state that counted no fingerprint has no parameters, tokens or hashes.";
	}
	else if (f->mode >= LC_MODE_COUNT || f->k < LC_MIN_K || f->k > LC_MAX_K ||
			 f->w < LC_MIN_W || f->w > LC_MAX_W)
		return "The fingerprint parameters are out of range.";
	if (f->reserved != 0)
		return "Reserved bits are set.";
	if (f->nhashes > (uint64) (end - p))
		return "The header announces more hashes than the data holds.";
	for (uint64 i = 0; i < f->nhashes; i++)
	{
		uint64		d;
		uint64		c;

		if (!llmcopy_varint_read(&p, end, &d))
			return "The coded hashes end early or are malformed.";
		if (i > 0 && (d == 0 || d > PG_UINT64_MAX - prev))
			return "Hashes are not in strictly ascending order.";
		prev = i == 0 ? d : prev + d;
		if (counted)
		{
			if (!llmcopy_varint_read(&p, end, &c))
				return "The coded counts end early or are malformed.";
			if (c == 0 || c > PG_UINT32_MAX || c > f->docs)
				return "A count is out of range.";
		}
		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
	}
	if (p != end)
		return "Data follows the last hash.";
	return NULL;
}

#define FPAGG_TYPE "fingerprint_agg_state"

/* A word of lowercase letters at the cursor. */
static size_t
lit_word(LitCursor *c)
{
	size_t		n = 0;

	llmcopy_lit_skip_spaces(c);
	while (c->p[n] >= 'a' && c->p[n] <= 'z')
		n++;
	return n;
}

PG_FUNCTION_INFO_V1(fingerprint_agg_state_in);
Datum
fingerprint_agg_state_in(PG_FUNCTION_ARGS)
{
	const char *str = PG_GETARG_CSTRING(0);
	LitCursor	c;
	FpAggFlat	h;
	FpAggFlat  *f;
	size_t		n;
	Size		len;
	const char *why;

	memset(&h, 0, sizeof(h));
	llmcopy_agg_lit_begin(&c, FPAGG_TYPE, str);
	n = lit_word(&c);
	if (n == 5 && strncmp(c.p, "union", 5) == 0)
		h.flags = 0;
	else if (n == 6 && strncmp(c.p, "common", 6) == 0)
		h.flags = FPAGG_COUNTED;
	else
		llmcopy_lit_error(&c, "The kind must be \"union\" or \"common\".");
	c.p += n;
	llmcopy_lit_skip_spaces(&c);
	if (h.flags & FPAGG_COUNTED)
	{
		if (strncmp(c.p, "min_share=", 10) == 0)
		{
			char	   *end;

			c.p += 10;
			h.min_share = strtod(c.p, &end);
			if (end == c.p || !(h.min_share > 0 && h.min_share <= 1))
				llmcopy_lit_error(&c, "min_share must be greater than 0 and at most 1.");
			c.p = end;
		}
		else
			h.min_docs = (int32) llmcopy_lit_field(&c, "min_docs", PG_INT32_MAX);
	}
	h.docs = llmcopy_lit_field(&c, "docs", PG_UINT64_MAX / 10);
	h.tokens = llmcopy_lit_field(&c, "tokens", PG_UINT64_MAX / 10);
	if (h.docs > 0)
	{
		int			m;

		llmcopy_lit_skip_spaces(&c);
		n = lc_mode_name_len(c.p);
		m = lc_mode_parse(c.p, n);
		if (m < 0)
			llmcopy_lit_error(&c, lc_modes_hint());
		h.mode = (uint8) m;
		c.p += n;
		h.k = (uint8) llmcopy_lit_field(&c, "k", LC_MAX_K);
		h.w = (uint16) llmcopy_lit_field(&c, "w", LC_MAX_W);
		h.seed = (uint32) llmcopy_lit_field(&c, "seed", PG_UINT32_MAX);
	}
	h.nhashes = llmcopy_lit_field(&c, "hashes", PG_UINT64_MAX / 10);
	f = (FpAggFlat *) llmcopy_agg_b64_get(&c, FPAGG_FLAT_HDRSZ, &len);
	h.version = FPAGG_STATE_VERSION;
	memcpy(f, &h, FPAGG_FLAT_HDRSZ);
	SET_VARSIZE(f, FPAGG_FLAT_HDRSZ + len);
	if ((why = flat_invalid(f, VARSIZE(f))) != NULL)
		llmcopy_lit_error(&c, why);
	PG_RETURN_POINTER(f);
}

PG_FUNCTION_INFO_V1(fingerprint_agg_state_out);
Datum
fingerprint_agg_state_out(PG_FUNCTION_ARGS)
{
	FpAggFlat  *f = flat_arg(PG_GETARG_DATUM(0));
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d %s ", f->version, (f->flags & FPAGG_COUNTED) ? "common" : "union");
	if (f->min_share > 0)
		appendStringInfo(&buf, "min_share=%.17g ", f->min_share);
	else if (f->flags & FPAGG_COUNTED)
		appendStringInfo(&buf, "min_docs=%d ", f->min_docs);
	appendStringInfo(&buf, "docs=" UINT64_FORMAT " tokens=" UINT64_FORMAT " ", f->docs, f->tokens);
	if (f->docs > 0)
		appendStringInfo(&buf, "%s k=%d w=%d seed=%u ", lc_mode_name((lc_mode) f->mode), f->k, f->w, f->seed);
	appendStringInfo(&buf, "hashes=" UINT64_FORMAT " ", f->nhashes);
	llmcopy_agg_b64_put(&buf, f->data, VARSIZE(f) - FPAGG_FLAT_HDRSZ);
	PG_RETURN_CSTRING(buf.data);
}

/* binary form: the header's fields in network order (48 bytes), then the coded run */
#define FPAGG_SEND_FIXED 48

PG_FUNCTION_INFO_V1(fingerprint_agg_state_recv);
Datum
fingerprint_agg_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	Size		len;
	FpAggFlat  *f = llmcopy_agg_recv_begin(buf, FPAGG_TYPE, FPAGG_STATE_VERSION, FPAGG_SEND_FIXED,
										   FPAGG_FLAT_HDRSZ, &len);
	const char *why;

	f->flags = (uint8) pq_getmsgbyte(buf);
	f->mode = (uint8) pq_getmsgbyte(buf);
	f->k = (uint8) pq_getmsgbyte(buf);
	f->w = (uint16) pq_getmsgint(buf, 2);
	f->reserved = (uint16) pq_getmsgint(buf, 2);
	f->seed = (uint32) pq_getmsgint(buf, 4);
	f->min_docs = (int32) pq_getmsgint(buf, 4);
	f->min_share = pq_getmsgfloat8(buf);
	f->docs = (uint64) pq_getmsgint64(buf);
	f->tokens = (uint64) pq_getmsgint64(buf);
	f->nhashes = (uint64) pq_getmsgint64(buf);
	pq_copymsgbytes(buf, (char *) f->data, (int) len);
	if ((why = flat_invalid(f, VARSIZE(f))) != NULL)
		llmcopy_bin_error(FPAGG_TYPE, why);
	PG_RETURN_POINTER(f);
}

PG_FUNCTION_INFO_V1(fingerprint_agg_state_send);
Datum
fingerprint_agg_state_send(PG_FUNCTION_ARGS)
{
	FpAggFlat  *f = flat_arg(PG_GETARG_DATUM(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, f->version);
	pq_sendbyte(&buf, f->flags);
	pq_sendbyte(&buf, f->mode);
	pq_sendbyte(&buf, f->k);
	pq_sendint16(&buf, f->w);
	pq_sendint16(&buf, f->reserved);
	pq_sendint32(&buf, f->seed);
	pq_sendint32(&buf, f->min_docs);
	pq_sendfloat8(&buf, f->min_share);
	pq_sendint64(&buf, f->docs);
	pq_sendint64(&buf, f->tokens);
	pq_sendint64(&buf, f->nhashes);
	pq_sendbytes(&buf, (const void *) f->data, VARSIZE(f) - FPAGG_FLAT_HDRSZ);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}
