/* SPDX-License-Identifier: MIT */
/* Hierarchical bitmaps: a flat map plus summary trees, so searches cost O(log64 n) words. */
#ifndef BITMAP_HBITMAP_H
#define BITMAP_HBITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bitmap/bitmap.h>

/*
 * A struct hbm is a flat bitmap (the leaf words, laid out exactly as
 * <bitmap/bitmap.h> expects) with two summary trees over it:
 *
 *	clear tree	level 1 word i, bit j: leaf word 64i + j has a clear bit
 *	set tree	level 1 word i, bit j: leaf word 64i + j has a set bit
 *
 * and level k + 1 summarises level k the same way ("child word is
 * non-zero"), up to a level of one word. Three levels cover 2^24 bits,
 * four 2^30. A search looks at one leaf word, climbs until a summary word
 * has a bit past the start, and walks down taking the lowest bit: at most
 * two words per level. Writers touch a summary bit only when a leaf word
 * turns full/not-full or empty/not-empty, and a summary word's parent bit
 * only when the word itself turns zero/non-zero.
 *
 * The contract of <bitmap/bitmap.h> holds (half-open ranges, searches
 * return nbits when nothing is found) with one difference about tails:
 * hbm keeps the tail bits of the last leaf word clear, and never counts
 * them as clear bits. The clear tree sees them as set, so no search ever
 * returns an index >= nbits as "free". Users reach the leaf words only
 * through the hbm_* functions (hbm_weight_range, hbm_find_next_zero_and
 * and hbm_find_next_zero_in_word are the flat reads they need); writing
 * them directly breaks the summaries (hbm_rebuild() repairs them).
 *
 * Storage is the caller's: hbm_storage_words(nbits) uint64_t words
 * (HBM_STORAGE_WORDS(nbits) in a constant expression), holding the leaf
 * words first. Nothing here allocates or locks: the caller serialises
 * every call on the same struct hbm (readers included, against writers).
 * Like bm_set_range, the writers trust the caller that the bits exist.
 *
 * A map that never looks for set bits can skip the set tree
 * (hbm_init_clear_tree): a write then touches at most one summary tree,
 * and searches for set bits (hbm_find_next, the end of a run in
 * hbm_find_zero_run and hbm_find_zero_area) scan the leaf words instead.
 */

/* Summary levels needed for any size_t nbits: 64^10 words exceed 2^64 bits. */
#define HBM_MAX_LEVELS		10

/*
 * Storage words for an nbits map, as a constant expression. An upper bound
 * of hbm_storage_words() (by at most 2 * HBM_MAX_LEVELS words): level k has
 * ceil(w / 64^k) words, and the sum over k of those is at most w / 63 plus
 * one per level.
 */
#define HBM_STORAGE_WORDS(nbits) \
	(BM_WORDS(nbits) + 2 * (BM_WORDS(nbits) / 63 + HBM_MAX_LEVELS))

/* Index of the two trees in hbm.sum. */
enum { HBM_HAS_CLEAR, HBM_HAS_SET };

/* Fields are private to hbitmap.c: use the functions. */
struct hbm {
	uint64_t *words;		/* leaf words: the flat bitmap */
	uint64_t *sum[2][HBM_MAX_LEVELS]; /* [tree][level - 1], bottom up */
	size_t nbits;
	size_t nwords;			/* BM_WORDS(nbits) */
	size_t weight;			/* set bits, kept up to date */
	uint64_t last_mask;		/* bits of the last leaf word below nbits */
	unsigned int levels;		/* summary levels, at least one */
	bool set_tree;			/* false: only the clear tree is kept */
};

/* Exact number of storage words hbm_init() needs for nbits bits. */
size_t hbm_storage_words(size_t nbits);
/* Make h a map of nbits clear bits over storage (hbm_storage_words(nbits) words). */
void hbm_init(struct hbm *h, uint64_t *storage, size_t nbits);
/* As hbm_init, with every bit set: a frame allocator starts all-reserved. */
void hbm_init_full(struct hbm *h, uint64_t *storage, size_t nbits);
/* As hbm_init, keeping only the clear tree: cheaper writes, set-bit searches scan (same storage). */
void hbm_init_clear_tree(struct hbm *h, uint64_t *storage, size_t nbits);
/* Recompute tail, weight and summaries from the leaf words after direct writes. */
void hbm_rebuild(struct hbm *h);
/* Are the summaries, the weight and the tail exactly what the leaf words say? */
bool hbm_check(const struct hbm *h);

/* Internal: the leaf words (h->nbits bits), for tests comparing them with a model. */
static inline const uint64_t *hbm__words(const struct hbm *h)
{
	return h->words;
}

/* Bits in the map. */
static inline size_t hbm_nbits(const struct hbm *h)
{
	return h->nbits;
}

/* How many bits are set? O(1). */
static inline size_t hbm_weight(const struct hbm *h)
{
	return h->weight;
}

/* Is bit i set? The caller guarantees i < nbits. */
static inline bool hbm_test(const struct hbm *h, size_t i)
{
	return bm_test(h->words, i);
}

/* Out of line: leaf word wi went from old to w, turning full/not-full or empty/not-empty. */
void hbm__leaf_flipped(struct hbm *h, size_t wi, uint64_t old, uint64_t w);

/*
 * Of a leaf word's value before and after one bit changed, fuller is the
 * one that is full if the clear tree flips, emptier the one that is empty
 * if the set tree does: might a tree flip? One branch for the three
 * cases; false positives (a word other than the last one at last_mask)
 * cost a call to hbm__leaf_flipped, which checks exactly.
 */
static inline bool hbm__may_flip(const struct hbm *h, uint64_t fuller, uint64_t emptier)
{
	/* The last word is full at last_mask: its tail stays clear. */
	return (fuller == ~(uint64_t)0) | (fuller == h->last_mask) |
	       (h->set_tree & (emptier == 0));
}

/*
 * Set bit i (or clear it: set false); was it set before? Inline, because
 * most writes change no summary: a word that neither fills up nor (with a
 * set tree) empties costs a load, a store and two compares.
 */
static inline bool hbm__write_bit(struct hbm *h, size_t i, bool set)
{
	size_t wi = BM__WORD(i);
	uint64_t old = h->words[wi], w = old ^ BM__BIT(i);
	/* Of old and w, the one that is full if the clear tree flips, and empty if the set tree does. */
	uint64_t fuller = set ? w : old, emptier = set ? old : w;

	if (!!(old & BM__BIT(i)) == set)
		return set;
	h->words[wi] = w;
	h->weight += set ? 1 : (size_t)-1;
	if (hbm__may_flip(h, fuller, emptier))
		hbm__leaf_flipped(h, wi, old, w);
	return !set;
}

/* Set bit i (i < nbits). */
static inline void hbm_set(struct hbm *h, size_t i)
{
	hbm__write_bit(h, i, true);
}

/* Clear bit i (i < nbits). */
static inline void hbm_clear(struct hbm *h, size_t i)
{
	hbm__write_bit(h, i, false);
}

/* Set bit i (i < nbits); was it set before? */
static inline bool hbm_test_and_set(struct hbm *h, size_t i)
{
	return hbm__write_bit(h, i, true);
}

/* Clear bit i (i < nbits); was it set before? */
static inline bool hbm_test_and_clear(struct hbm *h, size_t i)
{
	return hbm__write_bit(h, i, false);
}
/* How many of bits [start, start + n) are set? The caller guarantees they exist. */
size_t hbm_weight_range(const struct hbm *h, size_t start, size_t n);

/* Lowest bit at or after start that is clear in h and set in a (a flat map of h's nbits), or nbits. */
size_t hbm_find_next_zero_and(const struct hbm *h, const uint64_t *a, size_t start);

/* Out-of-line bodies of hbm_set_range / hbm_clear_range. */
void hbm__set_range(struct hbm *h, size_t start, size_t n);
void hbm__clear_range(struct hbm *h, size_t start, size_t n);

/* Leaf word wi |= m (or &= ~m: set false); the weight and, if they flip, the summaries follow. */
static inline BM__CONST_INLINE void hbm__write_mask(struct hbm *h, size_t wi, uint64_t m, bool set)
{
	uint64_t old = h->words[wi], w = set ? old | m : old & ~m;
	size_t d = bm_popcount64(w ^ old);

	h->words[wi] = w;
	h->weight += set ? d : 0 - d;
	if (hbm__may_flip(h, set ? w : old, set ? old : w))
		hbm__leaf_flipped(h, wi, old, w);
}

/*
 * Set [start, start + n); the caller guarantees start + n <= nbits. A
 * constant n inside start's word (bm__word_range) is written inline.
 */
static inline BM__CONST_INLINE void hbm_set_range(struct hbm *h, size_t start, size_t n)
{
	uint64_t m = bm__word_range(start, n);

	if (__builtin_constant_p(n) && n == 1 && m)
		hbm__write_bit(h, start, true);
	else if (__builtin_constant_p(n) && m)
		hbm__write_mask(h, BM__WORD(start), m, true);
	else
		hbm__set_range(h, start, n);
}

/* Clear [start, start + n); the caller guarantees start + n <= nbits. Inline as hbm_set_range. */
static inline BM__CONST_INLINE void hbm_clear_range(struct hbm *h, size_t start, size_t n)
{
	uint64_t m = bm__word_range(start, n);

	if (__builtin_constant_p(n) && n == 1 && m)
		hbm__write_bit(h, start, false);
	else if (__builtin_constant_p(n) && m)
		hbm__write_mask(h, BM__WORD(start), m, false);
	else
		hbm__clear_range(h, start, n);
}

/* Lowest set bit at or after start, or nbits. */
size_t hbm_find_next(const struct hbm *h, size_t start);
/* Lowest clear bit at or after start, or nbits. */
size_t hbm_find_next_zero(const struct hbm *h, size_t start);

/*
 * The cursor-word fast path of a next-fit search: the lowest clear bit in
 * [start, the end of start's leaf word), or nbits (also for start >=
 * nbits). Inline, one load: when a cursor's word nearly always has a clear
 * bit, the caller tries this first and calls hbm_find_next_zero (or its
 * wrap) only when it returns nbits.
 */
static inline size_t hbm_find_next_zero_in_word(const struct hbm *h, size_t start)
{
	uint64_t free;

	if (start >= h->nbits)
		return h->nbits;
	free = ~h->words[BM__WORD(start)] >> (start % BM_WORD_BITS);
	/*
	 * The tail is kept clear, so when [start, nbits) is all set the first
	 * clear bit is nbits itself: no test against nbits is needed.
	 */
	return free ? start + bm__ffs64(free) : h->nbits;
}

/* Out of line: hbm_take_next_zero past leaf word wi, which has no clear bit from the start on. */
size_t hbm__take_after(struct hbm *h, size_t wi);

/* Set bit i, clear in old (leaf word wi's value); the weight and, if they flip, the summaries follow. */
static inline void hbm__take_bit(struct hbm *h, size_t wi, uint64_t old, size_t i)
{
	uint64_t w = old | BM__BIT(i);

	h->words[wi] = w;
	h->weight++;
	if (hbm__may_flip(h, w, old))
		hbm__leaf_flipped(h, wi, old, w);
}

/*
 * Next-fit allocation: set the lowest clear bit at or after start and
 * return it; nbits, changing nothing, if there is none (also for start >=
 * nbits). The same as hbm_find_next_zero and then hbm_set, in one step:
 * the bit found in start's word is set from the word already loaded, and
 * only when that word is exhausted does the search climb the summaries
 * (out of line, O(log64 nbits) words).
 */
static inline size_t hbm_take_next_zero(struct hbm *h, size_t start)
{
	size_t wi = BM__WORD(start), i;
	uint64_t old, free;

	if (start >= h->nbits)
		return h->nbits;
	old = h->words[wi];
	free = ~old >> (start % BM_WORD_BITS);
	if (!free)
		return hbm__take_after(h, wi);
	i = start + bm__ffs64(free);
	/* A clear bit at nbits or above is the tail: nothing is free after start. */
	if (i >= h->nbits)
		return h->nbits;
	hbm__take_bit(h, wi, old, i);
	return i;
}

/* Lowest set bit, or nbits. */
static inline size_t hbm_find_first(const struct hbm *h)
{
	return hbm_find_next(h, 0);
}

/* Lowest clear bit, or nbits. */
static inline size_t hbm_find_first_zero(const struct hbm *h)
{
	return hbm_find_next_zero(h, 0);
}

/*
 * Next-fit: the lowest clear bit at or after hint, else the lowest below
 * it; nbits if the map is full. hint >= nbits counts as 0.
 */
size_t hbm_find_next_zero_wrap(const struct hbm *h, size_t hint);

/*
 * Lowest index >= start of n clear bits in a row (no wrap), or nbits (also
 * for n = 0); the same answer as bm_find_zero_run. Each step costs
 * O(log64 nbits) and moves past at least one leaf word that has a clear
 * bit, so the cost is bounded by the words with clear bits between start
 * and the answer; full words, and clear words inside a candidate run, are
 * skipped in one step however many there are.
 */
size_t hbm_find_zero_run(const struct hbm *h, size_t start, size_t n);

/*
 * Lowest index >= start of n clear bits with (index + align_offset) a
 * multiple of align_mask + 1 (align_mask is 2^k - 1), or nbits: the same
 * answer as bm_find_zero_area. O(log64 nbits) per set run stepped over.
 */
size_t hbm__find_zero_area(const struct hbm *h, size_t start, size_t n,
			   size_t align_mask, size_t align_offset);
/*
 * A constant n <= 64 and align_mask (BM__AREA_INLINE) search start's leaf
 * word inline first, as bm_find_zero_area does; the tail is kept clear,
 * so a hit there lies past nbits and the answer is nbits.
 */
static inline BM__CONST_INLINE size_t hbm_find_zero_area(const struct hbm *h, size_t start, size_t n,
					size_t align_mask, size_t align_offset)
{
	size_t i;
	uint64_t c;

	if (!BM__AREA_INLINE(n, align_mask))
		return hbm__find_zero_area(h, start, n, align_mask, align_offset);
	if (start >= h->nbits)
		return h->nbits;
	c = bm__area_hits(h->words, start, n, align_mask, align_offset);
	if (c) {
		i = BM__WORD(start) * BM_WORD_BITS + bm__ffs64(c);
		return i < h->nbits && h->nbits - i >= n ? i : h->nbits;
	}
	/*
	 * One unaligned bit: the next leaf word nearly always has a clear
	 * bit, so it is read before any summary. The tail is kept clear, so
	 * if the last word's bits below nbits are all set its lowest clear
	 * bit is nbits itself: no test against nbits is needed.
	 */
	if (n == 1 && align_mask == 0 && BM__WORD(start) + 1 < h->nwords) {
		c = ~h->words[BM__WORD(start) + 1];
		if (c)
			return (BM__WORD(start) + 1) * BM_WORD_BITS + bm__ffs64(c);
	}
	return hbm__find_zero_area(h, start, n, align_mask, align_offset);
}

#endif /* BITMAP_HBITMAP_H */
