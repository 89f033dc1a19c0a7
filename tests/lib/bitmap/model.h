/* SPDX-License-Identifier: MIT */
/* A bit-at-a-time reference model of <bitmap/bitmap.h>, for the tests and the fuzzer. */
#ifndef TESTS_BITMAP_MODEL_H
#define TESTS_BITMAP_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Every function here reads or writes one bit at a time and is meant to be
 * obviously right rather than fast. They share the library's conventions
 * (half-open ranges, nbits for "not found") but none of its code.
 */

static inline bool model_get(const uint64_t *map, size_t i)
{
	return (map[i / 64] >> (i % 64)) & 1;
}

static inline void model_put(uint64_t *map, size_t i, bool v)
{
	if (v)
		map[i / 64] |= (uint64_t)1 << (i % 64);
	else
		map[i / 64] &= ~((uint64_t)1 << (i % 64));
}

/* Bits equal to v in [start, end). */
static inline size_t model_count(const uint64_t *map, size_t start, size_t end, bool v)
{
	size_t c = 0;

	for (size_t i = start; i < end; i++)
		c += model_get(map, i) == v;
	return c;
}

/* Lowest i in [start, nbits) with bit i == v, else nbits. */
static inline size_t model_next(const uint64_t *map, size_t nbits, size_t start, bool v)
{
	for (size_t i = start; i < nbits; i++)
		if (model_get(map, i) == v)
			return i;
	return nbits;
}

/* Highest i below min(end, nbits) with bit i == v, else nbits. */
static inline size_t model_prev(const uint64_t *map, size_t nbits, size_t end, bool v)
{
	for (size_t i = end < nbits ? end : nbits; i-- > 0;)
		if (model_get(map, i) == v)
			return i;
	return nbits;
}

/* The n-th (from 0) set bit, else nbits. */
static inline size_t model_nth(const uint64_t *map, size_t nbits, size_t n)
{
	for (size_t i = 0; i < nbits; i++)
		if (model_get(map, i) && n-- == 0)
			return i;
	return nbits;
}

/* len[i] = how many bits equal to v start at i (len[nbits] = 0). */
static inline void model_run_lengths(const uint64_t *map, size_t nbits, bool v, size_t *len)
{
	len[nbits] = 0;
	for (size_t i = nbits; i-- > 0;)
		len[i] = model_get(map, i) == v ? len[i + 1] + 1 : 0;
}

/* Lowest s in [from, to) with len[s] >= n and s + n <= limit, else `none`. */
static inline size_t model_first_fit(const size_t *len, size_t from, size_t to, size_t n,
				     size_t limit, size_t none)
{
	for (size_t s = from; s < to; s++)
		if (n && len[s] >= n && s + n <= limit)
			return s;
	return none;
}

/* Does every bit of [start, start + n) equal v? (Caller checks the range.) */
static inline bool model_all(const uint64_t *map, size_t start, size_t n, bool v)
{
	return model_count(map, start, start + n, v) == n;
}

/* Set bits [start, start + n) of map to v. */
static inline void model_fill(uint64_t *map, size_t start, size_t n, bool v)
{
	for (size_t i = start; i < start + n; i++)
		model_put(map, i, v);
}

/* The first difference of a and b in [0, nbits), else nbits. Skips equal words. */
static inline size_t model_diff(const uint64_t *a, const uint64_t *b, size_t nbits)
{
	for (size_t i = 0; i < nbits; i++) {
		if (i % 64 == 0 && i + 64 <= nbits && a[i / 64] == b[i / 64]) {
			i += 63;
			continue;
		}
		if (model_get(a, i) != model_get(b, i))
			return i;
	}
	return nbits;
}

/*
 * The Windows RTL_BITMAP routines as Windows defines them (Microsoft Learn;
 * the results Wine's rtlbitmap.c and ReactOS' RtlBitmap.c tests check on
 * real Windows), written from that definition, not from rtl.c. Maps here
 * are the same bits as the ULONG buffer (bit i is bit i of either).
 */

/*
 * RtlFind{Clear,Set}Bits: the first start of n bits equal to v in the
 * order hint, hint + 1, ..., nbits - 1, 0, ..., hint - 1 (a hint >= nbits
 * counts as 0); n = 0 gives the hint rounded down to a multiple of 8.
 * len[] is model_run_lengths(map, nbits, v). Not found: `none`.
 */
static inline size_t model_rtl_find(const size_t *len, size_t nbits, size_t n, size_t hint,
				    size_t none)
{
	if (hint >= nbits)
		hint = 0;
	if (n == 0)
		return hint & ~(size_t)7;
	for (size_t k = 0; k < nbits; k++) {
		size_t s = hint + k < nbits ? hint + k : hint + k - nbits;

		if (len[s] >= n)
			return s;
	}
	return none;
}

/*
 * RtlFindNextForwardRun{Clear,Set}: walk up from `from` to the first bit
 * equal to v, then on while bits equal v. *start: that bit, nbits if none,
 * `from` if from >= nbits. Returns the run's length.
 */
static inline size_t model_rtl_forward(const uint64_t *map, size_t nbits, size_t from, bool v,
				       size_t *start)
{
	size_t s = from, e;

	*start = from;
	if (from >= nbits)
		return 0;
	while (s < nbits && model_get(map, s) != v)
		s++;
	for (e = s; e < nbits && model_get(map, e) == v; e++)
		;
	*start = s;
	return e - s;
}

/*
 * RtlFindLastBackwardRun{Clear,Set}: walk down from `from` (included) to
 * the last bit equal to v, then on down while bits equal v. *start: the
 * run's first bit, 0 if none, `from` if from >= nbits. Returns the length.
 */
static inline size_t model_rtl_backward(const uint64_t *map, size_t nbits, size_t from, bool v,
					size_t *start)
{
	size_t end = from + 1, s;

	*start = from;
	if (from >= nbits)
		return 0;
	while (end > 0 && model_get(map, end - 1) != v)
		end--;
	for (s = end; s > 0 && model_get(map, s - 1) == v; s--)
		;
	*start = s;
	return end - s;
}

#endif /* TESTS_BITMAP_MODEL_H */
