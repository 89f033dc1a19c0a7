/* SPDX-License-Identifier: MIT */
/*
 * Private to lib/bitmap (runs.c, hbitmap.c): the word-at-a-time run search.
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
#ifndef BITMAP_RUNS_CORE_H
#define BITMAP_RUNS_CORE_H

#include <bitmap/bitmap.h>

/*
 * Next word index after wi, with a wanted bit, or at least the word
 * count; given by the hierarchical map, NULL for flat ones.
 */
typedef size_t (*bm__skip_fn)(const void *ctx, size_t wi);

/* Word wi as wanted bits: set bits for value, clear ones otherwise. */
static inline __attribute__((always_inline))
uint64_t bm__wanted(const uint64_t *map, size_t wi, bool value)
{
	return value ? map[wi] : ~map[wi];
}

/* Trailing one bits of c: 0 to 64. */
static inline size_t bm__trailing_ones(uint64_t c)
{
	return ~c ? (unsigned)__builtin_ctzll(~c) : BM_WORD_BITS;
}

/* Leading one bits of c: 0 to 64. */
static inline size_t bm__leading_ones(uint64_t c)
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
uint64_t bm__run_starts(uint64_t c, unsigned k, unsigned rest)
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
static inline size_t bm__align_up(size_t s, size_t mask, size_t off)
{
	return s + ((0 - (s + off)) & mask);
}

/* Lowest unwanted bit in [i, end), or end; i < end. */
static inline __attribute__((always_inline))
size_t bm__first_unwanted(const uint64_t *map, size_t i, size_t end, bool value)
{
	size_t wi = BM__WORD(i), last = BM__WORD(end - 1);
	uint64_t u = ~bm__wanted(map, wi, value) & BM__FIRST_MASK(i);

	while (wi < last) {
		if (u)
			return wi * BM_WORD_BITS + bm__ffs64(u);
		u = ~bm__wanted(map, ++wi, value);
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
bool bm__carry_word(uint64_t c, size_t wi, size_t *carry, size_t n, bool al, size_t mask,
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
		p = al ? bm__align_up(base, mask, off) : base;
		if (p + n <= wi * BM_WORD_BITS + bm__trailing_ones(c)) {
			*at = p;
			return true;
		}
	}
	if (small) {
		r = bm__run_starts(c, k, rest) & aligned;
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

/*
 * n <= 126: the carried pass. Lowest s >= start with [s, s + n) wanted,
 * s + n <= nbits and, if al, (s + off) & mask == 0 (mask = 2^k - 1 < 64),
 * or nbits. 1 <= n <= nbits, start < nbits.
 */
static inline __attribute__((always_inline))
size_t bm__run_carry(const uint64_t *map, size_t nbits, size_t start, size_t n, bool value,
		     bool al, size_t mask, size_t off, bm__skip_fn skip, const void *ctx,
		     bool small)
{
	size_t wi = BM__WORD(start), last = BM__WORD(nbits - 1), carry = 0, at;
	/* Aligned in-word positions: every (mask + 1)-th bit, from the first aligned one. */
	uint64_t aligned = al ? (~(uint64_t)0 / (~(uint64_t)0 >> (63 - mask))) << ((0 - off) & mask)
			      : ~(uint64_t)0;
	uint64_t c = bm__wanted(map, wi, value) & BM__FIRST_MASK(start);
	/* n = 2^k + rest for bm__run_starts (small only). */
	unsigned k = 63 - (unsigned)__builtin_clzll(n), rest = (unsigned)(n - ((size_t)1 << k));

	while (wi < last) {
		if (bm__carry_word(c, wi, &carry, n, al, mask, off, aligned, small, k, rest, &at))
			return at;
		c = bm__wanted(map, ++wi, value);
		if (skip && !c) {
			/* No wanted bit: the summaries jump to the next word with one. */
			wi = skip(ctx, wi);
			if (wi > last)
				return nbits;
			carry = 0;
			c = bm__wanted(map, wi, value);
		}
	}
	/*
	 * The last word ends the search: a run reaching nbits is found there,
	 * from below with the word's trailing bits, or inside it (n <= 64).
	 */
	c &= BM__LAST_MASK(nbits);
	if (bm__carry_word(c, wi, &carry, n, al, mask, off, aligned, small, k, rest, &at))
		return at;
	return nbits;
}

/* n >= 127: the probing pass; the same contract as bm__run_carry. */
static inline __attribute__((always_inline))
size_t bm__run_probe(const uint64_t *map, size_t nbits, size_t start, size_t n, bool value,
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
			c = bm__wanted(map, pw, value);
			if (c == ~(uint64_t)0)
				break;
			if (skip && !c)
				pw = skip(ctx, pw);
			else
				pw += stride;
		}
		/* Word pw is all wanted: find where its run starts (at start at the lowest). */
		for (q = pw; q > first && bm__wanted(map, q - 1, value) == ~(uint64_t)0;)
			q--;
		s = q * BM_WORD_BITS;
		if (s > start) {
			s -= bm__leading_ones(bm__wanted(map, q - 1, value));
			if (s < start)
				s = start;
		}
		if (al)
			s = bm__align_up(s, mask, off);
		/* Later candidates lie higher still. */
		if (s > nbits - n)
			return nbits;
		/* Bits [s, (pw + 1) * 64) are wanted, or s is past them. */
		q = (pw + 1) * BM_WORD_BITS;
		if (s > q)
			q = s;
		if (q >= s + n)
			return s;
		e = bm__first_unwanted(map, q, s + n, value);
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
size_t bm__run_search(const uint64_t *map, size_t nbits, size_t start, size_t n, bool value,
		      bool al, size_t mask, size_t off, bm__skip_fn skip, const void *ctx)
{
	if (n == 0 || n > nbits || start >= nbits)
		return nbits;
	if (n >= 2 * BM_WORD_BITS - 1)
		return bm__run_probe(map, nbits, start, n, value, al, mask, off, skip, ctx);
	if (n > BM_WORD_BITS)
		return bm__run_carry(map, nbits, start, n, value, al, mask, off, skip, ctx, false);
	return bm__run_carry(map, nbits, start, n, value, al, mask, off, skip, ctx, true);
}

#endif /* BITMAP_RUNS_CORE_H */
