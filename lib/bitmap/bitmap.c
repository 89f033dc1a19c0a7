// SPDX-License-Identifier: MIT
/* Whole-map and range operations on flat bitmaps: fill, ranges, counts, predicates, logic, shifts. */
#include <bitmap/bitmap.h>

/* The bits of word w that lie below nbits: all, except in the last word. */
static inline uint64_t valid_mask(size_t nbits, size_t w)
{
	return w == BM__WORD(nbits - 1) ? BM__LAST_MASK(nbits) : ~(uint64_t)0;
}

void bm_zero(uint64_t *map, size_t nbits)
{
	for (size_t w = 0; w < BM_WORDS(nbits); w++)
		map[w] = 0;
}

void bm_init(uint64_t *map, size_t nbits)
{
	bm_zero(map, nbits);
}

void bm_fill(uint64_t *map, size_t nbits)
{
	size_t nw = BM_WORDS(nbits);

	for (size_t w = 0; w < nw; w++)
		map[w] = ~(uint64_t)0;
	if (nw)
		map[nw - 1] = BM__LAST_MASK(nbits);
}

void bm_copy(uint64_t *dst, const uint64_t *src, size_t nbits)
{
	for (size_t w = 0; w < BM_WORDS(nbits); w++)
		dst[w] = src[w];
}

/* map[w] |= mask for set, &= ~mask for clear, over [start, start + n). */
static void range_apply(uint64_t *map, size_t start, size_t n, bool set)
{
	size_t w, last;
	uint64_t mask;

	if (n == 0 || start + n < start)
		return;
	w = BM__WORD(start);
	last = BM__WORD(start + n - 1);
	mask = BM__FIRST_MASK(start);
	for (; w <= last; w++, mask = ~(uint64_t)0) {
		if (w == last)
			mask &= BM__LAST_MASK(start + n);
		map[w] = set ? map[w] | mask : map[w] & ~mask;
	}
}

void bm__set_range(uint64_t *map, size_t start, size_t n)
{
	range_apply(map, start, n, true);
}

void bm__clear_range(uint64_t *map, size_t start, size_t n)
{
	range_apply(map, start, n, false);
}

int bm_set_range_checked(uint64_t *map, size_t nbits, size_t start, size_t n)
{
	if (!bm__range_ok(nbits, start, n))
		return -BM_ERANGE;
	range_apply(map, start, n, true);
	return 0;
}

int bm_clear_range_checked(uint64_t *map, size_t nbits, size_t start, size_t n)
{
	if (!bm__range_ok(nbits, start, n))
		return -BM_ERANGE;
	range_apply(map, start, n, false);
	return 0;
}

size_t bm_weight(const uint64_t *map, size_t nbits)
{
	size_t count = 0;

	for (size_t w = 0; w < BM_WORDS(nbits); w++)
		count += bm_popcount64(map[w] & valid_mask(nbits, w));
	return count;
}

size_t bm_weight_range(const uint64_t *map, size_t start, size_t n)
{
	size_t count = 0, w, last;
	uint64_t mask;

	if (n == 0 || start + n < start)
		return 0;
	w = BM__WORD(start);
	last = BM__WORD(start + n - 1);
	mask = BM__FIRST_MASK(start);
	for (; w <= last; w++, mask = ~(uint64_t)0) {
		if (w == last)
			mask &= BM__LAST_MASK(start + n);
		count += bm_popcount64(map[w] & mask);
	}
	return count;
}

/* Do all bits of [start, start + n) equal `value`? The range is valid. */
static bool range_all(const uint64_t *map, size_t start, size_t n, bool value)
{
	uint64_t flip = value ? ~(uint64_t)0 : 0, mask = BM__FIRST_MASK(start);
	size_t w = BM__WORD(start), last = BM__WORD(start + n - 1);

	for (; w <= last; w++, mask = ~(uint64_t)0) {
		if (w == last)
			mask &= BM__LAST_MASK(start + n);
		if ((map[w] ^ flip) & mask)
			return false;
	}
	return true;
}

bool bm_range_is_set(const uint64_t *map, size_t nbits, size_t start, size_t n)
{
	return bm__range_ok(nbits, start, n) && range_all(map, start, n, true);
}

bool bm_range_is_clear(const uint64_t *map, size_t nbits, size_t start, size_t n)
{
	return bm__range_ok(nbits, start, n) && range_all(map, start, n, false);
}

bool bm_empty(const uint64_t *map, size_t nbits)
{
	return nbits == 0 || range_all(map, 0, nbits, false);
}

bool bm_full(const uint64_t *map, size_t nbits)
{
	return nbits == 0 || range_all(map, 0, nbits, true);
}

bool bm_equal(const uint64_t *a, const uint64_t *b, size_t nbits)
{
	for (size_t w = 0; w < BM_WORDS(nbits); w++)
		if ((a[w] ^ b[w]) & valid_mask(nbits, w))
			return false;
	return true;
}

bool bm_subset(const uint64_t *a, const uint64_t *b, size_t nbits)
{
	for (size_t w = 0; w < BM_WORDS(nbits); w++)
		if (a[w] & ~b[w] & valid_mask(nbits, w))
			return false;
	return true;
}

bool bm_intersects(const uint64_t *a, const uint64_t *b, size_t nbits)
{
	for (size_t w = 0; w < BM_WORDS(nbits); w++)
		if (a[w] & b[w] & valid_mask(nbits, w))
			return true;
	return false;
}

bool bm_and(uint64_t *dst, const uint64_t *a, const uint64_t *b, size_t nbits)
{
	uint64_t any = 0;

	for (size_t w = 0; w < BM_WORDS(nbits); w++) {
		dst[w] = a[w] & b[w];
		any |= dst[w] & valid_mask(nbits, w);
	}
	return any != 0;
}

void bm_or(uint64_t *dst, const uint64_t *a, const uint64_t *b, size_t nbits)
{
	for (size_t w = 0; w < BM_WORDS(nbits); w++)
		dst[w] = a[w] | b[w];
}

void bm_xor(uint64_t *dst, const uint64_t *a, const uint64_t *b, size_t nbits)
{
	for (size_t w = 0; w < BM_WORDS(nbits); w++)
		dst[w] = a[w] ^ b[w];
}

bool bm_andnot(uint64_t *dst, const uint64_t *a, const uint64_t *b, size_t nbits)
{
	uint64_t any = 0;

	for (size_t w = 0; w < BM_WORDS(nbits); w++) {
		dst[w] = a[w] & ~b[w];
		any |= dst[w] & valid_mask(nbits, w);
	}
	return any != 0;
}

void bm_complement(uint64_t *dst, const uint64_t *src, size_t nbits)
{
	for (size_t w = 0; w < BM_WORDS(nbits); w++)
		dst[w] = ~src[w] & valid_mask(nbits, w);
}

/*
 * Both shifts move whole words by shift / 64 and splice neighbours by
 * shift % 64. Left walks down and right walks up, so every source word is
 * read before the same index of dst is written: dst may be src.
 */
void bm_shift_left(uint64_t *dst, const uint64_t *src, size_t shift, size_t nbits)
{
	size_t nw = BM_WORDS(nbits), off = shift / 64, rem = shift % 64;

	if (shift >= nbits) {
		bm_zero(dst, nbits);
		return;
	}
	/* Source tail junk only moves up, past nbits, where the mask drops it. */
	for (size_t k = nw; k-- > off;) {
		uint64_t v = src[k - off] << rem;

		if (rem && k > off)
			v |= src[k - off - 1] >> (64 - rem);
		dst[k] = v & valid_mask(nbits, k);
	}
	for (size_t k = 0; k < off; k++)
		dst[k] = 0;
}

void bm_shift_right(uint64_t *dst, const uint64_t *src, size_t shift, size_t nbits)
{
	size_t nw = BM_WORDS(nbits), off = shift / 64, rem = shift % 64;

	if (shift >= nbits) {
		bm_zero(dst, nbits);
		return;
	}
	/* Source tail junk would move down into the map: mask it on the way in. */
	for (size_t k = 0; k + off < nw; k++) {
		uint64_t v = (src[k + off] & valid_mask(nbits, k + off)) >> rem;

		if (rem && k + off + 1 < nw)
			v |= (src[k + off + 1] & valid_mask(nbits, k + off + 1)) << (64 - rem);
		dst[k] = v;
	}
	for (size_t k = nw - off; k < nw; k++)
		dst[k] = 0;
}
