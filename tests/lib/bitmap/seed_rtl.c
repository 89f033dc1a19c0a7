// SPDX-License-Identifier: MIT
/* The NT Insider article's code (seed 003) as written, against compat/rtl.h, checking what it states. */
#include <bitmap/compat/rtl.h>
#include <kernel/ktest.h>

/*
 * "Kernel Mode Basics: An Introduction to Bitmaps" prints the RTL_BITMAP
 * structure and three prototypes; the prototypes are redeclared here as
 * printed, so a signature of rtl.h that drifts from them fails to
 * compile. One word is completed: the article writes `In PULONG
 * BitMapBuffer` for `IN PULONG BitMapBuffer` (marked below). The structure
 * cannot be defined twice in one file; its layout is checked instead.
 * The calls are the ones the article describes for its 32-cluster volume.
 */

#define In IN	/* (completed: the article's "In" for IN) */

VOID RtlInitializeBitMap(IN PRTL_BITMAP Bm,In PULONG BitMapBuffer,
                                               IN ULONG SizeOfBitMap);
VOID RtlSetBits(IN PRTL_BITMAP Bm,IN ULONG StartingIndex,IN ULONG NumberToSet);
ULONG RtlFindClearBits(IN PRTL_BITMAP Bm,IN ULONG NumberToFind,IN ULONG HintIndex);

/* typedef struct _RTL_BITMAP { ULONG SizeOfBitMap; PULONG Buffer; } RTL_BITMAP; */
_Static_assert(__builtin_types_compatible_p(__typeof__(((RTL_BITMAP *)0)->SizeOfBitMap), ULONG),
	       "SizeOfBitMap is a ULONG");
_Static_assert(__builtin_types_compatible_p(__typeof__(((RTL_BITMAP *)0)->Buffer), PULONG),
	       "Buffer is a PULONG");
_Static_assert(__builtin_offsetof(RTL_BITMAP, SizeOfBitMap) == 0, "SizeOfBitMap comes first");
_Static_assert(sizeof(ULONG) == 4, "a ULONG is 32 bits");

/* Figure 1: "a disk with 32 clusters", "bits 0 and 31" set. */
static void format_volume(PRTL_BITMAP Bm, PULONG BitMapBuffer)
{
	RtlInitializeBitMap(Bm, BitMapBuffer, 32);
	RtlClearAllBits(Bm);
	RtlSetBits(Bm, 0, 1);
	RtlSetBits(Bm, 31, 1);
}

KTEST(seed_rtl, initialize_bitmap_describes_the_buffer)
{
	ULONG buffer[1] = { 0x12345678u };
	RTL_BITMAP bm;

	RtlInitializeBitMap(&bm, buffer, 32);
	/* Seed 003: "you specify ... the address of the buffer ... and the number of bits" */
	EXPECT_EQ(t, bm.SizeOfBitMap, 32u);
	EXPECT_PTR_EQ(t, bm.Buffer, buffer);
	EXPECT_EQ(t, buffer[0], 0x12345678u);
}

KTEST(seed_rtl, find_two_free_clusters)
{
	ULONG buffer[1];
	RTL_BITMAP bm;

	format_volume(&bm, buffer);
	/* Seed 003: Figure 1, "clusters 0 and 31 are in use" */
	EXPECT_EQ(t, buffer[0], 0x80000001u);
	/* Seed 003: number to find 2, hint 0: "the return from this call would be 1" */
	EXPECT_EQ(t, RtlFindClearBits(&bm, 2, 0), 1u);
	/* Seed 003: "or it will return 0xFFFFFFFF if one cannot be found" */
	EXPECT_EQ(t, RtlFindClearBits(&bm, 31, 0), 0xFFFFFFFFu);
}

KTEST(seed_rtl, reserve_two_clusters)
{
	ULONG buffer[1];
	RTL_BITMAP bm;

	format_volume(&bm, buffer);
	/* Seed 003: "a starting index of 0 ... and the number of bits to set would be two" */
	RtlSetBits(&bm, 0, 2);
	/* Seed 003: Figure 2: clusters 0, 1 and 31 in use */
	EXPECT_EQ(t, buffer[0], 0x80000003u);
	EXPECT_EQ(t, RtlNumberOfSetBits(&bm), 3u);
	/* Seed 003: RtlNumberOfClearBits "would tell ... how much free space was available" */
	EXPECT_EQ(t, RtlNumberOfClearBits(&bm), 29u);
}

KTEST(seed_rtl, informational_functions)
{
	ULONG buffer[1];
	RTL_BITMAP bm;

	format_volume(&bm, buffer);
	/* Seed 003: RtlCheckBit "determines whether a specified bit is set or cleared" */
	EXPECT_EQ(t, RtlCheckBit(&bm, 0), 1u);
	EXPECT_EQ(t, RtlCheckBit(&bm, 1), 0u);
	EXPECT_EQ(t, RtlCheckBit(&bm, 31), 1u);
	/* Seed 003: RtlAreBitsSet / RtlAreBitsClear on a given range */
	EXPECT_TRUE(t, RtlAreBitsSet(&bm, 31, 1));
	EXPECT_FALSE(t, RtlAreBitsSet(&bm, 30, 2));
	EXPECT_TRUE(t, RtlAreBitsClear(&bm, 1, 30));
	EXPECT_FALSE(t, RtlAreBitsClear(&bm, 1, 31));
}

KTEST(seed_rtl, find_routines_on_the_volume)
{
	ULONG buffer[1], start;
	RTL_BITMAP_RUN runs[2];
	RTL_BITMAP bm;

	format_volume(&bm, buffer);
	/* Seed 003: RtlFindFirstRunClear "finds the first contiguous range of clear bits": 1..30 */
	EXPECT_EQ(t, RtlFindFirstRunClear(&bm, &start), 30u);
	EXPECT_EQ(t, start, 1u);
	/* Seed 003: RtlFindLongestRunClear: the largest range, the same one */
	EXPECT_EQ(t, RtlFindLongestRunClear(&bm, &start), 30u);
	/* Seed 003: RtlFindNextForwardRunClear from 10: the next clear run, 10..30 */
	EXPECT_EQ(t, RtlFindNextForwardRunClear(&bm, 10, &start), 21u);
	EXPECT_EQ(t, start, 10u);
	/* Seed 003: RtlFindLastBackwardRunClear from 10: "the preceding clear run", 1..10 */
	EXPECT_EQ(t, RtlFindLastBackwardRunClear(&bm, 10, &start), 10u);
	EXPECT_EQ(t, start, 1u);
	/* Seed 003: RtlFindClearRuns "finds the specified number of runs of clear bits" */
	EXPECT_EQ(t, RtlFindClearRuns(&bm, runs, 2, FALSE), 1u);
	EXPECT_EQ(t, runs[0].StartingIndex, 1u);
	EXPECT_EQ(t, runs[0].NumberOfBits, 30u);
	/* Seed 003: RtlFindSetBits finds "a range of set bits of the requested size" */
	EXPECT_EQ(t, RtlFindSetBits(&bm, 1, 1), 31u);
	/* Seed 003: the *AndSet / *AndClear forms find, then set or clear the range */
	EXPECT_EQ(t, RtlFindClearBitsAndSet(&bm, 2, 0), 1u);
	EXPECT_EQ(t, buffer[0], 0x80000007u);
	EXPECT_EQ(t, RtlFindSetBitsAndClear(&bm, 3, 0), 0u);
	EXPECT_EQ(t, buffer[0], 0x80000000u);
}
