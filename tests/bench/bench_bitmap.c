// SPDX-License-Identifier: MIT
/* Bitmap benchmarks: setbit (native and through each compat dialect) against peers and baselines, on identical maps. */
#include <bitmap/bitmap.h>
#include <bitmap/hbitmap.h>
#include <bitmap/list.h>

#include <bitmask.h>
#include <bsd/sys/bitstring.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <valgrind/callgrind.h>

#include "baselines.h"
#include "bench.h"

/*
 * Each workload has setbit lines (the native API, bm_* / hbm_*, and the
 * same work through compat/linux.h, rtl.h and nanos.h where the dialect
 * has the operation), peers (libbitmask, libbsd's bitstring), baselines
 * (baselines.c: Linux's and FreeBSD's published algorithms, written
 * here) and a naive bit-at-a-time loop where it is cheap. Every pass of
 * every line returns a checksum (built from the indexes it found) and its
 * operation count; the checksums must agree, or the benchmark exits 1.
 * Times never fail anything.
 *
 *	bench_bitmap [--rounds N] [WORD[,WORD]]	time every (workload, line)
 *				of the workloads whose names contain a WORD
 *	bench_bitmap --icount [WORD]	one pass each between callgrind client
 *				requests; tests/bench/icount.py runs it under
 *				valgrind --branch-sim=yes and prints
 *				instructions and mispredicted branches per op
 *	bench_bitmap --verify	one pass each, checksums compared, and the
 *				baselines against a bit-at-a-time model on
 *				small random maps: KTAP, for make test
 *
 * Timing: the lines of one workload run round-robin in this process
 * (line A's pass, line B's pass, ..., 31 rounds, the order rotated each
 * round); a pass repeats the line's work for ~1 ms (CLOCK_MONOTONIC), so
 * the clock's resolution does not matter, and is run again if another
 * process took the CPU meanwhile; each line's median and minimum ns/op
 * over the rounds are printed, with its ratio to the fastest line that is
 * not setbit's, and SLOWER when a setbit line's median is above that.
 *
 * The maps are those of Linux's lib/find_bit_benchmark.c (327,680 bits,
 * dense = random bytes, sparse = 655 random set bits), a fragmented 2^20
 * map (set runs of 1-64 between clear runs of 1-16 (85%), 17-128 (13%),
 * 129-1152 (2%)) and a 2^26 map 99.9% full.
 */

#define CLAIM_BITS	4096
#define CLAIM_OPS	100000

/* ------------------------------------------------------------ maps */

struct map dense, dense2, sparse, sparse2, frag, full, listmap;
struct map work;			/* scratch copy a pass may consume */
size_t starts[NSTARTS];
char list_text[LIST_BUF], list_out[LIST_BUF];
static struct bitmask *bmk, *bmk2, *bmk_work;
static struct hbm hdense, hsparse, hfrag, hfull;
static uint64_t rng = 0x5e7b17u;

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static struct map map_new(size_t nbits)
{
	struct map m = { calloc(BM_WORDS(nbits) + 1, sizeof(uint64_t)), nbits, NULL, NULL, NULL };

	if (!m.w) {
		perror("bench_bitmap");
		exit(1);
	}
	return m;
}

static void make_dense(struct map *m)
{
	for (size_t k = 0; k < BM_WORDS(m->nbits); k++)
		m->w[k] = rnd();
}

static void make_sparse(struct map *m)
{
	for (int k = 0; k < SPARSE_BITS; k++)
		bm_set(m->w, rnd() % m->nbits);
}

/* Set runs of 1-64 between clear runs of 1-16 (85%), 17-128 (13%), 129-1152 (2%). */
static void make_fragmented(struct map *m)
{
	size_t i = 0;

	while (i < m->nbits) {
		size_t set = 1 + rnd() % 64, clear, pick = rnd() % 100;

		if (pick < 85)
			clear = 1 + rnd() % 16;
		else if (pick < 98)
			clear = 17 + rnd() % 112;
		else
			clear = 129 + rnd() % 1024;
		set = set < m->nbits - i ? set : m->nbits - i;
		bm_set_range(m->w, i, set);
		i += set + clear;
	}
}

/* 99.9% full: the allocator's worst case, a long allocated prefix. */
static void make_full(struct map *m)
{
	bm_set_range(m->w, 0, m->nbits - m->nbits / 1000);
}

/* The same bits in a libbitmask mask (its words are unsigned long, as ours). */
static void to_bitmask(struct bitmask *b, const struct map *m)
{
	memcpy(bitmask_mask(b), m->w, BM_WORDS(m->nbits) * sizeof(uint64_t));
}

static void hbm_from(struct hbm *h, const struct map *m)
{
	uint64_t *storage = calloc(hbm_storage_words(m->nbits), sizeof(uint64_t));

	if (!storage)
		exit(1);
	hbm_init(h, storage, m->nbits);
	for (size_t i = bm_find_first(m->w, m->nbits); i < m->nbits;) {
		size_t e = bm_find_next_zero(m->w, m->nbits, i);

		hbm_set_range(h, i, e - i);
		i = bm_find_next(m->w, m->nbits, e);
	}
}

static void setup_maps(void)
{
	dense = map_new(LINUX_BITS);
	dense2 = map_new(LINUX_BITS);
	sparse = map_new(LINUX_BITS);
	sparse2 = map_new(LINUX_BITS);
	frag = map_new(RUN_BITS);
	full = map_new(FULL_BITS);
	listmap = map_new(LIST_BITS);
	work = map_new(LINUX_BITS);
	make_dense(&dense);
	make_dense(&dense2);
	make_sparse(&sparse);
	make_sparse(&sparse2);
	make_fragmented(&frag);
	make_full(&full);
	make_fragmented(&listmap);
	for (size_t k = 0; k < NSTARTS; k++)
		starts[k] = rnd() % RUN_BITS;
	hbm_from(&hdense, &dense);
	hbm_from(&hsparse, &sparse);
	dense.hbm = &hdense;
	sparse.hbm = &hsparse;
	hbm_from(&hfrag, &frag);
	hbm_from(&hfull, &full);
	bmk = bitmask_alloc(LINUX_BITS);
	bmk2 = bitmask_alloc(LINUX_BITS);
	bmk_work = bitmask_alloc(LIST_BITS > LINUX_BITS ? LIST_BITS : LINUX_BITS);
	linux_setup();
	rtl_setup();
	nanos_setup();
}

/* ------------------------------------------------------------ peers' missing pieces */

/*
 * bit_ffs / bit_ffc from a position, below nbits: the old 4.4BSD
 * bitstring only searches from bit 0, so test the partial first byte bit
 * by bit, then run the macro from the next byte boundary.
 */
static size_t bs_find_from(const uint64_t *map, size_t nbits, size_t from, bool set)
{
	bitstr_t *b = (bitstr_t *)map;
	int v;

	for (; from % 8 && from < nbits; from++)
		if (!!bit_test(b, from) == set)
			return from;
	if (from >= nbits)
		return nbits;
	if (set)
		bit_ffs(b + from / 8, (int)(nbits - from), &v);
	else
		bit_ffc(b + from / 8, (int)(nbits - from), &v);
	return v < 0 ? nbits : from + (size_t)v;
}

/*
 * n clear bits from `from`, aligned to align_mask + 1, composed from
 * bit_ffc / bit_ffs the way Linux composes its area search (bitstring has
 * no area search of its own).
 */
static size_t bs_zero_area(const uint64_t *map, size_t nbits, size_t from, size_t n,
			   size_t align_mask)
{
	for (;;) {
		size_t s = bs_find_from(map, nbits, from, false), e;

		s = (s + align_mask) & ~align_mask;
		if (s >= nbits || nbits - s < n)
			return nbits;
		e = bs_find_from(map, s + n, s, true);
		if (e == s + n)
			return s;
		from = e + 1;
	}
}

static bool naive_get(const uint64_t *map, size_t i)
{
	return (map[i / 64] >> (i % 64)) & 1;
}

static size_t naive_next(const uint64_t *map, size_t nbits, size_t from, bool v)
{
	for (size_t i = from; i < nbits; i++)
		if (naive_get(map, i) == v)
			return i;
	return nbits;
}

static size_t naive_zero_run(const uint64_t *map, size_t nbits, size_t from, size_t n)
{
	size_t len = 0;

	for (size_t i = from; i < nbits; i++) {
		len = naive_get(map, i) ? 0 : len + 1;
		if (len == n)
			return i + 1 - n;
	}
	return nbits;
}

/* ------------------------------------------------------------ find_next_bit / find_next_zero_bit */

/* One search call per found bit, the same loop for every line. */
#define WALK_FN(name, FIND)							\
	static uint64_t name(const void *arg, size_t *ops)			\
	{									\
		const struct map *m = arg;					\
		return BENCH_WALK(m->nbits, FIND);				\
	}

WALK_FN(next_setbit, bm_find_next(m->w, m->nbits, p_))
WALK_FN(next_hbm, hbm_find_next(m->hbm, p_))
WALK_FN(next_bitmask, bitmask_next(bmk, (unsigned)p_))
WALK_FN(next_bitstring, bs_find_from(m->w, m->nbits, p_, true))
WALK_FN(next_lxb, lxb_find_next(m->w, m->nbits, p_))
WALK_FN(next_fbb, fbb_ffs_at(m->w, m->nbits, p_))
WALK_FN(next_naive, naive_next(m->w, m->nbits, p_, true))
WALK_FN(next_zero_setbit, bm_find_next_zero(m->w, m->nbits, p_))
WALK_FN(next_zero_hbm, hbm_find_next_zero(m->hbm, p_))
WALK_FN(next_zero_bitstring, bs_find_from(m->w, m->nbits, p_, false))
WALK_FN(next_zero_lxb, lxb_find_next_zero(m->w, m->nbits, p_))
WALK_FN(next_zero_fbb, fbb_ffc_at(m->w, m->nbits, p_))
WALK_FN(next_zero_naive, naive_next(m->w, m->nbits, p_, false))

/* The same walks written the way a setbit caller would: its iteration macros. */
static uint64_t each_setbit(const void *arg, size_t *ops)
{
	const struct map *m = arg;
	uint64_t sum = 0;
	size_t n = 0, i;

	bm_for_each_set(i, m->w, m->nbits) {
		sum += i;
		n++;
	}
	*ops = n;
	return sum;
}

static uint64_t each_zero_setbit(const void *arg, size_t *ops)
{
	const struct map *m = arg;
	uint64_t sum = 0;
	size_t n = 0, i;

	bm_for_each_clear(i, m->w, m->nbits) {
		sum += i;
		n++;
	}
	*ops = n;
	return sum;
}

/* Linux's test_find_last_bit: walk down, each search below the last hit. */
static uint64_t last_setbit(const void *arg, size_t *ops)
{
	const struct map *m = arg;
	uint64_t sum = 0;
	size_t n = 0;

	for (size_t len = m->nbits, l; (l = bm_find_last(m->w, len)) < len; len = l, n++)
		sum += l;
	*ops = n;
	return sum;
}

static uint64_t last_lxb(const void *arg, size_t *ops)
{
	const struct map *m = arg;
	uint64_t sum = 0;
	size_t n = 0;

	for (size_t len = m->nbits, l; (l = lxb_find_last(m->w, len)) < len; len = l, n++)
		sum += l;
	*ops = n;
	return sum;
}

static uint64_t last_naive(const void *arg, size_t *ops)
{
	const struct map *m = arg;
	uint64_t sum = 0;
	size_t n = 0;

	for (size_t i = m->nbits; i-- > 0;)
		if (naive_get(m->w, i)) {
			sum += i;
			n++;
		}
	*ops = n;
	return sum;
}

/* The whole map's weight and last bit: the queries libbitmask answers. */
static uint64_t weight_last_setbit(const void *arg, size_t *ops)
{
	const struct map *m = arg;

	*ops = 1;
	return bm_weight(m->w, m->nbits) * 1000003 + bm_find_last(m->w, m->nbits);
}

static uint64_t weight_last_bitmask(const void *arg, size_t *ops)
{
	(void)arg;
	*ops = 1;
	return (uint64_t)bitmask_weight(bmk) * 1000003 + bitmask_last(bmk);
}

static uint64_t weight_last_naive(const void *arg, size_t *ops)
{
	const struct map *m = arg;
	size_t w = 0, last = m->nbits;

	for (size_t i = 0; i < m->nbits; i++)
		if (naive_get(m->w, i)) {
			w++;
			last = i;
		}
	*ops = 1;
	return w * 1000003 + last;
}

/* ------------------------------------------------------------ find_first_bit, clearing */

/* Linux's test_find_first_bit consumes a copy; dense maps only their first tenth. */
static void first_reset(const void *arg)
{
	const struct first_arg *a = arg;
	size_t nw = BM_WORDS(a->nbits);

	memset(work.w, 0, BM_WORDS(work.nbits) * sizeof(uint64_t));
	memcpy(work.w, a->src->w, nw * sizeof(uint64_t));
	if (a->nbits % 64)
		work.w[nw - 1] &= BM__LAST_MASK(a->nbits);
	bitmask_clearall(bmk_work);
	memcpy(bitmask_mask(bmk_work), work.w, nw * sizeof(uint64_t));
}

#define FIRST_FN(name, FIND, CLEAR)						\
	static uint64_t name(const void *arg, size_t *ops)			\
	{									\
		const struct first_arg *a = arg;				\
		uint64_t sum = 0;						\
		size_t n = 0, i;						\
		for (; (i = (FIND)) < a->nbits; n++) {				\
			CLEAR;							\
			sum += i;						\
		}								\
		*ops = n;							\
		return sum;							\
	}

FIRST_FN(first_setbit, bm_find_first(work.w, a->nbits), bm_clear(work.w, i))
FIRST_FN(first_bitmask, bitmask_first(bmk_work), bitmask_clearbit(bmk_work, (unsigned)i))
FIRST_FN(first_bitstring, bs_find_from(work.w, a->nbits, 0, true),
	 bit_clear((bitstr_t *)work.w, (int)i))
FIRST_FN(first_lxb, lxb_find_next(work.w, a->nbits, 0), fbb_clear(work.w, i))
FIRST_FN(first_fbb, fbb_ffs_at(work.w, a->nbits, 0), fbb_clear(work.w, i))

/* ------------------------------------------------------------ find_next_and_bit */

static void pair_reset(const void *arg)
{
	const struct pair *p = arg;

	to_bitmask(bmk, p->a);
	to_bitmask(bmk2, p->b);
}

static uint64_t and_setbit(const void *arg, size_t *ops)
{
	const struct pair *p = arg;

	return BENCH_WALK(p->a->nbits, bm_find_next_and(p->a->w, p->b->w, p->a->nbits, p_));
}

static uint64_t and_lxb(const void *arg, size_t *ops)
{
	const struct pair *p = arg;

	return BENCH_WALK(p->a->nbits, lxb_find_next_and(p->a->w, p->b->w, p->a->nbits, p_));
}

/* libbitmask has no combined search: and into a scratch mask, then walk it. */
static uint64_t and_bitmask(const void *arg, size_t *ops)
{
	const struct pair *p = arg;
	uint64_t sum = 0;
	size_t n = 0;

	bitmask_and(bmk_work, bmk, bmk2);
	for (unsigned i = bitmask_first(bmk_work); i < p->a->nbits;
	     i = bitmask_next(bmk_work, i + 1), n++)
		sum += i;
	*ops = n;
	return sum;
}

static uint64_t and_naive(const void *arg, size_t *ops)
{
	const struct pair *p = arg;
	uint64_t sum = 0;
	size_t n = 0;

	for (size_t i = 0; i < p->a->nbits; i++)
		if (naive_get(p->a->w, i) && naive_get(p->b->w, i)) {
			sum += i;
			n++;
		}
	*ops = n;
	return sum;
}

/* ------------------------------------------------------------ clear runs in the fragmented map */

/* The first run of n clear bits at or after each random start. */
#define RUN_FN(name, FIND)							\
	static uint64_t name(const void *arg, size_t *ops)			\
	{									\
		const struct area_arg *a = arg;					\
		(void)a;							\
		return BENCH_STARTS(FIND);					\
	}

RUN_FN(run_setbit, bm_find_zero_run(frag.w, RUN_BITS, p_, a->n))
RUN_FN(run_hbm, hbm_find_zero_run(&hfrag, p_, a->n))
RUN_FN(run_bitstring, bs_zero_area(frag.w, RUN_BITS, p_, a->n, 0))
RUN_FN(run_lxb, lxb_find_zero_area(frag.w, RUN_BITS, p_, a->n, 0))
RUN_FN(run_fbb, fbb_ffc_area_at(frag.w, RUN_BITS, p_, a->n))
RUN_FN(run_naive, naive_zero_run(frag.w, RUN_BITS, p_, a->n))

/* ------------------------------------------------------------ aligned alloc + free, fragmented map */

/*
 * Find N clear bits aligned to MASK + 1 from each start, set them, clear
 * them; N and MASK constants, as in a fixed-size allocator.
 */
#define AREA_FN(name, N, MASK, FIND, SET, CLEAR)				\
	static uint64_t name(const void *arg, size_t *ops)			\
	{									\
		const size_t n = (N), mask = (MASK);				\
		(void)arg;							\
		(void)n;							\
		(void)mask;							\
		return BENCH_STARTS(({						\
			size_t i = (FIND);					\
			if (i < RUN_BITS) {					\
				SET;						\
				CLEAR;						\
			}							\
			i;							\
		}));								\
	}

#define AREA_FNS(sfx, N, MASK)							\
	AREA_FN(area_setbit##sfx, N, MASK, bm_find_zero_area(frag.w, RUN_BITS, p_, n, mask, 0), \
		bm_set_range(frag.w, i, n), bm_clear_range(frag.w, i, n))	\
	AREA_FN(area_hbm##sfx, N, MASK, hbm_find_zero_area(&hfrag, p_, n, mask, 0),	\
		hbm_set_range(&hfrag, i, n), hbm_clear_range(&hfrag, i, n))	\
	AREA_FN(area_bitstring##sfx, N, MASK, bs_zero_area(frag.w, RUN_BITS, p_, n, mask), \
		bit_nset((bitstr_t *)frag.w, (int)i, (int)(i + n - 1)),		\
		bit_nclear((bitstr_t *)frag.w, (int)i, (int)(i + n - 1)))	\
	AREA_FN(area_lxb##sfx, N, MASK, lxb_find_zero_area(frag.w, RUN_BITS, p_, n, mask), \
		lxb_bitmap_set(frag.w, i, n), lxb_bitmap_clear(frag.w, i, n))

AREA_FNS(1, 1, 0)
AREA_FNS(8, 8, 7)
/* FreeBSD has no aligned area search: its line is the single bit, bit_ffc_at. */
AREA_FN(area_fbb1, 1, 0, fbb_ffc_at(frag.w, RUN_BITS, p_), fbb_set(frag.w, i),
	fbb_clear(frag.w, i))

/* ------------------------------------------------------------ first clear bit, 99.9% full 2^26 */

/* Take the first clear bit and give it back, FULL_REPS times. */
#define FULL_FN(name, FIND, SET, CLEAR)						\
	static uint64_t name(const void *arg, size_t *ops)			\
	{									\
		uint64_t sum = 0;						\
		(void)arg;							\
		for (int k = 0; k < FULL_REPS; k++) {				\
			size_t i = (FIND);					\
			SET;							\
			CLEAR;							\
			sum += i;						\
		}								\
		*ops = FULL_REPS;						\
		return sum;							\
	}

FULL_FN(full_hbm, hbm_find_first_zero(&hfull), hbm_set(&hfull, i), hbm_clear(&hfull, i))
FULL_FN(full_flat, bm_find_first_zero(full.w, FULL_BITS), bm_set(full.w, i),
	bm_clear(full.w, i))
FULL_FN(full_bitstring, ({
		int v_;
		bit_ffc((bitstr_t *)full.w, (int)FULL_BITS, &v_);
		(size_t)v_;
	}), bit_set((bitstr_t *)full.w, (int)i), bit_clear((bitstr_t *)full.w, (int)i))
FULL_FN(full_lxb, lxb_find_next_zero(full.w, FULL_BITS, 0), fbb_set(full.w, i),
	fbb_clear(full.w, i))
FULL_FN(full_fbb, fbb_ffc_at(full.w, FULL_BITS, 0), fbb_set(full.w, i), fbb_clear(full.w, i))

/* ------------------------------------------------------------ lists */

static struct bitmask *bmk_list;

uint64_t hash_bytes(const void *p, size_t len)
{
	const unsigned char *c = p;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ c[i]) * 0x100000001b3ull;
	return h;
}

static uint64_t print_setbit(const void *arg, size_t *ops)
{
	(void)arg;
	*ops = 1;
	return hash_bytes(list_out, (size_t)bm_print_list(list_out, LIST_BUF, listmap.w, LIST_BITS));
}

static uint64_t print_bitmask(const void *arg, size_t *ops)
{
	(void)arg;
	*ops = 1;
	bitmask_displaylist(list_out, LIST_BUF, bmk_list);
	return hash_bytes(list_out, strlen(list_out));
}

static uint64_t parse_setbit(const void *arg, size_t *ops)
{
	(void)arg;
	*ops = 1;
	if (bm_parse_list(list_text, work.w, LIST_BITS) < 0)
		return 0;
	return hash_bytes(work.w, LIST_BITS / 8);
}

static uint64_t parse_bitmask(const void *arg, size_t *ops)
{
	(void)arg;
	*ops = 1;
	if (bitmask_parselist(list_text, bmk_list) < 0)
		return 0;
	return hash_bytes(bitmask_mask(bmk_list), LIST_BITS / 8);
}

static void setup_lists(void)
{
	bmk_list = bitmask_alloc(LIST_BITS);
	to_bitmask(bmk_list, &listmap);
	bm_print_list(list_text, LIST_BUF, listmap.w, LIST_BITS);
}

/* ------------------------------------------------------------ atomic claim / release */

static uint64_t claim_map[CLAIM_BITS / 64];
static pthread_mutex_t claim_lock = PTHREAD_MUTEX_INITIALIZER;

struct claimer {
	size_t ops;
	bool locked;
	pthread_t tid;
};

/* Claim a bit from a moving hint and release it; the map stays half full. */
static void *claim_loop(void *arg)
{
	struct claimer *c = arg;
	size_t hint = (size_t)(uintptr_t)c % CLAIM_BITS;

	for (size_t k = 0; k < c->ops; k++) {
		size_t i;

		if (c->locked) {
			pthread_mutex_lock(&claim_lock);
			i = bm_find_next_zero(claim_map, CLAIM_BITS, hint);
			if (i >= CLAIM_BITS)
				i = bm_find_first_zero(claim_map, CLAIM_BITS);
			bm_set(claim_map, i);
			pthread_mutex_unlock(&claim_lock);
		} else {
			i = bm_claim_from_atomic(claim_map, CLAIM_BITS, hint);
		}
		hint = i + 1;
		if (c->locked) {
			pthread_mutex_lock(&claim_lock);
			bm_clear(claim_map, i);
			pthread_mutex_unlock(&claim_lock);
		} else {
			bm_release_atomic(claim_map, i);
		}
	}
	return NULL;
}

static uint64_t claim_run(int threads, bool locked, size_t *ops)
{
	struct claimer c[2];

	if (threads == 1) {
		/* In this thread: callgrind's collection toggles cover it. */
		c[0] = (struct claimer){ CLAIM_OPS / 10, locked, 0 };
		claim_loop(&c[0]);
		*ops = CLAIM_OPS / 10;
		return bm_weight(claim_map, CLAIM_BITS);
	}
	for (int k = 0; k < threads; k++) {
		c[k] = (struct claimer){ CLAIM_OPS / threads, locked, 0 };
		if (pthread_create(&c[k].tid, NULL, claim_loop, &c[k]) != 0)
			exit(1);
	}
	for (int k = 0; k < threads; k++)
		pthread_join(c[k].tid, NULL);
	*ops = CLAIM_OPS;
	return bm_weight(claim_map, CLAIM_BITS);
}

static uint64_t claim_atomic(const void *arg, size_t *ops)
{
	return claim_run(*(const int *)arg, false, ops);
}

static uint64_t claim_locked(const void *arg, size_t *ops)
{
	return claim_run(*(const int *)arg, true, ops);
}

static void *no_op(void *arg)
{
	return arg;
}

/*
 * glibc leaves the lock prefix off its mutexes until the process first
 * creates a thread, and a one-thread mutex would then be measured without
 * any atomic instruction. SMP callers always have threads: start one.
 */
static void setup_claims(void)
{
	pthread_t tid;

	for (size_t k = 0; k < CLAIM_BITS / 64; k++)
		claim_map[k] = rnd();
	if (pthread_create(&tid, NULL, no_op, NULL) != 0 || pthread_join(tid, NULL) != 0)
		exit(1);
}

static const int one_thread = 1, two_threads = 2;

/* ------------------------------------------------------------ the table */

#define MAX_LINES	12

struct impl {
	const char *name;	/* "setbit..." lines are the ones judged */
	bench_fn *run;
	bool threads;		/* starts threads: not under callgrind */
};

struct workload {
	const char *name;
	const void *arg;
	void (*reset)(const void *arg);	/* before every pass, untimed */
	struct impl impl[MAX_LINES];
};

static void bitmask_reset(const void *arg)
{
	to_bitmask(bmk, arg);
}

static const struct first_arg first_dense = { &dense, LINUX_BITS / 10 };
static const struct first_arg first_sparse = { &sparse, LINUX_BITS };
static const struct pair and_dense = { &dense, &dense2 }, and_sparse = { &sparse, &sparse2 };
static const struct area_arg run1 = { 1, 0 }, run8 = { 8, 0 }, run64 = { 64, 0 },
			     run512 = { 512, 0 };

/* Line names: setbit lines first; peers by library; baselines say so. */
#define SB		"setbit"
#define SB_HBM		"setbit hbm"
#define SB_LX		"setbit linux.h"
#define SB_RTL		"setbit rtl.h"
#define SB_NANOS	"setbit nanos.h"
#define BITMASK		"libbitmask"
#define BSD		"libbsd bitstring"
#define LXB		"baseline linux-style word loop"
#define FBB		"baseline freebsd-style"
#define NAIVE		"naive bit loop"

#define NEXT_IMPLS { { SB, next_setbit, 0 }, { SB_HBM, next_hbm, 0 }, { SB_LX, lx_next, 0 }, { SB_RTL, rtl_next, 0 }, \
	{ SB_NANOS, nanos_next, 0 }, { BITMASK, next_bitmask, 0 }, { BSD, next_bitstring, 0 }, \
	{ LXB, next_lxb, 0 }, { FBB, next_fbb, 0 }, { NAIVE, next_naive, 0 } }
#define NEXT_ZERO_IMPLS { { SB, next_zero_setbit, 0 }, { SB_HBM, next_zero_hbm, 0 }, \
	{ SB_LX, lx_next_zero, 0 }, \
	{ SB_RTL, rtl_next_zero, 0 }, { BSD, next_zero_bitstring, 0 }, \
	{ LXB, next_zero_lxb, 0 }, { FBB, next_zero_fbb, 0 }, { NAIVE, next_zero_naive, 0 } }
/* Each line iterates through its own idiom (libbitmask and bitstring have no loop macro). */
#define EACH_IMPLS { { SB, each_setbit, 0 }, { SB_LX, lx_each, 0 }, { SB_NANOS, nanos_each, 0 }, \
	{ BITMASK, next_bitmask, 0 }, { BSD, next_bitstring, 0 }, { LXB, next_lxb, 0 }, \
	{ FBB, next_fbb, 0 }, { NAIVE, next_naive, 0 } }
#define EACH_ZERO_IMPLS { { SB, each_zero_setbit, 0 }, { SB_LX, lx_each_zero, 0 }, \
	{ BSD, next_zero_bitstring, 0 }, { LXB, next_zero_lxb, 0 }, { FBB, next_zero_fbb, 0 }, \
	{ NAIVE, next_zero_naive, 0 } }
#define LAST_IMPLS { { SB, last_setbit, 0 }, { SB_LX, lx_last, 0 }, { LXB, last_lxb, 0 }, \
	{ NAIVE, last_naive, 0 } }
/* No naive line: it takes a second per run here. */
#define FIRST_IMPLS { { SB, first_setbit, 0 }, { SB_LX, lx_first, 0 }, { SB_RTL, rtl_first, 0 }, \
	{ BITMASK, first_bitmask, 0 }, { BSD, first_bitstring, 0 }, { LXB, first_lxb, 0 }, \
	{ FBB, first_fbb, 0 } }
#define AND_IMPLS { { SB, and_setbit, 0 }, { SB_LX, lx_and, 0 }, { BITMASK, and_bitmask, 0 }, \
	{ LXB, and_lxb, 0 }, { NAIVE, and_naive, 0 } }
#define RUN_IMPLS { { SB, run_setbit, 0 }, { SB_HBM, run_hbm, 0 }, { SB_LX, lx_run, 0 }, \
	{ SB_RTL, rtl_run, 0 }, { BSD, run_bitstring, 0 }, { LXB, run_lxb, 0 }, \
	{ FBB, run_fbb, 0 }, { NAIVE, run_naive, 0 } }
/*
 * For one bit RtlFindNextForwardRunClear answers in one call too (the
 * next clear run starts at the next clear bit); for more it would be a
 * caller's loop over every clear run, not one dialect call, so it is not
 * a line there.
 */
#define RUN1_IMPLS { { SB, run_setbit, 0 }, { SB_HBM, run_hbm, 0 }, { SB_LX, lx_run, 0 }, \
	{ SB_RTL, rtl_run, 0 }, { SB_RTL " NextForwardRunClear", rtl_run_forward, 0 }, \
	{ BSD, run_bitstring, 0 }, { LXB, run_lxb, 0 }, { FBB, run_fbb, 0 }, \
	{ NAIVE, run_naive, 0 } }

static const struct workload workloads[] = {
	{ "find_next_bit dense", &dense, bitmask_reset, NEXT_IMPLS },
	{ "find_next_bit sparse", &sparse, bitmask_reset, NEXT_IMPLS },
	{ "find_next_zero_bit dense", &dense, NULL, NEXT_ZERO_IMPLS },
	{ "find_next_zero_bit sparse", &sparse, NULL, NEXT_ZERO_IMPLS },
	{ "for_each_set_bit dense", &dense, bitmask_reset, EACH_IMPLS },
	{ "for_each_set_bit sparse", &sparse, bitmask_reset, EACH_IMPLS },
	{ "for_each_clear_bit dense", &dense, NULL, EACH_ZERO_IMPLS },
	{ "for_each_clear_bit sparse", &sparse, NULL, EACH_ZERO_IMPLS },
	{ "find_last_bit dense", &dense, NULL, LAST_IMPLS },
	{ "find_last_bit sparse", &sparse, NULL, LAST_IMPLS },
	{ "weight + last, whole map, sparse", &sparse, bitmask_reset,
	  { { SB, weight_last_setbit, 0 }, { SB_LX, lx_weight_last, 0 },
	    { SB_RTL, rtl_weight_last, 0 }, { BITMASK, weight_last_bitmask, 0 },
	    { NAIVE, weight_last_naive, 0 } } },
	{ "find_first_bit + clear, dense", &first_dense, first_reset, FIRST_IMPLS },
	{ "find_first_bit + clear, sparse", &first_sparse, first_reset, FIRST_IMPLS },
	{ "find_next_and_bit dense", &and_dense, pair_reset, AND_IMPLS },
	{ "find_next_and_bit sparse", &and_sparse, pair_reset, AND_IMPLS },
	{ "run of 1 clear bit from a start, 2^20 fragmented", &run1, NULL, RUN1_IMPLS },
	{ "run of 8 clear bits from a start, 2^20 fragmented", &run8, NULL, RUN_IMPLS },
	{ "run of 64 clear bits from a start, 2^20 fragmented", &run64, NULL, RUN_IMPLS },
	{ "run of 512 clear bits from a start, 2^20 fragmented", &run512, NULL, RUN_IMPLS },
	{ "aligned alloc+free of 1 bit, 2^20 fragmented", NULL, NULL,
	  { { SB, area_setbit1, 0 }, { SB_HBM, area_hbm1, 0 }, { SB_LX, lx_area1, 0 },
	    { SB_RTL, rtl_area1, 0 }, { SB_NANOS, nanos_area1, 0 }, { BSD, area_bitstring1, 0 },
	    { LXB, area_lxb1, 0 }, { FBB, area_fbb1, 0 } } },
	{ "aligned alloc+free of 8 bits, 2^20 fragmented", NULL, NULL,
	  { { SB, area_setbit8, 0 }, { SB_HBM, area_hbm8, 0 }, { SB_LX, lx_area8, 0 },
	    { SB_NANOS, nanos_area8, 0 }, { BSD, area_bitstring8, 0 }, { LXB, area_lxb8, 0 } } },
	{ "first-clear alloc+free, 2^26 99.9% full", NULL, NULL,
	  { { SB_HBM, full_hbm, 0 }, { "setbit flat", full_flat, 0 }, { SB_LX, lx_full, 0 },
	    { SB_RTL, rtl_full, 0 }, { SB_NANOS, nanos_full, 0 }, { BSD, full_bitstring, 0 },
	    { LXB, full_lxb, 0 }, { FBB, full_fbb, 0 } } },
	{ "list print, 2^16 fragmented", NULL, NULL,
	  { { SB, print_setbit, 0 }, { SB_LX, lx_print, 0 }, { BITMASK, print_bitmask, 0 } } },
	{ "list parse, 2^16 fragmented", NULL, NULL,
	  { { SB, parse_setbit, 0 }, { SB_LX, lx_parse, 0 }, { BITMASK, parse_bitmask, 0 } } },
	{ "claim + release, 1 thread", &one_thread, NULL,
	  { { SB, claim_atomic, 0 }, { "mutex + bm_find_next_zero", claim_locked, 0 } } },
	{ "claim + release, 2 threads", &two_threads, NULL,
	  { { SB, claim_atomic, 1 }, { "mutex + bm_find_next_zero", claim_locked, 1 } } },
};

#define NWORKLOADS	(sizeof(workloads) / sizeof(workloads[0]))

/* Run only workloads whose name contains one of these comma-separated words (all when NULL). */
static const char *only;

static bool selected(const struct workload *w)
{
	const char *p = only;

	if (!p)
		return true;
	for (;;) {
		size_t len = strcspn(p, ",");

		if (len) {
			char word[128];

			snprintf(word, sizeof(word), "%.*s", (int)len, p);
			if (strstr(w->name, word))
				return true;
		}
		if (!p[len])
			return false;
		p += len + 1;
	}
}

static size_t nlines(const struct workload *w)
{
	size_t n = 0;

	while (n < MAX_LINES && w->impl[n].run)
		n++;
	return n;
}

static bool is_setbit(const struct impl *im)
{
	return strncmp(im->name, "setbit", 6) == 0;
}

/* ------------------------------------------------------------ driver */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The workload's agreed checksum: set by its first line's first run. */
struct check {
	uint64_t sum;
	bool have;
	bool bad;
	bool quiet;		/* --verify: report, do not exit */
};

static void agree(const struct workload *w, const struct impl *im, uint64_t sum,
		  struct check *c)
{
	if (!c->have) {
		c->sum = sum;
		c->have = true;
	} else if (sum != c->sum) {
		printf("%sMISMATCH: %s: %s returned %#llx, expected %#llx\n", c->quiet ? "# " : "",
		       w->name, im->name, (unsigned long long)sum, (unsigned long long)c->sum);
		if (!c->quiet)
			exit(1);
		c->bad = true;
	}
}

/* One run (reset first, untimed): its ns; *ops its operations. */
static uint64_t run_once(const struct workload *w, const struct impl *im, size_t *ops,
			 struct check *c)
{
	uint64_t t0, sum;

	if (w->reset)
		w->reset(w->arg);
	t0 = now_ns();
	sum = im->run(w->arg, ops);
	t0 = now_ns() - t0;
	agree(w, im, sum, c);
	return t0;
}

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Each pass lasts about this long. */
#define PASS_NS		1000000ull
#define MAX_ROUNDS	199
#define RETRIES		4
/* A line's timed passes stop at about this much, however few rounds that leaves it. */
#define LINE_BUDGET_NS	300000000ull

static unsigned rounds = 31;
static unsigned long passes_timed, passes_retried;

/*
 * A pass: reps runs; ns per op over them, by CLOCK_MONOTONIC. Without a
 * reset the runs are timed as one; with one, each run is timed alone and
 * the times summed. A pass during which this thread lost the CPU (its
 * thread CPU time more than 2% + 20 us short of the wall time: another
 * process ran) is run again, up to RETRIES times, so that a loaded machine
 * disturbs the median less; lines that start threads are not checked.
 */
static double pass(const struct workload *w, const struct impl *im, unsigned reps,
		   struct check *c)
{
	for (unsigned attempt = 0;; attempt++) {
		uint64_t ns = 0, cpu = cpu_ns(), wall = now_ns(), t0;
		size_t ops = 0, o;

		if (w->reset) {
			for (unsigned k = 0; k < reps; k++) {
				ns += run_once(w, im, &o, c);
				ops += o;
			}
		} else {
			t0 = now_ns();
			for (unsigned k = 0; k < reps; k++) {
				agree(w, im, im->run(w->arg, &o), c);
				ops += o;
			}
			ns = now_ns() - t0;
		}
		/* The whole pass, resets included, on both clocks. */
		wall = now_ns() - wall;
		cpu = cpu_ns() - cpu;
		passes_timed++;
		if (im->threads || attempt == RETRIES || cpu * 102 / 100 + 20000 >= wall)
			return (double)ns / (double)(ops ? ops : 1);
		passes_retried++;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct result {
	double median, min;
};

struct slower {
	const char *workload, *line, *best;
	double median, best_median, min, best_min;
};

static struct slower slow_lines[NWORKLOADS * MAX_LINES];
static size_t nslow;

/* A ratio in 8 columns: two decimals, or three significant digits below 0.01. */
static void fmt_ratio(char *buf, size_t size, double r)
{
	snprintf(buf, size, r < 0.01 ? "%.2e" : "%.2f", r);
}

/* How much more than 1 the ratio r is, as a percentage: "23%", "0.4%". */
static struct pct_text {
	char s[24];
} pct(double r)
{
	struct pct_text t;
	double p = 100.0 * (r - 1);

	snprintf(t.s, sizeof(t.s), p < 10 ? "%.1f%%" : "%.0f%%", p);
	return t;
}

static void time_workload(const struct workload *w)
{
	size_t n = nlines(w), best = MAX_LINES;
	unsigned reps[MAX_LINES], nsamples[MAX_LINES] = { 0 }, want[MAX_LINES];
	double samples[MAX_LINES][MAX_ROUNDS];
	struct result res[MAX_LINES];
	struct check c = { 0 };

	/*
	 * Warm-up runs of each line, which also size its passes to PASS_NS; a
	 * line whose single run is slow (libbitmask or the naive loop on a
	 * whole-map scan) takes part in only as many rounds, spread evenly,
	 * as fit in LINE_BUDGET_NS, at least 1.
	 */
	for (size_t i = 0; i < n; i++) {
		size_t ops;
		uint64_t ns = run_once(w, &w->impl[i], &ops, &c), again;

		/* A second run unless the first was slow: the quicker of two is less disturbed. */
		if (ns < LINE_BUDGET_NS / 8 && (again = run_once(w, &w->impl[i], &ops, &c)) < ns)
			ns = again;

		reps[i] = ns >= PASS_NS ? 1 : (unsigned)(PASS_NS / (ns ? ns : 1));
		if (reps[i] > 100000)
			reps[i] = 100000;
		want[i] = rounds;
		if (ns * rounds > LINE_BUDGET_NS)
			want[i] = ns >= LINE_BUDGET_NS ? 1 : (unsigned)(LINE_BUDGET_NS / ns);
	}
	for (unsigned r = 0; r < rounds; r++)
		for (size_t k = 0; k < n; k++) {
			size_t i = (k + r) % n;

			/* Round r is one of line i's if want[i] * r / rounds steps up here. */
			if ((uint64_t)want[i] * (r + 1) / rounds == (uint64_t)want[i] * r / rounds)
				continue;
			samples[i][nsamples[i]++] = pass(w, &w->impl[i], reps[i], &c);
		}
	for (size_t i = 0; i < n; i++) {
		unsigned m = nsamples[i];

		qsort(samples[i], m, sizeof(double), cmp_double);
		res[i].min = samples[i][0];
		res[i].median = m % 2 ? samples[i][m / 2] :
			(samples[i][m / 2 - 1] + samples[i][m / 2]) / 2;
		if (!is_setbit(&w->impl[i]) && (best == MAX_LINES || res[i].median < res[best].median))
			best = i;
	}
	printf("\n%s\n", w->name);
	for (size_t i = 0; i < n; i++) {
		const struct impl *im = &w->impl[i];
		char ratio[16] = "", note[96] = "";

		if (best < MAX_LINES) {
			fmt_ratio(ratio, sizeof(ratio), res[i].median / res[best].median);
			if (is_setbit(im) && res[i].median > res[best].median) {
				snprintf(note, sizeof(note), "  SLOWER than %s by %s",
					 w->impl[best].name,
					 pct(res[i].median / res[best].median).s);
				slow_lines[nslow++] = (struct slower){ w->name, im->name,
					w->impl[best].name, res[i].median, res[best].median,
					res[i].min, res[best].min };
			}
		}
		if (nsamples[i] < rounds)
			snprintf(note + strlen(note), sizeof(note) - strlen(note), "  (%u round%s)",
				 nsamples[i], nsamples[i] == 1 ? "" : "s");
		printf("  %-40s %11.2f %11.2f %8s%s\n", im->name, res[i].median, res[i].min, ratio,
		       note);
	}
	fflush(stdout);
}

static void run_timed(void)
{
	double load[3] = { 0 };
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3)
			load[0] = load[1] = load[2] = 0;
		fclose(f);
	}
	printf("# bench_bitmap: ns per operation; load average %.2f %.2f %.2f\n", load[0], load[1],
	       load[2]);
	printf("# Lines of a workload run round-robin in one process, %u rounds of ~%llu ms passes\n"
	       "# each (the order rotated every round); median and min are over the rounds;\n"
	       "# a pass during which another process took the CPU is run again (up to %d times);\n"
	       "# a line whose one run takes long is timed in fewer rounds (it says how many).\n"
	       "# ratio = median / the fastest non-setbit line's median (peers, baselines, naive).\n"
	       "# setbit* lines: the native API (bm_*, hbm_*) and the compat dialects (linux.h,\n"
	       "# rtl.h, nanos.h) on the same maps; a setbit line slower than the fastest\n"
	       "# non-setbit line says SLOWER. Baselines are this project's own code written from\n"
	       "# Linux's and FreeBSD's published algorithms (tests/bench/baselines.h).\n"
	       "# find_*: one search call per found bit, the same loop for every line.\n"
	       "# for_each_*: each line's own idiom (libbitmask, bitstring, baselines: a search loop).\n"
	       "# run of N / alloc: 1024 random starts, one search each (rtl.h: RtlFindClearBits,\n"
	       "#   whose wrap is cut off; RTL has no aligned search, so no rtl.h line for 8 bits).\n"
	       "# claim: the mutex is glibc's in a process that has started a thread.\n",
	       rounds, PASS_NS / 1000000, RETRIES);
	printf("%-42s %11s %11s %8s\n", "workload / line", "median", "min", "ratio");
	for (size_t k = 0; k < NWORKLOADS; k++)
		if (selected(&workloads[k]))
			time_workload(&workloads[k]);
	printf("\n# %lu passes timed, %lu of them again after losing the CPU\n", passes_timed,
	       passes_retried);
	printf("\nsetbit lines slower than the fastest other line (by median; a few %% on a\n"
	       "memory-bound or identical path is this machine's noise: see the minimums):%s\n",
	       nslow ? "" : " none");
	for (size_t k = 0; k < nslow; k++)
		printf("  %s: %s %.2f ns vs %s %.2f ns (+%s; minimums %.2f vs %.2f: %s)\n",
		       slow_lines[k].workload, slow_lines[k].line, slow_lines[k].median,
		       slow_lines[k].best, slow_lines[k].best_median,
		       pct(slow_lines[k].median / slow_lines[k].best_median).s,
		       slow_lines[k].min, slow_lines[k].best_min,
		       slow_lines[k].min > slow_lines[k].best_min ? "slower too" : "not slower");
}

/*
 * Under callgrind (--collect-atstart=no): collect exactly one pass of each
 * line and dump it under "workload|line"; print the op count for
 * icount.py to divide by. Threaded lines are left out.
 */
static void run_icount(void)
{
	for (size_t k = 0; k < NWORKLOADS; k++) {
		const struct workload *w = &workloads[k];

		if (!selected(w))
			continue;
		for (size_t i = 0; i < nlines(w); i++) {
			const struct impl *im = &w->impl[i];
			char label[160];
			size_t ops;

			if (im->threads)
				continue;
			snprintf(label, sizeof(label), "%s|%s", w->name, im->name);
			if (w->reset)
				w->reset(w->arg);
			CALLGRIND_TOGGLE_COLLECT;
			im->run(w->arg, &ops);
			CALLGRIND_TOGGLE_COLLECT;
			CALLGRIND_DUMP_STATS_AT(label);
			printf("icount\t%s\t%zu\t%d\n", label, ops, is_setbit(im));
		}
	}
}

/* ------------------------------------------------------------ --verify */

/* The model: z[i] = clear bits in a row from i (below nbits), bit by bit. */
static void model_runs(const uint64_t *m, size_t nbits, size_t *z)
{
	z[nbits] = 0;
	for (size_t i = nbits; i-- > 0;)
		z[i] = naive_get(m, i) ? 0 : z[i + 1] + 1;
}

/* The first i >= from, a multiple of mask + 1, with n clear bits from it; or nbits. */
static size_t model_area(const size_t *z, size_t nbits, size_t from, size_t n, size_t mask)
{
	for (size_t i = (from + mask) & ~mask; i < nbits; i += mask + 1)
		if (z[i] >= n)
			return i;
	return nbits;
}

/*
 * The baselines against a bit-at-a-time model on small random maps of
 * every length 1..200, at several densities, from every start: each
 * search's answer must be the model's. Returns the number of mismatches.
 */
static int verify_baselines(void)
{
	static const size_t lens[] = { 1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 63, 64, 65, 100, 130 };
	uint64_t m[5], a[5];
	size_t z[5 * 64 + 1];
	int bad = 0;

	for (size_t nbits = 1; nbits <= 200; nbits++)
		for (int density = 0; density < 6; density++) {
			for (size_t k = 0; k < 5; k++) {
				uint64_t r = rnd(), s = rnd();

				m[k] = density == 0 ? 0 : density == 1 ? ~0ull :
				       density == 2 ? r & s : density == 3 ? r :
				       density == 4 ? r | s : (r & s & rnd()) | (r | s | rnd());
				a[k] = rnd();
			}
			/* Bits past nbits are garbage, as in a real map. */
			model_runs(m, nbits, z);
			for (size_t from = 0; from <= nbits; from++) {
				size_t want, got, w;

#define EXPECT(what, g, w) do {							\
		got = (g);							\
		want = (w);							\
		if (got != want && bad++ < 10)					\
			printf("# %s nbits %zu from %zu map %#llx: %zu, model %zu\n",	\
			       what, nbits, from, (unsigned long long)m[0], got, want);	\
	} while (0)
				EXPECT("lxb_find_next", lxb_find_next(m, nbits, from),
				       naive_next(m, nbits, from, true));
				EXPECT("lxb_find_next_zero", lxb_find_next_zero(m, nbits, from),
				       naive_next(m, nbits, from, false));
				EXPECT("fbb_ffs_at", fbb_ffs_at(m, nbits, from),
				       naive_next(m, nbits, from, true));
				EXPECT("fbb_ffc_at", fbb_ffc_at(m, nbits, from),
				       naive_next(m, nbits, from, false));
				for (w = from; w < nbits && !(naive_get(m, w) && naive_get(a, w)); w++)
					;
				EXPECT("lxb_find_next_and", lxb_find_next_and(m, a, nbits, from), w);
				for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
					size_t n = lens[l];

					EXPECT("fbb_ffc_area_at", fbb_ffc_area_at(m, nbits, from, n),
					       model_area(z, nbits, from, n, 0));
					for (size_t mask = 0; mask < 16; mask = mask * 2 + 1)
						EXPECT("lxb_find_zero_area",
						       lxb_find_zero_area(m, nbits, from, n, mask),
						       model_area(z, nbits, from, n, mask));
				}
#undef EXPECT
			}
			{
				size_t w = nbits;

				for (size_t i = nbits; i-- > 0;)
					if (naive_get(m, i)) {
						w = i;
						break;
					}
				if (lxb_find_last(m, nbits) != w && bad++ < 10)
					printf("# lxb_find_last nbits %zu: %zu, model %zu\n", nbits,
					       lxb_find_last(m, nbits), w);
			}
			/* Range set / clear against bit by bit, on a copy. */
			for (size_t s = 0; s < nbits; s += 7)
				for (size_t n = 0; s + n <= nbits; n += 5) {
					uint64_t x[5], y[5];

					memcpy(x, m, sizeof(x));
					memcpy(y, m, sizeof(y));
					lxb_set_range(x, s, n);
					for (size_t i = s; i < s + n; i++)
						fbb_set(y, i);
					if (memcmp(x, y, sizeof(x)) && bad++ < 10)
						printf("# lxb_set_range %zu+%zu differs\n", s, n);
					lxb_clear_range(x, s, n);
					for (size_t i = s; i < s + n; i++)
						fbb_clear(y, i);
					if (memcmp(x, y, sizeof(x)) && bad++ < 10)
						printf("# lxb_clear_range %zu+%zu differs\n", s, n);
				}
		}
	return bad;
}

/* KTAP: one case per workload (every line agrees) and one for the baselines. */
static int run_verify(void)
{
	unsigned t = 0;
	int failed = 0;

	printf("KTAP version 1\n1..%zu\n", NWORKLOADS + 1);
	for (size_t k = 0; k < NWORKLOADS; k++) {
		const struct workload *w = &workloads[k];
		struct check c = { .quiet = true };

		for (size_t i = 0; i < nlines(w); i++) {
			size_t ops;

			run_once(w, &w->impl[i], &ops, &c);
		}
		printf("%s %u %s\n", c.bad ? "not ok" : "ok", ++t, w->name);
		failed += c.bad;
	}
	if (verify_baselines()) {
		printf("not ok %u baselines against a bit-at-a-time model\n", ++t);
		failed++;
	} else {
		printf("ok %u baselines against a bit-at-a-time model\n", ++t);
	}
	printf("# bench_bitmap --verify: %u passed, %d failed\n", t - (unsigned)failed, failed);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	enum { TIMED, ICOUNT, VERIFY } mode = TIMED;
	int a = 1;

#ifdef BENCH_VERIFY
	mode = VERIFY;
#endif
	for (; a < argc && argv[a][0] == '-'; a++) {
		if (strcmp(argv[a], "--icount") == 0) {
			mode = ICOUNT;
		} else if (strcmp(argv[a], "--verify") == 0) {
			mode = VERIFY;
		} else if (strcmp(argv[a], "--rounds") == 0 && a + 1 < argc) {
			rounds = (unsigned)atoi(argv[++a]);
			if (rounds < 1 || rounds > MAX_ROUNDS)
				rounds = 31;
		} else {
			break;
		}
	}
	if (argc > a + 1 || (a < argc && argv[a][0] == '-')) {
		fprintf(stderr, "usage: bench_bitmap [--icount | --verify | --rounds N] [WORD]\n");
		return 2;
	}
	only = a < argc && argv[a][0] ? argv[a] : NULL;
	setup_maps();
	setup_lists();
	setup_claims();
	if (mode == VERIFY)
		return run_verify();
	if (mode == ICOUNT)
		run_icount();
	else
		run_timed();
	return 0;
}
