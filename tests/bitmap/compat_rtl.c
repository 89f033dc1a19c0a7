/* Tests of the RTL_BITMAP dialect: the NT Insider examples, the documented semantics, buffer bounds. */
#include <bitmap/compat/rtl.h>
#include <kernel/ktest.h>

#define NF	RTL_BITMAP_NOT_FOUND
#define GUARD	0xa5c3e1f0u

/* ------------------------------------------------ seed 003 (The NT Insider) */

/* Figure 1: a 32-cluster volume, clusters 0 and 31 in use. */
static void figure1(RTL_BITMAP *bm, ULONG *buf)
{
	RtlInitializeBitMap(bm, buf, 32);
	RtlClearAllBits(bm);
	RtlSetBit(bm, 0);
	RtlSetBit(bm, 31);
}

KTEST(compat_rtl, seed_initialize_does_not_touch_the_buffer)
{
	ULONG buf[1] = { 0xdeadbeef };
	RTL_BITMAP bm;

	RtlInitializeBitMap(&bm, buf, 32);
	EXPECT_EQ(t, buf[0], 0xdeadbeefu);
	EXPECT_EQ(t, bm.SizeOfBitMap, 32u);
	EXPECT_PTR_EQ(t, bm.Buffer, buf);
}

KTEST(compat_rtl, seed_figure1_volume)
{
	ULONG buf[1];
	RTL_BITMAP bm;

	figure1(&bm, buf);
	EXPECT_EQ(t, buf[0], 0x80000001u);
	/* "the return from this call would be 1" */
	EXPECT_EQ(t, RtlFindClearBits(&bm, 2, 0), 1u);
	EXPECT_EQ(t, RtlNumberOfClearBits(&bm), 30u);
	EXPECT_EQ(t, RtlNumberOfSetBits(&bm), 2u);
}

KTEST(compat_rtl, seed_reserve_two_clusters)
{
	ULONG buf[1];
	RTL_BITMAP bm;

	figure1(&bm, buf);
	/* Figure 2: RtlSetBits from index 0, two bits. */
	RtlSetBits(&bm, 0, 2);
	EXPECT_EQ(t, buf[0], 0x80000003u);
	EXPECT_EQ(t, RtlFindClearBits(&bm, 2, 0), 2u);
	EXPECT_EQ(t, RtlNumberOfSetBits(&bm), 3u);
	RtlClearBits(&bm, 0, 2);
	EXPECT_EQ(t, buf[0], 0x80000000u);
	RtlClearBit(&bm, 31);
	EXPECT_EQ(t, buf[0], 0u);
	RtlSetAllBits(&bm);
	EXPECT_EQ(t, buf[0], 0xffffffffu);
}

KTEST(compat_rtl, seed_informational_functions)
{
	ULONG buf[1];
	RTL_BITMAP bm;

	figure1(&bm, buf);
	EXPECT_EQ(t, RtlCheckBit(&bm, 0), 1u);
	EXPECT_EQ(t, RtlCheckBit(&bm, 1), 0u);
	EXPECT_EQ(t, RtlCheckBit(&bm, 31), 1u);
	EXPECT_TRUE(t, RtlTestBit(&bm, 31));
	EXPECT_TRUE(t, RtlAreBitsSet(&bm, 0, 1));
	EXPECT_FALSE(t, RtlAreBitsSet(&bm, 0, 2));
	EXPECT_TRUE(t, RtlAreBitsClear(&bm, 1, 30));
	EXPECT_FALSE(t, RtlAreBitsClear(&bm, 1, 31));
}

KTEST(compat_rtl, seed_find_routines_on_the_volume)
{
	ULONG buf[1], start = 0;
	RTL_BITMAP_RUN runs[4];
	RTL_BITMAP bm;

	figure1(&bm, buf);
	RtlSetBit(&bm, 10);
	/* Clear runs: [1,10) and [11,31). */
	EXPECT_EQ(t, RtlFindFirstRunClear(&bm, &start), 9u);
	EXPECT_EQ(t, start, 1u);
	EXPECT_EQ(t, RtlFindNextForwardRunClear(&bm, 10, &start), 20u);
	EXPECT_EQ(t, start, 11u);
	EXPECT_EQ(t, RtlFindLastBackwardRunClear(&bm, 10, &start), 9u);
	EXPECT_EQ(t, start, 1u);
	EXPECT_EQ(t, RtlFindLongestRunClear(&bm, &start), 20u);
	EXPECT_EQ(t, start, 11u);
	EXPECT_EQ(t, RtlFindClearRuns(&bm, runs, 4, FALSE), 2u);
	EXPECT_EQ(t, runs[0].StartingIndex, 1u);
	EXPECT_EQ(t, runs[0].NumberOfBits, 9u);
	EXPECT_EQ(t, runs[1].StartingIndex, 11u);
	EXPECT_EQ(t, runs[1].NumberOfBits, 20u);
	EXPECT_EQ(t, RtlFindSetBits(&bm, 1, 11), 31u);
	EXPECT_EQ(t, RtlFindClearBitsAndSet(&bm, 9, 0), 1u);
	EXPECT_EQ(t, RtlFindSetBitsAndClear(&bm, 11, 0), 0u);
	EXPECT_EQ(t, buf[0], 0x80000000u);
}

/* ------------------------------------------------ documented semantics */

KTEST(compat_rtl, hint_wraps_and_finds_a_run_crossing_it)
{
	ULONG buf[2] = { ~0u, ~0u };
	RTL_BITMAP bm;

	RtlInitializeBitMap(&bm, buf, 64);
	RtlClearBits(&bm, 10, 10);
	/* From 15 only 5 clear bits remain; the wrap finds the run at 10. */
	EXPECT_EQ(t, RtlFindClearBits(&bm, 8, 15), 10u);
	EXPECT_EQ(t, RtlFindClearBits(&bm, 5, 15), 15u);
	EXPECT_EQ(t, RtlFindClearBits(&bm, 5, 0), 10u);
	/* A hint past the end counts as 0. */
	EXPECT_EQ(t, RtlFindClearBits(&bm, 3, 64), 10u);
	EXPECT_EQ(t, RtlFindClearBits(&bm, 3, 0xffffffffu), 10u);
	EXPECT_EQ(t, RtlFindClearBits(&bm, 11, 0), NF);
	EXPECT_EQ(t, RtlFindClearBits(&bm, 0, 0), NF);
	EXPECT_EQ(t, RtlFindClearBits(&bm, 65, 0), NF);
	EXPECT_EQ(t, RtlFindSetBits(&bm, 44, 30), 20u);
	EXPECT_EQ(t, RtlFindSetBits(&bm, 9, 55), 55u);
	/* From 55 to the end are 9 set bits; the wrap finds 0-9. */
	EXPECT_EQ(t, RtlFindSetBits(&bm, 10, 55), 0u);
	EXPECT_EQ(t, RtlFindSetBits(&bm, 11, 55), 20u);
}

KTEST(compat_rtl, find_and_modify_changes_nothing_on_failure)
{
	ULONG buf[3] = { 0x0000ffffu, 0, 0x1u };
	RTL_BITMAP bm;

	RtlInitializeBitMap(&bm, buf, 65);
	EXPECT_EQ(t, RtlFindSetBitsAndClear(&bm, 17, 0), NF);
	EXPECT_EQ(t, RtlFindClearBitsAndSet(&bm, 49, 0), NF);
	EXPECT_EQ(t, buf[0], 0x0000ffffu);
	EXPECT_EQ(t, buf[1], 0u);
	EXPECT_EQ(t, buf[2], 0x1u);
	EXPECT_EQ(t, RtlFindClearBitsAndSet(&bm, 48, 5), 16u);
	EXPECT_EQ(t, buf[0], 0xffffffffu);
	EXPECT_EQ(t, buf[1], 0xffffffffu);
	EXPECT_EQ(t, RtlNumberOfClearBits(&bm), 0u);
	EXPECT_EQ(t, RtlFindSetBitsAndClear(&bm, 65, 7), 0u);
	EXPECT_EQ(t, RtlNumberOfSetBits(&bm), 0u);
}

/* A map of 100 bits whose clear runs are, in index order, 3 5 8 5 8 bits long. */
static void five_runs(RTL_BITMAP *bm, ULONG *buf)
{
	RtlInitializeBitMap(bm, buf, 100);
	RtlSetAllBits(bm);
	RtlClearBits(bm, 2, 3);
	RtlClearBits(bm, 10, 5);
	RtlClearBits(bm, 20, 8);
	RtlClearBits(bm, 40, 5);
	RtlClearBits(bm, 92, 8);
}

KTEST(compat_rtl, clear_runs_in_index_order)
{
	ULONG buf[4];
	RTL_BITMAP_RUN runs[8];
	RTL_BITMAP bm;

	five_runs(&bm, buf);
	EXPECT_EQ(t, RtlFindClearRuns(&bm, runs, 8, FALSE), 5u);
	EXPECT_EQ(t, runs[0].StartingIndex, 2u);
	EXPECT_EQ(t, runs[2].StartingIndex, 20u);
	EXPECT_EQ(t, runs[4].StartingIndex, 92u);
	EXPECT_EQ(t, runs[4].NumberOfBits, 8u);
	/* A short array gets the first runs. */
	EXPECT_EQ(t, RtlFindClearRuns(&bm, runs, 2, FALSE), 2u);
	EXPECT_EQ(t, runs[0].StartingIndex, 2u);
	EXPECT_EQ(t, runs[1].StartingIndex, 10u);
	EXPECT_EQ(t, RtlFindClearRuns(&bm, runs, 0, FALSE), 0u);
}

KTEST(compat_rtl, clear_runs_longest_first)
{
	ULONG buf[4];
	RTL_BITMAP_RUN runs[8];
	RTL_BITMAP bm;

	five_runs(&bm, buf);
	/* The whole map is scanned; equal lengths stay in index order. */
	EXPECT_EQ(t, RtlFindClearRuns(&bm, runs, 3, TRUE), 3u);
	EXPECT_EQ(t, runs[0].StartingIndex, 20u);
	EXPECT_EQ(t, runs[0].NumberOfBits, 8u);
	EXPECT_EQ(t, runs[1].StartingIndex, 92u);
	EXPECT_EQ(t, runs[1].NumberOfBits, 8u);
	EXPECT_EQ(t, runs[2].StartingIndex, 10u);
	EXPECT_EQ(t, runs[2].NumberOfBits, 5u);
	EXPECT_EQ(t, RtlFindClearRuns(&bm, runs, 8, TRUE), 5u);
	EXPECT_EQ(t, runs[3].StartingIndex, 40u);
	EXPECT_EQ(t, runs[4].StartingIndex, 2u);
	EXPECT_EQ(t, runs[4].NumberOfBits, 3u);
}

KTEST(compat_rtl, run_searches_forward_backward_longest)
{
	ULONG buf[4], start;
	RTL_BITMAP bm;

	five_runs(&bm, buf);
	/* Forward from inside a run starts at from; backward cuts at from. */
	EXPECT_EQ(t, RtlFindNextForwardRunClear(&bm, 12, &start), 3u);
	EXPECT_EQ(t, start, 12u);
	EXPECT_EQ(t, RtlFindNextForwardRunClear(&bm, 45, &start), 8u);
	EXPECT_EQ(t, start, 92u);
	EXPECT_EQ(t, RtlFindLastBackwardRunClear(&bm, 24, &start), 4u);
	EXPECT_EQ(t, start, 20u);
	EXPECT_EQ(t, RtlFindLastBackwardRunClear(&bm, 40, &start), 8u);
	EXPECT_EQ(t, start, 20u);
	EXPECT_EQ(t, RtlFindLastBackwardRunClear(&bm, 2, &start), 0u);
	EXPECT_EQ(t, RtlFindLastBackwardRunClear(&bm, 0xffffffffu, &start), 8u);
	EXPECT_EQ(t, start, 92u);
	EXPECT_EQ(t, RtlFindLongestRunClear(&bm, &start), 8u);
	EXPECT_EQ(t, start, 20u);
	RtlSetAllBits(&bm);
	EXPECT_EQ(t, RtlFindFirstRunClear(&bm, &start), 0u);
	EXPECT_EQ(t, start, 100u);
	EXPECT_EQ(t, RtlFindLongestRunClear(&bm, &start), 0u);
	EXPECT_EQ(t, RtlFindNextForwardRunClear(&bm, 100, &start), 0u);
}

KTEST(compat_rtl, ranges_outside_the_map)
{
	ULONG buf[2] = { 0, 0 };
	RTL_BITMAP bm;

	RtlInitializeBitMap(&bm, buf, 40);
	EXPECT_FALSE(t, RtlAreBitsClear(&bm, 0, 0));
	EXPECT_FALSE(t, RtlAreBitsSet(&bm, 0, 0));
	EXPECT_TRUE(t, RtlAreBitsClear(&bm, 0, 40));
	EXPECT_FALSE(t, RtlAreBitsClear(&bm, 0, 41));
	EXPECT_FALSE(t, RtlAreBitsClear(&bm, 40, 1));
	EXPECT_FALSE(t, RtlAreBitsClear(&bm, 39, 0xffffffffu));
	RtlSetBits(&bm, 30, 11);
	RtlSetBits(&bm, 0xfffffff0u, 0x20);
	RtlSetBit(&bm, 40);
	RtlSetBits(&bm, 5, 0);
	EXPECT_EQ(t, buf[0], 0u);
	EXPECT_EQ(t, buf[1], 0u);
	EXPECT_FALSE(t, RtlTestBit(&bm, 40));
	RtlSetBits(&bm, 30, 10);
	EXPECT_TRUE(t, RtlAreBitsSet(&bm, 30, 10));
	EXPECT_EQ(t, buf[0], 0xc0000000u);
	EXPECT_EQ(t, buf[1], 0xffu);
}

KTEST(compat_rtl, counts_ignore_bits_past_the_size)
{
	ULONG buf[2] = { 0, 0xffffff00u };
	ULONG start;
	RTL_BITMAP bm;

	RtlInitializeBitMap(&bm, buf, 40);
	EXPECT_EQ(t, RtlNumberOfSetBits(&bm), 0u);
	EXPECT_EQ(t, RtlNumberOfClearBits(&bm), 40u);
	EXPECT_EQ(t, RtlFindLongestRunClear(&bm, &start), 40u);
	EXPECT_EQ(t, RtlFindSetBits(&bm, 1, 0), NF);
	EXPECT_EQ(t, RtlFindClearBits(&bm, 40, 7), 0u);
	/* Counting never writes. */
	EXPECT_EQ(t, buf[1], 0xffffff00u);
}

/* ------------------------------------------------ buffer bounds */

/*
 * Sizes around ULONG and uint64_t boundaries, each run in a buffer that is
 * only 4-byte aligned with guard ULONGs on both sides: every routine must
 * keep to ceil(size / 32) ULONGs.
 */
static const ULONG bound_sizes[] = { 1, 31, 32, 33, 63, 64, 65, 95, 96, 97, 127, 161 };

#define RAW_ULONGS	8

struct guarded {
	_Alignas(8) ULONG raw[RAW_ULONGS];
	RTL_BITMAP bm;
};

static void guarded_init(struct guarded *g, ULONG size)
{
	for (int k = 0; k < RAW_ULONGS; k++)
		g->raw[k] = GUARD;
	/* raw + 1 is 4 mod 8: a 64-bit load of it would be misaligned. */
	RtlInitializeBitMap(&g->bm, g->raw + 1, size);
}

/* Guards before and after the buffer still intact? */
static bool guards_ok(const struct guarded *g)
{
	ULONG n = (g->bm.SizeOfBitMap + 31) / 32;

	if (g->raw[0] != GUARD)
		return false;
	for (ULONG k = n + 1; k < RAW_ULONGS; k++)
		if (g->raw[k] != GUARD)
			return false;
	return true;
}

/* Call every routine once on g. */
static void exercise(struct guarded *g)
{
	RTL_BITMAP *bm = &g->bm;
	RTL_BITMAP_RUN runs[4];
	ULONG start, size = bm->SizeOfBitMap;

	RtlClearAllBits(bm);
	RtlSetBits(bm, size - 1, 1);
	RtlFindClearBitsAndSet(bm, size / 2 + 1, size - 1);
	RtlFindSetBitsAndClear(bm, 1, size - 1);
	RtlFindClearRuns(bm, runs, 4, TRUE);
	RtlFindClearRuns(bm, runs, 4, FALSE);
	RtlFindFirstRunClear(bm, &start);
	RtlFindNextForwardRunClear(bm, size - 1, &start);
	RtlFindLastBackwardRunClear(bm, size, &start);
	RtlFindLongestRunClear(bm, &start);
	RtlNumberOfSetBits(bm);
	RtlAreBitsSet(bm, 0, size);
	RtlAreBitsClear(bm, size - 1, 1);
	RtlSetAllBits(bm);
	RtlFindSetBits(bm, size, size);
	RtlClearBits(bm, 0, size);
	RtlSetBit(bm, size - 1);
	RtlClearBit(bm, size - 1);
	RtlTestBit(bm, size - 1);
}

KTEST(compat_rtl, no_routine_leaves_the_buffer)
{
	for (unsigned k = 0; k < sizeof(bound_sizes) / sizeof(bound_sizes[0]); k++) {
		struct guarded g;
		ULONG size = bound_sizes[k];

		guarded_init(&g, size);
		exercise(&g);
		if (!guards_ok(&g))
			ktest_fail_at(t, __FILE__, __LINE__, "size %u: a guard ULONG was written",
				      (unsigned)size);
		RtlSetAllBits(&g.bm);
		EXPECT_EQ(t, RtlNumberOfSetBits(&g.bm), size);
		EXPECT_EQ(t, RtlFindSetBits(&g.bm, size, 0), 0u);
		EXPECT_TRUE(t, guards_ok(&g));
	}
}

/* Exact-size stack buffers: under ASan any read past them is reported. */
KTEST(compat_rtl, exact_buffers_with_odd_ulong_counts)
{
	ULONG one[1], three[3], five[5];
	struct guarded g;

	g.bm.Buffer = one;
	g.bm.SizeOfBitMap = 17;
	exercise(&g);
	g.bm.Buffer = three;
	g.bm.SizeOfBitMap = 65;
	exercise(&g);
	/* RtlSetAllBits wrote the whole last ULONG; the rest clears only bit 64. */
	EXPECT_EQ(t, three[2], 0xfffffffeu);
	g.bm.Buffer = five;
	g.bm.SizeOfBitMap = 160;
	exercise(&g);
	EXPECT_EQ(t, RtlNumberOfClearBits(&g.bm), 160u);
}

/* ------------------------------------------------ against a naive model */

static bool nbit(const ULONG *buf, size_t i)
{
	return (buf[i / 32] >> (i % 32)) & 1;
}

/* Do n bits equal to v start at s (inside size)? */
static bool naive_run_at(const ULONG *buf, size_t size, size_t s, size_t n, bool v)
{
	if (s + n > size)
		return false;
	for (size_t i = s; i < s + n; i++)
		if (nbit(buf, i) != v)
			return false;
	return true;
}

/* The documented search: from hint to the end, then from 0 (runs starting below hint). */
static ULONG naive_find(const ULONG *buf, size_t size, size_t n, size_t hint, bool v)
{
	if (n == 0)
		return NF;
	if (hint >= size)
		hint = 0;
	for (size_t s = hint; s < size; s++)
		if (naive_run_at(buf, size, s, n, v))
			return (ULONG)s;
	for (size_t s = 0; s < hint; s++)
		if (naive_run_at(buf, size, s, n, v))
			return (ULONG)s;
	return NF;
}

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

KTEST(compat_rtl, searches_match_a_naive_model)
{
	ULONG buf[6];
	RTL_BITMAP bm;
	uint64_t rng = 0x9e3779b97f4a7c15ull;
	int fails = 0;

	for (int round = 0; round < 300 && fails < 5; round++) {
		ULONG size = 1 + (ULONG)(rng_next(&rng) % 192);
		unsigned density = (unsigned)(rng_next(&rng) % 4);

		RtlInitializeBitMap(&bm, buf, size);
		for (int k = 0; k < 6; k++)
			buf[k] = (ULONG)rng_next(&rng);
		/* Denser or sparser maps, so runs of every length appear. */
		for (int k = 0; k < 6; k++)
			for (unsigned d = 0; d < density; d++)
				buf[k] = density & 1 ? buf[k] | (ULONG)rng_next(&rng) :
						       buf[k] & (ULONG)rng_next(&rng);
		for (int q = 0; q < 20; q++) {
			ULONG n = (ULONG)(rng_next(&rng) % 12);
			ULONG hint = (ULONG)(rng_next(&rng) % (size + 2));
			ULONG want_c = naive_find(buf, size, n, hint, false);
			ULONG want_s = naive_find(buf, size, n, hint, true);
			ULONG got_c = RtlFindClearBits(&bm, n, hint);
			ULONG got_s = RtlFindSetBits(&bm, n, hint);

			if (got_c != want_c || got_s != want_s) {
				ktest_fail_at(t, __FILE__, __LINE__,
					      "size %u n %u hint %u: clear %u (want %u), set %u (want %u)",
					      (unsigned)size, (unsigned)n, (unsigned)hint,
					      (unsigned)got_c, (unsigned)want_c,
					      (unsigned)got_s, (unsigned)want_s);
				fails++;
			}
		}
		{
			ULONG set = 0;

			for (size_t i = 0; i < size; i++)
				set += nbit(buf, i);
			EXPECT_EQ(t, RtlNumberOfSetBits(&bm), set);
		}
	}
}
