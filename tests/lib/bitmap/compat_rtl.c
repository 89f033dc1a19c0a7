// SPDX-License-Identifier: MIT
/* Tests of the RTL_BITMAP dialect: Windows' answers (cited per value), buffer bounds, a model. */
#include <bitmap/compat/rtl.h>
#include <kernel/ktest.h>

#include "model.h"

/*
 * Every expected value below is Windows', from one of:
 *  - issue 14: RtlFindLastBackwardRunClear as Windows answers it (FromIndex
 *    included), the values written out there;
 *  - ReactOS apitests/ntdll/RtlBitmap.c: values checked on Windows 7 and
 *    later (the test marks Windows 2003's differences as broken);
 *  - Wine dlls/ntdll/tests/rtlbitmap.c: checks that pass on real Windows;
 *  - Microsoft Learn's page for the routine;
 *  - the NT Insider article (seed 003), in seed_rtl.c.
 * Each value carries a short comment naming its source.
 */

#define NF	RTL_BITMAP_NOT_FOUND
#define GUARD	0xa5c3e1f0u

/* One search and the answer Windows gives. */
struct find_case {
	ULONG size, n, hint, want;
};

/* Run cases through find (RtlFindClearBits or RtlFindSetBits) on buf. */
static void check_finds(struct ktest *t, const char *name,
			ULONG (*find)(PRTL_BITMAP, ULONG, ULONG), ULONG *buf,
			const struct find_case *c, unsigned count)
{
	RTL_BITMAP bm;

	for (unsigned k = 0; k < count; k++) {
		ULONG got;

		RtlInitializeBitMap(&bm, buf, c[k].size);
		got = find(&bm, c[k].n, c[k].hint);
		if (got != c[k].want)
			ktest_fail_at(t, __FILE__, __LINE__,
				      "%s(size %u, n %u, hint %u): expected %u (Windows), got %u",
				      name, (unsigned)c[k].size, (unsigned)c[k].n,
				      (unsigned)c[k].hint, (unsigned)c[k].want, (unsigned)got);
	}
}

/* ------------------------------------------------ backward and forward runs */

KTEST(compat_rtl, backward_run_includes_from_index_all_clear)
{
	ULONG buf[1] = { 0 }, start = 99;
	RTL_BITMAP bm;

	RtlInitializeBitMap(&bm, buf, 32);
	/* Windows: issue 14 (all clear, 32 bits): 10 -> 11, 0 -> 1, 31 -> 32, start 0 */
	EXPECT_EQ(t, RtlFindLastBackwardRunClear(&bm, 10, &start), 11u);
	EXPECT_EQ(t, start, 0u);
	EXPECT_EQ(t, RtlFindLastBackwardRunClear(&bm, 0, &start), 1u);
	EXPECT_EQ(t, start, 0u);
	EXPECT_EQ(t, RtlFindLastBackwardRunClear(&bm, 31, &start), 32u);
	EXPECT_EQ(t, start, 0u);
	/* Windows: issue 14: FromIndex >= size -> 0; the start is FromIndex (probed on Windows 11) */
	EXPECT_EQ(t, RtlFindLastBackwardRunClear(&bm, 32, &start), 0u);
	EXPECT_EQ(t, start, 32u);
	EXPECT_EQ(t, RtlFindLastBackwardRunClear(&bm, 0xffffffffu, &start), 0u);
}

/* Bits 0..4 set, 5..9 clear, 10..20 set, 21..31 clear (issue 14's map). */
static void issue_map(RTL_BITMAP *bm, ULONG *buf)
{
	RtlInitializeBitMap(bm, buf, 32);
	RtlClearAllBits(bm);
	RtlSetBits(bm, 0, 5);
	RtlSetBits(bm, 10, 11);
}

KTEST(compat_rtl, backward_run_clear_on_issue_map)
{
	ULONG buf[1], start = 99;
	RTL_BITMAP bm;

	issue_map(&bm, buf);
	/* Windows: issue 14: 15 -> 5 (start 5) */
	EXPECT_EQ(t, RtlFindLastBackwardRunClear(&bm, 15, &start), 5u);
	EXPECT_EQ(t, start, 5u);
	/* Windows: issue 14: 9 -> 5 (start 5) */
	EXPECT_EQ(t, RtlFindLastBackwardRunClear(&bm, 9, &start), 5u);
	EXPECT_EQ(t, start, 5u);
	/* Windows: issue 14: 7 -> 3 (start 5: the run is cut at FromIndex) */
	EXPECT_EQ(t, RtlFindLastBackwardRunClear(&bm, 7, &start), 3u);
	EXPECT_EQ(t, start, 5u);
	/* Windows: issue 14: 31 -> 11 (start 21) */
	EXPECT_EQ(t, RtlFindLastBackwardRunClear(&bm, 31, &start), 11u);
	EXPECT_EQ(t, start, 21u);
	/* Windows: issue 14: 4 -> 0; nothing found writes start 0 (probed on Windows 11) */
	EXPECT_EQ(t, RtlFindLastBackwardRunClear(&bm, 4, &start), 0u);
	EXPECT_EQ(t, start, 0u);
}

KTEST(compat_rtl, backward_run_set_mirrors_clear)
{
	ULONG buf[1], start = 99;
	RTL_BITMAP bm;

	/* The complement of issue 14's map: its set runs are the clear runs above. */
	issue_map(&bm, buf);
	buf[0] = ~buf[0];
	/* Windows: issue 14's values, for the set form (Wine exports both forms) */
	EXPECT_EQ(t, RtlFindLastBackwardRunSet(&bm, 15, &start), 5u);
	EXPECT_EQ(t, start, 5u);
	EXPECT_EQ(t, RtlFindLastBackwardRunSet(&bm, 7, &start), 3u);
	EXPECT_EQ(t, start, 5u);
	EXPECT_EQ(t, RtlFindLastBackwardRunSet(&bm, 31, &start), 11u);
	EXPECT_EQ(t, start, 21u);
	EXPECT_EQ(t, RtlFindLastBackwardRunSet(&bm, 4, &start), 0u);
	EXPECT_EQ(t, RtlFindLastBackwardRunSet(&bm, 32, &start), 0u);
}

KTEST(compat_rtl, forward_run_clear_reactos_values)
{
	ULONG buf[2] = { 0xF9F078B2u, 0x3F303F30u }, start;
	RTL_BITMAP bm;

	/* Windows: ReactOS RtlBitmap.c Test_RtlFindNextForwardRunClear */
	RtlInitializeBitMap(&bm, buf, 0);
	EXPECT_EQ(t, RtlFindNextForwardRunClear(&bm, 0, &start), 0u);
	EXPECT_EQ(t, start, 0u);
	EXPECT_EQ(t, RtlFindNextForwardRunClear(&bm, 1, &start), 0u);
	EXPECT_EQ(t, start, 1u);
	RtlInitializeBitMap(&bm, buf, 8);
	EXPECT_EQ(t, RtlFindNextForwardRunClear(&bm, 0, &start), 1u);
	EXPECT_EQ(t, start, 0u);
	EXPECT_EQ(t, RtlFindNextForwardRunClear(&bm, 1, &start), 2u);
	EXPECT_EQ(t, start, 2u);
	EXPECT_EQ(t, RtlFindNextForwardRunClear(&bm, 7, &start), 0u);
	EXPECT_EQ(t, start, 8u);
	EXPECT_EQ(t, RtlFindNextForwardRunClear(&bm, 17, &start), 0u);
	EXPECT_EQ(t, start, 17u);
	EXPECT_EQ(t, RtlFindNextForwardRunClear(&bm, 39, &start), 0u);
	EXPECT_EQ(t, start, 39u);
}

KTEST(compat_rtl, forward_runs_wine_values)
{
	/* Wine's byte masks ff x 7, 00 and 00 x 7, ff, as ULONGs. */
	ULONG clear_tail[2] = { 0xffffffffu, 0x00ffffffu };
	ULONG set_tail[2] = { 0, 0xff000000u };
	ULONG start = 0;
	RTL_BITMAP bm;

	/* Windows: Wine rtlbitmap.c test_RtlFindNextForwardRunClear: 62 bits, from 0 -> 6 at 56 */
	RtlInitializeBitMap(&bm, clear_tail, 62);
	EXPECT_EQ(t, RtlFindNextForwardRunClear(&bm, 0, &start), 6u);
	EXPECT_EQ(t, start, 56u);
	/* Windows: Wine rtlbitmap.c test_RtlFindNextForwardRunSet: 62 bits, from 0 -> 6 at 56 */
	RtlInitializeBitMap(&bm, set_tail, 62);
	EXPECT_EQ(t, RtlFindNextForwardRunSet(&bm, 0, &start), 6u);
	EXPECT_EQ(t, start, 56u);
	/* Windows: nothing found forward writes SizeOfBitMap (probed on Windows 11) */
	EXPECT_EQ(t, RtlFindNextForwardRunSet(&bm, 0, &start), 6u);
	RtlClearAllBits(&bm);
	EXPECT_EQ(t, RtlFindNextForwardRunSet(&bm, 3, &start), 0u);
	EXPECT_EQ(t, start, 62u);
	EXPECT_EQ(t, RtlFindFirstRunClear(&bm, &start), 62u);
	EXPECT_EQ(t, start, 0u);
}

KTEST(compat_rtl, runs_clip_at_from_index_in_opposite_directions)
{
	ULONG buf[32], start;
	RTL_BITMAP bm;

	RtlInitializeBitMap(&bm, buf, 1024);
	RtlSetAllBits(&bm);
	RtlClearBits(&bm, 100, 20);
	/* Windows: a run 100..119 asked from 105: forward 15 at 105 (probed on Windows 11) */
	EXPECT_EQ(t, RtlFindNextForwardRunClear(&bm, 105, &start), 15u);
	EXPECT_EQ(t, start, 105u);
	/* Windows: backward from 105: 6 at 100 (probed on Windows 11) */
	EXPECT_EQ(t, RtlFindLastBackwardRunClear(&bm, 105, &start), 6u);
	EXPECT_EQ(t, start, 100u);
	/* Windows: bits 1000..1023 clear: 24 at size 1024, 10 at size 1010 (probed on Windows 11) */
	RtlClearBits(&bm, 1000, 24);
	EXPECT_EQ(t, RtlFindNextForwardRunClear(&bm, 1000, &start), 24u);
	RtlInitializeBitMap(&bm, buf, 1010);
	EXPECT_EQ(t, RtlFindNextForwardRunClear(&bm, 1000, &start), 10u);
	EXPECT_EQ(t, RtlFindLastBackwardRunClear(&bm, 1009, &start), 10u);
	EXPECT_EQ(t, start, 1000u);
}

/* ------------------------------------------------ searches with a hint */

KTEST(compat_rtl, find_clear_bits_reactos_values)
{
	/* Windows: ReactOS RtlBitmap.c Test_RtlFindClearBits (n = 0: the hint rounded down to 8) */
	static const struct find_case c[] = {
		{ 0, 0, 0, 0 }, { 0, 0, 3, 0 }, { 0, 1, 0, NF }, { 0, 1, 1, NF },
		{ 8, 0, 3, 0 }, { 8, 1, 0, 1 }, { 8, 1, 1, 1 }, { 8, 1, 2, 4 },
		{ 8, 2, 0, 4 }, { 8, 3, 0, NF },
		{ 32, 0, 3, 0 }, { 32, 0, 21, 16 }, { 32, 0, 12, 8 }, { 32, 0, 31, 24 },
		{ 32, 0, 32, 0 }, { 32, 0, 39, 0 }, { 32, 4, 0, 11 }, { 32, 5, 0, 20 },
		{ 32, 4, 11, 11 }, { 32, 4, 12, 20 }, { 32, 2, 11, 11 }, { 32, 2, 12, 12 },
		{ 32, 1, 32, 1 }, { 32, 4, 32, 11 }, { 32, 5, 32, 20 },
		{ 64, 5, 64, 20 }, { 64, 9, 28, 27 }, { 64, 10, 0, NF },
	};
	ULONG buf[2] = { 0x060F874Du, 0x3F303F30u };

	check_finds(t, "RtlFindClearBits", RtlFindClearBits, buf, c, sizeof(c) / sizeof(c[0]));
	/* Windows: ReactOS: with bits 56..63 set, hint 56 wraps to bit 1 */
	buf[1] = 0xFF303F30u;
	check_finds(t, "RtlFindClearBits", RtlFindClearBits, buf,
		    &(struct find_case){ 64, 1, 56, 1 }, 1);
}

KTEST(compat_rtl, find_set_bits_reactos_values)
{
	/* Windows: ReactOS RtlBitmap.c Test_RtlFindSetBits */
	static const struct find_case c[] = {
		{ 0, 0, 0, 0 }, { 0, 0, 3, 0 }, { 0, 1, 0, NF }, { 0, 1, 1, NF },
		{ 8, 0, 3, 0 }, { 8, 1, 0, 1 }, { 8, 1, 1, 1 }, { 8, 1, 2, 4 },
		{ 8, 2, 0, 4 }, { 8, 3, 0, NF },
		{ 32, 0, 3, 0 }, { 32, 0, 21, 16 }, { 32, 0, 12, 8 }, { 32, 0, 31, 24 },
		{ 32, 0, 32, 0 }, { 32, 0, 39, 0 }, { 32, 4, 0, 11 }, { 32, 5, 0, 20 },
		{ 32, 4, 11, 11 }, { 32, 4, 12, 20 }, { 32, 2, 11, 11 },
		{ 32, 1, 32, 1 }, { 32, 4, 32, 11 }, { 32, 5, 32, 20 },
		{ 64, 5, 64, 20 }, { 64, 6, 57, 40 }, { 64, 7, 0, NF }, { 64, 1, 62, 1 },
	};
	ULONG buf[2] = { 0xF9F078B2u, 0x3F303F30u };

	check_finds(t, "RtlFindSetBits", RtlFindSetBits, buf, c, sizeof(c) / sizeof(c[0]));
}

/* A find-and-modify call, its answer and buf[0] after it; reset restores buf[0] first. */
struct modify_case {
	ULONG size, n, hint, want, after;
	bool reset;
};

/* Run cases in order through modify on buf, whose buf[0] starts as first. */
static void check_modifies(struct ktest *t, const char *name,
			   ULONG (*modify)(PRTL_BITMAP, ULONG, ULONG), ULONG first,
			   const struct modify_case *c, unsigned count)
{
	ULONG buf[2] = { first, 0x3F303F30u }, got;
	RTL_BITMAP bm;

	for (unsigned k = 0; k < count; k++) {
		if (c[k].reset)
			buf[0] = first;
		RtlInitializeBitMap(&bm, buf, c[k].size);
		got = modify(&bm, c[k].n, c[k].hint);
		if (got != c[k].want || buf[0] != c[k].after)
			ktest_fail_at(t, __FILE__, __LINE__,
				      "%s(size %u, n %u, hint %u): expected %u leaving 0x%08x (Windows), "
				      "got %u leaving 0x%08x", name, (unsigned)c[k].size,
				      (unsigned)c[k].n, (unsigned)c[k].hint, (unsigned)c[k].want,
				      (unsigned)c[k].after, (unsigned)got, (unsigned)buf[0]);
	}
	EXPECT_EQ(t, buf[1], 0x3F303F30u);
}

KTEST(compat_rtl, find_clear_bits_and_set_reactos_values)
{
	/* Windows: ReactOS RtlBitmap.c Test_RtlFindClearBitsAndSet */
	static const struct modify_case c[] = {
		{ 0, 0, 0, 0, 0x060F874D, 1 }, { 0, 0, 3, 0, 0x060F874D, 0 },
		{ 0, 1, 0, NF, 0x060F874D, 0 }, { 0, 1, 1, NF, 0x060F874D, 0 },
		{ 8, 1, 0, 1, 0x060f874f, 1 }, { 8, 1, 1, 4, 0x060f875f, 0 },
		{ 8, 1, 2, 5, 0x060f877f, 0 }, { 8, 2, 0, NF, 0x060f877f, 0 },
		{ 32, 4, 0, 11, 0x060fff4d, 1 }, { 32, 5, 0, 20, 0x07ffff4d, 0 },
		{ 32, 4, 11, 27, 0x7fffff4d, 0 },
		{ 32, 4, 12, 20, 0x06ff874d, 1 }, { 32, 2, 11, 11, 0x06ff9f4d, 0 },
		{ 32, 2, 12, 13, 0x06ffff4d, 0 },
	};

	check_modifies(t, "RtlFindClearBitsAndSet", RtlFindClearBitsAndSet, 0x060F874Du, c,
		       sizeof(c) / sizeof(c[0]));
}

KTEST(compat_rtl, find_set_bits_and_clear_reactos_values)
{
	/* Windows: ReactOS RtlBitmap.c Test_RtlFindSetBitsAndClear */
	static const struct modify_case c[] = {
		{ 0, 0, 0, 0, 0xF9F078B2, 1 }, { 0, 0, 3, 0, 0xF9F078B2, 0 },
		{ 0, 1, 0, NF, 0xF9F078B2, 0 }, { 0, 1, 1, NF, 0xF9F078B2, 0 },
		{ 8, 1, 0, 1, 0xf9f078b0, 1 }, { 8, 1, 1, 4, 0xf9f078a0, 0 },
		{ 8, 1, 2, 5, 0xf9f07880, 0 }, { 8, 2, 0, NF, 0xf9f07880, 0 },
		{ 32, 4, 0, 11, 0xf9f000b2, 1 }, { 32, 5, 0, 20, 0xf80000b2, 0 },
		{ 32, 4, 11, 27, 0x800000b2, 0 },
		{ 32, 4, 12, 20, 0xf90078b2, 1 }, { 32, 2, 11, 11, 0xf90060b2, 0 },
		{ 32, 2, 12, 13, 0xf90000b2, 0 },
	};

	check_modifies(t, "RtlFindSetBitsAndClear", RtlFindSetBitsAndClear, 0xF9F078B2u, c,
		       sizeof(c) / sizeof(c[0]));
}

KTEST(compat_rtl, find_and_modify_wine_values)
{
	ULONG buf[64];
	RTL_BITMAP bm;

	RtlInitializeBitMap(&bm, buf, 2048);
	RtlClearAllBits(&bm);
	RtlSetBits(&bm, 40, 77);
	/* Windows: Wine rtlbitmap.c test_RtlFindSetBitsAndClear: 77 set at 40 -> 40, then clear */
	EXPECT_EQ(t, RtlFindSetBitsAndClear(&bm, 77, 0), 40u);
	EXPECT_TRUE(t, RtlAreBitsClear(&bm, 40, 77));
	RtlSetAllBits(&bm);
	RtlClearBits(&bm, 40, 77);
	/* Windows: Wine rtlbitmap.c test_RtlFindClearBitsAndSet: hint 50 inside the run -> 40 */
	EXPECT_EQ(t, RtlFindClearBitsAndSet(&bm, 77, 50), 40u);
	EXPECT_TRUE(t, RtlAreBitsSet(&bm, 40, 77));
}

/* ------------------------------------------------ runs */

/* Wine's 2048-bit map: runs of 19 at 7, 3 at 101, 33 at 1877 equal to v. */
static void wine_runs_map(RTL_BITMAP *bm, ULONG *buf, bool v)
{
	RtlInitializeBitMap(bm, buf, 2048);
	if (v) {
		RtlClearAllBits(bm);
		RtlSetBits(bm, 7, 19);
		RtlSetBits(bm, 101, 3);
		RtlSetBits(bm, 1877, 33);
	} else {
		RtlSetAllBits(bm);
		RtlClearBits(bm, 7, 19);
		RtlClearBits(bm, 101, 3);
		RtlClearBits(bm, 1877, 33);
	}
}

/* Wine's test_RtlFindSetRuns / test_RtlFindClearRuns, for value v. */
static void check_wine_runs(struct ktest *t, bool v)
{
	ULONG (*find)(PRTL_BITMAP, PRTL_BITMAP_RUN, ULONG, BOOLEAN) =
		v ? RtlFindSetRuns : RtlFindClearRuns;
	ULONG (*longest)(PRTL_BITMAP, PULONG) = v ? RtlFindLongestRunSet : RtlFindLongestRunClear;
	RTL_BITMAP_RUN runs[4];
	ULONG buf[64], start = 0;
	RTL_BITMAP bm;

	wine_runs_map(&bm, buf, v);
	/* Windows: Wine rtlbitmap.c: the first 2 runs are the ones at 7 and 101 */
	EXPECT_EQ(t, find(&bm, runs, 2, FALSE), 2u);
	EXPECT_EQ(t, runs[0].StartingIndex, 7u);
	EXPECT_EQ(t, runs[0].NumberOfBits, 19u);
	EXPECT_EQ(t, runs[1].StartingIndex, 101u);
	/* Windows: Wine rtlbitmap.c: the 2 longest are 1877 and 7; Microsoft Learn: longest first */
	EXPECT_EQ(t, find(&bm, runs, 2, TRUE), 2u);
	EXPECT_EQ(t, runs[0].StartingIndex, 1877u);
	EXPECT_EQ(t, runs[0].NumberOfBits, 33u);
	EXPECT_EQ(t, runs[1].StartingIndex, 7u);
	/* Windows: Wine rtlbitmap.c: all 3, 19 + 3 + 33 bits */
	EXPECT_EQ(t, find(&bm, runs, 4, TRUE), 3u);
	EXPECT_EQ(t, runs[2].StartingIndex, 101u);
	EXPECT_EQ(t, runs[2].NumberOfBits, 3u);
	/* Windows: Wine rtlbitmap.c: the longest run is 33 at 1877 */
	EXPECT_EQ(t, longest(&bm, &start), 33u);
	EXPECT_EQ(t, start, 1877u);
	/* Windows: Wine rtlbitmap.c: a map with no such bit has no run, a full one has one */
	if (v)
		RtlClearAllBits(&bm);
	else
		RtlSetAllBits(&bm);
	EXPECT_EQ(t, longest(&bm, &start), 0u);
	EXPECT_EQ(t, find(&bm, runs, 4, TRUE), 0u);
	if (v)
		RtlSetAllBits(&bm);
	else
		RtlClearAllBits(&bm);
	EXPECT_EQ(t, find(&bm, runs, 4, TRUE), 1u);
	EXPECT_EQ(t, runs[0].StartingIndex, 0u);
	EXPECT_EQ(t, runs[0].NumberOfBits, 2048u);
}

KTEST(compat_rtl, clear_runs_wine_values)
{
	check_wine_runs(t, false);
}

KTEST(compat_rtl, set_runs_wine_values)
{
	check_wine_runs(t, true);
}

/* ------------------------------------------------ whole-map routines */

KTEST(compat_rtl, set_and_clear_all_write_whole_ulongs)
{
	ULONG buf[2];
	RTL_BITMAP bm;

	/* Windows: ReactOS RtlBitmap.c Test_RtlClearAllBits / Test_RtlSetAllBits */
	buf[0] = buf[1] = 0xccccccccu;
	RtlInitializeBitMap(&bm, buf, 19);
	RtlClearAllBits(&bm);
	EXPECT_EQ(t, buf[0], 0u);
	EXPECT_EQ(t, buf[1], 0xccccccccu);
	RtlSetAllBits(&bm);
	EXPECT_EQ(t, buf[0], 0xffffffffu);
	EXPECT_EQ(t, buf[1], 0xccccccccu);
	buf[0] = 0xccccccccu;
	RtlInitializeBitMap(&bm, buf, 0);
	RtlSetAllBits(&bm);
	RtlClearAllBits(&bm);
	EXPECT_EQ(t, buf[0], 0xccccccccu);
	RtlInitializeBitMap(&bm, buf, 64);
	RtlSetAllBits(&bm);
	EXPECT_EQ(t, buf[1], 0xffffffffu);
}

KTEST(compat_rtl, set_and_clear_ranges_reactos_values)
{
	ULONG buf[2];
	RTL_BITMAP bm;

	RtlInitializeBitMap(&bm, buf, 19);
	/* Windows: ReactOS RtlBitmap.c Test_RtlSetBits / Test_RtlClearBits (in-range cases) */
	buf[0] = buf[1] = 0;
	RtlSetBits(&bm, 0, 0);
	EXPECT_EQ(t, buf[0], 0u);
	RtlSetBits(&bm, 7, 9);
	EXPECT_EQ(t, buf[0], 0x0000ff80u);
	buf[0] = buf[1] = 0xffffffffu;
	RtlClearBits(&bm, 7, 9);
	EXPECT_EQ(t, buf[0], 0xffff007fu);
	RtlClearBits(&bm, 0, 1);
	EXPECT_EQ(t, buf[0], 0xffff007eu);
	EXPECT_EQ(t, buf[1], 0xffffffffu);
}

KTEST(compat_rtl, are_bits_reactos_values)
{
	ULONG clr[2] = { 0x00ff00ffu, 0xc0cfc0cfu }, set[2] = { 0xff00ff00u, 0x3F303F30u };
	RTL_BITMAP c, s;

	/* Windows: ReactOS RtlBitmap.c Test_RtlAreBitsClear / Test_RtlAreBitsSet */
	RtlInitializeBitMap(&c, clr, 19);
	RtlInitializeBitMap(&s, set, 19);
	EXPECT_FALSE(t, RtlAreBitsClear(&c, 0, 8));
	EXPECT_TRUE(t, RtlAreBitsClear(&c, 8, 8));
	EXPECT_FALSE(t, RtlAreBitsClear(&c, 7, 8));
	EXPECT_FALSE(t, RtlAreBitsClear(&c, 8, 9));
	EXPECT_FALSE(t, RtlAreBitsClear(&c, 24, 1));
	EXPECT_FALSE(t, RtlAreBitsSet(&s, 0, 8));
	EXPECT_TRUE(t, RtlAreBitsSet(&s, 8, 8));
	EXPECT_FALSE(t, RtlAreBitsSet(&s, 7, 8));
	EXPECT_FALSE(t, RtlAreBitsSet(&s, 8, 9));
	EXPECT_FALSE(t, RtlAreBitsSet(&s, 24, 1));
	RtlInitializeBitMap(&c, clr, 31);
	RtlInitializeBitMap(&s, set, 31);
	EXPECT_TRUE(t, RtlAreBitsClear(&c, 24, 1));
	EXPECT_TRUE(t, RtlAreBitsClear(&c, 24, 7));
	EXPECT_FALSE(t, RtlAreBitsClear(&c, 24, 8));
	EXPECT_TRUE(t, RtlAreBitsSet(&s, 24, 7));
	EXPECT_FALSE(t, RtlAreBitsSet(&s, 24, 8));
	RtlInitializeBitMap(&c, clr, 64);
	RtlInitializeBitMap(&s, set, 64);
	EXPECT_FALSE(t, RtlAreBitsClear(&c, 60, 4));
	EXPECT_FALSE(t, RtlAreBitsSet(&s, 60, 4));
	/* Windows: Microsoft Learn RtlAreBitsClear: FALSE for a range past the map (WRK checks it) */
	EXPECT_FALSE(t, RtlAreBitsClear(&c, 0, 0));
	EXPECT_FALSE(t, RtlAreBitsClear(&c, 63, 2));
}

KTEST(compat_rtl, counts_reactos_values)
{
	ULONG set[2] = { 0xff00ff0fu, 0x3F303F30u }, clr[2] = { 0xff00fff0u, 0x3F303F30u };
	static const ULONG sizes[] = { 64, 56, 31, 4, 0 };
	/* Windows: ReactOS RtlBitmap.c Test_RtlNumberOfSetBits / Test_RtlNumberOfClearBits */
	static const ULONG want_set[] = { 36, 30, 19, 4, 0 }, want_clear[] = { 28, 26, 12, 4, 0 };
	RTL_BITMAP bm;

	for (unsigned k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		RtlInitializeBitMap(&bm, set, sizes[k]);
		EXPECT_EQ(t, RtlNumberOfSetBits(&bm), want_set[k]);
		RtlInitializeBitMap(&bm, clr, sizes[k]);
		EXPECT_EQ(t, RtlNumberOfClearBits(&bm), want_clear[k]);
	}
	/* Windows 7 and later leave the buffer alone (ReactOS: only 2003 wrote it) */
	EXPECT_EQ(t, set[0], 0xff00ff0fu);
	EXPECT_EQ(t, clr[0], 0xff00fff0u);
}

/* ------------------------------------------------ bits of one integer */

KTEST(compat_rtl, significant_bits_reactos_and_wine_values)
{
	/* Windows: ReactOS RtlBitmap.c Test_RtlFindMostSignificantBit */
	EXPECT_EQ(t, RtlFindMostSignificantBit(0), (CCHAR)-1);
	EXPECT_EQ(t, RtlFindMostSignificantBit(0x1ull), (CCHAR)0);
	EXPECT_EQ(t, RtlFindMostSignificantBit(0x2ull), (CCHAR)1);
	EXPECT_EQ(t, RtlFindMostSignificantBit(0x1000000000000000ull), (CCHAR)60);
	EXPECT_EQ(t, RtlFindMostSignificantBit(0x8000000000000001ull), (CCHAR)63);
	EXPECT_EQ(t, RtlFindMostSignificantBit(~0ull), (CCHAR)63);
	EXPECT_EQ(t, RtlFindMostSignificantBit(0x70000000ull), (CCHAR)30);
	/* Windows: ReactOS RtlBitmap.c Test_RtlFindLeastSignificantBit */
	EXPECT_EQ(t, RtlFindLeastSignificantBit(0), (CCHAR)-1);
	EXPECT_EQ(t, RtlFindLeastSignificantBit(0x2ull), (CCHAR)1);
	EXPECT_EQ(t, RtlFindLeastSignificantBit(0x8000000000000000ull), (CCHAR)63);
	EXPECT_EQ(t, RtlFindLeastSignificantBit(~0ull), (CCHAR)0);
	EXPECT_EQ(t, RtlFindLeastSignificantBit(0x70000000ull), (CCHAR)28);
	/* Windows: Wine rtlbitmap.c: bit i alone, and with every bit below (MSB) or above (LSB) */
	for (int i = 0; i < 64; i++) {
		ULONGLONG one = 1ull << i;

		EXPECT_EQ(t, RtlFindMostSignificantBit(one | (one - 1)), (CCHAR)i);
		EXPECT_EQ(t, RtlFindLeastSignificantBit(~0ull << i), (CCHAR)i);
	}
}

KTEST(compat_rtl, number_of_set_bits_ulong_ptr)
{
	/* Windows: Microsoft Learn RtlNumberOfSetBitsUlongPtr: the set bits of Target */
	EXPECT_EQ(t, RtlNumberOfSetBitsUlongPtr(0), 0u);
	EXPECT_EQ(t, RtlNumberOfSetBitsUlongPtr(0x80000001u), 2u);
	EXPECT_EQ(t, RtlNumberOfSetBitsUlongPtr(~(ULONG_PTR)0), (ULONG)(8 * sizeof(ULONG_PTR)));
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
	RtlFindSetRuns(bm, runs, 4, FALSE);
	RtlFindFirstRunClear(bm, &start);
	RtlFindNextForwardRunClear(bm, size - 1, &start);
	RtlFindNextForwardRunSet(bm, 0, &start);
	RtlFindLastBackwardRunClear(bm, size - 1, &start);
	RtlFindLastBackwardRunSet(bm, size - 1, &start);
	RtlFindLongestRunClear(bm, &start);
	RtlFindLongestRunSet(bm, &start);
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

/* ------------------------------------------------ against the Windows model */

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

#define RMAX	192

/* A random map of up to RMAX bits in buf, copied into the model's words. */
static ULONG random_map(ULONG *buf, uint64_t *words, uint64_t *rng)
{
	ULONG size = 1 + (ULONG)(rng_next(rng) % RMAX);
	unsigned density = (unsigned)(rng_next(rng) % 4);

	for (int k = 0; k < RMAX / 32; k++) {
		buf[k] = (ULONG)rng_next(rng);
		/* Denser or sparser maps, so runs of every length appear. */
		for (unsigned d = 0; d < density; d++)
			buf[k] = density & 1 ? buf[k] | (ULONG)rng_next(rng) :
					       buf[k] & (ULONG)rng_next(rng);
	}
	for (int k = 0; k < RMAX / 64; k++)
		words[k] = buf[2 * k] | (uint64_t)buf[2 * k + 1] << 32;
	return size;
}

/* Searches and runs at one query against model_rtl_*; false on a mismatch (reported). */
static bool check_query(struct ktest *t, RTL_BITMAP *bm, const uint64_t *words, ULONG n,
			ULONG from)
{
	size_t size = bm->SizeOfBitMap, len[RMAX + 1], want_s;
	ULONG got, start;

	model_run_lengths(words, size, false, len);
	got = RtlFindClearBits(bm, n, from);
	if (got != model_rtl_find(len, size, n, from, NF))
		return ktest_fail_at(t, __FILE__, __LINE__,
				     "size %zu: RtlFindClearBits(n %u, hint %u): expected %zu, got %u",
				     size, (unsigned)n, (unsigned)from,
				     model_rtl_find(len, size, n, from, NF), (unsigned)got), false;
	got = RtlFindLastBackwardRunClear(bm, from, &start);
	if (got != model_rtl_backward(words, size, from, false, &want_s) || start != want_s)
		return ktest_fail_at(t, __FILE__, __LINE__,
				     "size %zu: RtlFindLastBackwardRunClear(%u): expected %zu at %zu, got %u at %u",
				     size, (unsigned)from, model_rtl_backward(words, size, from, false, &want_s),
				     want_s, (unsigned)got, (unsigned)start), false;
	got = RtlFindNextForwardRunSet(bm, from, &start);
	if (got != model_rtl_forward(words, size, from, true, &want_s) || start != want_s)
		return ktest_fail_at(t, __FILE__, __LINE__,
				     "size %zu: RtlFindNextForwardRunSet(%u): expected %zu at %zu, got %u at %u",
				     size, (unsigned)from, model_rtl_forward(words, size, from, true, &want_s),
				     want_s, (unsigned)got, (unsigned)start), false;
	return true;
}

KTEST(compat_rtl, searches_match_the_windows_model)
{
	ULONG buf[RMAX / 32];
	uint64_t words[RMAX / 64], rng = 0x9e3779b97f4a7c15ull;
	RTL_BITMAP bm;
	int fails = 0;

	for (int round = 0; round < 300 && fails < 5; round++) {
		ULONG size = random_map(buf, words, &rng);

		RtlInitializeBitMap(&bm, buf, size);
		for (int q = 0; q < 20 && fails < 5; q++) {
			ULONG n = (ULONG)(rng_next(&rng) % 12);
			ULONG from = (ULONG)(rng_next(&rng) % (size + 2));

			fails += !check_query(t, &bm, words, n, from);
		}
		EXPECT_EQ(t, RtlNumberOfSetBits(&bm), (ULONG)model_count(words, 0, size, true));
	}
}

/* ------------------------------------------------ the 64-bit core's edges */

/*
 * rtl.c reads the buffer as uint64_t words and only its 32-bit ends as
 * ULONGs. Here every routine runs on exact-size buffers (ASan reports a
 * read past them) that start 8-byte aligned and 4 mod 8, for sizes around
 * the 32- and 64-bit boundaries, on maps with runs that cross those
 * boundaries, against a bit-at-a-time model written below from the RTL
 * documentation (REFERENCE.md, Microsoft Learn): bit i is bit i % 32 of
 * Buffer[i / 32], and nothing past SizeOfBitMap counts.
 */

static const ULONG edge_sizes[] = { 1, 31, 32, 33, 63, 64, 65, 96, 97, 129, 161 };
#define EDGE_MAX_ULONGS	6

static bool eb_get(const ULONG *buf, ULONG i)
{
	return (buf[i / 32] >> (i % 32)) & 1;
}

static void eb_put(ULONG *buf, ULONG i, bool v)
{
	if (v)
		buf[i / 32] |= 1u << (i % 32);
	else
		buf[i / 32] &= ~(1u << (i % 32));
}

/* How many bits equal to v in a row from s (within size). */
static ULONG eb_len(const ULONG *buf, ULONG size, ULONG s, bool v)
{
	ULONG e = s;

	while (e < size && eb_get(buf, e) == v)
		e++;
	return e - s;
}

/* RtlFind{Clear,Set}Bits by definition: starts hint..size-1, then 0..hint-1; n = 0: hint & ~7. */
static ULONG eb_find(const ULONG *buf, ULONG size, ULONG n, ULONG hint, bool v)
{
	if (hint >= size)
		hint = 0;
	if (n == 0)
		return hint & ~7u;
	for (ULONG k = 0; k < size; k++) {
		ULONG s = (hint + k) % size;

		if (eb_len(buf, size, s, v) >= n)
			return s;
	}
	return NF;
}

/* Maximal runs of v in index order; returns how many (at most max). */
static ULONG eb_runs(const ULONG *buf, ULONG size, bool v, RTL_BITMAP_RUN *runs, ULONG max)
{
	ULONG count = 0;

	for (ULONG i = 0; i < size && count < max;) {
		ULONG len = eb_len(buf, size, i, v);

		if (len) {
			runs[count].StartingIndex = i;
			runs[count++].NumberOfBits = len;
			i += len;
		} else {
			i++;
		}
	}
	return count;
}

/* Compare every routine on bm (buffer buf) with the model; one failure line per mismatch kind. */
static void edge_check_map(struct ktest *t, RTL_BITMAP *bm, const char *what)
{
	static const ULONG ns[] = { 0, 1, 2, 7, 31, 32, 33, 63, 64, 65, 97 };
	ULONG *buf = bm->Buffer, size = bm->SizeOfBitMap, start, ws, got, want;
	ULONG hints[] = { 0, 1, 31, 32, 33, 63, 64, 65, 100, size - 1, size, size + 9 };
	ULONG copy[EDGE_MAX_ULONGS], nul = (size + 31) / 32, nset = 0;
	RTL_BITMAP_RUN runs[200], mruns[200];
	unsigned misalign = (unsigned)((uintptr_t)buf & 7);

	for (ULONG i = 0; i < size; i++)
		nset += eb_get(buf, i);
	got = RtlNumberOfSetBits(bm);
	if (got != nset)
		ktest_fail_at(t, __FILE__, __LINE__, "%s size %u (buffer %u mod 8): "
			      "RtlNumberOfSetBits %u, model %u", what, (unsigned)size, misalign,
			      (unsigned)got, (unsigned)nset);
	for (int v = 0; v < 2; v++) {
		ULONG (*find)(PRTL_BITMAP, ULONG, ULONG) = v ? RtlFindSetBits : RtlFindClearBits;
		ULONG (*modify)(PRTL_BITMAP, ULONG, ULONG) =
			v ? RtlFindSetBitsAndClear : RtlFindClearBitsAndSet;
		ULONG (*fwd)(PRTL_BITMAP, ULONG, PULONG) =
			v ? RtlFindNextForwardRunSet : RtlFindNextForwardRunClear;
		ULONG (*bwd)(PRTL_BITMAP, ULONG, PULONG) =
			v ? RtlFindLastBackwardRunSet : RtlFindLastBackwardRunClear;
		ULONG (*list)(PRTL_BITMAP, PRTL_BITMAP_RUN, ULONG, BOOLEAN) =
			v ? RtlFindSetRuns : RtlFindClearRuns;
		ULONG (*longest)(PRTL_BITMAP, PULONG) =
			v ? RtlFindLongestRunSet : RtlFindLongestRunClear;
		BOOLEAN (*all)(PRTL_BITMAP, ULONG, ULONG) = v ? RtlAreBitsSet : RtlAreBitsClear;
		ULONG mcount, count, best = 0, best_at = size;

		for (unsigned a = 0; a < sizeof(ns) / sizeof(ns[0]); a++) {
			for (unsigned b = 0; b < sizeof(hints) / sizeof(hints[0]); b++) {
				ULONG n = ns[a], hint = hints[b];

				want = eb_find(buf, size, n, hint, v);
				got = find(bm, n, hint);
				if (got != want)
					ktest_fail_at(t, __FILE__, __LINE__, "%s size %u (buffer %u mod 8): "
						      "RtlFind%sBits(n %u, hint %u) = %u, model %u", what,
						      (unsigned)size, misalign, v ? "Set" : "Clear",
						      (unsigned)n, (unsigned)hint, (unsigned)got,
						      (unsigned)want);
				/* The *And* form: same answer, the run flipped, nothing else. */
				for (ULONG k = 0; k < nul; k++)
					copy[k] = buf[k];
				got = modify(bm, n, hint);
				if (want != NF)
					for (ULONG i = want; i < want + n; i++)
						eb_put(copy, i, !v);
				for (ULONG k = 0; k < nul; k++)
					if (got != want || copy[k] != buf[k])
						ktest_fail_at(t, __FILE__, __LINE__, "%s size %u (buffer %u mod 8): "
							      "RtlFind%sBitsAnd%s(n %u, hint %u) = %u, ULONG %u "
							      "0x%08x, model %u, 0x%08x", what, (unsigned)size,
							      misalign, v ? "Set" : "Clear", v ? "Clear" : "Set",
							      (unsigned)n, (unsigned)hint, (unsigned)got,
							      (unsigned)k, (unsigned)buf[k], (unsigned)want,
							      (unsigned)copy[k]);
				/* Undo: flip the run back. */
				if (got != NF)
					for (ULONG i = got; i < got + n && i < size; i++)
						eb_put(buf, i, v);
			}
		}
		for (ULONG from = 0; from <= size + 1; from++) {
			ULONG s = from, len = 0;

			/* Forward: the first bit equal to v at or after from, then on. */
			if (from < size) {
				while (s < size && eb_get(buf, s) != v)
					s++;
				len = eb_len(buf, size, s, v);
			}
			got = fwd(bm, from, &start);
			if (got != len || start != s)
				ktest_fail_at(t, __FILE__, __LINE__, "%s size %u (buffer %u mod 8): "
					      "RtlFindNextForwardRun%s(%u) = %u at %u, model %u at %u",
					      what, (unsigned)size, misalign, v ? "Set" : "Clear",
					      (unsigned)from, (unsigned)got, (unsigned)start,
					      (unsigned)len, (unsigned)s);
			/* Backward: the last bit equal to v at or before from, back to its start. */
			ws = from;
			len = 0;
			if (from < size) {
				ULONG e = from + 1;

				while (e > 0 && eb_get(buf, e - 1) != v)
					e--;
				for (ws = e; ws > 0 && eb_get(buf, ws - 1) == v; ws--)
					;
				len = e - ws;
			}
			got = bwd(bm, from, &start);
			if (got != len || start != ws)
				ktest_fail_at(t, __FILE__, __LINE__, "%s size %u (buffer %u mod 8): "
					      "RtlFindLastBackwardRun%s(%u) = %u at %u, model %u at %u",
					      what, (unsigned)size, misalign, v ? "Set" : "Clear",
					      (unsigned)from, (unsigned)got, (unsigned)start,
					      (unsigned)len, (unsigned)ws);
			/* RtlAreBits*: every bit of a non-empty in-map range equal to v. */
			for (ULONG n = 0; n <= 66; n += 1 + n / 2) {
				bool w = n != 0 && from < size && n <= size - from &&
					 eb_len(buf, size, from, v) >= n;

				if ((all(bm, from, n) != 0) != w)
					ktest_fail_at(t, __FILE__, __LINE__, "%s size %u (buffer %u mod 8): "
						      "RtlAreBits%s(%u, %u) = %d, model %d", what,
						      (unsigned)size, misalign, v ? "Set" : "Clear",
						      (unsigned)from, (unsigned)n, !w, w);
			}
		}
		/* Runs in index order, the longest (longest first, equals in index order). */
		mcount = eb_runs(buf, size, v, mruns, 200);
		count = list(bm, runs, 200, FALSE);
		for (ULONG k = 0; k < mcount; k++) {
			if (count != mcount || runs[k].StartingIndex != mruns[k].StartingIndex ||
			    runs[k].NumberOfBits != mruns[k].NumberOfBits) {
				ktest_fail_at(t, __FILE__, __LINE__, "%s size %u (buffer %u mod 8): "
					      "RtlFind%sRuns: %u runs, model %u (first difference at %u)",
					      what, (unsigned)size, misalign, v ? "Set" : "Clear",
					      (unsigned)count, (unsigned)mcount, (unsigned)k);
				break;
			}
			if (mruns[k].NumberOfBits > best) {
				best = mruns[k].NumberOfBits;
				best_at = mruns[k].StartingIndex;
			}
		}
		EXPECT_EQ(t, count, mcount);
		got = longest(bm, &start);
		if (got != best || start != best_at)
			ktest_fail_at(t, __FILE__, __LINE__, "%s size %u (buffer %u mod 8): "
				      "RtlFindLongestRun%s = %u at %u, model %u at %u", what,
				      (unsigned)size, misalign, v ? "Set" : "Clear", (unsigned)got,
				      (unsigned)start, (unsigned)best, (unsigned)best_at);
		/* Microsoft Learn: returns the number of runs placed in RunArray; none fit in 0. */
		EXPECT_EQ(t, list(bm, runs, 0, FALSE), 0u);
		EXPECT_EQ(t, list(bm, runs, 0, TRUE), 0u);
		count = list(bm, runs, 2, TRUE);
		if (mcount >= 2) {
			/* The two longest of the model's runs, stable. */
			ULONG k1 = 0, k2 = mcount;

			for (ULONG k = 1; k < mcount; k++)
				if (mruns[k].NumberOfBits > mruns[k1].NumberOfBits)
					k1 = k;
			for (ULONG k = 0; k < mcount; k++)
				if (k != k1 && (k2 == mcount ||
						mruns[k].NumberOfBits > mruns[k2].NumberOfBits))
					k2 = k;
			if (count != 2 || runs[0].StartingIndex != mruns[k1].StartingIndex ||
			    runs[1].StartingIndex != mruns[k2].StartingIndex ||
			    runs[1].NumberOfBits != mruns[k2].NumberOfBits)
				ktest_fail_at(t, __FILE__, __LINE__, "%s size %u (buffer %u mod 8): "
					      "RtlFind%sRuns(2, longest): %u at %u, %u at %u; model %u at %u, "
					      "%u at %u", what, (unsigned)size, misalign,
					      v ? "Set" : "Clear", (unsigned)runs[0].NumberOfBits,
					      (unsigned)runs[0].StartingIndex, (unsigned)runs[1].NumberOfBits,
					      (unsigned)runs[1].StartingIndex,
					      (unsigned)mruns[k1].NumberOfBits, (unsigned)mruns[k1].StartingIndex,
					      (unsigned)mruns[k2].NumberOfBits, (unsigned)mruns[k2].StartingIndex);
		} else {
			EXPECT_EQ(t, count, mcount);
		}
	}
}

/* RtlSetBits / RtlClearBits of ranges crossing the 32/64 edges, against eb_put. */
static void edge_check_fills(struct ktest *t, RTL_BITMAP *bm)
{
	static const ULONG at[] = { 0, 1, 31, 32, 33, 63, 64, 65, 96, 159 };
	ULONG *buf = bm->Buffer, size = bm->SizeOfBitMap, nul = (size + 31) / 32;
	ULONG want[EDGE_MAX_ULONGS];

	for (unsigned a = 0; a < sizeof(at) / sizeof(at[0]); a++) {
		for (ULONG n = 0; n <= size + 1; n += 1 + n / 3) {
			for (int v = 0; v < 2; v++) {
				ULONG s = at[a];

				for (ULONG k = 0; k < nul; k++)
					want[k] = buf[k] = v ? 0x5a5a5a5au : 0xa5a5a5a5u;
				if (n && s < size && n <= size - s)
					for (ULONG i = s; i < s + n; i++)
						eb_put(want, i, v);
				if (v)
					RtlSetBits(bm, s, n);
				else
					RtlClearBits(bm, s, n);
				for (ULONG k = 0; k < nul; k++)
					if (buf[k] != want[k])
						ktest_fail_at(t, __FILE__, __LINE__, "size %u (buffer %u mod 8): "
							      "Rtl%sBits(%u, %u): ULONG %u is 0x%08x, model 0x%08x",
							      (unsigned)size, (unsigned)((uintptr_t)buf & 7),
							      v ? "Set" : "Clear", (unsigned)s, (unsigned)n,
							      (unsigned)k, (unsigned)buf[k], (unsigned)want[k]);
			}
		}
	}
}

/*
 * RtlSetBit / RtlClearBit / RtlTestBit / RtlCheckBit at every index up to
 * 33 past the size, against eb_get / eb_put: past the size they change
 * nothing (the bits past it in the last ULONG included) and answer 0.
 */
static void edge_check_single_bits(struct ktest *t, RTL_BITMAP *bm)
{
	ULONG *buf = bm->Buffer, size = bm->SizeOfBitMap, nul = (size + 31) / 32;
	ULONG want[EDGE_MAX_ULONGS];

	for (ULONG i = 0; i < size + 33; i++) {
		for (int v = 0; v < 2; v++) {
			bool got, w;

			/* Alternate patterns, so both answers and both writes are seen. */
			for (ULONG k = 0; k < nul; k++)
				want[k] = buf[k] = (v ? 0x96696996u : 0x69969669u) ^ (ULONG)(i * 0x9e3779b9u);
			w = i < size && eb_get(buf, i);
			got = RtlTestBit(bm, i) != 0;
			if (got != w || RtlCheckBit(bm, i) != (ULONG)w)
				ktest_fail_at(t, __FILE__, __LINE__, "size %u (buffer %u mod 8): "
					      "RtlTestBit/RtlCheckBit(%u) = %d/%u, model %d",
					      (unsigned)size, (unsigned)((uintptr_t)buf & 7), (unsigned)i,
					      got, (unsigned)RtlCheckBit(bm, i), w);
			if (i < size)
				eb_put(want, i, v);
			if (v)
				RtlSetBit(bm, i);
			else
				RtlClearBit(bm, i);
			for (ULONG k = 0; k < nul; k++)
				if (buf[k] != want[k])
					ktest_fail_at(t, __FILE__, __LINE__, "size %u (buffer %u mod 8): "
						      "Rtl%sBit(%u): ULONG %u is 0x%08x, model 0x%08x",
						      (unsigned)size, (unsigned)((uintptr_t)buf & 7),
						      v ? "Set" : "Clear", (unsigned)i, (unsigned)k,
						      (unsigned)buf[k], (unsigned)want[k]);
		}
	}
}

/* Every map family on one exact-size buffer. */
static void edge_check_buffer(struct ktest *t, ULONG *buf, ULONG size)
{
	static const ULONG cuts[] = { 0, 31, 32, 33, 63, 64, 65, 97, 160 };
	ULONG nul = (size + 31) / 32;
	uint64_t rng = 0x2545f4914f6cdd1dull ^ size;
	RTL_BITMAP bm;

	RtlInitializeBitMap(&bm, buf, size);
	edge_check_fills(t, &bm);
	edge_check_single_bits(t, &bm);
	/* One run of v in a map of !v, from cut a to cut b (clipped), bits past the size junk. */
	for (unsigned a = 0; a < sizeof(cuts) / sizeof(cuts[0]); a++) {
		for (unsigned b = a + 1; b < sizeof(cuts) / sizeof(cuts[0]); b++) {
			if (cuts[a] >= size)
				continue;
			for (int v = 0; v < 2; v++) {
				ULONG e = cuts[b] < size ? cuts[b] : size;

				for (ULONG k = 0; k < nul; k++)
					buf[k] = v ? 0 : ~0u;
				for (ULONG i = cuts[a]; i < e; i++)
					eb_put(buf, i, v);
				for (ULONG i = size; i < nul * 32; i++)
					eb_put(buf, i, (i ^ a) & 1);
				edge_check_map(t, &bm, v ? "one set run" : "one clear run");
			}
		}
	}
	/* Random runs of 1-70 bits, either value. */
	for (int round = 0; round < 6; round++) {
		ULONG i = 0;
		bool v = rng_next(&rng) & 1;

		while (i < nul * 32) {
			ULONG len = 1 + (ULONG)(rng_next(&rng) % (round & 1 ? 70 : 6));

			for (; len && i < nul * 32; len--, i++)
				eb_put(buf, i, v);
			v = !v;
		}
		edge_check_map(t, &bm, "random runs");
	}
}

/* The buffer as exact-size arrays, starting 8-byte aligned and 4 mod 8. */
#define EDGE_CASE(c)							\
	case c: {							\
		_Alignas(8) ULONG even[c];				\
		_Alignas(8) ULONG odd[(c) + 1];				\
		edge_check_buffer(t, even, size);			\
		edge_check_buffer(t, odd + 1, size);			\
		break;							\
	}

/* 2.3 s under TCG (every routine, start and length at 11 sizes): make run's boot skips it. */
KTEST_SLOW(compat_rtl, edges_of_the_64_bit_core_match_a_bit_model)
{
	for (unsigned k = 0; k < sizeof(edge_sizes) / sizeof(edge_sizes[0]); k++) {
		ULONG size = edge_sizes[k];

		switch ((size + 31) / 32) {
		EDGE_CASE(1)
		EDGE_CASE(2)
		EDGE_CASE(3)
		EDGE_CASE(4)
		EDGE_CASE(5)
		EDGE_CASE(6)
		}
	}
}
