/* SPDX-License-Identifier: MIT */
/* The Windows RTL_BITMAP dialect (wdm.h Rtl*Bit* routines) over 32-bit ULONG buffers. */
#ifndef BITMAP_COMPAT_RTL_H
#define BITMAP_COMPAT_RTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * An RTL_BITMAP describes SizeOfBitMap bits in a buffer of exactly
 * ceil(SizeOfBitMap / 32) ULONGs, only 4-byte aligned; bit i is bit
 * (i % 32) of Buffer[i / 32]. No routine reads or writes a byte past
 * that. rtl.c hands the library (uint64_t words) only the whole, 8-byte
 * aligned words inside the buffer; a first ULONG at 4 mod 8 and an odd
 * last ULONG are read and written as ULONGs (x86-64 is little-endian, so
 * bit i is the same bit either way). Reading ULONGs as uint64_t is
 * outside ISO C's effective-type rules: every build of the library (the
 * kernel, the host tests, the fuzzers, the benchmark) passes
 * -fno-strict-aliasing, and no rtl.c routine loads a uint64_t after
 * storing a ULONG, the order a strict-aliasing compiler could swap.
 *
 * The contract is Windows' (Microsoft Learn's page for each routine; the
 * checks of Wine's dlls/ntdll/tests/rtlbitmap.c and of ReactOS'
 * apitests/ntdll/RtlBitmap.c, both written to pass on real Windows).
 * Where Wine's or ReactOS' own implementations answer differently, this
 * follows Windows:
 *  - RtlFind{Clear,Set}Bits(n, hint) search from the hint to the end, then
 *    wrap and search from 0 (a run that starts below the hint and crosses
 *    it is found); a hint >= SizeOfBitMap counts as 0. n > SizeOfBitMap
 *    and no such run return RTL_BITMAP_NOT_FOUND = 0xFFFFFFFF. n = 0
 *    returns the hint rounded down to a multiple of 8 (0 for a hint >=
 *    SizeOfBitMap), as Windows does (ReactOS apitest); Wine's own code
 *    returns RTL_BITMAP_NOT_FOUND there.
 *    The *AndSet / *AndClear forms change nothing when they fail or n = 0.
 *  - RtlFindNextForwardRun{Clear,Set}(from): the run that begins at the
 *    first matching bit at or after `from` (cut at `from` if `from` is
 *    inside it). RtlFindLastBackwardRun{Clear,Set}(from): the run that ends
 *    at the last matching bit at or before `from`, `from` included (cut at
 *    `from` if `from` is inside it), from its true start. Both return the
 *    length, 0 if there is none. *StartingRunIndex is always written:
 *    `from` itself when from >= SizeOfBitMap; otherwise, when nothing is
 *    found, SizeOfBitMap (forward) or 0 (backward).
 *  - RtlFindFirstRun{Clear}: the forward run from 0. RtlFindLongestRun{Clear,
 *    Set}: the longest run, the lowest of equals; 0 and *StartingIndex =
 *    SizeOfBitMap when there is none (Windows leaves it unspecified).
 *  - RtlFind{Clear,Set}Runs: without LocateLongestRuns the first runs in
 *    index order; with it, the n longest of the whole map, longest first.
 *    Equal lengths come in index order (Windows does not say).
 *  - RtlFindMost/LeastSignificantBit: the bit index in a ULONGLONG, -1 for 0.
 *  - Bits past SizeOfBitMap in the last ULONG never affect a result;
 *    RtlSetAllBits and RtlClearAllBits write whole ULONGs (those bits too),
 *    as Windows does. No routine changes them otherwise: Windows 2003
 *    did, Windows 7 and later do not (ReactOS apitest).
 *  - Nothing is locked: callers synchronise.
 *
 * Deliberate differences from Windows, where Windows does not check its
 * arguments (a checked build asserts; a free build writes past
 * SizeOfBitMap, even past the buffer: ReactOS' apitest sees RtlSetBits(13,
 * 22) on a 19-bit map set bits 13..34): a range that leaves the map makes
 * RtlSetBits/RtlClearBits change nothing, a bit past the end makes
 * RtlSetBit/RtlClearBit do nothing and RtlTestBit/RtlCheckBit return 0.
 * RtlAreBitsSet/Clear are FALSE for an empty range or one that leaves the
 * map, as in Windows. Read-only routines take PRTL_BITMAP, as Microsoft
 * Learn and the WDK the NT Insider article quotes declare them (newer
 * WDKs say PCRTL_BITMAP; a caller passing a non-const pointer sees no
 * difference). CCHAR is char, signed as on MSVC and x86 GCC.
 */

typedef uint32_t ULONG;
typedef ULONG *PULONG;
typedef uint8_t BOOLEAN;
typedef char CCHAR;
typedef uint64_t ULONGLONG;
typedef uintptr_t ULONG_PTR;

#ifndef VOID
#define VOID	void
#endif
#ifndef IN
#define IN
#endif
#ifndef OUT
#define OUT
#endif
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
typedef const RTL_BITMAP *PCRTL_BITMAP;

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
BOOLEAN RtlTestBit(PRTL_BITMAP BitMapHeader, ULONG BitNumber);

/* Bit BitPosition as 0 or 1. */
static inline ULONG RtlCheckBit(PRTL_BITMAP BitMapHeader, ULONG BitPosition)
{
	return RtlTestBit(BitMapHeader, BitPosition);
}

/* Index of NumberToFind clear bits in a row, searched from HintIndex, wrapping. */
ULONG RtlFindClearBits(PRTL_BITMAP BitMapHeader, ULONG NumberToFind, ULONG HintIndex);
/* Index of NumberToFind set bits in a row, searched from HintIndex, wrapping. */
ULONG RtlFindSetBits(PRTL_BITMAP BitMapHeader, ULONG NumberToFind, ULONG HintIndex);
/* RtlFindClearBits, then set the run. */
ULONG RtlFindClearBitsAndSet(PRTL_BITMAP BitMapHeader, ULONG NumberToFind, ULONG HintIndex);
/* RtlFindSetBits, then clear the run. */
ULONG RtlFindSetBitsAndClear(PRTL_BITMAP BitMapHeader, ULONG NumberToFind, ULONG HintIndex);

/* Fill RunArray with up to SizeOfRunArray clear runs; returns how many. */
ULONG RtlFindClearRuns(PRTL_BITMAP BitMapHeader, PRTL_BITMAP_RUN RunArray,
		       ULONG SizeOfRunArray, BOOLEAN LocateLongestRuns);
/* Fill RunArray with up to SizeOfRunArray set runs; returns how many. */
ULONG RtlFindSetRuns(PRTL_BITMAP BitMapHeader, PRTL_BITMAP_RUN RunArray,
		     ULONG SizeOfRunArray, BOOLEAN LocateLongestRuns);
/* The first clear run: its length, *StartingIndex its index. */
ULONG RtlFindFirstRunClear(PRTL_BITMAP BitMapHeader, PULONG StartingIndex);
/* The clear run from the first clear bit at or after FromIndex: its length. */
ULONG RtlFindNextForwardRunClear(PRTL_BITMAP BitMapHeader, ULONG FromIndex,
				 PULONG StartingRunIndex);
/* The set run from the first set bit at or after FromIndex: its length. */
ULONG RtlFindNextForwardRunSet(PRTL_BITMAP BitMapHeader, ULONG FromIndex,
			       PULONG StartingRunIndex);
/* The clear run ending at the last clear bit at or before FromIndex: its length. */
ULONG RtlFindLastBackwardRunClear(PRTL_BITMAP BitMapHeader, ULONG FromIndex,
				  PULONG StartingRunIndex);
/* The set run ending at the last set bit at or before FromIndex: its length. */
ULONG RtlFindLastBackwardRunSet(PRTL_BITMAP BitMapHeader, ULONG FromIndex,
				PULONG StartingRunIndex);
/* The longest clear run (the lowest of equals): its length. */
ULONG RtlFindLongestRunClear(PRTL_BITMAP BitMapHeader, PULONG StartingIndex);
/* The longest set run (the lowest of equals): its length. */
ULONG RtlFindLongestRunSet(PRTL_BITMAP BitMapHeader, PULONG StartingIndex);

/* How many bits are set? */
ULONG RtlNumberOfSetBits(PRTL_BITMAP BitMapHeader);
/* How many bits are clear? */
ULONG RtlNumberOfClearBits(PRTL_BITMAP BitMapHeader);
/* Are all of [StartingIndex, StartingIndex + Length) set? */
BOOLEAN RtlAreBitsSet(PRTL_BITMAP BitMapHeader, ULONG StartingIndex, ULONG Length);
/* Are all of [StartingIndex, StartingIndex + Length) clear? */
BOOLEAN RtlAreBitsClear(PRTL_BITMAP BitMapHeader, ULONG StartingIndex, ULONG Length);

/* Index of the highest set bit of Set, or -1 if Set is 0. */
CCHAR RtlFindMostSignificantBit(ULONGLONG Set);
/* Index of the lowest set bit of Set, or -1 if Set is 0. */
CCHAR RtlFindLeastSignificantBit(ULONGLONG Set);
/* How many bits of Target are set? */
ULONG RtlNumberOfSetBitsUlongPtr(ULONG_PTR Target);

#endif /* BITMAP_COMPAT_RTL_H */
