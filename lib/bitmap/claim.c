/* Lock-free claiming of clear bits for SMP users (idle masks, ID pools). */
#include <bitmap/bitmap.h>

/*
 * Take a clear bit in [start, end), or return end. Words are read with
 * relaxed loads because other CPUs change them concurrently; the
 * test-and-set decides ownership and gives the acquire. A lost race
 * re-reads the word, so each retry sees the winner's bit.
 */
static size_t claim_in(uint64_t *map, size_t end, size_t start)
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
		free = ~bm__load_word_relaxed(map, w) & mask;
		while (free) {
			size_t i = w * BM_WORD_BITS + bm__ffs64(free);

			BM_ASSERT(i >= start && i < end);
			if (!bm_test_and_set_atomic(map, i))
				return i;
			free = ~bm__load_word_relaxed(map, w) & mask;
		}
	}
	return end;
}

size_t bm_claim_atomic(uint64_t *map, size_t nbits)
{
	return claim_in(map, nbits, 0);
}

size_t bm_claim_from_atomic(uint64_t *map, size_t nbits, size_t hint)
{
	size_t i;

	if (hint >= nbits)
		hint = 0;
	i = claim_in(map, nbits, hint);
	if (i < nbits || hint == 0)
		return i;
	i = claim_in(map, hint, 0);
	return i < hint ? i : nbits;
}
