// SPDX-License-Identifier: MIT
/* Lock-free claiming of bits for SMP users (idle masks, ID pools): one algorithm for every claim. */
#include <bitmap/bitmap.h>

/*
 * What a claim takes: clear bits, by setting them (an ID pool), or set
 * bits, by clearing them (an idle mask), and only those also set in
 * allow (NULL: any). Races lost are counted in *lost (NULL: not counted).
 */
struct claim {
	uint64_t *map;
	const uint64_t *allow;
	bool take_set;
	size_t *lost;
};

/* The bits of word w the claim could take now. */
static uint64_t candidates(const struct claim *c, size_t w)
{
	uint64_t v = bm__load_word_relaxed(c->map, w);

	v = c->take_set ? v : ~v;
	return c->allow ? v & c->allow[w] : v;
}

/* Try to win bit i: true if this call changed it (acquire). */
static bool take(const struct claim *c, size_t i)
{
	return c->take_set ? bm_test_and_clear_atomic(c->map, i)
			   : !bm_test_and_set_atomic(c->map, i);
}

/*
 * Take a candidate bit in [start, end), or return end. Words are read with
 * relaxed loads because other CPUs change them concurrently; the atomic
 * test-and-set (or -clear) decides ownership and gives the acquire. A lost
 * race re-reads the word, so each retry sees the winner's change.
 */
static size_t claim_in(const struct claim *c, size_t end, size_t start)
{
	size_t w, last;
	uint64_t mask;

	if (start >= end)
		return end;
	w = BM__WORD(start);
	last = BM__WORD(end - 1);
	mask = BM__FIRST_MASK(start);
	for (; w <= last; w++, mask = ~(uint64_t)0) {
		uint64_t free;

		if (w == last)
			mask &= BM__LAST_MASK(end);
		free = candidates(c, w) & mask;
		while (free) {
			size_t i = w * BM_WORD_BITS + bm__ffs64(free);

			BM_ASSERT(i >= start && i < end);
			if (take(c, i))
				return i;
			if (c->lost)
				(*c->lost)++;
			free = candidates(c, w) & mask;
		}
	}
	return end;
}

/* From hint to the end, then below hint: the bit taken, or nbits. */
static size_t claim_wrap(const struct claim *c, size_t nbits, size_t hint)
{
	size_t i;

	if (hint >= nbits)
		hint = 0;
	i = claim_in(c, nbits, hint);
	if (i < nbits || hint == 0)
		return i;
	i = claim_in(c, hint, 0);
	return i < hint ? i : nbits;
}

size_t bm_claim_atomic(uint64_t *map, size_t nbits)
{
	struct claim c = { map, NULL, false, NULL };

	return claim_in(&c, nbits, 0);
}

size_t bm_claim_from_atomic(uint64_t *map, size_t nbits, size_t hint)
{
	struct claim c = { map, NULL, false, NULL };

	return claim_wrap(&c, nbits, hint);
}

size_t bm_claim_and_atomic(uint64_t *map, const uint64_t *allow, size_t nbits, size_t hint,
			   size_t *lost)
{
	struct claim c = { map, allow, true, lost };

	return claim_wrap(&c, nbits, hint);
}
