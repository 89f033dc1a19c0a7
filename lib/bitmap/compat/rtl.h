/* The Windows RTL_BITMAP dialect (wdm.h Rtl*Bit* routines) over 32-bit ULONG buffers. */
#ifndef BITMAP_COMPAT_RTL_H
#define BITMAP_COMPAT_RTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * An RTL_BITMAP describes SizeOfBitMap bits in a buffer of exactly
 * ceil(SizeOfBitMap / 32) ULONGs, only 4-byte aligned; bit i is bit
 * (i % 32) of Buffer[i / 32]. No routine reads or writes a ULONG past
 * that, so the buffer cannot be handed to the uint64_t-word library (an
 * odd count would be overrun, and reading ULONGs as uint64_t breaks C's
 * aliasing and alignment rules): rtl.c works on ULONGs, with the same
 * algorithms as lib/bitmap.
 *
 * The contract, as documented for Windows:
 *  - Searches for n bits in a row start at the hint, run to the end, then
 *    wrap and search from 0 (a run that starts below the hint and crosses
 *    it is found). A hint >= SizeOfBitMap counts as 0. Failure returns
 *    RTL_BITMAP_NOT_FOUND = 0xFFFFFFFF; so does n = 0 (a choice: Windows
 *    leaves it undocumented).
 *  - The *AndSet / *AndClear searches change nothing when they fail.
 *  - Run searches return the run's length, 0 when there is none (the
 *    start index is then SizeOfBitMap).
 *  - RtlFindClearRuns without LocateLongestRuns returns the first runs in
 *    index order; with it, the n longest of the whole map, longest first,
 *    equal lengths in index order.
 *  - RtlAreBitsSet/Clear are FALSE for an empty range or one that leaves
 *    the map. A range that leaves the map makes RtlSetBits/RtlClearBits
 *    change nothing; a bit past the end makes RtlSetBit/RtlClearBit do
 *    nothing and RtlTestBit return FALSE.
 *  - Bits past SizeOfBitMap in the last ULONG never affect a result;
 *    RtlSetAllBits and RtlClearAllBits write whole ULONGs (those bits too).
 *  - Nothing is locked: callers synchronise.
 */

typedef uint32_t ULONG;
typedef ULONG *PULONG;
typedef uint8_t BOOLEAN;

#ifndef TRUE
#define TRUE	1
#endif
#ifndef FALSE
#define FALSE	0
#endif

#define RTL_BITMAP_NOT_FOUND	0xFFFFFFFFu

typedef struct _RTL_BITMAP {
	ULONG SizeOfBitMap;	/* bits in the map */
	PULONG Buffer;		/* ceil(SizeOfBitMap / 32) ULONGs */
} RTL_BITMAP, *PRTL_BITMAP;

typedef struct _RTL_BITMAP_RUN {
	ULONG StartingIndex;
	ULONG NumberOfBits;
} RTL_BITMAP_RUN, *PRTL_BITMAP_RUN;

/* Describe Buffer as a map of SizeOfBitMap bits; the buffer is not touched. */
static inline void RtlInitializeBitMap(PRTL_BITMAP BitMapHeader, PULONG BitMapBuffer,
				       ULONG SizeOfBitMap)
{
	BitMapHeader->SizeOfBitMap = SizeOfBitMap;
	BitMapHeader->Buffer = BitMapBuffer;
}

/* Set [StartingIndex, StartingIndex + NumberToSet). */
void RtlSetBits(PRTL_BITMAP BitMapHeader, ULONG StartingIndex, ULONG NumberToSet);
/* Clear [StartingIndex, StartingIndex + NumberToClear). */
void RtlClearBits(PRTL_BITMAP BitMapHeader, ULONG StartingIndex, ULONG NumberToClear);
/* Set every bit. */
void RtlSetAllBits(PRTL_BITMAP BitMapHeader);
/* Clear every bit. */
void RtlClearAllBits(PRTL_BITMAP BitMapHeader);
/* Set bit BitNumber. */
void RtlSetBit(PRTL_BITMAP BitMapHeader, ULONG BitNumber);
/* Clear bit BitNumber. */
void RtlClearBit(PRTL_BITMAP BitMapHeader, ULONG BitNumber);
/* Is bit BitNumber set? */
BOOLEAN RtlTestBit(const RTL_BITMAP *BitMapHeader, ULONG BitNumber);

/* Bit BitPosition as 0 or 1. */
static inline ULONG RtlCheckBit(const RTL_BITMAP *BitMapHeader, ULONG BitPosition)
{
	return RtlTestBit(BitMapHeader, BitPosition);
}

/* Index of NumberToFind clear bits in a row, searched from HintIndex, wrapping. */
ULONG RtlFindClearBits(const RTL_BITMAP *BitMapHeader, ULONG NumberToFind, ULONG HintIndex);
/* Index of NumberToFind set bits in a row, searched from HintIndex, wrapping. */
ULONG RtlFindSetBits(const RTL_BITMAP *BitMapHeader, ULONG NumberToFind, ULONG HintIndex);
/* RtlFindClearBits, then set the run. */
ULONG RtlFindClearBitsAndSet(PRTL_BITMAP BitMapHeader, ULONG NumberToFind, ULONG HintIndex);
/* RtlFindSetBits, then clear the run. */
ULONG RtlFindSetBitsAndClear(PRTL_BITMAP BitMapHeader, ULONG NumberToFind, ULONG HintIndex);

/* Fill RunArray with up to SizeOfRunArray clear runs; returns how many. */
ULONG RtlFindClearRuns(const RTL_BITMAP *BitMapHeader, PRTL_BITMAP_RUN RunArray,
		       ULONG SizeOfRunArray, BOOLEAN LocateLongestRuns);
/* The first clear run: its length, *StartingIndex its index. */
ULONG RtlFindFirstRunClear(const RTL_BITMAP *BitMapHeader, PULONG StartingIndex);
/* The clear run at the first clear bit at or after FromIndex (cut there): its length. */
ULONG RtlFindNextForwardRunClear(const RTL_BITMAP *BitMapHeader, ULONG FromIndex,
				 PULONG StartingRunIndex);
/* The last clear run below FromIndex (cut there): its length. */
ULONG RtlFindLastBackwardRunClear(const RTL_BITMAP *BitMapHeader, ULONG FromIndex,
				  PULONG StartingRunIndex);
/* The longest clear run (the lowest of equals): its length. */
ULONG RtlFindLongestRunClear(const RTL_BITMAP *BitMapHeader, PULONG StartingIndex);

/* How many bits are set? */
ULONG RtlNumberOfSetBits(const RTL_BITMAP *BitMapHeader);
/* How many bits are clear? */
ULONG RtlNumberOfClearBits(const RTL_BITMAP *BitMapHeader);
/* Are all of [StartingIndex, StartingIndex + Length) set? */
BOOLEAN RtlAreBitsSet(const RTL_BITMAP *BitMapHeader, ULONG StartingIndex, ULONG Length);
/* Are all of [StartingIndex, StartingIndex + Length) clear? */
BOOLEAN RtlAreBitsClear(const RTL_BITMAP *BitMapHeader, ULONG StartingIndex, ULONG Length);

#endif /* BITMAP_COMPAT_RTL_H */
