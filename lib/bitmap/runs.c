// SPDX-License-Identifier: MIT
/* Runs of equal bits: searches, aligned areas, regions, run listings. */
#include <bitmap/bitmap.h>

#include "runs_core.h"

/*
 * Lowest index in [start, end - n] where n >= 2 bits equal to `value`
 * begin, or end: one pass over the words (runs_core.h), never a search
 * per run. Treating end as the map size keeps every read below end. One
 * copy for each value, so the word loop inverts or not without a test.
 */
static __attribute__((noinline))
size_t find_long_zero_run(const uint64_t *map, size_t end, size_t start, size_t n)
{
	return bm__run_search(map, end, start, n, false, false, 0, 0, NULL, NULL);
}

static __attribute__((noinline))
size_t find_long_set_run(const uint64_t *map, size_t end, size_t start, size_t n)
{
	return bm__run_search(map, end, start, n, true, false, 0, 0, NULL, NULL);
}

/*
 * The lowest bit equal to value at or after start, or end. Unlike
 * bm_find_next{,_zero} it does not test the bit at start first: from a
 * random start in a map of runs that branch is a coin flip, while "the
 * rest of this word has one" nearly always holds.
 */
static inline __attribute__((always_inline))
size_t find_one(const uint64_t *map, size_t end, size_t start, bool value)
{
	uint64_t v;
	size_t i;

	if (start >= end)
		return end;
	v = bm__wanted(map, BM__WORD(start), value) >> (start % BM_WORD_BITS);
	if (v) {
		i = start + bm__ffs64(v);
		return i < end ? i : end;
	}
	return value ? bm__find_next_word(map, end, BM__WORD(start))
		     : bm__find_next_zero_word(map, end, BM__WORD(start));
}

/* find_long_*_run for any n; one bit is a run by itself, searched inline. */
static inline __attribute__((always_inline))
size_t find_run(const uint64_t *map, size_t end, size_t start, size_t n, bool value)
{
	if (n == 1)
		return find_one(map, end, start, value);
	if (n == 0)
		return end;
	return value ? find_long_set_run(map, end, start, n) : find_long_zero_run(map, end, start, n);
}

/* find_run from hint, then over runs starting below hint; nbits if none. */
static size_t find_run_wrap(const uint64_t *map, size_t nbits, size_t hint, size_t n, bool value)
{
	size_t i, end;

	if (hint >= nbits)
		hint = 0;
	i = find_run(map, nbits, hint, n, value);
	if (i < nbits || hint == 0)
		return i;
	/* Runs starting below hint end by hint + n - 1; written to avoid overflow. */
	end = n - 1 > nbits - hint ? nbits : hint + n - 1;
	i = find_run(map, end, 0, n, value);
	return i < end ? i : nbits;
}

size_t bm_find_zero_run(const uint64_t *map, size_t nbits, size_t start, size_t n)
{
	return find_run(map, nbits, start, n, false);
}

size_t bm_find_set_run(const uint64_t *map, size_t nbits, size_t start, size_t n)
{
	return find_run(map, nbits, start, n, true);
}

size_t bm_find_zero_run_wrap(const uint64_t *map, size_t nbits, size_t hint, size_t n)
{
	return find_run_wrap(map, nbits, hint, n, false);
}

size_t bm_find_set_run_wrap(const uint64_t *map, size_t nbits, size_t hint, size_t n)
{
	return find_run_wrap(map, nbits, hint, n, true);
}

size_t bm_find_zero_run_and_set(uint64_t *map, size_t nbits, size_t hint, size_t n)
{
	size_t i = find_run_wrap(map, nbits, hint, n, false);

	if (i < nbits)
		bm_set_range(map, i, n);
	return i;
}

size_t bm_find_set_run_and_clear(uint64_t *map, size_t nbits, size_t hint, size_t n)
{
	size_t i = find_run_wrap(map, nbits, hint, n, true);

	if (i < nbits)
		bm_clear_range(map, i, n);
	return i;
}

/* The search of bm_find_zero_area for masks it cannot pass to the word pass. */
static __attribute__((noinline))
size_t find_area_loop(const uint64_t *map, size_t nbits, size_t start, size_t n,
		      size_t align_mask, size_t align_offset)
{
	for (;;) {
		size_t i = bm_find_next_zero(map, nbits, start), gap, hit;

		if (i > nbits - n)
			return nbits;
		/* Distance up to the next aligned index; exact in modular arithmetic. */
		gap = (0 - (i + align_offset)) & align_mask;
		if (gap > nbits - n - i)
			return nbits;
		i += gap;
		hit = bm_find_next(map, i + n, i);
		if (hit == i + n)
			return i;
		start = hit + 1;
	}
}

/* The word pass, aligned (mask = 2^k - 1 < 64). */
static __attribute__((noinline))
size_t find_area_words(const uint64_t *map, size_t nbits, size_t start, size_t n,
		       size_t align_mask, size_t align_offset)
{
	return bm__run_search(map, nbits, start, n, false, true, align_mask, align_offset,
			      NULL, NULL);
}

size_t bm_find_zero_area(const uint64_t *map, size_t nbits, size_t start, size_t n,
			 size_t align_mask, size_t align_offset)
{
	if (n == 0 || n > nbits)
		return nbits;
	if (align_mask == 0)
		return find_run(map, nbits, start, n, false);
	/*
	 * Alignments up to a word repeat the same way in every word; wider
	 * ones leave few candidates, each tried directly.
	 */
	if (align_mask < BM_WORD_BITS && (align_mask & (align_mask + 1)) == 0)
		return find_area_words(map, nbits, start, n, align_mask, align_offset);
	return find_area_loop(map, nbits, start, n, align_mask, align_offset);
}

size_t bm_alloc_pow2(uint64_t *map, size_t nbits, size_t start, size_t end, size_t n)
{
	size_t mask, i;

	if (end > nbits)
		end = nbits;
	if (n == 0 || start >= end || n > end - start)
		return nbits;
	/* Next power of two >= n, less one; all ones when it would be 2^64. */
	mask = n == 1 ? 0 : ~(size_t)0 >> __builtin_clzll(n - 1);
	/* (i - start) aligned is (i + (-start)) aligned. */
	i = bm_find_zero_area(map, end, start, n, mask, 0 - start);
	if (i >= end)
		return nbits;
	bm_set_range(map, i, n);
	return i;
}

/* Is the 2^order block at pos aligned and inside the map? */
static bool region_ok(size_t nbits, size_t pos, unsigned order)
{
	size_t size;

	if (order >= BM_WORD_BITS)
		return false;
	size = (size_t)1 << order;
	return (pos & (size - 1)) == 0 && bm__range_ok(nbits, pos, size);
}

size_t bm_find_region(uint64_t *map, size_t nbits, unsigned order)
{
	size_t size, i;

	if (order >= BM_WORD_BITS)
		return nbits;
	size = (size_t)1 << order;
	i = bm_find_zero_area(map, nbits, 0, size, size - 1, 0);
	if (i < nbits)
		bm_set_range(map, i, size);
	return i;
}

int bm_alloc_region(uint64_t *map, size_t nbits, size_t pos, unsigned order)
{
	if (!region_ok(nbits, pos, order))
		return -BM_EINVAL;
	if (!bm_range_is_clear(map, nbits, pos, (size_t)1 << order))
		return -BM_EBUSY;
	bm_set_range(map, pos, (size_t)1 << order);
	return 0;
}

int bm_release_region(uint64_t *map, size_t nbits, size_t pos, unsigned order)
{
	if (!region_ok(nbits, pos, order))
		return -BM_EINVAL;
	bm_clear_range(map, pos, (size_t)1 << order);
	return 0;
}

int bm_release_if_set(uint64_t *map, size_t nbits, size_t start, size_t n)
{
	if (!bm__range_ok(nbits, start, n))
		return -BM_ERANGE;
	if (!bm_range_is_set(map, nbits, start, n))
		return -BM_EINVAL;
	bm_clear_range(map, start, n);
	return 0;
}

size_t bm_longest_zero_run(const uint64_t *map, size_t nbits, size_t *start)
{
	size_t rs, re, best = 0, at = nbits;

	bm_for_each_clear_run(rs, re, map, nbits) {
		if (re - rs > best) {
			best = re - rs;
			at = rs;
		}
	}
	*start = at;
	return best;
}

size_t bm_next_zero_run(const uint64_t *map, size_t nbits, size_t from, size_t *start)
{
	size_t s = bm_find_next_zero(map, nbits, from);

	*start = s;
	return s < nbits ? bm_find_next(map, nbits, s) - s : 0;
}

size_t bm_prev_zero_run(const uint64_t *map, size_t nbits, size_t from, size_t *start)
{
	size_t last = bm_find_prev_zero(map, nbits, from), set;

	if (last >= nbits) {
		*start = nbits;
		return 0;
	}
	set = bm_find_prev(map, nbits, last);
	*start = set < nbits ? set + 1 : 0;
	return last + 1 - *start;
}

/* Put run r into runs[0..*count), longest first, keeping at most n. */
static void keep_longest(struct bm_run *runs, size_t *count, size_t n, struct bm_run r)
{
	size_t i;

	if (*count == n) {
		if (runs[n - 1].len >= r.len)
			return;
		i = n - 1;
	} else {
		i = (*count)++;
	}
	/* Equal lengths keep index order: r comes later, so it goes after them. */
	for (; i > 0 && runs[i - 1].len < r.len; i--)
		runs[i] = runs[i - 1];
	runs[i] = r;
}

size_t bm_zero_runs(const uint64_t *map, size_t nbits, struct bm_run *runs, size_t n,
		    bool longest)
{
	size_t rs, re, count = 0;

	if (n == 0)
		return 0;
	bm_for_each_clear_run(rs, re, map, nbits) {
		struct bm_run r = { rs, re - rs };

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
