// SPDX-License-Identifier: MIT
/* Bit searches over flat bitmaps, a word at a time. */
#include <bitmap/bitmap.h>

/* How a search derives the word it scans from one or two maps. */
enum fetch { PLAIN, INVERT, AND, ANDNOT, OR };

/* Always inlined with a constant `how`, so each search compiles to its own tight loop. */
static inline __attribute__((always_inline))
uint64_t fetch(const uint64_t *a, const uint64_t *b, enum fetch how, size_t w)
{
	switch (how) {
	case PLAIN:	return a[w];
	case INVERT:	return ~a[w];
	case AND:	return a[w] & b[w];
	case ANDNOT:	return a[w] & ~b[w];
	case OR:	return a[w] | b[w];
	}
	return 0;
}

/* Lowest set bit of the fetched words after word w, or nbits; nbits > 0. */
static inline __attribute__((always_inline))
size_t find_after(const uint64_t *a, const uint64_t *b, enum fetch how, size_t nbits, size_t w)
{
	size_t last = BM__WORD(nbits - 1);
	uint64_t v;

	do {
		if (++w > last)
			return nbits;
		v = fetch(a, b, how, w);
	} while (!v);
	/* A hit in the tail of the last word is junk: report not found. */
	if (__builtin_expect(w == last, 0) && !(v & BM__LAST_MASK(nbits)))
		return nbits;
	return w * BM_WORD_BITS + bm__ffs64(v);
}

/*
 * Lowest set bit of the fetched words in [start, nbits), or nbits. As in
 * bm_find_next, the mask (the bits from start, and below nbits in the
 * last word) is made beside the loads, so a hit costs no check after the
 * scan: the chain from start to the answer is load, and, tzcnt, add.
 */
static inline __attribute__((always_inline))
size_t find_next(const uint64_t *a, const uint64_t *b, enum fetch how, size_t nbits, size_t start)
{
	size_t w = BM__WORD(start);
	uint64_t v, mask = BM__FIRST_MASK(start);

	if (start >= nbits)
		return nbits;
	if (__builtin_expect(w == BM__WORD(nbits - 1), 0))
		mask &= BM__LAST_MASK(nbits);
	v = fetch(a, b, how, w) & mask;
	if (!v)
		return find_after(a, b, how, nbits, w);
	return w * BM_WORD_BITS + bm__ffs64(v);
}

/* Highest set bit of the fetched words in [0, min(end, nbits)), or nbits. */
static inline __attribute__((always_inline))
size_t find_prev(const uint64_t *map, enum fetch how, size_t nbits, size_t end)
{
	size_t w;
	uint64_t v;

	if (end > nbits)
		end = nbits;
	if (end == 0)
		return nbits;
	w = BM__WORD(end - 1);
	v = fetch(map, NULL, how, w) & BM__LAST_MASK(end);
	for (;;) {
		if (v)
			return w * BM_WORD_BITS + bm__fls64(v);
		if (w == 0)
			return nbits;
		v = fetch(map, NULL, how, --w);
	}
}

size_t bm__find_next_word(const uint64_t *map, size_t nbits, size_t w)
{
	return find_after(map, NULL, PLAIN, nbits, w);
}

size_t bm__find_next_zero_word(const uint64_t *map, size_t nbits, size_t w)
{
	return find_after(map, NULL, INVERT, nbits, w);
}

size_t bm__find_last(const uint64_t *map, size_t nbits)
{
	return find_prev(map, PLAIN, nbits, nbits);
}

size_t bm_find_prev(const uint64_t *map, size_t nbits, size_t start)
{
	return find_prev(map, PLAIN, nbits, start);
}

size_t bm_find_prev_zero(const uint64_t *map, size_t nbits, size_t start)
{
	return find_prev(map, INVERT, nbits, start);
}

size_t bm_find_next_and(const uint64_t *a, const uint64_t *b, size_t nbits, size_t start)
{
	return find_next(a, b, AND, nbits, start);
}

size_t bm_find_next_andnot(const uint64_t *a, const uint64_t *b, size_t nbits, size_t start)
{
	return find_next(a, b, ANDNOT, nbits, start);
}

size_t bm_find_next_or(const uint64_t *a, const uint64_t *b, size_t nbits, size_t start)
{
	return find_next(a, b, OR, nbits, start);
}

size_t bm_find_next_wrap(const uint64_t *map, size_t nbits, size_t start)
{
	size_t i;

	if (start >= nbits)
		start = 0;
	i = find_next(map, NULL, PLAIN, nbits, start);
	if (i < nbits)
		return i;
	/* Searching [0, start) as a map of start bits reads no word past start. */
	i = find_next(map, NULL, PLAIN, start, 0);
	return i < start ? i : nbits;
}

/* Position of the n-th lowest set bit of v (n < popcount(v)), by halving. */
static unsigned select64(uint64_t v, unsigned n)
{
	unsigned pos = 0;

	for (unsigned width = 32; width; width /= 2) {
		uint64_t low = v & ((~(uint64_t)0) >> (64 - width));
		unsigned c = bm_popcount64(low);

		if (n >= c) {
			n -= c;
			v >>= width;
			pos += width;
		} else {
			v = low;
		}
	}
	return pos;
}

size_t bm_find_nth(const uint64_t *map, size_t nbits, size_t n)
{
	for (size_t w = 0; w < BM_WORDS(nbits); w++) {
		uint64_t v = map[w];
		unsigned c;

		if (w == BM__WORD(nbits - 1))
			v &= BM__LAST_MASK(nbits);
		c = bm_popcount64(v);
		if (n < c)
			return w * BM_WORD_BITS + select64(v, (unsigned)n);
		n -= c;
	}
	return nbits;
}
