// SPDX-License-Identifier: MIT
/* Hierarchical bitmaps against the flat bm_* functions and a bit-by-bit model. */

#include <kernel/ktest.h>
#include <bitmap/bitmap.h>
#include <bitmap/hbitmap.h>

#define MAX_BITS	262145

/* Boundary sizes: around one word, one level-1 summary word, one level-2 word. */
static const size_t sizes[] = {
	0, 1, 63, 64, 65, 4095, 4096, 4097, 262143, 262144, 262145,
};

#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

/* Static: too big for a kernel stack, and cases run one at a time. */
static uint64_t store[HBM_STORAGE_WORDS(MAX_BITS)];
static uint64_t flat[BM_WORDS(MAX_BITS)];
/* A second flat map (random words, tail included) for hbm_find_next_zero_and. */
static uint64_t other[BM_WORDS(MAX_BITS)];
static struct hbm hb;

static uint64_t rng_state;

/* splitmix64: tiny, and every seed gives a full-period stream. */
static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform-enough value in [0, n); 0 when n = 0. */
static size_t rng_below(size_t n)
{
	return n ? (size_t)(rng() % n) : 0;
}

/* ------------------------------------------------------------ naive model */

/* Lowest i >= start with bit i == want, bit by bit. */
static size_t naive_next(size_t nbits, size_t start, bool want)
{
	size_t i;

	for (i = start; i < nbits; i++)
		if (bm_test(flat, i) == want)
			return i;
	return nbits;
}

/* Lowest i >= start starting n clear bits, bit by bit. */
static size_t naive_zero_run(size_t nbits, size_t start, size_t n)
{
	size_t i, len = 0;

	if (n == 0)
		return nbits;
	for (i = start; i < nbits; i++) {
		len = bm_test(flat, i) ? 0 : len + 1;
		if (len == n)
			return i + 1 - n;
	}
	return nbits;
}

/* Lowest i >= start, (i + offset) & mask == 0, starting n clear bits. */
static size_t naive_zero_area(size_t nbits, size_t start, size_t n, size_t mask, size_t offset)
{
	size_t i, j;

	if (n == 0)
		return nbits;
	for (i = start; i < nbits && n <= nbits - i; i++) {
		if ((i + offset) & mask)
			continue;
		for (j = 0; j < n && !bm_test(flat, i + j); j++)
			;
		if (j == n)
			return i;
	}
	return nbits;
}

static size_t naive_zero_wrap(size_t nbits, size_t hint)
{
	size_t i;

	if (hint >= nbits)
		hint = 0;
	i = naive_next(nbits, hint, false);
	if (i < nbits)
		return i;
	i = naive_next(hint, 0, false);
	return i < hint ? i : nbits;
}

/* Lowest clear bit in [start, the end of start's word), bit by bit; nbits if none. */
static size_t naive_zero_in_word(size_t nbits, size_t start)
{
	size_t end = (start / 64 + 1) * 64, i;

	i = naive_next(end < nbits ? end : nbits, start, false);
	return i < end && i < nbits ? i : nbits;
}

/* Set bits of flat in [start, start + n), bit by bit. */
static size_t naive_weight(size_t start, size_t n)
{
	size_t i, c = 0;

	for (i = start; i < start + n; i++)
		c += bm_test(flat, i);
	return c;
}

/* Lowest i >= start set in a and clear in flat, bit by bit. */
static size_t naive_zero_and(const uint64_t *a, size_t nbits, size_t start)
{
	size_t i;

	for (i = start; i < nbits; i++)
		if (bm_test(a, i) && !bm_test(flat, i))
			return i;
	return nbits;
}

/* Do hb's leaf words hold exactly flat's bits (tails aside), and is the weight right? */
static bool same_as_flat(size_t nbits)
{
	size_t i;

	for (i = 0; i < BM_WORDS(nbits); i++) {
		uint64_t mask = i + 1 == BM_WORDS(nbits) ? BM__LAST_MASK(nbits) : ~(uint64_t)0;

		if ((hbm__words(&hb)[i] ^ flat[i]) & mask)
			return false;
	}
	return hbm_weight(&hb) == bm_weight(flat, nbits);
}

/* ------------------------------------------------------------ fixed answers */

KTEST(hbitmap, storage_words)
{
	/* Leaf words plus two trees of 1, 1+1, 2+1, ... summary words. */
	EXPECT_EQ(t, hbm_storage_words(0), 2);
	EXPECT_EQ(t, hbm_storage_words(1), 3);
	EXPECT_EQ(t, hbm_storage_words(64), 3);
	EXPECT_EQ(t, hbm_storage_words(65), 4);
	EXPECT_EQ(t, hbm_storage_words(4096), 64 + 2);
	EXPECT_EQ(t, hbm_storage_words(4097), 65 + 2 * (2 + 1));
	EXPECT_EQ(t, hbm_storage_words(262144), 4096 + 2 * (64 + 1));
	EXPECT_EQ(t, hbm_storage_words(262145), 4097 + 2 * (65 + 2 + 1));
	/* The PID limit: 65536 leaf words, summaries 1024 + 16 + 1. */
	EXPECT_EQ(t, hbm_storage_words(4194304), 65536 + 2 * (1024 + 16 + 1));
	EXPECT_EQ(t, hbm_storage_words((size_t)1 << 30), ((size_t)1 << 24) + 2 * (262144 + 4096 + 64 + 1));
}

KTEST(hbitmap, storage_macro_bounds_function)
{
	size_t i, n;

	for (i = 0; i < NSIZES; i++) {
		n = sizes[i];
		EXPECT_GE(t, (size_t)HBM_STORAGE_WORDS(n), hbm_storage_words(n));
		EXPECT_LE(t, (size_t)HBM_STORAGE_WORDS(n), hbm_storage_words(n) + 2 * HBM_MAX_LEVELS);
	}
	n = (size_t)1 << 40;
	EXPECT_GE(t, (size_t)HBM_STORAGE_WORDS(n), hbm_storage_words(n));
}

KTEST(hbitmap, init_is_all_clear)
{
	size_t i, n;

	for (i = 0; i < NSIZES; i++) {
		n = sizes[i];
		for (size_t w = 0; w < HBM_STORAGE_WORDS(n); w++)
			store[w] = ~(uint64_t)0;	/* init must not trust the storage */
		hbm_init(&hb, store, n);
		EXPECT_TRUE(t, hbm_check(&hb));
		EXPECT_EQ(t, hbm_nbits(&hb), n);
		EXPECT_EQ(t, hbm_weight(&hb), 0);
		EXPECT_EQ(t, hbm_find_first(&hb), n);
		EXPECT_EQ(t, hbm_find_first_zero(&hb), 0);
		EXPECT_EQ(t, hbm_find_zero_run(&hb, 0, n), n ? 0 : n);
		EXPECT_EQ(t, hbm_find_zero_run(&hb, 0, n + 1), n);
		EXPECT_TRUE(t, bm_empty(hbm__words(&hb), n));
	}
}

KTEST(hbitmap, init_full_is_all_set)
{
	size_t i, n;

	for (i = 0; i < NSIZES; i++) {
		n = sizes[i];
		hbm_init_full(&hb, store, n);
		EXPECT_TRUE(t, hbm_check(&hb));
		EXPECT_EQ(t, hbm_weight(&hb), n);
		EXPECT_EQ(t, hbm_find_first(&hb), 0);
		EXPECT_EQ(t, hbm_find_first_zero(&hb), n);
		EXPECT_EQ(t, hbm_find_next_zero_wrap(&hb, n / 2), n);
		EXPECT_EQ(t, hbm_find_zero_run(&hb, 0, 1), n);
		EXPECT_TRUE(t, bm_full(hbm__words(&hb), n));
	}
}

/* The 63 tail bits of a 65-bit map must never look free. */
KTEST(hbitmap, tail_bits_never_free)
{
	hbm_init_full(&hb, store, 65);
	hbm_clear(&hb, 64);
	EXPECT_EQ(t, hbm_find_first_zero(&hb), 64);
	EXPECT_EQ(t, hbm_find_zero_run(&hb, 0, 2), 65);
	EXPECT_EQ(t, hbm_find_zero_run(&hb, 64, 1), 64);
	hbm_clear(&hb, 63);
	EXPECT_EQ(t, hbm_find_zero_run(&hb, 0, 2), 63);
	EXPECT_EQ(t, hbm_find_zero_run(&hb, 0, 3), 65);
	hbm_set_range(&hb, 63, 2);
	EXPECT_EQ(t, hbm_find_first_zero(&hb), 65);
	EXPECT_EQ(t, hbm_find_next_zero_wrap(&hb, 10), 65);
	EXPECT_EQ(t, hbm_weight(&hb), 65);
	EXPECT_EQ(t, hbm__words(&hb)[1], 1);	/* the tail stays clear */
	EXPECT_TRUE(t, hbm_check(&hb));
}

/* A run may not use tail bits either: 64 clear, 65 set, 66-69 clear of 70. */
KTEST(hbitmap, runs_stop_at_nbits)
{
	hbm_init_full(&hb, store, 70);
	hbm_clear(&hb, 64);
	hbm_clear_range(&hb, 66, 4);
	EXPECT_EQ(t, hbm_find_zero_run(&hb, 0, 4), 66);
	EXPECT_EQ(t, hbm_find_zero_run(&hb, 0, 5), 70);
	EXPECT_EQ(t, hbm_find_zero_run(&hb, 67, 3), 67);
	EXPECT_EQ(t, hbm_find_zero_run(&hb, 67, 4), 70);
}

KTEST(hbitmap, single_bits_across_levels)
{
	hbm_init(&hb, store, 262145);
	EXPECT_FALSE(t, hbm_test_and_set(&hb, 262144));
	EXPECT_TRUE(t, hbm_test_and_set(&hb, 262144));
	hbm_set(&hb, 4096);
	hbm_set(&hb, 70);
	EXPECT_EQ(t, hbm_weight(&hb), 3);
	EXPECT_EQ(t, hbm_find_first(&hb), 70);
	EXPECT_EQ(t, hbm_find_next(&hb, 71), 4096);
	EXPECT_EQ(t, hbm_find_next(&hb, 4097), 262144);
	EXPECT_EQ(t, hbm_find_next(&hb, 262145), 262145);
	EXPECT_TRUE(t, hbm_test_and_clear(&hb, 4096));
	EXPECT_FALSE(t, hbm_test_and_clear(&hb, 4096));
	EXPECT_EQ(t, hbm_find_next(&hb, 71), 262144);
	EXPECT_TRUE(t, hbm_test(&hb, 70));
	EXPECT_FALSE(t, hbm_test(&hb, 71));
	EXPECT_TRUE(t, hbm_check(&hb));
}

/* A frame allocator's start: all reserved, then usable ranges freed. */
KTEST(hbitmap, full_then_free_ranges)
{
	hbm_init_full(&hb, store, 262144);
	hbm_clear_range(&hb, 256, 1000);	/* [256, 1256) */
	hbm_clear_range(&hb, 8192, 65536);	/* [8192, 73728) */
	EXPECT_TRUE(t, hbm_check(&hb));
	EXPECT_EQ(t, hbm_weight(&hb), 262144 - 1000 - 65536);
	EXPECT_EQ(t, hbm_find_first_zero(&hb), 256);
	EXPECT_EQ(t, hbm_find_next_zero(&hb, 1256), 8192);
	EXPECT_EQ(t, hbm_find_next_zero(&hb, 73728), 262144);
	EXPECT_EQ(t, hbm_find_zero_run(&hb, 0, 1000), 256);
	EXPECT_EQ(t, hbm_find_zero_run(&hb, 0, 1001), 8192);
	EXPECT_EQ(t, hbm_find_zero_run(&hb, 300, 1000), 8192);
	EXPECT_EQ(t, hbm_find_zero_run(&hb, 0, 65536), 8192);
	EXPECT_EQ(t, hbm_find_zero_run(&hb, 0, 65537), 262144);
	EXPECT_EQ(t, hbm_find_next_zero_wrap(&hb, 73728), 256);
	EXPECT_EQ(t, hbm_find_next_zero_wrap(&hb, 1000), 1000);
	EXPECT_EQ(t, hbm_find_next_zero_wrap(&hb, 262144), 256);
	hbm_set_range(&hb, 0, 262144);
	EXPECT_EQ(t, hbm_weight(&hb), 262144);
	EXPECT_EQ(t, hbm_find_first_zero(&hb), 262144);
	EXPECT_TRUE(t, hbm_check(&hb));
}

/* Runs that cross word boundaries, and the lowest one wins. */
KTEST(hbitmap, zero_runs_across_words)
{
	hbm_init_full(&hb, store, 4096);
	hbm_clear_range(&hb, 60, 8);		/* [60, 68): crosses word 0/1 */
	hbm_clear_range(&hb, 130, 5);		/* inside word 2 */
	hbm_clear_range(&hb, 1000, 200);	/* spans words 15..18 */
	EXPECT_EQ(t, hbm_find_zero_run(&hb, 0, 5), 60);
	EXPECT_EQ(t, hbm_find_zero_run(&hb, 0, 8), 60);
	EXPECT_EQ(t, hbm_find_zero_run(&hb, 61, 5), 61);
	EXPECT_EQ(t, hbm_find_zero_run(&hb, 64, 5), 130);
	EXPECT_EQ(t, hbm_find_zero_run(&hb, 0, 9), 1000);
	EXPECT_EQ(t, hbm_find_zero_run(&hb, 1100, 100), 1100);
	EXPECT_EQ(t, hbm_find_zero_run(&hb, 1100, 101), 4096);
	EXPECT_EQ(t, hbm_find_zero_run(&hb, 0, 0), 4096);
	EXPECT_EQ(t, hbm_find_zero_run(&hb, 5000, 1), 4096);
}

/* Aligned areas, as a contiguous frame allocation asks for them. */
KTEST(hbitmap, zero_area_aligned)
{
	hbm_init_full(&hb, store, 262144);
	hbm_clear_range(&hb, 100, 3000);	/* [100, 3100) */
	hbm_clear_range(&hb, 8190, 600);	/* [8190, 8790) */
	EXPECT_EQ(t, hbm_find_zero_area(&hb, 0, 16, 0, 0), 100);
	EXPECT_EQ(t, hbm_find_zero_area(&hb, 0, 16, 511, 0), 512);
	EXPECT_EQ(t, hbm_find_zero_area(&hb, 0, 16, 511, 12), 500);	/* 500 + 12 = 512 */
	EXPECT_EQ(t, hbm_find_zero_area(&hb, 0, 2048, 1023, 0), 1024);
	EXPECT_EQ(t, hbm_find_zero_area(&hb, 0, 2100, 1023, 0), 262144);
	EXPECT_EQ(t, hbm_find_zero_area(&hb, 1025, 512, 511, 0), 1536);
	EXPECT_EQ(t, hbm_find_zero_area(&hb, 0, 512, 4095, 0), 8192);
	EXPECT_EQ(t, hbm_find_zero_area(&hb, 3100, 600, 1, 0), 8190);
	EXPECT_EQ(t, hbm_find_zero_area(&hb, 3100, 600, 3, 0), 262144);
	EXPECT_EQ(t, hbm_find_zero_area(&hb, 3100, 598, 3, 0), 8192);
	EXPECT_EQ(t, hbm_find_zero_area(&hb, 0, 0, 0, 0), 262144);
}

/* hbm_check must notice a stale summary; hbm_rebuild must repair it. */
KTEST(hbitmap, check_catches_direct_writes)
{
	hbm_init(&hb, store, 4097);
	hbm_set(&hb, 100);
	ASSERT_TRUE(t, hbm_check(&hb));
	store[64] = 1;				/* leaf word 64 behind hbm's back */
	EXPECT_FALSE(t, hbm_check(&hb));
	hbm_rebuild(&hb);
	EXPECT_TRUE(t, hbm_check(&hb));
	EXPECT_EQ(t, hbm_find_next(&hb, 101), 4096);
	EXPECT_EQ(t, hbm_weight(&hb), 2);
	store[64] |= 2;				/* a tail bit */
	EXPECT_FALSE(t, hbm_check(&hb));
	hbm_rebuild(&hb);
	EXPECT_EQ(t, store[64], 1);
	EXPECT_TRUE(t, hbm_check(&hb));
	store[hbm_storage_words(4097) - 1] ^= 1; /* the set tree's top word */
	EXPECT_FALSE(t, hbm_check(&hb));
}

/* ------------------------------------------------------------ random */

/* Range lengths: mostly short, some across words, a few across summaries. */
static size_t random_len(size_t room)
{
	size_t r = rng_below(16), len;

	if (r < 8)
		len = 1 + rng_below(8);
	else if (r < 14)
		len = 1 + rng_below(200);
	else
		len = 1 + rng_below(20000);
	return len < room ? len : room;
}

/* One random write, applied to hb and to flat. */
static void random_write(struct ktest *t, size_t nbits)
{
	size_t i = rng_below(nbits), n = random_len(nbits - i);

	switch (rng_below(7)) {
	case 0:
		hbm_set(&hb, i);
		bm_set(flat, i);
		break;
	case 1:
		hbm_clear(&hb, i);
		bm_clear(flat, i);
		break;
	case 2:
		EXPECT_EQ(t, hbm_test_and_set(&hb, i), bm_test_and_set(flat, i));
		break;
	case 3:
		EXPECT_EQ(t, hbm_test_and_clear(&hb, i), bm_test_and_clear(flat, i));
		break;
	case 4:
		hbm_set_range(&hb, i, n);
		bm_set_range(flat, i, n);
		break;
	case 5:
		/* Next-fit: take the next clear bit from i (or from past the end). */
		i = rng_below(8) ? i : nbits + rng_below(2);
		n = bm_find_next_zero(flat, nbits, i);
		EXPECT_EQ(t, hbm_take_next_zero(&hb, i), n);
		if (n < nbits)
			bm_set(flat, n);
		break;
	default:
		hbm_clear_range(&hb, i, n);
		bm_clear_range(flat, i, n);
		break;
	}
}

static const size_t run_lengths[] = { 1, 2, 3, 7, 31, 63, 64, 65, 100, 129, 1000, 5000 };

/* Every search from a random start, against bm_*; against the model when naive. */
static void random_queries(struct ktest *t, size_t nbits, bool naive)
{
	size_t s = rng_below(nbits + 2);
	size_t n = run_lengths[rng_below(sizeof(run_lengths) / sizeof(run_lengths[0]))];
	size_t align_mask = ((size_t)1 << rng_below(10)) - 1;
	size_t offset = rng_below(3) ? 0 : rng_below(1024);
	size_t got;

	got = hbm_find_next(&hb, s);
	EXPECT_EQ(t, got, bm_find_next(flat, nbits, s));
	if (naive)
		EXPECT_EQ(t, got, naive_next(nbits, s, true));
	got = hbm_find_next_zero(&hb, s);
	EXPECT_EQ(t, got, bm_find_next_zero(flat, nbits, s));
	if (naive)
		EXPECT_EQ(t, got, naive_next(nbits, s, false));
	got = hbm_find_next_zero_wrap(&hb, s);
	EXPECT_EQ(t, got, bm_find_zero_run_wrap(flat, nbits, s, 1));
	if (naive)
		EXPECT_EQ(t, got, naive_zero_wrap(nbits, s));
	got = hbm_find_zero_run(&hb, s, n);
	EXPECT_EQ(t, got, bm_find_zero_run(flat, nbits, s, n));
	if (naive)
		EXPECT_EQ(t, got, naive_zero_run(nbits, s, n));
	got = hbm_find_zero_area(&hb, s, n, align_mask, offset);
	EXPECT_EQ(t, got, bm_find_zero_area(flat, nbits, s, n, align_mask, offset));
	if (naive)
		EXPECT_EQ(t, got, naive_zero_area(nbits, s, n, align_mask, offset));
	EXPECT_EQ(t, hbm_find_first(&hb), bm_find_first(flat, nbits));
	EXPECT_EQ(t, hbm_find_first_zero(&hb), bm_find_first_zero(flat, nbits));
	EXPECT_EQ(t, hbm_find_next_zero_in_word(&hb, s), naive_zero_in_word(nbits, s));
	got = hbm_find_next_zero_and(&hb, other, s);
	EXPECT_EQ(t, got, bm_find_next_andnot(other, flat, nbits, s));
	if (naive)
		EXPECT_EQ(t, got, naive_zero_and(other, nbits, s));
	s = rng_below(nbits + 1);
	n = rng_below(nbits - s + 1);
	got = hbm_weight_range(&hb, s, n);
	EXPECT_EQ(t, got, bm_weight_range(flat, s, n));
	if (naive)
		EXPECT_EQ(t, got, naive_weight(s, n));
}

/* other = random words, its tail included. */
static void random_other(size_t nbits)
{
	for (size_t w = 0; w < BM_WORDS(nbits); w++)
		other[w] = rng() & rng();
}

/*
 * nops random writes starting from an empty or a full map; after each,
 * the summaries are checked and the searches compared. The model is
 * bit-by-bit, so on large maps it checks only one query in 16.
 */
static void random_ops_on(struct ktest *t, size_t nbits, uint64_t seed, int nops,
			  bool set_tree)
{
	bool full = seed & 1;
	int before = t->failures, op;

	rng_state = seed;
	random_other(nbits);
	if (!set_tree) {
		/* No full variant: filling by range is one more write path checked. */
		hbm_init_clear_tree(&hb, store, nbits);
		bm_zero(flat, nbits);
		if (full) {
			hbm_set_range(&hb, 0, nbits);
			bm_fill(flat, nbits);
		}
	} else if (full) {
		hbm_init_full(&hb, store, nbits);
		bm_fill(flat, nbits);
	} else {
		hbm_init(&hb, store, nbits);
		bm_zero(flat, nbits);
	}
	for (op = 0; op < nops && t->failures == before; op++) {
		if (nbits)
			random_write(t, nbits);
		ASSERT_TRUE(t, hbm_check(&hb));
		ASSERT_TRUE(t, same_as_flat(nbits));
		random_queries(t, nbits, nbits <= 4097 || op % 16 == 0);
	}
	if (t->failures != before)
		ktest_diag(t, "nbits %llu seed %llu op %d%s", (unsigned long long)nbits,
			   (unsigned long long)seed, op, set_tree ? "" : " (clear tree only)");
}

static void random_ops(struct ktest *t, size_t nbits, uint64_t seed, int nops)
{
	random_ops_on(t, nbits, seed, nops, true);
}

KTEST(hbitmap, random_ops_small)
{
	size_t i;

	for (i = 0; i < 5; i++) {
		random_ops(t, sizes[i], 1000 + i, 1000);
		random_ops(t, sizes[i], 2001 + i, 1000);
	}
}

KTEST_SLOW(hbitmap, random_ops_4k)
{
	size_t i;

	for (i = 5; i < 8; i++) {
		random_ops(t, sizes[i], 3000 + i, 800);
		random_ops(t, sizes[i], 4001 + i, 800);
	}
}

KTEST_SLOW(hbitmap, random_ops_256k)
{
	size_t i;

	for (i = 8; i < NSIZES; i++) {
		random_ops(t, sizes[i], 5000 + i, 300);
		random_ops(t, sizes[i], 6001 + i, 300);
	}
}

/* Without the set tree: the same answers, set-bit searches by scanning, summaries exact. */
KTEST_SLOW(hbitmap, random_ops_clear_tree_only)
{
	size_t i;

	for (i = 0; i < NSIZES; i++) {
		random_ops_on(t, sizes[i], 7000 + i, sizes[i] > 4097 ? 200 : 600, false);
		random_ops_on(t, sizes[i], 8001 + i, sizes[i] > 4097 ? 200 : 600, false);
	}
}

/* Sparse and dense random maps, built with direct writes and hbm_rebuild. */
KTEST_SLOW(hbitmap, random_maps_rebuilt)
{
	static const unsigned int density[] = { 1, 16, 128, 240, 255 };	/* of 256 */
	size_t i, d, w, q;

	rng_state = 77;
	for (i = 0; i < NSIZES; i++) {
		size_t nbits = sizes[i];

		for (d = 0; d < sizeof(density) / sizeof(density[0]); d++) {
			hbm_init(&hb, store, nbits);
			for (w = 0; w < BM_WORDS(nbits); w++) {
				uint64_t v = 0;

				for (int b = 0; b < 64; b++)
					if ((rng() & 255) < density[d])
						v |= (uint64_t)1 << b;
				store[w] = flat[w] = v;
			}
			hbm_rebuild(&hb);
			random_other(nbits);
			ASSERT_TRUE(t, hbm_check(&hb));
			ASSERT_TRUE(t, same_as_flat(nbits));
			for (q = 0; q < 40; q++)
				random_queries(t, nbits, nbits <= 4097 || q % 8 == 0);
		}
	}
}

/* A search from hint 1 that finds nothing above it wraps round to bit 0. */
KTEST(hbitmap, zero_wrap_from_hint_1_finds_bit_0)
{
	hbm_init_full(&hb, store, 200);
	hbm_clear(&hb, 0);
	EXPECT_EQ(t, hbm_find_next_zero_wrap(&hb, 1), 0);
	EXPECT_EQ(t, hbm_find_next_zero_wrap(&hb, 199), 0);
	hbm_set(&hb, 0);
	EXPECT_EQ(t, hbm_find_next_zero_wrap(&hb, 1), 200);
}

/* The cursor word only: a clear bit in the next word, or in the tail, is not found. */
KTEST(hbitmap, zero_in_word_stays_in_the_word)
{
	hbm_init_full(&hb, store, 130);
	hbm_clear(&hb, 64);
	EXPECT_EQ(t, hbm_find_next_zero_in_word(&hb, 0), 130);	/* bit 64 is the next word's */
	EXPECT_EQ(t, hbm_find_next_zero_in_word(&hb, 63), 130);
	EXPECT_EQ(t, hbm_find_next_zero_in_word(&hb, 64), 64);
	EXPECT_EQ(t, hbm_find_next_zero_in_word(&hb, 65), 130);
	hbm_clear(&hb, 3);
	EXPECT_EQ(t, hbm_find_next_zero_in_word(&hb, 0), 3);
	EXPECT_EQ(t, hbm_find_next_zero_in_word(&hb, 3), 3);
	EXPECT_EQ(t, hbm_find_next_zero_in_word(&hb, 4), 130);
	/* Bits 130-191 are the last word's tail: clear in storage, never free. */
	EXPECT_EQ(t, hbm_find_next_zero_in_word(&hb, 128), 130);
	EXPECT_EQ(t, hbm_find_next_zero_in_word(&hb, 129), 130);
	hbm_clear(&hb, 129);
	EXPECT_EQ(t, hbm_find_next_zero_in_word(&hb, 128), 129);
	EXPECT_EQ(t, hbm_find_next_zero_in_word(&hb, 130), 130);
	EXPECT_EQ(t, hbm_find_next_zero_in_word(&hb, ~(size_t)0), 130);
}

/*
 * hbm_take_next_zero sets and returns the next clear bit: in the start's
 * word, in a later word under the same summary word, under the next
 * summary word; none below start (no wrap), none at or past nbits.
 */
KTEST(hbitmap, take_next_zero_sets_the_next_clear_bit)
{
	hbm_init_full(&hb, store, 4097);	/* 65 leaf words: two level-1 words */
	hbm_clear(&hb, 5);
	hbm_clear(&hb, 70);
	hbm_clear(&hb, 4096);
	EXPECT_EQ(t, hbm_take_next_zero(&hb, 0), 5);
	EXPECT_TRUE(t, hbm_test(&hb, 5));
	EXPECT_EQ(t, hbm_take_next_zero(&hb, 6), 70);
	EXPECT_EQ(t, hbm_take_next_zero(&hb, 71), 4096);
	EXPECT_EQ(t, hbm_weight(&hb), 4097);
	EXPECT_TRUE(t, hbm_check(&hb));
	/* Full: nothing found, nothing changed. */
	EXPECT_EQ(t, hbm_take_next_zero(&hb, 0), 4097);
	EXPECT_EQ(t, hbm_weight(&hb), 4097);
	hbm_clear(&hb, 100);
	EXPECT_EQ(t, hbm_take_next_zero(&hb, 101), 4097);
	EXPECT_EQ(t, hbm_take_next_zero(&hb, 4097), 4097);
	EXPECT_EQ(t, hbm_take_next_zero(&hb, 5000), 4097);
	EXPECT_FALSE(t, hbm_test(&hb, 100));
	EXPECT_EQ(t, hbm_weight(&hb), 4096);
	EXPECT_TRUE(t, hbm_check(&hb));
	EXPECT_EQ(t, hbm_take_next_zero(&hb, 100), 100);
	EXPECT_EQ(t, hbm_weight(&hb), 4097);
	EXPECT_TRUE(t, hbm_check(&hb));
}

/* The clear tail of the last word is never taken, and taking its last bit fills the map. */
KTEST(hbitmap, take_next_zero_stops_at_the_tail)
{
	hbm_init_clear_tree(&hb, store, 130);	/* bits 128, 129 in the last word */
	hbm_set_range(&hb, 0, 130);
	hbm_clear(&hb, 129);
	EXPECT_EQ(t, hbm_take_next_zero(&hb, 128), 129);
	EXPECT_EQ(t, hbm_take_next_zero(&hb, 129), 130);
	EXPECT_EQ(t, hbm_take_next_zero(&hb, 0), 130);
	EXPECT_EQ(t, hbm_weight(&hb), 130);
	EXPECT_TRUE(t, hbm_check(&hb));
	EXPECT_EQ(t, hbm_find_first_zero(&hb), 130);
	hbm_clear(&hb, 3);
	EXPECT_EQ(t, hbm_take_next_zero(&hb, 0), 3);
	EXPECT_TRUE(t, hbm_check(&hb));
}
