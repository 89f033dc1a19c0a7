// SPDX-License-Identifier: MIT
/* Hierarchical bitmaps: summary trees kept exact on every write, searched top-down. */

#include <bitmap/hbitmap.h>

#include "runs_core.h"

#define WORD_BITS	BM_WORD_BITS

/* Words of the summary level above a level of count words (never fewer than one). */
static size_t parent_words(size_t count)
{
	return count > WORD_BITS ? BM_WORDS(count) : 1;
}

/* Words in summary level k (0-based) of a map with nwords leaf words. */
static size_t level_words(size_t nwords, unsigned int k)
{
	size_t count = parent_words(nwords);

	while (k--)
		count = parent_words(count);
	return count;
}

/* Children summarised by level k: leaf words for k = 0, else level k - 1 words. */
static size_t level_children(const struct hbm *h, unsigned int k)
{
	return k == 0 ? h->nwords : level_words(h->nwords, k - 1);
}

size_t hbm_storage_words(size_t nbits)
{
	size_t nwords = BM_WORDS(nbits);
	size_t total = nwords;
	size_t count = nwords;

	do {
		count = parent_words(count);
		total += 2 * count;
	} while (count > 1);
	return total;
}

/*
 * Leaf word wi holding w, as the tree sees it: the clear tree looks for
 * clear bits, and must not see the tail of the last word as clear.
 */
static inline uint64_t leaf_bits(const struct hbm *h, int tree, size_t wi, uint64_t w)
{
	if (tree == HBM_HAS_SET)
		return w;
	w = ~w;
	if (wi == h->nwords - 1)
		w &= h->last_mask;
	return w;
}

/* Does child idx of summary level k have a bit the tree is looking for? */
static bool child_nonzero(const struct hbm *h, int tree, unsigned int k, size_t idx)
{
	if (k == 0)
		return leaf_bits(h, tree, idx, h->words[idx]) != 0;
	return h->sum[tree][k - 1][idx] != 0;
}

/* Summary word j of level k, computed from its children. */
static uint64_t summary_word(const struct hbm *h, int tree, unsigned int k, size_t j)
{
	size_t nchild = level_children(h, k);
	uint64_t w = 0;
	size_t b;

	for (b = 0; b < WORD_BITS && j * WORD_BITS + b < nchild; b++)
		if (child_nonzero(h, tree, k, j * WORD_BITS + b))
			w |= (uint64_t)1 << b;
	return w;
}

/* The last tree h keeps: the set tree, unless h has only the clear tree. */
static int last_tree(const struct hbm *h)
{
	return h->set_tree ? HBM_HAS_SET : HBM_HAS_CLEAR;
}

/* Point h at storage: leaf words, then the clear tree, then the set tree if kept. */
static void layout(struct hbm *h, uint64_t *storage, size_t nbits, bool set_tree)
{
	uint64_t *p = storage + BM_WORDS(nbits);
	unsigned int k;
	int tree;

	h->words = storage;
	h->nbits = nbits;
	h->nwords = BM_WORDS(nbits);
	h->last_mask = BM__LAST_MASK(nbits);
	h->set_tree = set_tree;
	h->levels = 0;
	while (level_words(h->nwords, h->levels) > 1)
		h->levels++;
	h->levels++;
	for (tree = HBM_HAS_CLEAR; tree <= last_tree(h); tree++) {
		for (k = 0; k < h->levels; k++) {
			h->sum[tree][k] = p;
			p += level_words(h->nwords, k);
		}
	}
}

void hbm_rebuild(struct hbm *h)
{
	unsigned int k;
	size_t i;
	int tree;

	if (h->nwords)
		h->words[h->nwords - 1] &= h->last_mask;
	h->weight = 0;
	for (i = 0; i < h->nwords; i++)
		h->weight += bm_popcount64(h->words[i]);
	/* Bottom up: each level is computed from the one below it. */
	for (tree = HBM_HAS_CLEAR; tree <= last_tree(h); tree++) {
		for (k = 0; k < h->levels; k++) {
			size_t count = level_words(h->nwords, k);

			for (i = 0; i < count; i++)
				h->sum[tree][k][i] = summary_word(h, tree, k, i);
		}
	}
}

/* Lay h out and give every leaf word the value fill. */
static void init_filled(struct hbm *h, uint64_t *storage, size_t nbits, bool set_tree,
			uint64_t fill)
{
	size_t i;

	layout(h, storage, nbits, set_tree);
	for (i = 0; i < h->nwords; i++)
		h->words[i] = fill;
	hbm_rebuild(h);
}

void hbm_init(struct hbm *h, uint64_t *storage, size_t nbits)
{
	init_filled(h, storage, nbits, true, 0);
}

void hbm_init_full(struct hbm *h, uint64_t *storage, size_t nbits)
{
	init_filled(h, storage, nbits, true, ~(uint64_t)0);
}

void hbm_init_clear_tree(struct hbm *h, uint64_t *storage, size_t nbits)
{
	init_filled(h, storage, nbits, false, 0);
}

bool hbm_check(const struct hbm *h)
{
	size_t weight = 0, i;
	unsigned int k;
	int tree;

	if (h->nwords && (h->words[h->nwords - 1] & ~h->last_mask))
		return false;
	for (i = 0; i < h->nwords; i++)
		weight += bm_popcount64(h->words[i]);
	if (weight != h->weight)
		return false;
	for (tree = HBM_HAS_CLEAR; tree <= last_tree(h); tree++) {
		for (k = 0; k < h->levels; k++) {
			size_t count = level_words(h->nwords, k);

			for (i = 0; i < count; i++)
				if (h->sum[tree][k][i] != summary_word(h, tree, k, i))
					return false;
		}
	}
	return true;
}

/*
 * Leaf word idx turned zero or non-zero in the tree's view: flip its bit,
 * and go up only while a summary word itself turns zero or non-zero,
 * since that is all its parent records. Exact summaries make every change
 * a flip. The first level inline: one word, and most flips end there.
 */
static __attribute__((noinline)) void summary_climb(struct hbm *h, int tree, size_t idx)
{
	unsigned int k;

	for (k = 1; k < h->levels; k++) {
		uint64_t *w = &h->sum[tree][k][idx / WORD_BITS];

		*w ^= BM__BIT(idx);
		/* Zero now, or zero before: the parent's bit flips too. */
		if (*w != 0 && *w != BM__BIT(idx))
			return;
		idx /= WORD_BITS;
	}
}

static inline void summary_update(struct hbm *h, int tree, size_t idx)
{
	uint64_t *w = &h->sum[tree][0][idx / WORD_BITS];

	*w ^= BM__BIT(idx);
	if (*w == 0 || *w == BM__BIT(idx))
		summary_climb(h, tree, idx / WORD_BITS);
}

/* Full as the clear tree sees it: tails are kept clear and never count. */
static inline uint64_t full_word(const struct hbm *h, size_t wi)
{
	return wi == h->nwords - 1 ? h->last_mask : ~(uint64_t)0;
}

/* hbm__leaf_flipped for a map with both trees. */
static __attribute__((noinline))
void both_trees_flipped(struct hbm *h, size_t wi, uint64_t old, uint64_t w, uint64_t full)
{
	if ((old == full) != (w == full))
		summary_update(h, HBM_HAS_CLEAR, wi);
	if ((old == 0) != (w == 0))
		summary_update(h, HBM_HAS_SET, wi);
}

/*
 * Fix the trees for leaf word wi going from old to w (already stored).
 * With the clear tree only, one update and no call but the rare climb's,
 * so nothing to save on the way in.
 */
void hbm__leaf_flipped(struct hbm *h, size_t wi, uint64_t old, uint64_t w)
{
	uint64_t full = full_word(h, wi);

	if (h->set_tree)
		both_trees_flipped(h, wi, old, w, full);
	else if ((old == full) != (w == full))
		summary_update(h, HBM_HAS_CLEAR, wi);
}

/* Store leaf word wi and fix the trees; the caller fixes the weight. */
static void leaf_write(struct hbm *h, size_t wi, uint64_t w)
{
	uint64_t old = h->words[wi];

	h->words[wi] = w;
	hbm__leaf_flipped(h, wi, old, w);
}

/* Set or clear [start, start + n) a word at a time. */
static void range_write(struct hbm *h, size_t start, size_t n, bool set)
{
	size_t end = start + n, wi;

	if (n == 0)
		return;
	for (wi = BM__WORD(start); wi <= BM__WORD(end - 1); wi++) {
		uint64_t mask = ~(uint64_t)0, old = h->words[wi], w;

		if (wi == BM__WORD(start))
			mask &= BM__FIRST_MASK(start);
		if (wi == BM__WORD(end - 1))
			mask &= BM__LAST_MASK(end);
		w = set ? old | mask : old & ~mask;
		if (w == old)
			continue;
		if (set)
			h->weight += bm_popcount64(w ^ old);
		else
			h->weight -= bm_popcount64(w ^ old);
		leaf_write(h, wi, w);
	}
}

size_t hbm_weight_range(const struct hbm *h, size_t start, size_t n)
{
	return bm_weight_range(h->words, start, n);
}

void hbm__set_range(struct hbm *h, size_t start, size_t n)
{
	range_write(h, start, n, true);
}

void hbm__clear_range(struct hbm *h, size_t start, size_t n)
{
	range_write(h, start, n, false);
}

/*
 * Lowest bit the tree looks for in the leaf words after idx, or nbits:
 * climb while no summary word has a bit past our position, then descend
 * along lowest bits. Exact summaries make every bit taken on the way down
 * lead to a non-zero child.
 */
static __attribute__((noinline)) size_t find_after(const struct hbm *h, int tree, size_t idx)
{
	unsigned int k;
	uint64_t w = 0;

	if (tree > last_tree(h))
		return bm_find_next(h->words, h->nbits, (idx + 1) * WORD_BITS);

	for (k = 0; k < h->levels; k++, idx /= WORD_BITS) {
		/* ~1 << b: the siblings strictly after child b. */
		w = h->sum[tree][k][idx / WORD_BITS] & (~(uint64_t)1 << (idx % WORD_BITS));
		if (w)
			break;
	}
	if (k == h->levels)
		return h->nbits;
	idx = idx / WORD_BITS * WORD_BITS + __builtin_ctzll(w);
	while (k-- > 0)
		idx = idx * WORD_BITS + __builtin_ctzll(h->sum[tree][k][idx]);
	return idx * WORD_BITS + __builtin_ctzll(leaf_bits(h, tree, idx, h->words[idx]));
}

/*
 * Lowest bit at or after start that the tree looks for. The start word is
 * tried inline, as in bm_find_next: short searches end there and never
 * pay for the climb; and, as there, no branch on the bit at start itself
 * (a coin flip in random bits), only the shortcut for BM__PROBE_BITS
 * wanted bits from start. Tails need no check: they are clear in the leaf
 * and leaf_bits() hides them from the clear tree.
 */
static inline __attribute__((always_inline))
size_t find_next(const struct hbm *h, int tree, size_t start)
{
	size_t idx = BM__WORD(start);
	uint64_t probe = (((uint64_t)1 << BM__PROBE_BITS) - 1) << (start % WORD_BITS);
	uint64_t w;

	if (start >= h->nbits)
		return h->nbits;
	w = leaf_bits(h, tree, idx, h->words[idx]);
	if (!(~w & probe))
		return start;
	/* The bits from start: BM__FIRST_MASK(start), as in bm_find_next. */
	w &= probe | -probe;
	if (w)
		return idx * WORD_BITS + bm__ffs64(w);
	return find_after(h, tree, idx);
}

size_t hbm_find_next(const struct hbm *h, size_t start)
{
	return find_next(h, HBM_HAS_SET, start);
}

size_t hbm_find_next_zero(const struct hbm *h, size_t start)
{
	return find_next(h, HBM_HAS_CLEAR, start);
}

/*
 * The first summary word is tried here, without find_after's climb: in a
 * nearly full map the next word with a clear bit is usually among the 63
 * after wi. Its lowest clear bit is below nbits, since the clear tree
 * does not see the tail.
 */
size_t hbm__take_after(struct hbm *h, size_t wi)
{
	uint64_t s = h->sum[HBM_HAS_CLEAR][0][wi / WORD_BITS] &
		     (~(uint64_t)1 << (wi % WORD_BITS));
	size_t i;

	if (s) {
		wi = wi / WORD_BITS * WORD_BITS + __builtin_ctzll(s);
		i = wi * WORD_BITS + __builtin_ctzll(~h->words[wi]);
	} else {
		i = find_after(h, HBM_HAS_CLEAR, wi);
		if (i >= h->nbits)
			return h->nbits;
		wi = BM__WORD(i);
	}
	hbm__take_bit(h, wi, h->words[wi], i);
	return i;
}

size_t hbm_find_next_zero_and(const struct hbm *h, const uint64_t *a, size_t start)
{
	return bm_find_next_andnot(a, h->words, h->nbits, start);
}

size_t hbm_find_next_zero_wrap(const struct hbm *h, size_t hint)
{
	size_t i;

	if (hint >= h->nbits)
		hint = 0;
	i = find_next(h, HBM_HAS_CLEAR, hint);
	if (i < h->nbits || hint == 0)
		return i;
	/* Nothing at or after hint, so anything found now is below it. */
	return find_next(h, HBM_HAS_CLEAR, 0);
}

/* bm__skip_fn over the clear tree: the next leaf word after wi with a clear bit, or nwords. */
static size_t skip_full_words(const void *ctx, size_t wi)
{
	const struct hbm *h = ctx;
	size_t i = find_after(h, HBM_HAS_CLEAR, wi);

	return i < h->nbits ? BM__WORD(i) : h->nwords;
}

size_t hbm_find_zero_run(const struct hbm *h, size_t start, size_t n)
{
	size_t idx = BM__WORD(start);
	uint64_t w;

	if (n == 1) {
		/*
		 * One bit is a run by itself: the rest of start's word, then
		 * the climb. No test of the bit at start first: from a random
		 * start that branch is a coin flip.
		 */
		if (start >= h->nbits)
			return h->nbits;
		w = leaf_bits(h, HBM_HAS_CLEAR, idx, h->words[idx]) >> (start % WORD_BITS);
		if (w)
			return start + __builtin_ctzll(w);
		return find_after(h, HBM_HAS_CLEAR, idx);
	}
	/*
	 * The word pass of runs.c over the leaf words (it masks the tail),
	 * jumping over full words through the clear tree.
	 */
	return bm__zero_run_skip(h->words, h->nbits, start, n, skip_full_words, h);
}

/*
 * Take the first aligned index at or after the next clear bit; if a set
 * bit lies inside its n bits, no aligned index up to that bit can work,
 * so go on from the bit after it.
 */
size_t hbm__find_zero_area(const struct hbm *h, size_t start, size_t n,
			   size_t align_mask, size_t align_offset)
{
	size_t nbits = h->nbits, i, gap, hit;

	if (n == 0 || n > nbits)
		return nbits;
	if (align_mask == 0)
		return hbm_find_zero_run(h, start, n);
	if (align_mask < WORD_BITS && (align_mask & (align_mask + 1)) == 0)
		return bm__zero_area_skip(h->words, nbits, start, n, align_mask, align_offset,
					  skip_full_words, h);
	for (;;) {
		i = find_next(h, HBM_HAS_CLEAR, start);
		if (i > nbits - n)
			return nbits;
		/* Up to the next aligned index, in modular arithmetic. */
		gap = (0 - (i + align_offset)) & align_mask;
		if (gap > nbits - n - i)
			return nbits;
		i += gap;
		hit = find_next(h, HBM_HAS_SET, i);
		if (hit - i >= n)
			return i;
		start = hit + 1;
	}
}
