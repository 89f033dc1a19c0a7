// SPDX-License-Identifier: MIT
/* Bitmap benchmarks: setbit against libbitmask, libbsd bitstring and a naive loop, on identical maps. */
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

/*
 * Each workload has a setbit implementation and peers. Every pass of
 * every implementation returns a checksum (built from the indexes it
 * found) and the number of operations it did; they must agree, or the
 * benchmark exits 1. Times never fail anything.
 *
 *	bench_bitmap [WORD]	time every (workload, implementation): ns/op
 *	bench_bitmap --icount [WORD]	one pass each between callgrind client
 *				requests; tests/bench/icount.py runs it under
 *				valgrind and prints instructions per op
 *
 * The maps are those of Linux's lib/find_bit_benchmark.c: 327,680 bits,
 * dense = random bytes, sparse = 655 random set bits.
 */

#define LINUX_BITS	327680
#define SPARSE_BITS	655
#define RUN_BITS	(1u << 20)
#define FULL_BITS	(1u << 26)
#define LIST_BITS	(1u << 16)
#define CLAIM_BITS	4096
#define CLAIM_OPS	100000

/* ------------------------------------------------------------ maps */

struct map {
	uint64_t *w;
	size_t nbits;
};

static struct map dense, dense2, sparse, sparse2, frag, full, listmap;
static struct map work;			/* scratch copy a pass may consume */
static struct bitmask *bmk, *bmk2, *bmk_work;
static struct hbm hfrag, hfull;
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
	struct map m = { calloc(BM_WORDS(nbits) + 1, sizeof(uint64_t)), nbits };

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

/* Runs of set bits (1-48 long) between clear runs (1-64, and 1 in 16 up to 1280). */
static void make_fragmented(struct map *m)
{
	size_t i = 0;

	while (i < m->nbits) {
		size_t set = 1 + rnd() % 48, clear = 1 + rnd() % 64;

		if (rnd() % 16 == 0)
			clear = 256 + rnd() % 1024;
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
	hbm_from(&hfrag, &frag);
	hbm_from(&hfull, &full);
	bmk = bitmask_alloc(LINUX_BITS);
	bmk2 = bitmask_alloc(LINUX_BITS);
	bmk_work = bitmask_alloc(LIST_BITS > LINUX_BITS ? LIST_BITS : LINUX_BITS);
}

/* ------------------------------------------------------------ peers' missing pieces */

/*
 * bit_ffs / bit_ffc from a position: the old 4.4BSD bitstring only searches
 * from bit 0, so test the partial first byte bit by bit, then run the
 * macro from the next byte boundary.
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

/* ------------------------------------------------------------ Linux find_bit workloads */

static uint64_t next_setbit(const void *arg, size_t *ops)
{
	const struct map *m = arg;
	uint64_t sum = 0;
	size_t n = 0;

	for (size_t i = bm_find_first(m->w, m->nbits); i < m->nbits;
	     i = bm_find_next(m->w, m->nbits, i + 1), n++)
		sum += i;
	*ops = n;
	return sum;
}

static uint64_t next_bitmask(const void *arg, size_t *ops)
{
	const struct map *m = arg;
	uint64_t sum = 0;
	size_t n = 0;

	for (unsigned i = bitmask_first(bmk); i < m->nbits; i = bitmask_next(bmk, i + 1), n++)
		sum += i;
	*ops = n;
	return sum;
}

static uint64_t next_bitstring(const void *arg, size_t *ops)
{
	const struct map *m = arg;
	uint64_t sum = 0;
	size_t n = 0;

	for (size_t i = bs_find_from(m->w, m->nbits, 0, true); i < m->nbits;
	     i = bs_find_from(m->w, m->nbits, i + 1, true), n++)
		sum += i;
	*ops = n;
	return sum;
}

static uint64_t next_naive(const void *arg, size_t *ops)
{
	const struct map *m = arg;
	uint64_t sum = 0;
	size_t n = 0;

	for (size_t i = naive_next(m->w, m->nbits, 0, true); i < m->nbits;
	     i = naive_next(m->w, m->nbits, i + 1, true), n++)
		sum += i;
	*ops = n;
	return sum;
}

static uint64_t next_zero_setbit(const void *arg, size_t *ops)
{
	const struct map *m = arg;
	uint64_t sum = 0;
	size_t n = 0;

	for (size_t i = bm_find_first_zero(m->w, m->nbits); i < m->nbits;
	     i = bm_find_next_zero(m->w, m->nbits, i + 1), n++)
		sum += i;
	*ops = n;
	return sum;
}

static uint64_t next_zero_bitstring(const void *arg, size_t *ops)
{
	const struct map *m = arg;
	uint64_t sum = 0;
	size_t n = 0;

	for (size_t i = bs_find_from(m->w, m->nbits, 0, false); i < m->nbits;
	     i = bs_find_from(m->w, m->nbits, i + 1, false), n++)
		sum += i;
	*ops = n;
	return sum;
}

static uint64_t next_zero_naive(const void *arg, size_t *ops)
{
	const struct map *m = arg;
	uint64_t sum = 0;
	size_t n = 0;

	for (size_t i = naive_next(m->w, m->nbits, 0, false); i < m->nbits;
	     i = naive_next(m->w, m->nbits, i + 1, false), n++)
		sum += i;
	*ops = n;
	return sum;
}

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
struct first_arg {
	const struct map *src;
	size_t nbits;
};

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

static uint64_t first_setbit(const void *arg, size_t *ops)
{
	const struct first_arg *a = arg;
	uint64_t sum = 0;
	size_t n = 0, i;

	for (; (i = bm_find_first(work.w, a->nbits)) < a->nbits; n++) {
		bm_clear(work.w, i);
		sum += i;
	}
	*ops = n;
	return sum;
}

static uint64_t first_bitmask(const void *arg, size_t *ops)
{
	const struct first_arg *a = arg;
	uint64_t sum = 0;
	size_t n = 0;
	unsigned i;

	for (; (i = bitmask_first(bmk_work)) < a->nbits; n++) {
		bitmask_clearbit(bmk_work, i);
		sum += i;
	}
	*ops = n;
	return sum;
}

static uint64_t first_bitstring(const void *arg, size_t *ops)
{
	const struct first_arg *a = arg;
	bitstr_t *b = (bitstr_t *)work.w;
	uint64_t sum = 0;
	size_t n = 0;
	int i;

	for (;; n++) {
		bit_ffs(b, (int)a->nbits, &i);
		if (i < 0)
			break;
		bit_clear(b, i);
		sum += (uint64_t)i;
	}
	*ops = n;
	return sum;
}

static uint64_t first_naive(const void *arg, size_t *ops)
{
	const struct first_arg *a = arg;
	uint64_t sum = 0;
	size_t n = 0, i;

	for (; (i = naive_next(work.w, a->nbits, 0, true)) < a->nbits; n++) {
		work.w[i / 64] &= ~((uint64_t)1 << (i % 64));
		sum += i;
	}
	*ops = n;
	return sum;
}

/* ------------------------------------------------------------ find_next_and_bit */

struct pair {
	const struct map *a, *b;
};

static void pair_reset(const void *arg)
{
	const struct pair *p = arg;

	to_bitmask(bmk, p->a);
	to_bitmask(bmk2, p->b);
}

static uint64_t and_setbit(const void *arg, size_t *ops)
{
	const struct pair *p = arg;
	const size_t nbits = p->a->nbits;
	uint64_t sum = 0;
	size_t n = 0;

	for (size_t i = bm_find_next_and(p->a->w, p->b->w, nbits, 0); i < nbits;
	     i = bm_find_next_and(p->a->w, p->b->w, nbits, i + 1), n++)
		sum += i;
	*ops = n;
	return sum;
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

/* ------------------------------------------------------------ clear runs in a fragmented map */

/* Every search for n clear bits from the end of the last hit: ops = searches. */
#define RUN_WALK(find, n, ops) ({						\
	uint64_t sum_ = 0;							\
	size_t p_ = 0, hits_ = 0;						\
	while ((p_ = (find)) < RUN_BITS) {					\
		sum_ += p_;							\
		hits_++;							\
		p_ += (n);							\
	}									\
	*(ops) = hits_ + 1;							\
	sum_;									\
})

static uint64_t run_setbit(const void *arg, size_t *ops)
{
	size_t n = *(const size_t *)arg;

	return RUN_WALK(bm_find_zero_run(frag.w, RUN_BITS, p_, n), n, ops);
}

static uint64_t run_hbm(const void *arg, size_t *ops)
{
	size_t n = *(const size_t *)arg;

	return RUN_WALK(hbm_find_zero_run(&hfrag, p_, n), n, ops);
}

/* A run of n clear bits from `from`, with the from-position helper above. */
static size_t bs_zero_run(size_t from, size_t n)
{
	for (;;) {
		size_t s = bs_find_from(frag.w, RUN_BITS, from, false), e;

		if (s >= RUN_BITS || RUN_BITS - s < n)
			return RUN_BITS;
		e = bs_find_from(frag.w, s + n, s, true);
		if (e == s + n)
			return s;
		from = e + 1;
	}
}

static uint64_t run_bitstring(const void *arg, size_t *ops)
{
	size_t n = *(const size_t *)arg;

	return RUN_WALK(bs_zero_run(p_, n), n, ops);
}

static size_t naive_zero_run(size_t from, size_t n)
{
	size_t len = 0;

	for (size_t i = from; i < RUN_BITS; i++) {
		len = naive_get(frag.w, i) ? 0 : len + 1;
		if (len == n)
			return i + 1 - n;
	}
	return RUN_BITS;
}

static uint64_t run_naive(const void *arg, size_t *ops)
{
	size_t n = *(const size_t *)arg;

	return RUN_WALK(naive_zero_run(p_, n), n, ops);
}

static const size_t run_lens[] = { 1, 8, 64, 512 };

/* ------------------------------------------------------------ first clear bit, 99.9% full 2^26 */

#define FULL_REPS	8

static uint64_t full_hbm(const void *arg, size_t *ops)
{
	uint64_t sum = 0;

	(void)arg;
	for (int k = 0; k < FULL_REPS; k++)
		sum += hbm_find_first_zero(&hfull);
	*ops = FULL_REPS;
	return sum;
}

static uint64_t full_flat(const void *arg, size_t *ops)
{
	uint64_t sum = 0;

	(void)arg;
	for (int k = 0; k < FULL_REPS; k++)
		sum += bm_find_first_zero(full.w, FULL_BITS);
	*ops = FULL_REPS;
	return sum;
}

static uint64_t full_bitstring(const void *arg, size_t *ops)
{
	uint64_t sum = 0;
	int v;

	(void)arg;
	for (int k = 0; k < FULL_REPS; k++) {
		bit_ffc((bitstr_t *)full.w, FULL_BITS, &v);
		sum += (uint64_t)v;
	}
	*ops = FULL_REPS;
	return sum;
}

static uint64_t full_naive(const void *arg, size_t *ops)
{
	(void)arg;
	*ops = 1;
	return FULL_REPS * naive_next(full.w, FULL_BITS, 0, false);
}

/* ------------------------------------------------------------ lists */

#define LIST_BUF	(1 << 20)

static char list_text[LIST_BUF], list_out[LIST_BUF];
static struct bitmask *bmk_list;

static uint64_t hash_bytes(const void *p, size_t len)
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
		c[0] = (struct claimer){ CLAIM_OPS, locked, 0 };
		claim_loop(&c[0]);
		*ops = CLAIM_OPS;
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

struct impl {
	const char *name;
	uint64_t (*run)(const void *arg, size_t *ops);
	bool slow;		/* one timed pass only, and none under callgrind */
};

struct workload {
	const char *name;
	const void *arg;
	void (*reset)(const void *arg);	/* before every pass, untimed */
	struct impl impl[5];		/* impl[0] is setbit; the rest are its peers */
	double icount_max;		/* target instructions per op for impl[0], or 0 */
};

static void bitmask_reset(const void *arg)
{
	to_bitmask(bmk, arg);
}

static const struct first_arg first_dense = { &dense, LINUX_BITS / 10 };
static const struct first_arg first_sparse = { &sparse, LINUX_BITS };
static const struct pair and_dense = { &dense, &dense2 }, and_sparse = { &sparse, &sparse2 };

#define NEXT_IMPLS { { "setbit", next_setbit, false }, { "libbitmask", next_bitmask, false }, \
	{ "bitstring", next_bitstring, false }, { "naive", next_naive, false } }
#define NEXT_ZERO_IMPLS { { "setbit", next_zero_setbit, false }, \
	{ "bitstring", next_zero_bitstring, false }, { "naive", next_zero_naive, false } }
/* Each peer iterates through its own idiom: libbitmask and bitstring have no loop macro. */
#define EACH_IMPLS { { "setbit", each_setbit, false }, { "libbitmask", next_bitmask, false }, \
	{ "bitstring", next_bitstring, false }, { "naive", next_naive, false } }
#define EACH_ZERO_IMPLS { { "setbit", each_zero_setbit, false }, \
	{ "bitstring", next_zero_bitstring, false }, { "naive", next_zero_naive, false } }
#define FIRST_IMPLS { { "setbit", first_setbit, false }, { "libbitmask", first_bitmask, false }, \
	{ "bitstring", first_bitstring, false }, { "naive", first_naive, false } }
#define RUN_IMPLS { { "setbit", run_setbit, false }, { "setbit hbm", run_hbm, false }, \
	{ "bitstring", run_bitstring, false }, { "naive", run_naive, false } }

static const struct workload workloads[] = {
	{ "find_next_bit dense", &dense, bitmask_reset, NEXT_IMPLS, 27 },
	{ "find_next_bit sparse", &sparse, bitmask_reset, NEXT_IMPLS, 88 },
	{ "find_next_zero_bit dense", &dense, NULL, NEXT_ZERO_IMPLS, 0 },
	{ "find_next_zero_bit sparse", &sparse, NULL, NEXT_ZERO_IMPLS, 0 },
	{ "for_each_set_bit dense", &dense, bitmask_reset, EACH_IMPLS, 0 },
	{ "for_each_set_bit sparse", &sparse, bitmask_reset, EACH_IMPLS, 0 },
	{ "for_each_clear_bit dense", &dense, NULL, EACH_ZERO_IMPLS, 0 },
	{ "for_each_clear_bit sparse", &sparse, NULL, EACH_ZERO_IMPLS, 0 },
	{ "find_last_bit dense", &dense, NULL,
	  { { "setbit", last_setbit, false }, { "naive", last_naive, false } }, 0 },
	{ "find_last_bit sparse", &sparse, NULL,
	  { { "setbit", last_setbit, false }, { "naive", last_naive, false } }, 0 },
	{ "weight + last, whole map, sparse", &sparse, bitmask_reset,
	  { { "setbit", weight_last_setbit, false }, { "libbitmask", weight_last_bitmask, false },
	    { "naive", weight_last_naive, false } }, 0 },
	{ "find_first_bit + clear, dense", &first_dense, first_reset, FIRST_IMPLS, 0 },
	{ "find_first_bit + clear, sparse", &first_sparse, first_reset, FIRST_IMPLS, 0 },
	{ "find_next_and_bit dense", &and_dense, pair_reset,
	  { { "setbit", and_setbit, false }, { "libbitmask", and_bitmask, false },
	    { "naive", and_naive, false } }, 0 },
	{ "find_next_and_bit sparse", &and_sparse, pair_reset,
	  { { "setbit", and_setbit, false }, { "libbitmask", and_bitmask, false },
	    { "naive", and_naive, false } }, 0 },
	{ "clear run of 1, 2^20 fragmented", &run_lens[0], NULL, RUN_IMPLS, 0 },
	{ "clear run of 8, 2^20 fragmented", &run_lens[1], NULL, RUN_IMPLS, 0 },
	{ "clear run of 64, 2^20 fragmented", &run_lens[2], NULL, RUN_IMPLS, 0 },
	{ "clear run of 512, 2^20 fragmented", &run_lens[3], NULL, RUN_IMPLS, 0 },
	{ "first clear bit, 2^26 99.9% full", NULL, NULL,
	  { { "setbit hbm", full_hbm, false }, { "setbit flat", full_flat, false },
	    { "bitstring", full_bitstring, false }, { "naive", full_naive, true } }, 0 },
	{ "list print, 2^16 fragmented", NULL, NULL,
	  { { "setbit", print_setbit, false }, { "libbitmask", print_bitmask, false } }, 0 },
	{ "list parse, 2^16 fragmented", NULL, NULL,
	  { { "setbit", parse_setbit, false }, { "libbitmask", parse_bitmask, false } }, 0 },
	{ "claim + release, 1 thread", &one_thread, NULL,
	  { { "setbit", claim_atomic, false }, { "mutex", claim_locked, false } }, 0 },
	{ "claim + release, 2 threads", &two_threads, NULL,
	  { { "setbit", claim_atomic, true }, { "mutex", claim_locked, true } }, 0 },
};

#define NWORKLOADS	(sizeof(workloads) / sizeof(workloads[0]))

/* Run only workloads whose name contains this (all when NULL). */
static const char *only;

static bool selected(const struct workload *w)
{
	return !only || strstr(w->name, only);
}
/* Keep timing passes of one implementation until this much time has gone by. */
#define MIN_NS		150000000ull

/* ------------------------------------------------------------ driver */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* One pass (reset first, untimed); its checksum must match the workload's. */
static uint64_t pass(const struct workload *w, const struct impl *im, size_t *ops,
		     uint64_t *check, bool *first)
{
	uint64_t t0, sum;

	if (w->reset)
		w->reset(w->arg);
	t0 = now_ns();
	sum = im->run(w->arg, ops);
	t0 = now_ns() - t0;
	if (*first) {
		*check = sum;
		*first = false;
	} else if (sum != *check) {
		printf("MISMATCH: %s: %s returned %#llx, expected %#llx\n", w->name, im->name,
		       (unsigned long long)sum, (unsigned long long)*check);
		exit(1);
	}
	return t0;
}

/*
 * ns per operation of im: the best pass of those run until MIN_NS has gone
 * by (after a warm-up pass). The best pass is the one the other users of a
 * shared machine disturbed least.
 */
static double time_impl(const struct workload *w, const struct impl *im, uint64_t *check,
			bool *first)
{
	uint64_t total = 0;
	double best = 0;
	unsigned passes = 0;

	if (!im->slow)
		pass(w, im, &(size_t){ 0 }, check, first);
	do {
		size_t ops;
		uint64_t ns = pass(w, im, &ops, check, first);
		double per_op = (double)ns / (double)(ops ? ops : 1);

		if (passes == 0 || per_op < best)
			best = per_op;
		total += ns;
		passes++;
	} while (!im->slow && (total < MIN_NS || passes < 3));
	return best;
}

static const char legend[] =
	"# find_*: one search call per found bit, the same loop for every library.\n"
	"# for_each_*: each library's own idiom: setbit bm_for_each_set/clear, libbitmask\n"
	"#   bitmask_next, bitstring bit_ffs/bit_ffc from the next bit, naive a test per bit.\n"
	"# claim: the mutex is glibc's in a process that has started a thread (locked, as on SMP).\n";

static void run_timed(void)
{
	printf("%s", legend);
	printf("%-34s %-12s %10s %12s\n", "workload", "impl", "ns/op", "setbit/impl");
	for (size_t k = 0; k < NWORKLOADS; k++) {
		const struct workload *w = &workloads[k];
		uint64_t check = 0;
		bool first = true;
		double mine = 0;

		if (!selected(w))
			continue;
		for (const struct impl *im = w->impl; im < w->impl + 5 && im->run; im++) {
			double ns = time_impl(w, im, &check, &first);

			if (im == w->impl) {
				mine = ns;
				printf("%-34s %-12s %10.2f\n", w->name, im->name, ns);
			} else {
				printf("%-34s %-12s %10.2f %12.3f\n", "", im->name, ns, mine / ns);
			}
			if (w->impl[0].run == full_hbm && im->run == full_flat)
				printf("%-34s %-12s %10s %11.0fx  (target >= 1000x)\n", "",
				       "flat/hbm", "", ns / mine);
		}
	}
}

/*
 * Under callgrind (--collect-atstart=no): collect exactly one pass of each
 * implementation and dump it under "workload|impl"; print the op count and
 * target for icount.py to divide by.
 */
static void run_icount(void)
{
	for (size_t k = 0; k < NWORKLOADS; k++) {
		const struct workload *w = &workloads[k];

		if (!selected(w))
			continue;
		for (const struct impl *im = w->impl; im < w->impl + 5 && im->run; im++) {
			char label[96];
			size_t ops;

			if (im->slow)
				continue;
			snprintf(label, sizeof(label), "%s|%s", w->name, im->name);
			if (w->reset)
				w->reset(w->arg);
			CALLGRIND_TOGGLE_COLLECT;
			im->run(w->arg, &ops);
			CALLGRIND_TOGGLE_COLLECT;
			CALLGRIND_DUMP_STATS_AT(label);
			printf("icount\t%s\t%zu\t%g\n", label, ops,
			       im == w->impl ? w->icount_max : 0.0);
		}
	}
}

int main(int argc, char **argv)
{
	bool icount = argc > 1 && strcmp(argv[1], "--icount") == 0;

	if (argc > 2 + icount) {
		fprintf(stderr, "usage: bench_bitmap [--icount] [WORD]\n");
		return 2;
	}
	only = argc > 1 + icount ? argv[1 + icount] : NULL;
	setup_maps();
	setup_lists();
	setup_claims();
	if (icount)
		run_icount();
	else
		run_timed();
	return 0;
}
