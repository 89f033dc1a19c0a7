// SPDX-License-Identifier: MIT
/* RTL_BITMAP routines, a ULONG at a time so no access leaves the caller's buffer. */
#include <bitmap/bitmap.h>
#include <bitmap/compat/rtl.h>

#define UBITS		32
#define ALL_ONES	(~(ULONG)0)

/* ULONGs that hold nbits bits. */
static size_t ulongs(size_t nbits)
{
	return nbits / UBITS + (nbits % UBITS != 0);
}

/* The bits of ULONG w that lie in [start, end); the caller ensures they overlap. */
static ULONG range_mask(size_t w, size_t start, size_t end)
{
	ULONG m = ALL_ONES;

	if (w == start / UBITS)
		m &= ALL_ONES << (start % UBITS);
	if (w == (end - 1) / UBITS)
		m &= ALL_ONES >> (-end % UBITS);
	return m;
}

/* Is [start, start + n) a non-empty range inside the map? */
static bool range_ok(const RTL_BITMAP *bm, size_t start, size_t n)
{
	return n != 0 && start < bm->SizeOfBitMap && n <= bm->SizeOfBitMap - start;
}

/* Lowest index in [start, end) whose bit equals value, or end (end <= size). */
static size_t find_next(const ULONG *buf, size_t end, size_t start, bool value)
{
	const ULONG flip = value ? 0 : ALL_ONES;
	size_t w, last, i;
	ULONG v;

	if (start >= end)
		return end;
	w = start / UBITS;
	last = (end - 1) / UBITS;
	v = (buf[w] ^ flip) & (ALL_ONES << (start % UBITS));
	while (!v) {
		if (++w > last)
			return end;
		v = buf[w] ^ flip;
	}
	i = w * UBITS + (size_t)__builtin_ctz(v);
	return i < end ? i : end;
}

/* Highest index below end whose bit equals value, or `none`. */
static size_t find_prev(const ULONG *buf, size_t end, bool value, size_t none)
{
	const ULONG flip = value ? 0 : ALL_ONES;
	size_t w;
	ULONG v;

	if (end == 0)
		return none;
	w = (end - 1) / UBITS;
	v = (buf[w] ^ flip) & (ALL_ONES >> (-end % UBITS));
	while (!v) {
		if (w-- == 0)
			return none;
		v = buf[w] ^ flip;
	}
	return w * UBITS + UBITS - 1 - (size_t)__builtin_clz(v);
}

/* Set [start, start + n) to value; the range is inside the map and non-empty. */
static void fill(ULONG *buf, size_t start, size_t n, bool value)
{
	size_t end = start + n;

	for (size_t w = start / UBITS; w <= (end - 1) / UBITS; w++) {
		ULONG m = range_mask(w, start, end);

		buf[w] = value ? buf[w] | m : buf[w] & ~m;
	}
}

/*
 * Lowest index in [start, end - n] where n bits equal to value begin, or
 * end. A miss resumes past the bit that broke the run, so the map is read
 * about once; treating end as the map size keeps every read below it.
 */
static size_t find_run(const ULONG *buf, size_t end, size_t start, size_t n, bool value)
{
	if (n == 0 || n > end)
		return end;
	while (start <= end - n) {
		size_t s = find_next(buf, end, start, value), e;

		if (s > end - n)
			return end;
		e = find_next(buf, s + n, s, !value);
		if (e == s + n)
			return s;
		start = e + 1;
	}
	return end;
}

/*
 * find_run from hint, then over runs starting below it; RTL_BITMAP_NOT_FOUND
 * if none. n = 0 answers the hint rounded down to a byte, as Windows does.
 */
static ULONG find_run_wrap(const RTL_BITMAP *bm, size_t n, size_t hint, bool value)
{
	size_t size = bm->SizeOfBitMap, i, end;

	if (hint >= size)
		hint = 0;
	if (n == 0)
		return (ULONG)(hint & ~(size_t)7);
	i = find_run(bm->Buffer, size, hint, n, value);
	if (i < size)
		return (ULONG)i;
	if (hint == 0)
		return RTL_BITMAP_NOT_FOUND;
	/* A run starting below hint ends by hint + n - 1 (capped at the size). */
	end = n - 1 > size - hint ? size : hint + n - 1;
	i = find_run(bm->Buffer, end, 0, n, value);
	return i < end ? (ULONG)i : RTL_BITMAP_NOT_FOUND;
}

/* find_run_wrap, then give the run the other value (nothing to do for n = 0). */
static ULONG find_run_and_flip(PRTL_BITMAP bm, size_t n, size_t hint, bool value)
{
	ULONG i = find_run_wrap(bm, n, hint, value);

	if (i != RTL_BITMAP_NOT_FOUND && n != 0)
		fill(bm->Buffer, i, n, !value);
	return i;
}

void RtlSetBits(PRTL_BITMAP BitMapHeader, ULONG StartingIndex, ULONG NumberToSet)
{
	if (range_ok(BitMapHeader, StartingIndex, NumberToSet))
		fill(BitMapHeader->Buffer, StartingIndex, NumberToSet, true);
}

void RtlClearBits(PRTL_BITMAP BitMapHeader, ULONG StartingIndex, ULONG NumberToClear)
{
	if (range_ok(BitMapHeader, StartingIndex, NumberToClear))
		fill(BitMapHeader->Buffer, StartingIndex, NumberToClear, false);
}

void RtlSetAllBits(PRTL_BITMAP BitMapHeader)
{
	for (size_t w = 0; w < ulongs(BitMapHeader->SizeOfBitMap); w++)
		BitMapHeader->Buffer[w] = ALL_ONES;
}

void RtlClearAllBits(PRTL_BITMAP BitMapHeader)
{
	for (size_t w = 0; w < ulongs(BitMapHeader->SizeOfBitMap); w++)
		BitMapHeader->Buffer[w] = 0;
}

void RtlSetBit(PRTL_BITMAP BitMapHeader, ULONG BitNumber)
{
	RtlSetBits(BitMapHeader, BitNumber, 1);
}

void RtlClearBit(PRTL_BITMAP BitMapHeader, ULONG BitNumber)
{
	RtlClearBits(BitMapHeader, BitNumber, 1);
}

BOOLEAN RtlTestBit(PRTL_BITMAP BitMapHeader, ULONG BitNumber)
{
	if (BitNumber >= BitMapHeader->SizeOfBitMap)
		return FALSE;
	return (BitMapHeader->Buffer[BitNumber / UBITS] >> (BitNumber % UBITS)) & 1;
}

ULONG RtlFindClearBits(PRTL_BITMAP BitMapHeader, ULONG NumberToFind, ULONG HintIndex)
{
	return find_run_wrap(BitMapHeader, NumberToFind, HintIndex, false);
}

ULONG RtlFindSetBits(PRTL_BITMAP BitMapHeader, ULONG NumberToFind, ULONG HintIndex)
{
	return find_run_wrap(BitMapHeader, NumberToFind, HintIndex, true);
}

ULONG RtlFindClearBitsAndSet(PRTL_BITMAP BitMapHeader, ULONG NumberToFind, ULONG HintIndex)
{
	return find_run_and_flip(BitMapHeader, NumberToFind, HintIndex, false);
}

ULONG RtlFindSetBitsAndClear(PRTL_BITMAP BitMapHeader, ULONG NumberToFind, ULONG HintIndex)
{
	return find_run_and_flip(BitMapHeader, NumberToFind, HintIndex, true);
}

/* Put run r into runs[0..*count), longest first, keeping at most n (n > 0). */
static void keep_longest(PRTL_BITMAP_RUN runs, ULONG *count, ULONG n, RTL_BITMAP_RUN r)
{
	ULONG i;

	if (*count == n) {
		if (runs[n - 1].NumberOfBits >= r.NumberOfBits)
			return;
		i = n - 1;
	} else {
		i = (*count)++;
	}
	/* Equal lengths keep index order: r comes later, so it goes after them. */
	for (; i > 0 && runs[i - 1].NumberOfBits < r.NumberOfBits; i--)
		runs[i] = runs[i - 1];
	runs[i] = r;
}

/* Runs of bits equal to value: the first n in index order, or the n longest. */
static ULONG find_runs(const RTL_BITMAP *bm, PRTL_BITMAP_RUN runs, ULONG n, bool longest,
		       bool value)
{
	const size_t size = bm->SizeOfBitMap;
	size_t s = 0, e;
	ULONG count = 0;

	if (n == 0)
		return 0;
	for (; (s = find_next(bm->Buffer, size, s, value)) < size; s = e) {
		RTL_BITMAP_RUN r;

		e = find_next(bm->Buffer, size, s, !value);
		r.StartingIndex = (ULONG)s;
		r.NumberOfBits = (ULONG)(e - s);
		if (longest) {
			keep_longest(runs, &count, n, r);
		} else {
			runs[count++] = r;
			if (count == n)
				break;
		}
	}
	return count;
}

ULONG RtlFindClearRuns(PRTL_BITMAP BitMapHeader, PRTL_BITMAP_RUN RunArray,
		       ULONG SizeOfRunArray, BOOLEAN LocateLongestRuns)
{
	return find_runs(BitMapHeader, RunArray, SizeOfRunArray, LocateLongestRuns, false);
}

ULONG RtlFindSetRuns(PRTL_BITMAP BitMapHeader, PRTL_BITMAP_RUN RunArray,
		     ULONG SizeOfRunArray, BOOLEAN LocateLongestRuns)
{
	return find_runs(BitMapHeader, RunArray, SizeOfRunArray, LocateLongestRuns, true);
}

/*
 * The run of bits equal to value from the first such bit at or after from:
 * its length; *start is its index, the size if there is none, from itself
 * if from is past the end (all as Windows writes them).
 */
static ULONG forward_run(const RTL_BITMAP *bm, size_t from, PULONG start, bool value)
{
	const size_t size = bm->SizeOfBitMap;
	size_t s;

	*start = (ULONG)from;
	if (from >= size)
		return 0;
	s = find_next(bm->Buffer, size, from, value);
	*start = (ULONG)s;
	return s < size ? (ULONG)(find_next(bm->Buffer, size, s, !value) - s) : 0;
}

/*
 * The run of bits equal to value that ends at the last such bit at or
 * before from (from included), from its true start: its length; *start is
 * its index, 0 if there is none, from itself if from is past the end.
 */
static ULONG backward_run(const RTL_BITMAP *bm, size_t from, PULONG start, bool value)
{
	const size_t size = bm->SizeOfBitMap;
	size_t last, other;

	*start = (ULONG)from;
	if (from >= size)
		return 0;
	last = find_prev(bm->Buffer, from + 1, value, size);
	if (last == size) {
		*start = 0;
		return 0;
	}
	other = find_prev(bm->Buffer, last, !value, size);
	*start = (ULONG)(other == size ? 0 : other + 1);
	return (ULONG)(last + 1 - *start);
}

ULONG RtlFindNextForwardRunClear(PRTL_BITMAP BitMapHeader, ULONG FromIndex,
				 PULONG StartingRunIndex)
{
	return forward_run(BitMapHeader, FromIndex, StartingRunIndex, false);
}

ULONG RtlFindNextForwardRunSet(PRTL_BITMAP BitMapHeader, ULONG FromIndex,
			       PULONG StartingRunIndex)
{
	return forward_run(BitMapHeader, FromIndex, StartingRunIndex, true);
}

ULONG RtlFindFirstRunClear(PRTL_BITMAP BitMapHeader, PULONG StartingIndex)
{
	return forward_run(BitMapHeader, 0, StartingIndex, false);
}

ULONG RtlFindLastBackwardRunClear(PRTL_BITMAP BitMapHeader, ULONG FromIndex,
				  PULONG StartingRunIndex)
{
	return backward_run(BitMapHeader, FromIndex, StartingRunIndex, false);
}

ULONG RtlFindLastBackwardRunSet(PRTL_BITMAP BitMapHeader, ULONG FromIndex,
				PULONG StartingRunIndex)
{
	return backward_run(BitMapHeader, FromIndex, StartingRunIndex, true);
}

/* The longest run of bits equal to value; none: 0, *start = the size. */
static ULONG longest_run(const RTL_BITMAP *bm, PULONG start, bool value)
{
	RTL_BITMAP_RUN run;

	if (find_runs(bm, &run, 1, true, value) == 0) {
		*start = bm->SizeOfBitMap;
		return 0;
	}
	*start = run.StartingIndex;
	return run.NumberOfBits;
}

ULONG RtlFindLongestRunClear(PRTL_BITMAP BitMapHeader, PULONG StartingIndex)
{
	return longest_run(BitMapHeader, StartingIndex, false);
}

ULONG RtlFindLongestRunSet(PRTL_BITMAP BitMapHeader, PULONG StartingIndex)
{
	return longest_run(BitMapHeader, StartingIndex, true);
}

ULONG RtlNumberOfSetBits(PRTL_BITMAP BitMapHeader)
{
	const size_t size = BitMapHeader->SizeOfBitMap;
	ULONG count = 0;

	for (size_t w = 0; w < ulongs(size); w++)
		count += bm_popcount64(BitMapHeader->Buffer[w] & range_mask(w, 0, size));
	return count;
}

ULONG RtlNumberOfClearBits(PRTL_BITMAP BitMapHeader)
{
	return BitMapHeader->SizeOfBitMap - RtlNumberOfSetBits(BitMapHeader);
}

/* Are all of the non-empty, in-map range [start, start + n) equal to value? */
static BOOLEAN all_equal(const RTL_BITMAP *bm, size_t start, size_t n, bool value)
{
	if (!range_ok(bm, start, n))
		return FALSE;
	return find_next(bm->Buffer, start + n, start, !value) == start + n;
}

BOOLEAN RtlAreBitsSet(PRTL_BITMAP BitMapHeader, ULONG StartingIndex, ULONG Length)
{
	return all_equal(BitMapHeader, StartingIndex, Length, true);
}

BOOLEAN RtlAreBitsClear(PRTL_BITMAP BitMapHeader, ULONG StartingIndex, ULONG Length)
{
	return all_equal(BitMapHeader, StartingIndex, Length, false);
}

CCHAR RtlFindMostSignificantBit(ULONGLONG Set)
{
	return Set ? (CCHAR)bm__fls64(Set) : -1;
}

CCHAR RtlFindLeastSignificantBit(ULONGLONG Set)
{
	return Set ? (CCHAR)bm__ffs64(Set) : -1;
}

ULONG RtlNumberOfSetBitsUlongPtr(ULONG_PTR Target)
{
	return bm_popcount64(Target);
}
