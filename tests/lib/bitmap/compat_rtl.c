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
