/*
 * fingerprint_agg.c — corpus-level sets: fingerprint_union_agg and
 * fingerprint_common_agg, in memory bounded by work_mem, in parallel.
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
 * Partial aggregation: a state serializes to its runs merged into one,
 * hashes delta-coded and counts as varints; combining adds counts hash by
 * hash, so min_docs and min_share are exact however the rows were split
 * among workers or shards.
 */
#include "pg_llmcopy.h"

#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/logtape.h"
#include "utils/memutils.h"

#define FPAGG_BLOCK		1024		/* entries per tape block */
#define FPAGG_READ_BUF	(4 * BLCKSZ)	/* read buffer of a tape being merged */
#define FPAGG_MAX_FANIN 1024
#define FPAGG_SERIAL_VERSION 1

/* A spilled run: a tape of blocks [uint32 n][n hashes][n counts], then 0. */
typedef struct FpRun
{
	LogicalTape *tape;
	uint64		n;
} FpRun;

typedef struct FpAggState
{
	MemoryContext ctx;
	bool		counted;		/* common: a count per hash */
	bool		have_params;
	bool		finished;		/* runs consumed by the final or serial function */
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

	/* spilled runs */
	LogicalTapeSet *lts;
	FpRun	   *runs;
	int			nruns;
	int			maxruns;

	/* a deserialized state: one run, still coded (see fingerprint_agg_serialize) */
	const uint8 *ser;
	const uint8 *ser_end;
	uint64		nser;
} FpAggState;

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
			 errmsg("invalid partial state of a fingerprint aggregate")));
}

static inline uint64
varint_get(const uint8 **pp, const uint8 *end)
{
	const uint8 *p = *pp;
	uint64		v = 0;

	for (int shift = 0; shift < 64; shift += 7)
	{
		if (p >= end)
			serial_corrupt();
		v |= (uint64) (*p & 0x7F) << shift;
		if ((*p++ & 0x80) == 0)
		{
			*pp = p;
			return v;
		}
	}
	serial_corrupt();
	return 0;
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
			 errmsg("partial state of a fingerprint aggregate exceeds 1 GB"),
			 errdetail("Partial aggregation sends each worker's distinct hashes in one value."),
			 errhint("Run the aggregate without parallel workers (SET max_parallel_workers_per_gather = 0) or over fewer rows per worker or shard.")));
}

static inline void
varint_put(StringInfo b, uint64 v)
{
	if (b->len > (int) (MaxAllocSize - VARHDRSZ - 32))
		serial_too_large();
	enlargeStringInfo(b, 10);
	while (v >= 0x80)
	{
		b->data[b->len++] = (char) (v | 0x80);
		v >>= 7;
	}
	b->data[b->len++] = (char) v;
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

/* ---- the state ---- */

static void
state_shutdown(Datum arg)
{
	FpAggState *st = (FpAggState *) DatumGetPointer(arg);

	for (int r = 0; r < st->nruns; r++)
		LogicalTapeClose(st->runs[r].tape);
	if (st->lts)
		LogicalTapeSetClose(st->lts);
	st->lts = NULL;
	st->nruns = 0;
}

/*
 * A new, empty state in ctx.  A state that lives in the aggregate's context
 * closes its temporary file when that context is reset; a deserialized one
 * (fcinfo NULL) lives for one call and never spills.
 */
static FpAggState *
state_new(FunctionCallInfo fcinfo, MemoryContext ctx, bool counted)
{
	FpAggState *st = MemoryContextAllocZero(ctx, sizeof(FpAggState));
	Size		mem = (Size) work_mem * 1024;
	Size		entry = counted ? sizeof(uint64) + sizeof(uint32) : sizeof(uint64);

	st->ctx = ctx;
	st->counted = counted;
	st->params = MemoryContextAllocZero(ctx, FINGERPRINT_HDRSZ);
	/* a quarter of work_mem for the buffer, the rest for the run */
	st->bufmax = Max(mem / 4 / entry, 1024);
	st->rmax = Max(mem / entry - st->bufmax, 2 * st->bufmax);
	st->fanin = (int) Min(Max(mem / 2 / (FPAGG_READ_BUF + FPAGG_BLOCK * entry), 4), FPAGG_MAX_FANIN);
	if (fcinfo)
		AggRegisterCallback(fcinfo, state_shutdown, PointerGetDatum(st));
	return st;
}

static FpAggState *
state_get(FunctionCallInfo fcinfo, bool counted)
{
	MemoryContext aggctx;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("fingerprint aggregate functions can only be called as aggregates")));
	if (!PG_ARGISNULL(0))
		return (FpAggState *) PG_GETARG_POINTER(0);
	return state_new(fcinfo, aggctx, counted);
}

static void
state_check_open(FpAggState *st)
{
	if (st->finished)
		elog(ERROR, "fingerprint aggregate state used after it was finalized");
}

static void
state_take_params(FpAggState *st, const Fingerprint *f)
{
	if (!st->have_params)
	{
		memcpy(st->params, f, FINGERPRINT_HDRSZ);
		st->params->flags = 0;
		st->params->threshold = 0;
		st->have_params = true;
	}
	else
		fingerprint_check_match(st->params, f);
}

/* Merge sources into a new spilled run. */
static void
state_spill(FpAggState *st, FpSource **src, int k)
{
	MemoryContext old = MemoryContextSwitchTo(st->ctx);
	FpSink		sink;

	if (st->lts == NULL)
		st->lts = LogicalTapeSetCreate(false, NULL, -1);
	if (st->nruns == st->maxruns)
	{
		st->maxruns = Max(16, st->maxruns * 2);
		st->runs = st->runs ? repalloc(st->runs, st->maxruns * sizeof(FpRun))
			: palloc(st->maxruns * sizeof(FpRun));
	}
	memset(&sink, 0, sizeof(sink));
	sink.kind = SINK_TAPE;
	sink.counted = st->counted;
	sink.tape = LogicalTapeCreate(st->lts);
	sink.bh = palloc(FPAGG_BLOCK * sizeof(uint64));
	sink.bc = st->counted ? palloc(FPAGG_BLOCK * sizeof(uint32)) : NULL;
	merge_sources(src, k, &sink);
	sink_tape_flush(&sink);
	LogicalTapeWrite(sink.tape, &sink.nb, sizeof(sink.nb));	/* 0: the end */
	/* from now on only read: this frees the write buffer */
	LogicalTapeRewindForRead(sink.tape, FPAGG_READ_BUF);
	st->runs[st->nruns].tape = sink.tape;
	st->runs[st->nruns].n = sink.n;
	st->nruns++;
	pfree(sink.bh);
	if (sink.bc)
		pfree(sink.bc);
	MemoryContextSwitchTo(old);
}

/*
 * Add a sorted, unique chunk (counts c, or NULL for ones) to the in-memory
 * run: merged in place when the union fits in rmax, else run and chunk go
 * to a new spilled run.
 */
static void
state_add_chunk(FpAggState *st, const uint64 *h, const uint32 *c, Size m)
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
		state_spill(st, src, 2);
		st->n = 0;
		return;
	}
	if (u > st->cap)
	{
		Size		ncap = Min(Max(u, 2 * st->cap), st->rmax);

		if (st->h == NULL)
		{
			st->h = MemoryContextAllocHuge(st->ctx, ncap * sizeof(uint64));
			if (st->counted)
				st->c = MemoryContextAllocHuge(st->ctx, ncap * sizeof(uint32));
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

/* Sort the buffer, collapse equal hashes into counts, add it as a chunk. */
static void
state_flush(FpAggState *st)
{
	Size		m = 0;

	if (st->nbuf == 0)
		return;
	lc_sort_u64(st->buf, st->nbuf, llmcopy_env());
	if (st->counted && st->bufc == NULL)
		st->bufc = MemoryContextAllocHuge(st->ctx, st->bufmax * sizeof(uint32));
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
	state_add_chunk(st, st->buf, st->bufc, m);
}

static void
state_add_fingerprint(FpAggState *st, const Fingerprint *f)
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
		state_flush(st);
		state_add_chunk(st, f->hashes, NULL, m);
		return;
	}
	if (st->nbuf + m > st->bufcap)
	{
		if (st->bufcap < st->bufmax)
		{
			Size		ncap = Min(Max(st->nbuf + m, 2 * st->bufcap), st->bufmax);

			st->buf = st->buf ? repalloc_huge(st->buf, ncap * sizeof(uint64))
				: MemoryContextAllocHuge(st->ctx, ncap * sizeof(uint64));
			st->bufcap = ncap;
		}
		if (st->nbuf + m > st->bufcap)
			state_flush(st);
	}
	memcpy(st->buf + st->nbuf, f->hashes, m * sizeof(uint64));
	st->nbuf += m;
}

/*
 * The state's sorted sources: the in-memory run, the spilled runs, and a
 * deserialized run.  src needs room for nruns + 2.
 */
static int
state_sources(FpAggState *st, FpSource *store, FpSource **src)
{
	int			k = 0;

	if (st->n > 0)
	{
		source_array(&store[k], st->h, st->counted ? st->c : NULL, st->n);
		src[k] = &store[k];
		k++;
	}
	for (int r = 0; r < st->nruns; r++)
	{
		source_blocks(&store[k], SRC_TAPE, st->counted);
		store[k].tape = st->runs[r].tape;
		src[k] = &store[k];
		k++;
	}
	if (st->ser)
	{
		source_blocks(&store[k], SRC_SERIAL, st->counted);
		store[k].p = st->ser;
		store[k].end = st->ser_end;
		store[k].left = st->nser;
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
 * Merge everything the state holds into a sink, consuming the state: first
 * spilled runs in groups of fanin until the rest can be merged at once.
 * Tapes are read in the state's context, where their buffers belong.
 */
static void
state_finish(FpAggState *st, FpSink *out)
{
	MemoryContext old;
	FpSource   *store;
	FpSource  **src;
	int			k;

	state_check_open(st);
	state_flush(st);
	old = MemoryContextSwitchTo(st->ctx);
	while (st->nruns > st->fanin)
	{
		FpSource   *gstore = palloc(st->fanin * sizeof(FpSource));
		FpSource  **gsrc = palloc(st->fanin * sizeof(FpSource *));
		FpRun	   *group = palloc(st->fanin * sizeof(FpRun));

		/* the oldest runs, merged into one appended at the end */
		memcpy(group, st->runs, st->fanin * sizeof(FpRun));
		memmove(st->runs, st->runs + st->fanin, (st->nruns - st->fanin) * sizeof(FpRun));
		st->nruns -= st->fanin;
		for (int r = 0; r < st->fanin; r++)
		{
			source_blocks(&gstore[r], SRC_TAPE, st->counted);
			gstore[r].tape = group[r].tape;
			gsrc[r] = &gstore[r];
		}
		state_spill(st, gsrc, st->fanin);
		for (int r = 0; r < st->fanin; r++)
			LogicalTapeClose(group[r].tape);
		sources_free(gstore, st->fanin);
		pfree(gstore);
		pfree(gsrc);
		pfree(group);
	}
	store = palloc((st->nruns + 2) * sizeof(FpSource));
	src = palloc((st->nruns + 2) * sizeof(FpSource *));
	k = state_sources(st, store, src);
	merge_sources(src, k, out);
	sources_free(store, k);
	pfree(store);
	pfree(src);
	st->finished = true;
	st->n = 0;
	state_shutdown(PointerGetDatum(st));
	MemoryContextSwitchTo(old);
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
	state_finish(st, &sink);
	sink.fp->nhashes = (uint32) sink.n;
	SET_VARSIZE(sink.fp, FINGERPRINT_SIZE(sink.n));
	return PointerGetDatum(sink.fp);
}

/* ---- SQL: transition and final functions ---- */

PG_FUNCTION_INFO_V1(fingerprint_union_trans);
Datum
fingerprint_union_trans(PG_FUNCTION_ARGS)
{
	FpAggState *st = state_get(fcinfo, false);

	if (!PG_ARGISNULL(1))
		state_add_fingerprint(st, PG_GETARG_FINGERPRINT_P(1));
	PG_RETURN_POINTER(st);
}

/* The final function of all three aggregates (the state knows which). */
static Datum
fingerprint_agg_final(FunctionCallInfo fcinfo)
{
	FpAggState *st;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (FpAggState *) PG_GETARG_POINTER(0);
	if (!st->have_params)
		PG_RETURN_NULL();
	return state_result(st);
}

PG_FUNCTION_INFO_V1(fingerprint_union_final);
Datum
fingerprint_union_final(PG_FUNCTION_ARGS)
{
	return fingerprint_agg_final(fcinfo);
}

/*
 * fingerprint_common_agg's transition, after its threshold argument: a
 * count (min_docs, int) or a share of the fingerprints (min_share, float8),
 * the same for every row of a group.
 */
static Datum
common_trans(FunctionCallInfo fcinfo, bool share)
{
	FpAggState *st = state_get(fcinfo, true);
	const char *name = share ? "min_share" : "min_docs";
	double		v;
	double		had = share ? st->min_share : st->min_docs;

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
		state_add_fingerprint(st, PG_GETARG_FINGERPRINT_P(1));
	PG_RETURN_POINTER(st);
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

PG_FUNCTION_INFO_V1(fingerprint_common_final);
/* The hashes found in at least the threshold's number of the aggregated fingerprints. */
Datum
fingerprint_common_final(PG_FUNCTION_ARGS)
{
	return fingerprint_agg_final(fcinfo);
}

/* ---- SQL: partial aggregation ---- */

PG_FUNCTION_INFO_V1(fingerprint_agg_combine);
/* Add state 2 to state 1: counters, and its runs as a chunk or a spilled run. */
Datum
fingerprint_agg_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx;
	FpAggState *st;
	FpAggState *st2;
	uint64		n2;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("fingerprint aggregate functions can only be called as aggregates")));
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	st2 = (FpAggState *) PG_GETARG_POINTER(1);
	st = PG_ARGISNULL(0) ? state_new(fcinfo, aggctx, st2->counted) : (FpAggState *) PG_GETARG_POINTER(0);
	state_check_open(st);
	state_check_open(st2);
	if (st->counted != st2->counted)
		elog(ERROR, "cannot combine states of different fingerprint aggregates");
	if (st2->min_docs != 0 || st2->min_share != 0)
	{
		if ((st->min_docs != 0 || st->min_share != 0) &&
			(st->min_docs != st2->min_docs || st->min_share != st2->min_share))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("min_docs must be the same for every row of a group")));
		st->min_docs = st2->min_docs;
		st->min_share = st2->min_share;
	}
	if (!st2->have_params)
		PG_RETURN_POINTER(st);
	state_take_params(st, st2->params);
	st->tokens += st2->tokens;
	st->docs += st2->docs;

	state_flush(st2);
	n2 = st2->n + st2->nser;
	for (int r = 0; r < st2->nruns; r++)
		n2 += st2->runs[r].n;
	if (st2->nruns == 0 && st2->nser == 0)
		state_add_chunk(st, st2->h, st2->counted ? st2->c : NULL, st2->n);
	else if (st2->nruns == 0 && st2->n == 0 && st->n + n2 <= st->rmax)
	{
		/* a small deserialized run: decode it and merge it in place */
		FpSource	s;
		FpSource   *src;
		uint64	   *h = palloc(n2 * sizeof(uint64));
		uint32	   *c = st->counted ? palloc(n2 * sizeof(uint32)) : NULL;
		Size		m = 0;

		state_sources(st2, &s, &src);
		for (; source_ready(&s) && m < n2; s.pos++, m++)
		{
			h[m] = source_key(&s);
			if (c)
				c[m] = s.c[s.pos];
		}
		if (m != n2 || source_ready(&s))
			serial_corrupt();
		sources_free(&s, 1);
		state_add_chunk(st, h, c, m);
		pfree(h);
		if (c)
			pfree(c);
	}
	else
	{
		/* large: the in-memory run and all of state 2 become one spilled run */
		FpSource   *store = palloc((st2->nruns + 3) * sizeof(FpSource));
		FpSource  **src = palloc((st2->nruns + 3) * sizeof(FpSource *));
		int			k = 0;

		if (st->n > 0)
		{
			source_array(&store[0], st->h, st->counted ? st->c : NULL, st->n);
			src[0] = &store[0];
			k = 1;
		}
		k += state_sources(st2, store + k, src + k);
		state_spill(st, src, k);
		st->n = 0;
		sources_free(store, k);
		pfree(store);
		pfree(src);
	}
	if (st2->nruns > 0)
	{
		st2->finished = true;
		state_shutdown(PointerGetDatum(st2));
	}
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(fingerprint_agg_serialize);
/*
 * The partial state as bytea: format version, kind, min_docs, min_share,
 * docs, tokens, the parameters (mode, k, w, seed), the number of hashes,
 * then each hash as a varint delta from the previous one (the first as
 * is), followed by its count as a varint when counted.
 */
Datum
fingerprint_agg_serialize(PG_FUNCTION_ARGS)
{
	FpAggState *st = (FpAggState *) PG_GETARG_POINTER(0);
	StringInfoData buf;
	FpSink		sink;
	int			npos;
	uint64		n;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, FPAGG_SERIAL_VERSION);
	pq_sendbyte(&buf, st->counted);
	pq_sendbyte(&buf, st->have_params);
	pq_sendint32(&buf, st->min_docs);
	pq_sendfloat8(&buf, st->min_share);
	pq_sendint64(&buf, st->docs);
	pq_sendint64(&buf, st->tokens);
	pq_sendbyte(&buf, st->params->version);
	pq_sendbyte(&buf, st->params->mode);
	pq_sendbyte(&buf, st->params->k);
	pq_sendint16(&buf, st->params->w);
	pq_sendint32(&buf, st->params->seed);
	npos = buf.len;
	pq_sendint64(&buf, 0);		/* the number of hashes, set below */
	memset(&sink, 0, sizeof(sink));
	sink.kind = SINK_SERIAL;
	sink.counted = st->counted;
	sink.sbuf = &buf;
	state_finish(st, &sink);
	n = pg_hton64(sink.n);
	memcpy(buf.data + npos, &n, sizeof(n));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(fingerprint_agg_deserialize);
/* A state that reads its run from the serialized value as it is merged. */
Datum
fingerprint_agg_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	FpAggState *st;
	int			version;

	if (!AggCheckCallContext(fcinfo, NULL))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("fingerprint aggregate functions can only be called as aggregates")));
	/* read in place: the value lives as long as the state (this call's context) */
	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	version = pq_getmsgbyte(&buf);
	if (version != FPAGG_SERIAL_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("partial state of a fingerprint aggregate has format version %d, expected %d",
						version, FPAGG_SERIAL_VERSION),
				 errhint("Every node must run the same version of pg_llmcopy.")));
	st = state_new(NULL, CurrentMemoryContext, pq_getmsgbyte(&buf) != 0);
	st->have_params = pq_getmsgbyte(&buf) != 0;
	st->min_docs = (int32) pq_getmsgint(&buf, 4);
	st->min_share = pq_getmsgfloat8(&buf);
	st->docs = (uint64) pq_getmsgint64(&buf);
	st->tokens = (uint64) pq_getmsgint64(&buf);
	st->params->version = (uint8) pq_getmsgbyte(&buf);
	st->params->mode = (uint8) pq_getmsgbyte(&buf);
	st->params->k = (uint8) pq_getmsgbyte(&buf);
	st->params->w = (uint16) pq_getmsgint(&buf, 2);
	st->params->seed = (uint32) pq_getmsgint(&buf, 4);
	st->nser = (uint64) pq_getmsgint64(&buf);
	st->ser = (const uint8 *) buf.data + buf.cursor;
	st->ser_end = (const uint8 *) buf.data + buf.len;
	/* every entry takes at least one byte (two when counted) */
	if (st->nser > (uint64) (st->ser_end - st->ser) || (!st->have_params && st->nser > 0))
		serial_corrupt();
	if (st->nser == 0)
		st->ser = NULL;
	PG_RETURN_POINTER(st);
}
