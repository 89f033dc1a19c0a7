// SPDX-License-Identifier: MIT
/* Baseline bitmap searches for the benchmark, written from the algorithms baselines.h names. */
#include "baselines.h"

/* ------------------------------------------------------------ linux-style word loop */

/*
 * Linux lib/find_bit.c's FIND_NEXT_BIT: the word holding start, inverted
 * by `flip` for clear bits and masked below start; the next word while
 * it is zero; the lowest set bit.
 */
static inline size_t lxb__next(const uint64_t *a, const uint64_t *b, size_t nbits,
			       size_t start, uint64_t flip)
{
	size_t idx;
	uint64_t tmp;

	if (start >= nbits)
		return nbits;
	idx = start / 64;
	tmp = ((a[idx] & (b ? b[idx] : ~0ull)) ^ flip) & (~0ull << (start % 64));
	while (!tmp) {
		if ((idx + 1) * 64 >= nbits)
			return nbits;
		idx++;
		tmp = (a[idx] & (b ? b[idx] : ~0ull)) ^ flip;
	}
	idx = idx * 64 + (size_t)__builtin_ctzll(tmp);
	return idx < nbits ? idx : nbits;
}

size_t lxb_find_next(const uint64_t *map, size_t nbits, size_t start)
{
	return lxb__next(map, NULL, nbits, start, 0);
}

size_t lxb_find_next_zero(const uint64_t *map, size_t nbits, size_t start)
{
	return lxb__next(map, NULL, nbits, start, ~0ull);
}

size_t lxb_find_next_and(const uint64_t *a, const uint64_t *b, size_t nbits, size_t start)
{
	return lxb__next(a, b, nbits, start, 0);
}

/* Linux's _find_last_bit: the last word masked to nbits, then downwards while zero. */
size_t lxb_find_last(const uint64_t *map, size_t nbits)
{
	size_t idx;
	uint64_t val;

	if (!nbits)
		return 0;
	idx = (nbits - 1) / 64;
	val = map[idx] & (~0ull >> (-nbits & 63));
	for (;;) {
		if (val)
			return idx * 64 + 63 - (size_t)__builtin_clzll(val);
		if (!idx)
			return nbits;
		val = map[--idx];
	}
}

/*
 * Linux's bitmap_find_next_zero_area_off (no offset): a clear bit,
 * rounded up to the alignment; a set bit inside [index, index + n) sends
 * the search on from just past it. Returns nbits, not Linux's end, on failure.
 */
size_t lxb_find_zero_area(const uint64_t *map, size_t nbits, size_t start, size_t n,
			  size_t align_mask)
{
	for (;;) {
		size_t index = lxb_find_next_zero(map, nbits, start), end, i;

		index = (index + align_mask) & ~align_mask;
		end = index + n;
		if (end > nbits || n == 0)
			return nbits;
		i = lxb_find_next(map, end, index);
		if (i >= end)
			return index;
		start = i + 1;
	}
}

/* Linux's __bitmap_set / __bitmap_clear: masked first word, whole words, masked last word. */
void lxb_set_range(uint64_t *map, size_t start, size_t n)
{
	uint64_t *p = map + start / 64;
	const size_t size = start + n;
	int bits = 64 - (int)(start % 64);
	uint64_t mask = ~0ull << (start % 64);

	while (n >= (size_t)bits) {
		*p++ |= mask;
		n -= (size_t)bits;
		bits = 64;
		mask = ~0ull;
	}
	if (n) {
		mask &= ~0ull >> (-size & 63);
		*p |= mask;
	}
}

void lxb_clear_range(uint64_t *map, size_t start, size_t n)
{
	uint64_t *p = map + start / 64;
	const size_t size = start + n;
	int bits = 64 - (int)(start % 64);
	uint64_t mask = ~0ull << (start % 64);

	while (n >= (size_t)bits) {
		*p++ &= ~mask;
		n -= (size_t)bits;
		bits = 64;
		mask = ~0ull;
	}
	if (n) {
		mask &= ~0ull >> (-size & 63);
		*p &= ~mask;
	}
}

/* ------------------------------------------------------------ freebsd-style run search */

/* Set bit p of the result iff bits p .. p + n - 1 of x are all set (1 <= n <= 64). */
static inline uint64_t fbb__shrink(uint64_t x, size_t n)
{
	for (size_t k = 1; k < n && x;) {
		size_t s = k < n - k ? k : n - k;

		x &= x >> s;
		k += s;
	}
	return x;
}

/*
 * FreeBSD's bit_ffc_area_at idea: x = the inverted word (set = clear bit),
 * bits outside [start, nbits) dropped. A run carried in from the words
 * below either completes with x's lowest clear bits or ends; then a run of
 * n inside the word is a set bit of the shrunk x; then the clear bits at
 * the top of the word start a new carried run.
 */
size_t fbb_ffc_area_at(const uint64_t *map, size_t nbits, size_t start, size_t n)
{
	size_t i, last, run = 0, cand = 0;

	if (n == 0 || start >= nbits || nbits - start < n)
		return nbits;
	i = start / 64;
	last = (nbits - 1) / 64;
	for (uint64_t x = ~map[i] & (~0ull << (start % 64));; x = ~map[++i]) {
		if (i == last && nbits % 64)
			x &= ~0ull >> (64 - nbits % 64);
		if (run) {
			size_t low = ~x ? (size_t)__builtin_ctzll(~x) : 64;

			if (run + low >= n)
				return cand;
			if (low == 64) {
				run += 64;
				goto next;
			}
			run = 0;
		}
		if (n <= 64) {
			uint64_t y = fbb__shrink(x, n);

			if (y)
				return i * 64 + (size_t)__builtin_ctzll(y);
		}
		if (x >> 63) {
			run = ~x ? (size_t)__builtin_clzll(~x) : 64;
			cand = i * 64 + 64 - run;
		}
next:
		if (i == last)
			return nbits;
	}
}
