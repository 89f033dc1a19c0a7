/* SPDX-License-Identifier: MIT */
/* Baselines for the bitmap benchmark: other kernels' published algorithms, written here from their descriptions. */
#ifndef BENCH_BASELINES_H
#define BENCH_BASELINES_H

#include <stddef.h>
#include <stdint.h>

/*
 * Two families, each named after the code whose algorithm it follows (no
 * code is copied; these are this project's own implementations, on
 * uint64_t words, bit i = bit i % 64 of word i / 64). Every search returns
 * nbits when it finds nothing.
 *
 * "linux-style word loop" (Linux lib/find_bit.c, lib/bitmap.c), out of
 * line in baselines.c, as Linux's _find_next_bit is:
 *  - next set / clear bit: fetch the word holding start (inverted for
 *    clear), mask off the bits below start, loop to the next word while
 *    it is zero, then __ffs of the word;
 *  - last set bit: the same, downwards from the last word;
 *  - next bit set in both of two maps: the same on a & b;
 *  - zero area (bitmap_find_next_zero_area_off): find a clear bit, round
 *    it up to the alignment, look for a set bit in [index, index + n); if
 *    there is one, start again after it;
 *  - set / clear a range (__bitmap_set / __bitmap_clear): masked first
 *    word, whole words, masked last word.
 *
 * "freebsd-style" (FreeBSD sys/sys/bitstring.h):
 *  - bit_ffs_at / bit_ffc_at: a simple inline word loop (mask the first
 *    word, step while zero, stop at the last word);
 *  - bit_ffc_area_at, a run of n clear bits: invert the word, so that set
 *    bits mark clear ones, and shrink it with and-shift steps x &= x >> s
 *    (log2 n of them, s doubling up to n) until each remaining set bit
 *    marks a position followed by n clear bits inside the word; the clear
 *    run at the top of a word is carried as a length into the next words
 *    for runs that cross word boundaries.
 */

/* linux-style word loop */
size_t lxb_find_next(const uint64_t *map, size_t nbits, size_t start);
size_t lxb_find_next_zero(const uint64_t *map, size_t nbits, size_t start);
size_t lxb_find_last(const uint64_t *map, size_t nbits);
size_t lxb_find_next_and(const uint64_t *a, const uint64_t *b, size_t nbits, size_t start);
size_t lxb_find_zero_area(const uint64_t *map, size_t nbits, size_t start, size_t n,
			  size_t align_mask);
void lxb_set_range(uint64_t *map, size_t start, size_t n);
void lxb_clear_range(uint64_t *map, size_t start, size_t n);

/* Linux's inline bitmap_set / bitmap_clear: one bit for a constant 1, else the word loop. */
static inline __attribute__((always_inline)) void lxb_bitmap_set(uint64_t *map, size_t start,
								  size_t n)
{
	if (__builtin_constant_p(n) && n == 1)
		map[start / 64] |= 1ull << (start % 64);
	else
		lxb_set_range(map, start, n);
}

static inline __attribute__((always_inline)) void lxb_bitmap_clear(uint64_t *map, size_t start,
								    size_t n)
{
	if (__builtin_constant_p(n) && n == 1)
		map[start / 64] &= ~(1ull << (start % 64));
	else
		lxb_clear_range(map, start, n);
}

/* freebsd-style run search (baselines.c) */
size_t fbb_ffc_area_at(const uint64_t *map, size_t nbits, size_t start, size_t n);

/* freebsd-style bit_ffs_at / bit_ffc_at: inline, as bitstring.h's are. */
static inline size_t fbb__ff_at(const uint64_t *map, size_t nbits, size_t start, uint64_t flip)
{
	const uint64_t *p, *stop;
	uint64_t t;
	size_t v;

	if (start >= nbits)
		return nbits;
	p = map + start / 64;
	stop = map + (nbits - 1) / 64;
	t = (*p ^ flip) & (~0ull << (start % 64));
	while (t == 0 && p < stop)
		t = *++p ^ flip;
	if (t == 0)
		return nbits;
	v = (size_t)(p - map) * 64 + (size_t)__builtin_ctzll(t);
	return v < nbits ? v : nbits;
}

static inline size_t fbb_ffs_at(const uint64_t *map, size_t nbits, size_t start)
{
	return fbb__ff_at(map, nbits, start, 0);
}

static inline size_t fbb_ffc_at(const uint64_t *map, size_t nbits, size_t start)
{
	return fbb__ff_at(map, nbits, start, ~0ull);
}

static inline void fbb_set(uint64_t *map, size_t i)
{
	map[i / 64] |= 1ull << (i % 64);
}

static inline void fbb_clear(uint64_t *map, size_t i)
{
	map[i / 64] &= ~(1ull << (i % 64));
}

#endif /* BENCH_BASELINES_H */
