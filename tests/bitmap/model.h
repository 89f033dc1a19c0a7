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

#endif /* TESTS_BITMAP_MODEL_H */
