// SPDX-License-Identifier: MIT
/* RTL_BITMAP routines: 64-bit library searches over the buffer, its 32-bit edges apart. */
#include <bitmap/bitmap.h>
#include <bitmap/compat/rtl.h>

#define UBITS		32
#define ALL_ONES	(~(ULONG)0)

/*
 * The buffer seen as up to three parts (rtl.h says why the whole buffer
 * cannot be handed to the library):
 *  - head: bits [0, lo) of Buffer[0], when Buffer is 4 mod 8 (lo = 32, or
 *    the size if smaller); lo = 0 otherwise;
 *  - middle: bits [lo, hi), the whole uint64_t words from Buffer + lo / 32
 *    that lie inside the ceil(size / 32) ULONGs: the library's searches
 *    and range routines run on it, with bit j of it being bit lo + j;
 *  - tail: bits [hi, size), one ULONG, when an odd count of ULONGs
 *    follows the head.
 * x86-64 is little-endian: bit k of a uint64_t is bit k of the same 8 bytes
 * read as two ULONGs. A buffer that is 8-byte aligned with an even count
 * of ULONGs (the usual case) is all middle: each search is one library
 * call. The 32-bit parts are read as ULONGs, so nothing past
 * ceil(size / 32) ULONGs is read or written.
 */
struct parts {
	ULONG *buf;
	uint64_t *mid;		/* Buffer + lo / 32, 8-byte aligned */
	size_t size, lo, hi;
};

/* ULONGs that hold nbits bits. */
static size_t ulongs(size_t nbits)
{
	return nbits / UBITS + (nbits % UBITS != 0);
}

static inline struct parts parts_of(const RTL_BITMAP *bm)
{
	struct parts p;
	size_t head = ((uintptr_t)bm->Buffer & 4) != 0 && bm->SizeOfBitMap != 0;
	size_t words = (ulongs(bm->SizeOfBitMap) - head) / 2;

	p.buf = bm->Buffer;
	p.mid = (uint64_t *)(void *)(bm->Buffer + head);
	p.size = bm->SizeOfBitMap;
	p.lo = head ? (p.size < UBITS ? p.size : UBITS) : 0;
	p.hi = p.lo + words * BM_WORD_BITS;
	if (p.hi > p.size)
		p.hi = p.size;
	return p;
}

/* Is the map all middle (no 32-bit part)? */
static inline bool all_middle(const struct parts *p)
{
	return p->lo == 0 && p->hi == p->size;
}

/*
 * The same from the header, cheaply: Buffer 8-byte aligned and an even
 * count of ULONGs (bit 5 of size + 31 is the count's lowest bit).
 */
static inline bool whole_words(const RTL_BITMAP *bm)
{
	return (((uintptr_t)bm->Buffer & 4) | (((size_t)bm->SizeOfBitMap + 31) & 32)) == 0;
}

/* The buffer as the library's words (whole_words(bm) holds). */
static inline const uint64_t *words_of(const RTL_BITMAP *bm)
{
	return (const uint64_t *)(const void *)bm->Buffer;
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

/* Lowest index >= i in ULONG i / 32 equal to value, or end (end <= size). */
static size_t ulong_next(const ULONG *buf, size_t i, size_t end, bool value)
{
	ULONG v = (buf[i / UBITS] ^ (value ? 0 : ALL_ONES)) >> (i % UBITS);

	if (v) {
		i += (size_t)__builtin_ctz(v);
		return i < end ? i : end;
	}
	return end;
}

/*
 * Lowest index in [start, end) of the middle whose bit equals value, or
 * end (start < end <= its bits). A word loop of its own rather than
 * bm_find_next: no test of the bit at start first (a coin flip on a random
 * map) and no call, which a next-fit RtlFind*Bits(1, hint) would mostly be.
 */
static inline __attribute__((always_inline))
size_t mid_next(const uint64_t *mid, size_t start, size_t end, bool value)
{
	const uint64_t flip = value ? 0 : ~(uint64_t)0;
	size_t w = start / BM_WORD_BITS, last = (end - 1) / BM_WORD_BITS, i;
	uint64_t v = (mid[w] ^ flip) & BM__FIRST_MASK(start), a, b;

	if (!v) {
		/* Long scans (a nearly full map) two words a test. */
		for (w++; w < last; w += 2) {
			a = mid[w] ^ flip;
			b = mid[w + 1] ^ flip;
			if (a | b) {
				if (a) {
					v = a;
				} else {
					v = b;
					w++;
				}
				goto found;
			}
		}
		if (w > last)
			return end;
		v = mid[w] ^ flip;
		if (!v)
			return end;
	}
found:
	i = w * BM_WORD_BITS + bm__ffs64(v);
	return i < end ? i : end;
}

/* Lowest index in [start, end) whose bit equals value, or end (end <= size). */
static inline size_t find_next(const struct parts *p, size_t start, size_t end, bool value)
{
	size_t me, i;

	if (start >= end)
		return end;
	if (start < p->lo) {
		i = ulong_next(p->buf, start, end, value);
		if (i < end || p->lo >= end)
			return i;
		start = p->lo;
	}
	if (start < p->hi) {
		me = end < p->hi ? end : p->hi;
		i = mid_next(p->mid, start - p->lo, me - p->lo, value);
		if (i < me - p->lo)
			return i + p->lo;
		if (me == end)
			return end;
		start = p->hi;
	}
	return ulong_next(p->buf, start, end, value);
}

/* Highest index below end whose bit equals value, or `none` (end <= size). */
static size_t find_prev(const struct parts *p, size_t end, bool value, size_t none)
{
	const ULONG flip = value ? 0 : ALL_ONES;
	ULONG v;
	size_t i;

	if (end > p->hi) {
		/* The tail ULONG's bits below end. */
		v = (p->buf[p->hi / UBITS] ^ flip) & (ALL_ONES >> (-end % UBITS));
		if (v)
			return p->hi + UBITS - 1 - (size_t)__builtin_clz(v);
		end = p->hi;
	}
	if (end > p->lo) {
		i = value ? bm_find_prev(p->mid, p->hi - p->lo, end - p->lo)
			  : bm_find_prev_zero(p->mid, p->hi - p->lo, end - p->lo);
		if (i < p->hi - p->lo)
			return i + p->lo;
		end = p->lo;
	}
	if (end > 0) {
		v = (p->buf[0] ^ flip) & (ALL_ONES >> (-end % UBITS));
		if (v)
			return UBITS - 1 - (size_t)__builtin_clz(v);
	}
	return none;
}

/* Set [start, start + n) to value a ULONG at a time; the range is inside the map, non-empty. */
static inline void fill_ulongs(ULONG *buf, size_t start, size_t n, bool value)
{
	size_t end = start + n;

	for (size_t w = start / UBITS; w <= (end - 1) / UBITS; w++) {
		ULONG m = range_mask(w, start, end);

		buf[w] = value ? buf[w] | m : buf[w] & ~m;
	}
}

/* Set [start, start + n) to value; the range is inside the map and n > 32. */
static __attribute__((noinline))
void fill_long(const RTL_BITMAP *bm, size_t start, size_t n, bool value)
{
	const struct parts p = parts_of(bm);
	size_t end = start + n, ms = start > p.lo ? start : p.lo, me = end < p.hi ? end : p.hi;

	if (ms >= me) {
		/* The 32-bit parts only. */
		fill_ulongs(p.buf, start, n, value);
		return;
	}
	if (start < ms)
		fill_ulongs(p.buf, start, ms - start, value);
	if (value)
		bm_set_range(p.mid, ms - p.lo, me - ms);
	else
		bm_clear_range(p.mid, ms - p.lo, me - ms);
	if (me < end)
		fill_ulongs(p.buf, me, end - me, value);
}

/*
 * Set [start, start + n) to value; the range is inside the map and
 * non-empty. Up to 32 bits (one or two ULONGs) directly, longer ranges
 * through the library.
 */
static inline __attribute__((always_inline))
void fill(const RTL_BITMAP *bm, size_t start, size_t n, bool value)
{
	if (n <= UBITS)
		fill_ulongs(bm->Buffer, start, n, value);
	else
		fill_long(bm, start, n, value);
}

/* The library's lowest run of n >= 1 bits equal to value in the middle's first nbits. */
static inline size_t mid_run(const struct parts *p, size_t nbits, size_t start, size_t n,
			     bool value)
{
	return value ? bm_find_set_run(p->mid, nbits, start, n)
		     : bm_find_zero_run(p->mid, nbits, start, n);
}

/*
 * Lowest index in [start, end - n] where n bits equal to value begin, or
 * end (end <= size). Runs inside the middle are the library's search; only
 * runs that start in or cross into a 32-bit part are probed here, each
 * miss resuming past the bit that broke the run.
 */
static size_t find_run(const struct parts *p, size_t end, size_t start, size_t n, bool value)
{
	const size_t me = end < p->hi ? end : p->hi;

	if (n == 0 || n > end)
		return end;
	while (start <= end - n) {
		size_t s, e;

		if (start >= p->lo && start < me && n <= me - start) {
			s = mid_run(p, me - p->lo, start - p->lo, n, value);
			if (s < me - p->lo)
				return s + p->lo;
			if (me == end)
				return end;
			/* Any run left crosses from the middle into the tail. */
			start = me - n + 1;
		}
		s = find_next(p, start, end, value);
		if (s >= end || s > end - n)
			return end;
		if (s >= p->lo && s < me && n <= me - s) {
			start = s;
			continue;
		}
		e = find_next(p, s, s + n, !value);
		if (e == s + n)
			return s;
		start = e + 1;
	}
	return end;
}

/* find_run_wrap for a map with 32-bit parts (1 <= n <= size, hint < size). */
static __attribute__((noinline))
ULONG find_run_wrap_parts(const RTL_BITMAP *bm, size_t n, size_t hint, bool value)
{
	const struct parts pp = parts_of(bm), *p = &pp;
	size_t size = p->size, i, end;

	if (n == 1) {
		/* One bit is a run by itself: the next such bit, else the first below hint. */
		i = find_next(p, hint, size, value);
		if (i < size)
			return (ULONG)i;
		i = find_next(p, 0, hint, value);
		return i < hint ? (ULONG)i : RTL_BITMAP_NOT_FOUND;
	}
	i = find_run(p, size, hint, n, value);
	if (i < size)
		return (ULONG)i;
	if (hint == 0)
		return RTL_BITMAP_NOT_FOUND;
	/* A run starting below hint ends by hint + n - 1 (capped at the size). */
	end = n - 1 > size - hint ? size : hint + n - 1;
	i = find_run(p, end, 0, n, value);
	return i < end ? (ULONG)i : RTL_BITMAP_NOT_FOUND;
}

/*
 * find_run from hint, then over runs starting below it; RTL_BITMAP_NOT_FOUND
 * if none. n = 0 answers the hint rounded down to a byte, as Windows does.
 * A map of whole words takes the library's wrapping run search.
 */
static inline __attribute__((always_inline))
ULONG find_run_wrap(const RTL_BITMAP *bm, size_t n, size_t hint, bool value)
{
	const size_t size = bm->SizeOfBitMap;
	size_t i;

	if (hint >= size)
		hint = 0;
	if (n == 0)
		return (ULONG)(hint & ~(size_t)7);
	if (n > size)
		return RTL_BITMAP_NOT_FOUND;
	if (!whole_words(bm))
		return find_run_wrap_parts(bm, n, hint, value);
	i = value ? bm_find_set_run_wrap(words_of(bm), size, hint, n)
		  : bm_find_zero_run_wrap(words_of(bm), size, hint, n);
	return i < size ? (ULONG)i : RTL_BITMAP_NOT_FOUND;
}

/*
 * One bit of a map of whole words (whole_words(bm), size > 0), as
 * find_run_wrap: a word loop from the hint, then from 0. Next-fit callers
 * make many such short searches; with everything else out of line
 * (find_slow, find_and_flip_slow) this path saves no registers.
 */
static inline __attribute__((always_inline))
ULONG find_bit_wrap(const RTL_BITMAP *bm, size_t hint, bool value)
{
	const size_t size = bm->SizeOfBitMap;
	size_t i;

	if (hint >= size)
		hint = 0;
	i = mid_next(words_of(bm), hint, size, value);
	if (i < size)
		return (ULONG)i;
	if (hint == 0)
		return RTL_BITMAP_NOT_FOUND;
	i = mid_next(words_of(bm), 0, hint, value);
	return i < hint ? (ULONG)i : RTL_BITMAP_NOT_FOUND;
}

/* Does (n, bm) take find_bit_wrap? */
static inline bool one_bit_fast(const RTL_BITMAP *bm, size_t n)
{
	return n == 1 && whole_words(bm) && bm->SizeOfBitMap != 0;
}

/* find_run_wrap, then give the run the other value (nothing to do for n = 0). */
static __attribute__((noinline))
ULONG find_and_flip_slow(PRTL_BITMAP bm, size_t n, size_t hint, bool value)
{
	ULONG i = find_run_wrap(bm, n, hint, value);

	if (i != RTL_BITMAP_NOT_FOUND && n != 0)
		fill(bm, i, n, !value);
	return i;
}

/* The library's lowest run of n >= 2 bits equal to value in a whole-word map's first nbits. */
static inline size_t words_run(const RTL_BITMAP *bm, size_t nbits, size_t start, size_t n,
			       bool value)
{
	return value ? bm_find_set_run(words_of(bm), nbits, start, n)
		     : bm_find_zero_run(words_of(bm), nbits, start, n);
}

/* The wrapped part of a whole-word search: runs starting below hint (0 < hint < size). */
static __attribute__((noinline))
ULONG words_run_below(const RTL_BITMAP *bm, size_t n, size_t hint, bool value)
{
	const size_t size = bm->SizeOfBitMap;
	/* A run starting below hint ends by hint + n - 1 (capped at the size). */
	size_t end = n - 1 > size - hint ? size : hint + n - 1, i = words_run(bm, end, 0, n, value);

	return i < end ? (ULONG)i : RTL_BITMAP_NOT_FOUND;
}

/*
 * RtlFind{Clear,Set}Bits other than one bit of a whole-word map: a run of
 * 2 <= n <= size in a whole-word map by the library's run search from the
 * hint, then (out of line) below it, straight rather than through
 * bm_find_*_run_wrap (whose out-of-line body cost 42 instructions a call);
 * the rest by find_run_wrap.
 */
static __attribute__((noinline))
ULONG find_slow(const RTL_BITMAP *bm, size_t n, size_t hint, bool value)
{
	const size_t size = bm->SizeOfBitMap;
	size_t i;

	if (n < 2 || n > size || !whole_words(bm))
		return find_run_wrap(bm, n, hint, value);
	if (hint >= size)
		hint = 0;
	i = words_run(bm, size, hint, n, value);
	if (i < size)
		return (ULONG)i;
	return hint ? words_run_below(bm, n, hint, value) : RTL_BITMAP_NOT_FOUND;
}

/* RtlFind{Clear,Set}Bits: one bit of a whole-word map inline, the rest out of line. */
static inline __attribute__((always_inline))
ULONG find_run_entry(PRTL_BITMAP bm, size_t n, size_t hint, bool value)
{
	if (one_bit_fast(bm, n))
		return find_bit_wrap(bm, hint, value);
	return find_slow(bm, n, hint, value);
}

/* RtlFindClearBitsAndSet, RtlFindSetBitsAndClear. */
static inline __attribute__((always_inline))
ULONG find_run_and_flip(PRTL_BITMAP bm, size_t n, size_t hint, bool value)
{
	if (one_bit_fast(bm, n)) {
		ULONG i = find_bit_wrap(bm, hint, value);

		if (i != RTL_BITMAP_NOT_FOUND)
			bm->Buffer[i / UBITS] ^= (ULONG)1 << (i % UBITS);
		return i;
	}
	return find_and_flip_slow(bm, n, hint, value);
}

void RtlSetBits(PRTL_BITMAP BitMapHeader, ULONG StartingIndex, ULONG NumberToSet)
{
	if (range_ok(BitMapHeader, StartingIndex, NumberToSet))
		fill(BitMapHeader, StartingIndex, NumberToSet, true);
}

void RtlClearBits(PRTL_BITMAP BitMapHeader, ULONG StartingIndex, ULONG NumberToClear)
{
	if (range_ok(BitMapHeader, StartingIndex, NumberToClear))
		fill(BitMapHeader, StartingIndex, NumberToClear, false);
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
	if (BitNumber < BitMapHeader->SizeOfBitMap)
		BitMapHeader->Buffer[BitNumber / UBITS] |= (ULONG)1 << (BitNumber % UBITS);
}

void RtlClearBit(PRTL_BITMAP BitMapHeader, ULONG BitNumber)
{
	if (BitNumber < BitMapHeader->SizeOfBitMap)
		BitMapHeader->Buffer[BitNumber / UBITS] &= ~((ULONG)1 << (BitNumber % UBITS));
}

BOOLEAN RtlTestBit(PRTL_BITMAP BitMapHeader, ULONG BitNumber)
{
	if (BitNumber >= BitMapHeader->SizeOfBitMap)
		return FALSE;
	return (BitMapHeader->Buffer[BitNumber / UBITS] >> (BitNumber % UBITS)) & 1;
}

ULONG RtlFindClearBits(PRTL_BITMAP BitMapHeader, ULONG NumberToFind, ULONG HintIndex)
{
	return find_run_entry(BitMapHeader, NumberToFind, HintIndex, false);
}

ULONG RtlFindSetBits(PRTL_BITMAP BitMapHeader, ULONG NumberToFind, ULONG HintIndex)
{
	return find_run_entry(BitMapHeader, NumberToFind, HintIndex, true);
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
static ULONG find_runs(const struct parts *p, PRTL_BITMAP_RUN runs, ULONG n, bool longest,
		       bool value)
{
	const size_t size = p->size;
	size_t s = 0, e;
	ULONG count = 0;

	if (n == 0)
		return 0;
	for (; (s = find_next(p, s, size, value)) < size; s = e) {
		RTL_BITMAP_RUN r;

		e = find_next(p, s, size, !value);
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
	const struct parts p = parts_of(BitMapHeader);

	return find_runs(&p, RunArray, SizeOfRunArray, LocateLongestRuns, false);
}

ULONG RtlFindSetRuns(PRTL_BITMAP BitMapHeader, PRTL_BITMAP_RUN RunArray,
		     ULONG SizeOfRunArray, BOOLEAN LocateLongestRuns)
{
	const struct parts p = parts_of(BitMapHeader);

	return find_runs(&p, RunArray, SizeOfRunArray, LocateLongestRuns, true);
}

/*
 * The run of bits equal to value from the first such bit at or after from:
 * its length; *start is its index, the size if there is none, from itself
 * if from is past the end (all as Windows writes them).
 */
static inline __attribute__((always_inline))
ULONG forward_run(const RTL_BITMAP *bm, size_t from, PULONG start, bool value)
{
	const size_t size = bm->SizeOfBitMap;
	struct parts p;
	size_t s;

	*start = (ULONG)from;
	if (from >= size)
		return 0;
	if (whole_words(bm)) {
		s = mid_next(words_of(bm), from, size, value);
		*start = (ULONG)s;
		return s < size ? (ULONG)(mid_next(words_of(bm), s, size, !value) - s) : 0;
	}
	p = parts_of(bm);
	s = find_next(&p, from, p.size, value);
	*start = (ULONG)s;
	return s < p.size ? (ULONG)(find_next(&p, s, p.size, !value) - s) : 0;
}

/*
 * The run of bits equal to value that ends at the last such bit at or
 * before from (from included), from its true start: its length; *start is
 * its index, 0 if there is none, from itself if from is past the end.
 */
static ULONG backward_run(const RTL_BITMAP *bm, size_t from, PULONG start, bool value)
{
	const struct parts p = parts_of(bm);
	size_t last, other;

	*start = (ULONG)from;
	if (from >= p.size)
		return 0;
	last = find_prev(&p, from + 1, value, p.size);
	if (last == p.size) {
		*start = 0;
		return 0;
	}
	other = find_prev(&p, last, !value, p.size);
	*start = (ULONG)(other == p.size ? 0 : other + 1);
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
	const struct parts p = parts_of(bm);
	RTL_BITMAP_RUN run;

	if (!value && all_middle(&p)) {
		size_t at, len = bm_longest_zero_run(p.mid, p.size, &at);

		*start = (ULONG)at;
		return (ULONG)len;
	}
	if (find_runs(&p, &run, 1, true, value) == 0) {
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
	const struct parts p = parts_of(BitMapHeader);
	size_t count = bm_weight(p.mid, p.hi - p.lo);

	if (p.lo)
		count += bm_popcount64(p.buf[0] & range_mask(0, 0, p.lo));
	if (p.hi < p.size)
		count += bm_popcount64(p.buf[p.hi / UBITS] & range_mask(p.hi / UBITS, 0, p.size));
	return (ULONG)count;
}

ULONG RtlNumberOfClearBits(PRTL_BITMAP BitMapHeader)
{
	return BitMapHeader->SizeOfBitMap - RtlNumberOfSetBits(BitMapHeader);
}

/* Are all of the non-empty, in-map range [start, start + n) equal to value? */
static BOOLEAN all_equal(const RTL_BITMAP *bm, size_t start, size_t n, bool value)
{
	struct parts p;

	if (!range_ok(bm, start, n))
		return FALSE;
	p = parts_of(bm);
	return find_next(&p, start, start + n, !value) == start + n;
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
