/* SPDX-License-Identifier: MIT */
/* Flat bitmaps over uint64_t words: bits, ranges, searches, runs, atomics, dynamic storage. */
#ifndef BITMAP_BITMAP_H
#define BITMAP_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The contract, once for the whole library:
 *
 * - Storage is an array of uint64_t words; bit i is bit (i % 64) of word
 *   i / 64. A map of nbits bits spans BM_WORDS(nbits) words.
 * - Ranges are half-open: [start, start + n).
 * - Every search returns nbits when nothing is found, including when
 *   start >= nbits. Callers test `result >= nbits` (or `== nbits`).
 * - Bits past nbits in the last word ("tail bits") are don't-care: no
 *   result ever depends on them and no function reads or writes a word
 *   past BM_WORDS(nbits). Whole-map writers store all BM_WORDS(nbits)
 *   words: bm_zero, bm_fill, bm_complement, bm_shift_* leave the tail
 *   zero; bm_copy, bm_and, bm_or, bm_xor, bm_andnot apply their operation
 *   to the source tails as well. Every other writer leaves tails alone.
 * - Bad input never touches memory outside the map: a range with n = 0,
 *   start >= nbits or start + n > nbits (overflow included) returns the
 *   not-found value, false, or a negative error, and changes nothing.
 *   Functions that take no nbits (single-bit ops, bm_set_range,
 *   bm_clear_range, bm_weight_range, bm_{set,clear}_range_atomic) trust
 *   the caller that the bits exist; the _checked variants take nbits and
 *   refuse instead.
 * - Errors are negative: -BM_EINVAL, -BM_ERANGE, -BM_ENOMEM, -BM_EBUSY,
 *   -BM_EOVERFLOW (the Linux errno values).
 * - Locking: only the *_atomic functions may race with each other. Every
 *   other function needs the caller's lock or exclusive ownership of the
 *   map, and must not race with an atomic one on the same words.
 *   Ordering of the atomics: bm_test_atomic is an acquire load;
 *   bm_test_and_set_atomic and bm_claim*_atomic acquire (take a bit);
 *   bm_clear_atomic, bm_set_atomic and bm_release_atomic release (publish
 *   a bit); bm_change_atomic, bm_test_and_{clear,change}_atomic and the
 *   range atomics (bm_*_range*_atomic, per word) are acquire-release;
 *   bm_snapshot_atomic loads each word relaxed. On x86-64 the single-bit
 *   ones are `lock bts/btr/btc`, a full barrier; under TSan and elsewhere,
 *   __atomic builtins (seen by TSan). Code sharing a map between CPUs
 *   reads and writes its words only through these functions.
 * - With BM_DEBUG defined, internal invariants are checked through
 *   bm_assert_fail(), which the kernel or host program provides.
 *
 * Operations, as they read on a single word (bits, n < 64):
 *
 *	bm_test(map, i)			map >> i & 1
 *	bm_set / clear / change(map, i)	map |= 1 << i, &= ~, ^=
 *	bm_assign(map, i, v)		set if v, else clear
 *	bm_test_and_set(map, i)		old = map >> i & 1; map |= 1 << i
 *	bm_zero / fill(map, nbits)	map = 0 / all nbits ones
 *	bm_copy(dst, src, nbits)	dst = src
 *	bm_set_range(map, s, n)		map |= ((1 << n) - 1) << s
 *	bm_clear_range(map, s, n)	map &= ~(((1 << n) - 1) << s)
 *	bm_weight(map, nbits)		popcount(map)
 *	bm_weight_range(map, s, n)	popcount(map & range)
 *	bm_range_is_set / _clear	(map & range) == range / == 0
 *	bm_empty / bm_full		map == 0 / map == all ones
 *	bm_equal(a, b)			a == b
 *	bm_subset(a, b)			(a & ~b) == 0
 *	bm_intersects(a, b)		(a & b) != 0
 *	bm_and / or / xor / andnot	dst = a & b, |, ^, a & ~b
 *	bm_complement(dst, src)		dst = ~src
 *	bm_shift_left / right(d, s, k)	dst = src << k / src >> k
 *	bm_find_first / next		lowest set bit (at or after start)
 *	bm_find_first_zero / next_zero	lowest clear bit (at or after start)
 *	bm_find_last			highest set bit
 *	bm_find_prev / prev_zero	highest set / clear bit below start
 *	bm_find_nth(map, nbits, n)	n-th lowest set bit, from 0
 *	bm_find_next_and / andnot / or	lowest set bit of a & b, a & ~b, a | b
 *	bm_find_next_wrap		lowest set bit >= start, else < start
 *	bm_find_zero_run(map, s, n)	lowest run of n clear bits at or after s
 *	bm_find_zero_run_wrap(m, h, n)	the same from hint h, then below h (RTL)
 *	bm_find_zero_area(...)		the same, aligned (Linux zero_area)
 *	bm_alloc_pow2(m, s, e, n)	set n clear bits, aligned to pow2 >= n (NanoVMs)
 *	bm_find_region(m, order)	set a clear, aligned block of 2^order bits
 *	bm_release_if_set(m, s, n)	clear the range only if it is all set
 *	bm_longest_zero_run		longest run of clear bits
 *	bm_claim_atomic(map, nbits)	atomically set the lowest clear bit
 *	bm_claim_and_atomic(a, b, ...)	atomically clear the lowest bit of a & b
 *	bm_set_range_atomic(m, s, n)	bm_set_range, one atomic OR per word
 *	bm_set_range_if_clear_atomic	the same only if (map & range) == 0
 *	bm_clear_range_if_set_atomic	clear only if (map & range) == range
 *	bm_snapshot_atomic(dst, src, n)	dst = src, each word loaded atomically
 */

#define BM_WORD_BITS		64
/* Words for nbits bits; safe for any size_t (no overflow in the rounding). */
#define BM_WORDS(nbits)		((nbits) / BM_WORD_BITS + ((nbits) % BM_WORD_BITS != 0))
/* Storage for a bitmap of nbits bits (static or on the stack). */
#define BM_DECLARE(name, nbits)	uint64_t name[BM_WORDS(nbits)]

/* Dynamic maps grow in steps of this many bits (NanoVMs ALLOC_EXTEND_BITS). */
#define BM_EXTEND_BITS		4096

#define BM_EINVAL		22
#define BM_ERANGE		34
#define BM_ENOMEM		12
#define BM_EBUSY		16
#define BM_EOVERFLOW		75

#ifdef BM_DEBUG
/* Provided by the program linking the library; may not return. */
void bm_assert_fail(const char *expr, const char *file, int line);
#define BM_ASSERT(e)	((e) ? (void)0 : bm_assert_fail(#e, __FILE__, __LINE__))
#else
#define BM_ASSERT(e)	((void)0)
#endif

/* ------------------------------------------------------------ word helpers */

#define BM__BIT(i)		((uint64_t)1 << ((i) % BM_WORD_BITS))
#define BM__WORD(i)		((i) / BM_WORD_BITS)
/* Bits [i % 64, 64) of a word: the first word of a range starting at i. */
#define BM__FIRST_MASK(i)	(~(uint64_t)0 << ((i) % BM_WORD_BITS))
/* Bits [0, end % 64) of a word, or all of it: the last word of [.., end). */
#define BM__LAST_MASK(end)	(~(uint64_t)0 >> (-(size_t)(end) % BM_WORD_BITS))

/*
 * The paths chosen by __builtin_constant_p of an argument (a constant n
 * or mask) need the call inlined at every optimisation level, or the
 * argument is never seen as constant.
 */
#define BM__CONST_INLINE	__attribute__((always_inline))

/* A constant nbits that fits one word: the inline paths below apply. */
#define BM__SMALL(nbits) \
	(__builtin_constant_p(nbits) && (nbits) > 0 && (nbits) <= BM_WORD_BITS)

/* True if [start, start + n) is a non-empty range inside [0, nbits). */
static inline bool bm__range_ok(size_t nbits, size_t start, size_t n)
{
	return n != 0 && start < nbits && n <= nbits - start;
}

/* Index of the lowest set bit of w, which is not 0. */
static inline size_t bm__ffs64(uint64_t w)
{
	/* Via unsigned: the index zero-extends for free instead of sign-extending. */
	return (unsigned)__builtin_ctzll(w);
}

/* Index of the highest set bit of w, which is not 0. */
static inline size_t bm__fls64(uint64_t w)
{
	return 63 - (unsigned)__builtin_clzll(w);
}

/* Number of set bits in w; no libgcc call where popcnt is unavailable. */
static inline unsigned bm_popcount64(uint64_t w)
{
#ifdef __POPCNT__
	return (unsigned)__builtin_popcountll(w);
#else
	w -= (w >> 1) & 0x5555555555555555ull;
	w = (w & 0x3333333333333333ull) + ((w >> 2) & 0x3333333333333333ull);
	w = (w + (w >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (unsigned)((w * 0x0101010101010101ull) >> 56);
#endif
}

/* ------------------------------------------------------------ single bits */
/* The caller guarantees i < nbits; none of these is atomic. */

/* Is bit i set? */
static inline bool bm_test(const uint64_t *map, size_t i)
{
	return (map[BM__WORD(i)] >> (i % BM_WORD_BITS)) & 1;
}

/* Set bit i. */
static inline void bm_set(uint64_t *map, size_t i)
{
	map[BM__WORD(i)] |= BM__BIT(i);
}

/* Clear bit i. */
static inline void bm_clear(uint64_t *map, size_t i)
{
	map[BM__WORD(i)] &= ~BM__BIT(i);
}

/* Flip bit i. */
static inline void bm_change(uint64_t *map, size_t i)
{
	map[BM__WORD(i)] ^= BM__BIT(i);
}

/* Set bit i if v, else clear it. */
static inline void bm_assign(uint64_t *map, size_t i, bool v)
{
	uint64_t *w = &map[BM__WORD(i)];

	*w = (*w & ~BM__BIT(i)) | ((uint64_t)v << (i % BM_WORD_BITS));
}

/* Set bit i; was it set before? */
static inline bool bm_test_and_set(uint64_t *map, size_t i)
{
	bool old = bm_test(map, i);

	bm_set(map, i);
	return old;
}

/* Clear bit i; was it set before? */
static inline bool bm_test_and_clear(uint64_t *map, size_t i)
{
	bool old = bm_test(map, i);

	bm_clear(map, i);
	return old;
}

/* Flip bit i; was it set before? */
static inline bool bm_test_and_change(uint64_t *map, size_t i)
{
	bool old = bm_test(map, i);

	bm_change(map, i);
	return old;
}

/* Is bit i set? False when i >= nbits. */
static inline bool bm_test_checked(const uint64_t *map, size_t nbits, size_t i)
{
	return i < nbits && bm_test(map, i);
}

/* Set bit i: 0, or -BM_ERANGE (nothing written) when i >= nbits. */
static inline int bm_set_checked(uint64_t *map, size_t nbits, size_t i)
{
	if (i >= nbits)
		return -BM_ERANGE;
	bm_set(map, i);
	return 0;
}

/* Clear bit i: 0, or -BM_ERANGE (nothing written) when i >= nbits. */
static inline int bm_clear_checked(uint64_t *map, size_t nbits, size_t i)
{
	if (i >= nbits)
		return -BM_ERANGE;
	bm_clear(map, i);
	return 0;
}

/* ------------------------------------------------------------ atomic bits */

#include <bitmap/atomic.h>

/* ------------------------------------------------------------ whole maps */

/* Zero the map (bm_init is the same, named for first use of storage). */
void bm_zero(uint64_t *map, size_t nbits);
/* Prepare caller storage for use: all nbits bits clear. */
void bm_init(uint64_t *map, size_t nbits);
/* Set bits [0, nbits); the tail is left zero. */
void bm_fill(uint64_t *map, size_t nbits);
/* dst = src, whole words (tail bits copied as they are). */
void bm_copy(uint64_t *dst, const uint64_t *src, size_t nbits);

/* Out-of-line bodies of bm_set_range / bm_clear_range. */
void bm__set_range(uint64_t *map, size_t start, size_t n);
void bm__clear_range(uint64_t *map, size_t start, size_t n);

/*
 * A constant n of 1 to 64 bits whose range stays inside start's word
 * (always for n = 1; for an allocator's aligned n, whenever the alignment
 * keeps it there): its bits, as a mask of that word; else 0, and the
 * range goes out of line. A range wrapping past SIZE_MAX is 0 too, as
 * out of line it writes nothing.
 */
static inline BM__CONST_INLINE uint64_t bm__word_range(size_t start, size_t n)
{
	if (!__builtin_constant_p(n) || n == 0 || n > BM_WORD_BITS ||
	    start % BM_WORD_BITS + n > BM_WORD_BITS || start + n < start)
		return 0;
	return (~(uint64_t)0 >> (BM_WORD_BITS - n)) << (start % BM_WORD_BITS);
}

/* Set [start, start + n); the caller guarantees start + n <= nbits. */
static inline BM__CONST_INLINE void bm_set_range(uint64_t *map, size_t start, size_t n)
{
	uint64_t m = bm__word_range(start, n);

	if (__builtin_constant_p(n) && m)
		map[BM__WORD(start)] |= m;
	else
		bm__set_range(map, start, n);
}

/* Clear [start, start + n); the caller guarantees start + n <= nbits. */
static inline BM__CONST_INLINE void bm_clear_range(uint64_t *map, size_t start, size_t n)
{
	uint64_t m = bm__word_range(start, n);

	if (__builtin_constant_p(n) && m)
		map[BM__WORD(start)] &= ~m;
	else
		bm__clear_range(map, start, n);
}
/* Set [start, start + n): 0, or -BM_ERANGE (nothing written) if outside nbits or n = 0. */
int bm_set_range_checked(uint64_t *map, size_t nbits, size_t start, size_t n);
/* Clear [start, start + n): 0, or -BM_ERANGE (nothing written) if outside nbits or n = 0. */
int bm_clear_range_checked(uint64_t *map, size_t nbits, size_t start, size_t n);

/* How many of bits [0, nbits) are set? */
size_t bm_weight(const uint64_t *map, size_t nbits);
/* How many of bits [start, start + n) are set? The caller guarantees they exist. */
size_t bm_weight_range(const uint64_t *map, size_t start, size_t n);
/* Are all of [start, start + n) set? False if n = 0 or the range leaves nbits. */
bool bm_range_is_set(const uint64_t *map, size_t nbits, size_t start, size_t n);
/* Are all of [start, start + n) clear? False if n = 0 or the range leaves nbits. */
bool bm_range_is_clear(const uint64_t *map, size_t nbits, size_t start, size_t n);

/* Is no bit set? (True for nbits = 0.) */
bool bm_empty(const uint64_t *map, size_t nbits);
/* Is every bit set? (True for nbits = 0.) */
bool bm_full(const uint64_t *map, size_t nbits);
/* Do a and b hold the same bits? */
bool bm_equal(const uint64_t *a, const uint64_t *b, size_t nbits);
/* Is every bit of a also set in b? */
bool bm_subset(const uint64_t *a, const uint64_t *b, size_t nbits);
/* Do a and b share a set bit? */
bool bm_intersects(const uint64_t *a, const uint64_t *b, size_t nbits);

/* The binary operations accept dst == a and/or dst == b (exact aliasing). */
/* dst = a & b; is the result non-empty? */
bool bm_and(uint64_t *dst, const uint64_t *a, const uint64_t *b, size_t nbits);
/* dst = a | b. */
void bm_or(uint64_t *dst, const uint64_t *a, const uint64_t *b, size_t nbits);
/* dst = a ^ b. */
void bm_xor(uint64_t *dst, const uint64_t *a, const uint64_t *b, size_t nbits);
/* dst = a & ~b; is the result non-empty? */
bool bm_andnot(uint64_t *dst, const uint64_t *a, const uint64_t *b, size_t nbits);
/* dst = ~src over [0, nbits); the tail is left zero. dst may be src. */
void bm_complement(uint64_t *dst, const uint64_t *src, size_t nbits);
/* dst bit i + shift = src bit i; low bits and the tail zero. dst may be src. */
void bm_shift_left(uint64_t *dst, const uint64_t *src, size_t shift, size_t nbits);
/* dst bit i = src bit i + shift; high bits and the tail zero. dst may be src. */
void bm_shift_right(uint64_t *dst, const uint64_t *src, size_t shift, size_t nbits);

/* ------------------------------------------------------------ searches */
/* Out-of-line bodies: the lowest set (clear) bit in the words after word w, or nbits. */
size_t bm__find_next_word(const uint64_t *map, size_t nbits, size_t w);
size_t bm__find_next_zero_word(const uint64_t *map, size_t nbits, size_t w);
size_t bm__find_last(const uint64_t *map, size_t nbits);

/*
 * bm_find_next{,_zero}: start's word is searched inline; only an exhausted
 * word goes out of line. In a loop of searches, each from the last answer
 * plus one, the time per search is the chain from an answer through the
 * load of the next word to the next answer. That chain holds no branch
 * that random bits defeat: the mask of the bits from start (and below
 * nbits, in the last word) is made beside the load, and the answer is the
 * lowest bit under it.
 *
 * One shortcut is taken where it is nearly always right: if the
 * BM__PROBE_BITS bits from start (those left in the word, if fewer) are
 * all wanted, the answer is start, known before the load completes. Maps
 * made of runs take it inside each run, and a search for a clear bit in a
 * sparse map nearly always; in random bits it is taken once in 2^6 and
 * mispredicted about that often.
 */
#define BM__PROBE_BITS		6

static inline size_t bm__find_next_inline(const uint64_t *map, size_t nbits, size_t start,
					  bool zero)
{
	size_t w = BM__WORD(start);
	/* The shift drops the probe's bits past the word: those count as wanted. */
	uint64_t probe = (((uint64_t)1 << BM__PROBE_BITS) - 1) << (start % BM_WORD_BITS);
	uint64_t v, mask;

	if (start >= nbits)
		return nbits;
	v = zero ? ~map[w] : map[w];
	if (!(~v & probe))
		return start;
	/* BM__FIRST_MASK(start) without a second shift: -probe keeps its lowest bit, flips the rest. */
	mask = probe | -probe;
	if (__builtin_expect(w == BM__WORD(nbits - 1), 0))
		mask &= BM__LAST_MASK(nbits);
	v &= mask;
	if (v)
		return w * BM_WORD_BITS + bm__ffs64(v);
	if (BM__SMALL(nbits))
		return nbits;
	return zero ? bm__find_next_zero_word(map, nbits, w) : bm__find_next_word(map, nbits, w);
}

/* Lowest set bit at or after start, or nbits. */
static inline size_t bm_find_next(const uint64_t *map, size_t nbits, size_t start)
{
	return bm__find_next_inline(map, nbits, start, false);
}

/* Lowest set bit, or nbits. */
static inline size_t bm_find_first(const uint64_t *map, size_t nbits)
{
	return bm_find_next(map, nbits, 0);
}

/* Lowest clear bit at or after start, or nbits. */
static inline size_t bm_find_next_zero(const uint64_t *map, size_t nbits, size_t start)
{
	return bm__find_next_inline(map, nbits, start, true);
}

/* Lowest clear bit, or nbits. */
static inline size_t bm_find_first_zero(const uint64_t *map, size_t nbits)
{
	return bm_find_next_zero(map, nbits, 0);
}

/* Highest set bit, or nbits. */
static inline size_t bm_find_last(const uint64_t *map, size_t nbits)
{
	if (BM__SMALL(nbits)) {
		uint64_t w = map[0] & BM__LAST_MASK(nbits);

		return w ? bm__fls64(w) : nbits;
	}
	return bm__find_last(map, nbits);
}

/* Highest set bit below start (start > nbits counts as nbits), or nbits. */
size_t bm_find_prev(const uint64_t *map, size_t nbits, size_t start);
/* Highest clear bit below start (start > nbits counts as nbits), or nbits. */
size_t bm_find_prev_zero(const uint64_t *map, size_t nbits, size_t start);
/* The n-th lowest set bit, counting from 0, or nbits if fewer are set. */
size_t bm_find_nth(const uint64_t *map, size_t nbits, size_t n);
/* Lowest bit at or after start set in both a and b, or nbits. */
size_t bm_find_next_and(const uint64_t *a, const uint64_t *b, size_t nbits, size_t start);
/* Lowest bit at or after start set in a and clear in b, or nbits. */
size_t bm_find_next_andnot(const uint64_t *a, const uint64_t *b, size_t nbits, size_t start);
/* Lowest bit at or after start set in a or in b, or nbits. */
size_t bm_find_next_or(const uint64_t *a, const uint64_t *b, size_t nbits, size_t start);
/* Lowest set bit in [start, nbits), else in [0, start), or nbits (start >= nbits: from 0). */
size_t bm_find_next_wrap(const uint64_t *map, size_t nbits, size_t start);

/* ------------------------------------------------------------ iteration */
/*
 * bm_for_each_set/clear keep their place as a word and the mask of its
 * bits not yet visited, so a step is a few ALU operations on the mask
 * instead of a search that waits for the index of the previous one. The
 * word is re-read at every step: what the body writes is seen, just as
 * with a search per bit.
 */
struct bm__iter {
	size_t pos;		/* the current bit; >= nbits at the end */
	size_t w;		/* its word */
	uint64_t ahead;		/* the bits of word w above pos */
};

/* The iterator at the first wanted bit at or after from. */
static inline struct bm__iter bm__iter_at(const uint64_t *map, size_t nbits, size_t from,
					  bool zero)
{
	struct bm__iter it;

	it.pos = bm__find_next_inline(map, nbits, from, zero);
	it.w = BM__WORD(it.pos);
	it.ahead = ~(uint64_t)1 << (it.pos % BM_WORD_BITS);
	return it;
}

/* Move it to the next wanted bit after it->pos < nbits (or past nbits). */
static inline void bm__iter_next(struct bm__iter *it, const uint64_t *map, size_t nbits,
				 bool zero)
{
	uint64_t v = (zero ? ~map[it->w] : map[it->w]) & it->ahead;
	size_t i;

	if (!v) {
		i = zero ? bm__find_next_zero_word(map, nbits, it->w)
			 : bm__find_next_word(map, nbits, it->w);
		it->pos = i;
		it->w = BM__WORD(i);
		it->ahead = ~(uint64_t)1 << (i % BM_WORD_BITS);
		return;
	}
	/* The bits above v's lowest: ~v and v - 1 are computed side by side. */
	it->ahead = ~v ^ (v - 1);
	/* May be a tail bit, >= nbits: the loop test ends there and stores nbits. */
	it->pos = it->w * BM_WORD_BITS + bm__ffs64(v);
}

#define bm__for_each(i, map, nbits, from, zero)					\
	for (struct bm__iter bm__it = bm__iter_at((map), (nbits), (from), (zero));	\
	     bm__it.pos < (nbits) ? ((i) = bm__it.pos, true) : ((i) = (nbits), false);	\
	     bm__iter_next(&bm__it, (map), (nbits), (zero)))

/* i (size_t) takes each set bit in increasing order; the body may change bits, not i. */
#define bm_for_each_set(i, map, nbits)		bm__for_each(i, map, nbits, 0, false)
/* As bm_for_each_set, starting at the current value of i. */
#define bm_for_each_set_from(i, map, nbits)	bm__for_each(i, map, nbits, (i), false)
/* i takes each clear bit in increasing order. */
#define bm_for_each_clear(i, map, nbits)	bm__for_each(i, map, nbits, 0, true)
/* As bm_for_each_clear, starting at the current value of i. */
#define bm_for_each_clear_from(i, map, nbits)	bm__for_each(i, map, nbits, (i), true)

/* [rs, re) takes each maximal run of set bits in increasing order. */
#define bm_for_each_run(rs, re, map, nbits)					\
	for ((rs) = bm_find_first((map), (nbits)),				\
	     (re) = bm_find_next_zero((map), (nbits), (rs));			\
	     (rs) < (nbits);							\
	     (rs) = bm_find_next((map), (nbits), (re)),				\
	     (re) = bm_find_next_zero((map), (nbits), (rs)))

/* As bm_for_each_run, from the current value of rs (a run may start mid-way). */
#define bm_for_each_run_from(rs, re, map, nbits)				\
	for ((rs) = bm_find_next((map), (nbits), (rs)),				\
	     (re) = bm_find_next_zero((map), (nbits), (rs));			\
	     (rs) < (nbits);							\
	     (rs) = bm_find_next((map), (nbits), (re)),				\
	     (re) = bm_find_next_zero((map), (nbits), (rs)))

/* [rs, re) takes each maximal run of clear bits in increasing order. */
#define bm_for_each_clear_run(rs, re, map, nbits)				\
	for ((rs) = bm_find_first_zero((map), (nbits)),				\
	     (re) = bm_find_next((map), (nbits), (rs));				\
	     (rs) < (nbits);							\
	     (rs) = bm_find_next_zero((map), (nbits), (re)),			\
	     (re) = bm_find_next((map), (nbits), (rs)))

/* As bm_for_each_clear_run, from the current value of rs. */
#define bm_for_each_clear_run_from(rs, re, map, nbits)				\
	for ((rs) = bm_find_next_zero((map), (nbits), (rs)),			\
	     (re) = bm_find_next((map), (nbits), (rs));				\
	     (rs) < (nbits);							\
	     (rs) = bm_find_next_zero((map), (nbits), (re)),			\
	     (re) = bm_find_next((map), (nbits), (rs)))

/* ------------------------------------------------------------ runs */

struct bm_run {
	size_t start;
	size_t len;
};

/* First index >= start of n clear bits in a row (no wrap), or nbits (also for n = 0). */
size_t bm_find_zero_run(const uint64_t *map, size_t nbits, size_t start, size_t n);
/* First index >= start of n set bits in a row (no wrap), or nbits (also for n = 0). */
size_t bm_find_set_run(const uint64_t *map, size_t nbits, size_t start, size_t n);
/*
 * n clear bits in a row, RTL style: the first run starting in [hint, nbits),
 * else the first starting below hint (so a run crossing hint is found);
 * hint >= nbits counts as 0. Returns its index, or nbits.
 */
size_t bm_find_zero_run_wrap(const uint64_t *map, size_t nbits, size_t hint, size_t n);
/* As bm_find_zero_run_wrap, for n set bits. */
size_t bm_find_set_run_wrap(const uint64_t *map, size_t nbits, size_t hint, size_t n);
/* bm_find_zero_run_wrap, then set the run. Returns its index, or nbits (map unchanged). */
size_t bm_find_zero_run_and_set(uint64_t *map, size_t nbits, size_t hint, size_t n);
/* bm_find_set_run_wrap, then clear the run. Returns its index, or nbits (map unchanged). */
size_t bm_find_set_run_and_clear(uint64_t *map, size_t nbits, size_t hint, size_t n);

/*
 * Lowest index >= start of n clear bits with (index + align_offset) a
 * multiple of align_mask + 1 (align_mask is 2^k - 1), or nbits. The Linux
 * bitmap_find_next_zero_area_off rule, except for the not-found value.
 */
/* Out-of-line body of bm_find_zero_area. */
size_t bm__find_zero_area(const uint64_t *map, size_t nbits, size_t start, size_t n,
			  size_t align_mask, size_t align_offset);

/*
 * Bits b of c with c's bits [b, b + n) all set, 1 <= n <= 64 constant:
 * each step c &= c >> s makes bit b stand for s more bits (doubling, then
 * the rest). Bits above the word count as clear.
 */
static inline BM__CONST_INLINE uint64_t bm__run_starts(uint64_t c, size_t n)
{
	size_t have = 1;

	for (int k = 0; k < 6; k++) {
		if (n >= 2 * have) {
			c &= c >> have;
			have *= 2;
		}
	}
	if (n > have)
		c &= c >> (n - have);
	return c;
}

/* Is (n, align_mask) a constant pair that the inline area search takes? */
#define BM__AREA_INLINE(n, align_mask)						\
	(__builtin_constant_p(n) && __builtin_constant_p(align_mask) && (n) != 0 &&	\
	 (n) <= BM_WORD_BITS && (align_mask) < BM_WORD_BITS &&			\
	 ((align_mask) & ((align_mask) + 1)) == 0)

/*
 * The starts of aligned runs of n clear bits inside start's word, from
 * start on: its clear bits shrunk by bm__run_starts, at the aligned
 * positions. A run crossing into the next word starts above all of them,
 * so the lowest one is the lowest answer in the word.
 */
static inline BM__CONST_INLINE uint64_t bm__area_hits(const uint64_t *map, size_t start, size_t n,
				     size_t align_mask, size_t align_offset)
{
	uint64_t c = bm__run_starts(~map[BM__WORD(start)] & BM__FIRST_MASK(start), n);

	/* Aligned positions: every (align_mask + 1)-th bit, from the first aligned one. */
	return c & (~(uint64_t)0 / (~(uint64_t)0 >> (63 - align_mask)))
			   << ((0 - align_offset) & align_mask);
}

/*
 * A constant n of 1 to 64 with a constant align_mask of 2^k - 1 < 64 (an
 * allocator's fixed size): start's word is searched inline
 * (bm__area_hits); its lowest hit is the answer, or nbits if it does not
 * fit below nbits (later ones fit less). Only a word with no hit goes out
 * of line.
 */
static inline BM__CONST_INLINE size_t bm_find_zero_area(const uint64_t *map, size_t nbits, size_t start,
				       size_t n, size_t align_mask, size_t align_offset)
{
	size_t i;
	uint64_t c;

	if (!BM__AREA_INLINE(n, align_mask))
		return bm__find_zero_area(map, nbits, start, n, align_mask, align_offset);
	if (start >= nbits)
		return nbits;
	c = bm__area_hits(map, start, n, align_mask, align_offset);
	if (c) {
		i = BM__WORD(start) * BM_WORD_BITS + bm__ffs64(c);
		return i < nbits && nbits - i >= n ? i : nbits;
	}
	/* One bit, unaligned: the lowest clear bit of the words after start's. */
	if (n == 1 && align_mask == 0)
		return bm__find_next_zero_word(map, nbits, BM__WORD(start));
	return bm__find_zero_area(map, nbits, start, n, align_mask, align_offset);
}

/*
 * NanoVMs allocation: n clear bits inside [start, end), at an index whose
 * distance from start is a multiple of the next power of two >= n; set
 * those n bits (only n) and return the index, or nbits (map unchanged).
 * end > nbits counts as nbits.
 */
size_t bm__alloc_pow2(uint64_t *map, size_t nbits, size_t start, size_t end, size_t n);
static inline BM__CONST_INLINE size_t bm_alloc_pow2(uint64_t *map, size_t nbits, size_t start, size_t end,
				   size_t n)
{
	size_t mask, i;

	/* A constant n <= 64: the search and the write inline (bm_find_zero_area, bm_set_range). */
	if (!__builtin_constant_p(n) || n == 0 || n > BM_WORD_BITS)
		return bm__alloc_pow2(map, nbits, start, end, n);
	if (end > nbits)
		end = nbits;
	if (start >= end || n > end - start)
		return nbits;
	/* Next power of two >= n, less one. */
	mask = n == 1 ? 0 : ~(size_t)0 >> __builtin_clzll(n - 1);
	/* (i - start) aligned is (i + (-start)) aligned. */
	i = bm_find_zero_area(map, end, start, n, mask, 0 - start);
	if (i >= end)
		return nbits;
	bm_set_range(map, i, n);
	return i;
}

/* Find a clear, naturally aligned block of 2^order bits, set it, return its index; or nbits. */
size_t bm_find_region(uint64_t *map, size_t nbits, unsigned order);
/* Set the block of 2^order bits at pos: 0, -BM_EBUSY if any is set, -BM_EINVAL if misaligned or outside. */
int bm_alloc_region(uint64_t *map, size_t nbits, size_t pos, unsigned order);
/* Clear the block of 2^order bits at pos: 0, or -BM_EINVAL if misaligned or outside. */
int bm_release_region(uint64_t *map, size_t nbits, size_t pos, unsigned order);
/* Clear [start, start + n) only if all are set: 0, -BM_ERANGE if outside/empty, -BM_EINVAL if a bit is clear. */
int bm__release_if_set(uint64_t *map, size_t nbits, size_t start, size_t n);
static inline BM__CONST_INLINE int bm_release_if_set(uint64_t *map, size_t nbits, size_t start, size_t n)
{
	uint64_t m = bm__word_range(start, n);

	/* A constant n inside start's word: one test and one write. */
	if (!__builtin_constant_p(n) || !m)
		return bm__release_if_set(map, nbits, start, n);
	if (!bm__range_ok(nbits, start, n))
		return -BM_ERANGE;
	if ((map[BM__WORD(start)] & m) != m)
		return -BM_EINVAL;
	map[BM__WORD(start)] &= ~m;
	return 0;
}

/* Longest clear run (the lowest of equals): its length, *start its index; 0 and nbits if none. */
size_t bm_longest_zero_run(const uint64_t *map, size_t nbits, size_t *start);
/* Clear run from the first clear bit at or after from: its length and *start; 0 and nbits if none. */
size_t bm_next_zero_run(const uint64_t *map, size_t nbits, size_t from, size_t *start);
/*
 * Last clear run in [0, from), cut at from: its length and *start; 0 and
 * nbits if none. from > nbits counts as nbits.
 */
size_t bm_prev_zero_run(const uint64_t *map, size_t nbits, size_t from, size_t *start);
/*
 * Fill runs[0..n) with clear runs and return how many: the first ones in
 * index order, or with longest the n longest of the whole map, longest
 * first (equal lengths by index).
 */
size_t bm_zero_runs(const uint64_t *map, size_t nbits, struct bm_run *runs, size_t n,
		    bool longest);

/* ------------------------------------------------------------ claiming (SMP) */

/* Atomically take the lowest clear bit (acquire): its index, or nbits if full. */
size_t bm_claim_atomic(uint64_t *map, size_t nbits);
/* Atomically take a clear bit, the first at or after hint, wrapping; or nbits if full. */
size_t bm_claim_from_atomic(uint64_t *map, size_t nbits, size_t hint);
/* Give back bit i taken by a claim (release). */
static inline void bm_release_atomic(uint64_t *map, size_t i)
{
	bm_clear_atomic(map, i);
}
/*
 * Atomically take a bit set in both map and allow, the first at or after
 * hint, wrapping (hint >= nbits counts as 0), by clearing it in map: its
 * index, or nbits if there is none. Others may set and clear bits of map
 * meanwhile; allow is read plainly and must not change. A race lost to
 * another claimer of the same bit is retried, and counted in *lost (may
 * be NULL). Idle-CPU masks: map is the idle mask, allow an affinity.
 */
size_t bm_claim_and_atomic(uint64_t *map, const uint64_t *allow, size_t nbits, size_t hint,
			   size_t *lost);

/* ------------------------------------------------------------ atomic ranges (SMP) */
/*
 * Range writers for maps that others change with atomics: one atomic
 * read-modify-write per word, so a racing bm_*_atomic on another bit of a
 * shared word is never lost. A range is not one atomic step: others may
 * see some of its words written before the rest. As with bm_set_range, an
 * empty range (n = 0) or one that wraps past SIZE_MAX changes nothing;
 * the plain writers then return true.
 */

/* Set [start, start + n); true if none of those bits was set before. */
bool bm_set_range_atomic(uint64_t *map, size_t start, size_t n);
/* Clear [start, start + n); true if all of those bits were set before. */
bool bm_clear_range_atomic(uint64_t *map, size_t start, size_t n);
/*
 * All or nothing: set [start, start + n) only if every bit of it was
 * clear. 0; -BM_ERANGE if the range is empty or leaves nbits (nothing
 * written); -BM_EBUSY with *conflict the lowest bit that was already set,
 * every bit of the map back as it was. The words are written in order and
 * a conflict found in a later one undoes the earlier ones, so a racer may
 * see bits of the range set for a moment (and fail where it could have won).
 */
int bm_set_range_if_clear_atomic(uint64_t *map, size_t nbits, size_t start, size_t n,
				 size_t *conflict);
/* As bm_set_range_if_clear_atomic, clearing a range that is all set: -BM_EINVAL at a clear bit. */
int bm_clear_range_if_set_atomic(uint64_t *map, size_t nbits, size_t start, size_t n,
				 size_t *conflict);

/*
 * dst = src over BM_WORDS(nbits) words (tail bits copied as they are),
 * each word read with a relaxed atomic load: a private copy of a map that
 * others change atomically, for the ordinary searches and counts. Each
 * word is as it was at some moment of the call, not all at the same one.
 */
void bm_snapshot_atomic(uint64_t *dst, const uint64_t *src, size_t nbits);

/* ------------------------------------------------------------ dynamic storage */

/* A caller's allocator; free gets the size that alloc was asked for. */
struct bm_alloc {
	void *(*alloc)(void *ctx, size_t bytes);
	void (*free)(void *ctx, void *p, size_t bytes);
	void *ctx;
};

struct bm_dyn {
	uint64_t *words;	/* capacity_bits / 64 words; bits past nbits are tail bits */
	size_t nbits;		/* bits in use: the size every search takes */
	size_t capacity_bits;	/* a multiple of 64 */
	const struct bm_alloc *a;
	bool wrapped;		/* words belong to the caller (bm_dyn_wrap) */
};

/* A zeroed map of nbits bits (capacity rounded up to whole words), or NULL. */
struct bm_dyn *bm_dyn_create(const struct bm_alloc *a, size_t nbits);
/* Free d and its words (not wrapped caller words). d may be NULL. */
void bm_dyn_free(struct bm_dyn *d);
/* Make bit `bit` exist (capacity in steps of BM_EXTEND_BITS, new bits clear): 0 or -BM_ENOMEM. */
int bm_dyn_extend(struct bm_dyn *d, size_t bit);
/* A new map with d's bits, on d's allocator, or NULL. */
struct bm_dyn *bm_dyn_clone(const struct bm_dyn *d);
/* Make dst hold exactly src's bits (growing dst): 0 or -BM_ENOMEM (dst unchanged). */
int bm_dyn_copy(struct bm_dyn *dst, const struct bm_dyn *src);
/* A handle over caller words of nbits bits (they are not cleared), or NULL. */
struct bm_dyn *bm_dyn_wrap(const struct bm_alloc *a, uint64_t *words, size_t nbits);
/* Free only the handle and return the words, now the caller's (from d->a if d grew). */
uint64_t *bm_dyn_unwrap(struct bm_dyn *d);
/* Is bit i set? False past the end. */
bool bm_dyn_test(const struct bm_dyn *d, size_t i);
/* Set bit i to v, extending d when i is past the end: 0 or -BM_ENOMEM. */
int bm_dyn_assign(struct bm_dyn *d, size_t i, bool v);

#endif /* BITMAP_BITMAP_H */
