// SPDX-License-Identifier: MIT
/* Atomic ranges and snapshots: one atomic read-modify-write or load per word. */
#include <bitmap/bitmap.h>

/* The bits of word w inside [start, end), end > start. */
static uint64_t range_mask(size_t w, size_t start, size_t end)
{
	uint64_t mask = ~(uint64_t)0;

	if (w == BM__WORD(start))
		mask &= BM__FIRST_MASK(start);
	if (w == BM__WORD(end - 1))
		mask &= BM__LAST_MASK(end);
	return mask;
}

/* Set (or clear) the bits of mask in word w, atomically; the bits of mask that already were. */
static uint64_t write_word(uint64_t *map, size_t w, uint64_t mask, bool set)
{
	uint64_t old = set ? __atomic_fetch_or(&map[w], mask, __ATOMIC_ACQ_REL)
			   : __atomic_fetch_and(&map[w], ~mask, __ATOMIC_ACQ_REL);

	return (set ? old : ~old) & mask;
}

/*
 * Set (or clear) [start, end), end > start, a word at a time. Returns the
 * lowest bit that already was, or end. all_or_nothing stops at the first
 * word holding one and writes back what this call changed: in that word
 * only the bits it changed, and the earlier words whole.
 */
static size_t range_write(uint64_t *map, size_t start, size_t end, bool set, bool all_or_nothing)
{
	size_t conflict = end;

	for (size_t w = BM__WORD(start); w <= BM__WORD(end - 1); w++) {
		uint64_t mask = range_mask(w, start, end);
		uint64_t already = write_word(map, w, mask, set);

		if (!already)
			continue;
		if (conflict == end)
			conflict = w * BM_WORD_BITS + bm__ffs64(already);
		if (all_or_nothing) {
			write_word(map, w, mask & ~already, !set);
			if (start < w * BM_WORD_BITS)
				range_write(map, start, w * BM_WORD_BITS, !set, false);
			break;
		}
	}
	return conflict;
}

/* Plain range writers: as bm_set_range, empty and overflowing ranges change nothing. */
static bool range_write_all(uint64_t *map, size_t start, size_t n, bool set)
{
	if (n == 0 || start + n < start)
		return true;
	return range_write(map, start, start + n, set, false) == start + n;
}

bool bm_set_range_atomic(uint64_t *map, size_t start, size_t n)
{
	return range_write_all(map, start, n, true);
}

bool bm_clear_range_atomic(uint64_t *map, size_t start, size_t n)
{
	return range_write_all(map, start, n, false);
}

/* The all-or-nothing writers: 0, -BM_ERANGE, or err with *conflict. */
static int range_write_if(uint64_t *map, size_t nbits, size_t start, size_t n, bool set,
			  int err, size_t *conflict)
{
	size_t at;

	if (!bm__range_ok(nbits, start, n))
		return -BM_ERANGE;
	at = range_write(map, start, start + n, set, true);
	if (at == start + n)
		return 0;
	*conflict = at;
	return -err;
}

int bm_set_range_if_clear_atomic(uint64_t *map, size_t nbits, size_t start, size_t n,
				 size_t *conflict)
{
	return range_write_if(map, nbits, start, n, true, BM_EBUSY, conflict);
}

int bm_clear_range_if_set_atomic(uint64_t *map, size_t nbits, size_t start, size_t n,
				 size_t *conflict)
{
	return range_write_if(map, nbits, start, n, false, BM_EINVAL, conflict);
}

void bm_snapshot_atomic(uint64_t *dst, const uint64_t *src, size_t nbits)
{
	for (size_t w = 0; w < BM_WORDS(nbits); w++)
		dst[w] = bm__load_word_relaxed(src, w);
}
