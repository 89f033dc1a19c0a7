// SPDX-License-Identifier: MIT
/* Runs of equal bits: searches, aligned areas, regions, run listings. */
#include <bitmap/bitmap.h>

#include "runs_core.h"

/*
 * The word-at-a-time run search (also for hbitmap.c, through runs_core.h).
 *
 * A run of n wanted bits (set bits, or clear ones) is found without
 * alternating find-next calls:
 *
 * - n <= 126: one pass over the words, carrying how many wanted bits end
 *   at the top of the words behind (the run reaching up to here). At each
 *   word the run from below is continued by the word's trailing wanted
 *   bits and tested; a run inside the word (n <= 64) is found by shrinking
 *   the word with and-shifts: after c &= c >> s steps covering n bits, bit
 *   b of c stands for bits [b, b + n) all wanted.
 * - n >= 127: every such run holds m = (n + 1) / 64 - 1 >= 1 whole wanted
 *   words in a row, so only every m-th word is read until one is all
 *   wanted; the run around it is then measured backward and forward, and a
 *   failed one resumes after the unwanted bit that ended it.
 *
 * Aligned searches (start + offset a multiple of mask + 1, mask < 64) use
 * the same passes: a run from below is tried at its first aligned index,
 * and the in-word starts are and-ed with the aligned positions, which
 * repeat the same way in every word.
 */

/* Word wi as wanted bits: set bits for value, clear ones otherwise. */
static inline __attribute__((always_inline))
uint64_t wanted(const uint64_t *map, size_t wi, bool value)
{
	return value ? map[wi] : ~map[wi];
}

/* Trailing one bits of c: 0 to 64. */
static inline size_t trailing_ones(uint64_t c)
{
	return ~c ? (unsigned)__builtin_ctzll(~c) : BM_WORD_BITS;
}

/* Leading one bits of c: 0 to 64. */
static inline size_t leading_ones(uint64_t c)
{
	return ~c ? (unsigned)__builtin_clzll(~c) : BM_WORD_BITS;
}

/*
 * Bits b of c with c's bits [b, b + n) all set, for 1 <= n <= 64, where
 * n = 2^k + rest, rest < 2^k (the caller works them out once). Each step
 * c &= c >> s makes bit b stand for s more bits: k steps of 2^(k-1) ... 1
 * reach 2^k bits, in any order, and one of rest reaches n. No bit enters
 * from above the word.
 */
static inline __attribute__((always_inline))
uint64_t run_starts(uint64_t c, unsigned k, unsigned rest)
{
	switch (k) {
	case 6:
		c &= c >> 32;
		/* fall through */
	case 5:
		c &= c >> 16;
		/* fall through */
	case 4:
		c &= c >> 8;
		/* fall through */
	case 3:
		c &= c >> 4;
		/* fall through */
	case 2:
		c &= c >> 2;
		/* fall through */
	case 1:
		c &= c >> 1;
		/* fall through */
	default:
		break;
	}
	return c & c >> rest;
}

/* The lowest index >= s with (index + off) & mask == 0. */
static inline size_t align_up(size_t s, size_t mask, size_t off)
{
	return s + ((0 - (s + off)) & mask);
}

/* Lowest unwanted bit in [i, end), or end; i < end. */
static inline __attribute__((always_inline))
size_t first_unwanted(const uint64_t *map, size_t i, size_t end, bool value)
{
	size_t wi = BM__WORD(i), last = BM__WORD(end - 1);
	uint64_t u = ~wanted(map, wi, value) & BM__FIRST_MASK(i);

	while (wi < last) {
		if (u)
			return wi * BM_WORD_BITS + bm__ffs64(u);
		u = ~wanted(map, ++wi, value);
	}
	u &= BM__LAST_MASK(end);
	return u ? wi * BM_WORD_BITS + bm__ffs64(u) : end;
}

/*
 * One word of the carried pass: c holds word wi's wanted bits (masked to
 * [start, nbits)), *carry the wanted bits just below it. Writes the
 * answer to *at and returns true if a run is found. small: n <= 64.
 */
static inline __attribute__((always_inline))
bool carry_word(uint64_t c, size_t wi, size_t *carry, size_t n, bool al, size_t mask,
		    size_t off, uint64_t aligned, bool small, unsigned k, unsigned rest, size_t *at)
{
	size_t base = wi * BM_WORD_BITS - *carry, p;
	uint64_t r;

	if (!al && small) {
		/*
		 * Trailing ones capped at 63: an all-wanted word with no run
		 * from below is found by the in-word step instead, at bit 0.
		 */
		if (*carry + (unsigned)__builtin_ctzll(~c | (uint64_t)1 << 63) >= n) {
			*at = base;
			return true;
		}
	} else {
		/* The run from below, [base, wi * 64 + trailing ones), at its first aligned index. */
		p = al ? align_up(base, mask, off) : base;
		if (p + n <= wi * BM_WORD_BITS + trailing_ones(c)) {
			*at = p;
			return true;
		}
	}
	if (small) {
		r = run_starts(c, k, rest) & aligned;
		if (r) {
			*at = wi * BM_WORD_BITS + bm__ffs64(r);
			return true;
		}
		/* Unaligned, an all-wanted word was found above: ~c is not 0. */
		if (!al) {
			*carry = (unsigned)__builtin_clzll(~c);
			return false;
		}
	}
	*carry = ~c ? (unsigned)__builtin_clzll(~c) : *carry + BM_WORD_BITS;
	return false;
}

/* every_nth[k]: bit 0 and every 2^k-th bit above it. */
static const uint64_t every_nth[7] = {
	0xffffffffffffffffull, 0x5555555555555555ull, 0x1111111111111111ull,
	0x0101010101010101ull, 0x0001000100010001ull, 0x0000000100000001ull, 1,
};

/*
 * n <= 126: the carried pass. Lowest s >= start with [s, s + n) wanted,
 * s + n <= nbits and, if al, (s + off) & mask == 0 (mask = 2^k - 1 < 64),
 * or nbits. 1 <= n <= nbits, start < nbits.
 */
static inline __attribute__((always_inline))
size_t run_carry(const uint64_t *map, size_t nbits, size_t start, size_t n, bool value,
		     bool al, size_t mask, size_t off, bm__skip_fn skip, const void *ctx,
		     bool small)
{
	size_t wi = BM__WORD(start), last = BM__WORD(nbits - 1), carry = 0, at;
	/* Aligned in-word positions: every (mask + 1)-th bit, from the first aligned one. */
	uint64_t aligned = al ? every_nth[__builtin_ctzll(mask + 1)] << ((0 - off) & mask) : ~(uint64_t)0;
	uint64_t c = wanted(map, wi, value) & BM__FIRST_MASK(start);
	/* n = 2^k + rest for run_starts (small only). */
	unsigned k = 63 - (unsigned)__builtin_clzll(n), rest = (unsigned)(n - ((size_t)1 << k));

	while (wi < last) {
		if (carry_word(c, wi, &carry, n, al, mask, off, aligned, small, k, rest, &at))
			return at;
		c = wanted(map, ++wi, value);
		if (!c && skip) {
			/* No wanted bit: the summaries jump to the next word with one. */
			wi = skip(ctx, wi);
			if (wi > last)
				return nbits;
			carry = 0;
			c = wanted(map, wi, value);
		}
	}
	/*
	 * The last word ends the search: a run reaching nbits is found there,
	 * from below with the word's trailing bits, or inside it (n <= 64).
	 */
	c &= BM__LAST_MASK(nbits);
	if (carry_word(c, wi, &carry, n, al, mask, off, aligned, small, k, rest, &at))
		return at;
	return nbits;
}

/* n >= 127: the probing pass; the same contract as run_carry. */
static inline __attribute__((always_inline))
size_t run_probe(const uint64_t *map, size_t nbits, size_t start, size_t n, bool value,
		     bool al, size_t mask, size_t off, bm__skip_fn skip, const void *ctx)
{
	size_t stride = (n + 1) / BM_WORD_BITS - 1;
	/* Whole words inside [start, nbits): [first, nfull). */
	size_t first = BM__WORD(start) + (start % BM_WORD_BITS != 0), nfull = nbits / BM_WORD_BITS;
	size_t pw = first, q, s, e;
	uint64_t c;

	for (;;) {
		for (;;) {
			if (pw >= nfull)
				return nbits;
			c = wanted(map, pw, value);
			if (c == ~(uint64_t)0)
				break;
			if (!c && skip)
				pw = skip(ctx, pw);
			else
				pw += stride;
		}
		/* Word pw is all wanted: find where its run starts (at start at the lowest). */
		for (q = pw; q > first && wanted(map, q - 1, value) == ~(uint64_t)0;)
			q--;
		s = q * BM_WORD_BITS;
		if (s > start) {
			s -= leading_ones(wanted(map, q - 1, value));
			if (s < start)
				s = start;
		}
		if (al)
			s = align_up(s, mask, off);
		/* Later candidates lie higher still. */
		if (s > nbits - n)
			return nbits;
		/* Bits [s, (pw + 1) * 64) are wanted (mask < 64 keeps s below that end). */
		q = (pw + 1) * BM_WORD_BITS;
		if (q >= s + n)
			return s;
		e = first_unwanted(map, q, s + n, value);
		if (e == s + n)
			return s;
		pw = BM__WORD(e) + 1;
	}
}

/*
 * Dispatch on n: the lowest run of n wanted bits at or after start,
 * aligned if al, or nbits. Each pass is inlined with n's class constant.
 */
static inline __attribute__((always_inline))
size_t run_search(const uint64_t *map, size_t nbits, size_t start, size_t n, bool value,
		      bool al, size_t mask, size_t off, bm__skip_fn skip, const void *ctx)
{
	if (n == 0 || n > nbits || start >= nbits)
		return nbits;
	if (n >= 2 * BM_WORD_BITS - 1)
		return run_probe(map, nbits, start, n, value, al, mask, off, skip, ctx);
	if (n > BM_WORD_BITS)
		return run_carry(map, nbits, start, n, value, al, mask, off, skip, ctx, false);
	return run_carry(map, nbits, start, n, value, al, mask, off, skip, ctx, true);
}

/*
 * Lowest index in [start, end - n] where n >= 2 bits equal to `value`
 * begin, or end: one pass over the words (runs_core.h), never a search
 * per run. Treating end as the map size keeps every read below end. One
 * copy for each value, so the word loop inverts or not without a test.
 */
static __attribute__((noinline))
size_t find_long_zero_run(const uint64_t *map, size_t end, size_t start, size_t n)
{
	return run_search(map, end, start, n, false, false, 0, 0, NULL, NULL);
}

static __attribute__((noinline))
size_t find_long_set_run(const uint64_t *map, size_t end, size_t start, size_t n)
{
	return run_search(map, end, start, n, true, false, 0, 0, NULL, NULL);
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
	v = wanted(map, BM__WORD(start), value) >> (start % BM_WORD_BITS);
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
	return run_search(map, nbits, start, n, false, true, align_mask, align_offset,
			      NULL, NULL);
}

size_t bm__zero_run_skip(const uint64_t *map, size_t nbits, size_t start, size_t n,
			 bm__skip_fn skip, const void *ctx)
{
	return run_search(map, nbits, start, n, false, false, 0, 0, skip, ctx);
}

size_t bm__zero_area_skip(const uint64_t *map, size_t nbits, size_t start, size_t n, size_t mask,
			  size_t off, bm__skip_fn skip, const void *ctx)
{
	return run_search(map, nbits, start, n, false, true, mask, off, skip, ctx);
}

size_t bm__find_zero_area(const uint64_t *map, size_t nbits, size_t start, size_t n,
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

size_t bm__alloc_pow2(uint64_t *map, size_t nbits, size_t start, size_t end, size_t n)
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

int bm__release_if_set(uint64_t *map, size_t nbits, size_t start, size_t n)
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
