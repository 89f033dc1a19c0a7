/* SPDX-License-Identifier: MIT */
/* The Linux bitmap dialect (bitops.h, find.h, bitmap.h) as inline wrappers over <bitmap/bitmap.h>. */
#ifndef BITMAP_COMPAT_LINUX_H
#define BITMAP_COMPAT_LINUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bitmap/bitmap.h>
#include <bitmap/list.h>

/*
 * Code written against Linux's bitmap API compiles here unchanged:
 *
 *	DECLARE_BITMAP(map, 128);		unsigned long map[2]
 *	set_bit / clear_bit / change_bit	atomic, no ordering (relaxed)
 *	__set_bit / __clear_bit / __change_bit	plain; __assign_bit, assign_bit
 *	test_and_{set,clear,change}_bit		atomic, fully ordered
 *	__test_and_{set,clear,change}_bit	plain
 *	test_and_set_bit_lock / clear_bit_unlock	acquire / release
 *	find_*_bit(map, size, offset)		not found: size
 *	for_each_{set,clear}_bit{,_from}, for_each_{set,clear}_bitrange{,_from},
 *	for_each_set_bit_wrap, for_each_set_clump8
 *	bitmap_*(..., nbits)			whole-map and range operations,
 *						read/write of up to 64 bits,
 *						arr32/arr64, cut, gather/scatter
 *	bitmap_parselist / bitmap_parse		list and hex text in
 *	bitmap_print_*, bitmap_scnlistprintf	list and hex text out
 *
 * Linux's contract holds (include/linux/bitmap.h, lib/bitmap.c,
 * lib/find_bit.c): a failed search (and offset >= size) returns size;
 * bits past nbits in the last word are don't-care; bitmap_zero,
 * bitmap_fill and bitmap_copy write whole words, BITS_TO_LONGS(nbits) of
 * them, tail bits included, and nothing past them (nbits == 0 writes
 * nothing); a constant nbits <= BITS_PER_LONG takes the one-word inline
 * path (small_const_nbits), so such calls fold to constants. Numbers in
 * lists are unsigned int: a larger one is -EOVERFLOW where it is read.
 *
 * Where this dialect deliberately differs from Linux, it is safer:
 * - bitmap_parselist and bitmap_parse leave the map unchanged on error
 *   (Linux has already zeroed it and set the regions before the bad one).
 * - bitmap_parselist wants a separator or the end after a region: Linux
 *   reads "0-7:1/2N" as two regions, setbit says -EINVAL. The text ends
 *   at the first newline (Linux reads on past a newline that follows a
 *   separator), and 0xa0 (a blank in Linux's Latin-1 ctype) is no
 *   separator. A region ending at UINT_MAX ("4294967295", or "N" and
 *   "all" on a 0-bit map) is -ERANGE, where Linux's unsigned arithmetic
 *   wraps and says -EINVAL.
 * - bitmap_allocate_region refuses a misaligned pos with -EINVAL.
 * - bitmap_find_next_zero_area with nr = 0 fails (returns size).
 * - bitmap_print_bitmask_to_buf / _list_to_buf never allocate: they
 *   print the window [off, off + count) of the text directly.
 * Linux and NanoVMs both call something bitmap_set, so a file includes
 * one dialect, never both.
 *
 * Linux's bitmaps are arrays of unsigned long; this header requires the
 * LP64 x86-64 ABI, where uint64_t *is* unsigned long, so the casts below
 * are identity conversions and no aliasing rule is bent.
 */
_Static_assert(sizeof(unsigned long) == 8, "the Linux dialect needs 64-bit unsigned long");
_Static_assert(_Generic((uint64_t)0, unsigned long: 1, default: 0),
	       "the Linux dialect needs uint64_t to be unsigned long");

#ifndef BITS_PER_BYTE
#define BITS_PER_BYTE		8
#endif
#define BITS_PER_LONG		64
#ifndef DIV_ROUND_UP
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#endif
#define BITS_TO_LONGS(nr)	DIV_ROUND_UP(nr, BITS_PER_BYTE * sizeof(long))
#define DECLARE_BITMAP(name, bits)	unsigned long name[BITS_TO_LONGS(bits)]
#define BIT_WORD(nr)		((nr) / BITS_PER_LONG)
#define BIT_MASK(nr)		(1UL << ((nr) % BITS_PER_LONG))
#define BITMAP_FIRST_WORD_MASK(start)	(~0UL << ((start) & (BITS_PER_LONG - 1)))
#define BITMAP_LAST_WORD_MASK(nbits)	(~0UL >> (-(nbits) & (BITS_PER_LONG - 1)))
#ifndef BITS_TO_U32
#define BITS_TO_U32(nr)		DIV_ROUND_UP(nr, 32)
#define BITS_TO_U64(nr)		DIV_ROUND_UP(nr, 64)
#define BITS_TO_BYTES(nr)	DIV_ROUND_UP(nr, BITS_PER_BYTE)
#endif
/* A u64 as bitmap words: on LP64 one word, the value itself. */
#define BITMAP_FROM_U64(n)	(n)
/* A constant nbits that fits one word: the inline one-word paths apply. */
#define small_const_nbits(nbits) \
	(__builtin_constant_p(nbits) && (nbits) <= BITS_PER_LONG && (nbits) > 0)
/* Linux's one-word fast paths are __always_inline, so constants fold. */
#define lx__always_inline	static inline __attribute__((always_inline))

/* The same values as <errno.h>, spelled the same way so either may come first. */
#ifndef ENOMEM
#define ENOMEM	12
#endif
#ifndef EBUSY
#define EBUSY	16
#endif
#ifndef EINVAL
#define EINVAL	22
#endif
#ifndef ERANGE
#define ERANGE	34
#endif
#ifndef EOVERFLOW
#define EOVERFLOW	75
#endif
_Static_assert(ENOMEM == BM_ENOMEM && EBUSY == BM_EBUSY && EINVAL == BM_EINVAL &&
	       ERANGE == BM_ERANGE && EOVERFLOW == BM_EOVERFLOW, "Linux errno values");

/*
 * smp_mb__{before,after}_atomic: what turns a native atomic into Linux's
 * fully ordered test_and_* ops. In the kernel the native ops are locked
 * instructions, already full barriers, so only the compiler is fenced; on
 * the host the native ops are acquire/acq_rel builtins and need the fence.
 */
#if defined(SETBIT_KERNEL) && defined(__x86_64__)
#define lx__full_fence()	__asm__ volatile("" ::: "memory")
#else
#define lx__full_fence()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
#ifndef smp_mb__before_atomic
#define smp_mb__before_atomic()	lx__full_fence()
#define smp_mb__after_atomic()	lx__full_fence()
#endif

/* Linux passes maps as (volatile) unsigned long *: the native word pointer. */
lx__always_inline uint64_t *lx__map(volatile unsigned long *addr)
{
	return (uint64_t *)addr;
}

lx__always_inline const uint64_t *lx__cmap(const volatile unsigned long *addr)
{
	return (const uint64_t *)addr;
}

/* ------------------------------------------------------------ single bits */

/* Atomically set bit nr. */
static inline void set_bit(unsigned long nr, volatile unsigned long *addr)
{
	bm_set_atomic(lx__map(addr), nr);
}

/* Atomically clear bit nr. */
static inline void clear_bit(unsigned long nr, volatile unsigned long *addr)
{
	bm_clear_atomic(lx__map(addr), nr);
}

/* Atomically flip bit nr. */
static inline void change_bit(unsigned long nr, volatile unsigned long *addr)
{
	bm_change_atomic(lx__map(addr), nr);
}

/* Set bit nr (not atomic). */
lx__always_inline void __set_bit(unsigned long nr, volatile unsigned long *addr)
{
	bm_set(lx__map(addr), nr);
}

/* Clear bit nr (not atomic). */
lx__always_inline void __clear_bit(unsigned long nr, volatile unsigned long *addr)
{
	bm_clear(lx__map(addr), nr);
}

/* Flip bit nr (not atomic). */
lx__always_inline void __change_bit(unsigned long nr, volatile unsigned long *addr)
{
	bm_change(lx__map(addr), nr);
}

/* Set bit nr if value, else clear it (not atomic). */
#define __assign_bit(nr, addr, value) \
	((value) ? __set_bit((nr), (addr)) : __clear_bit((nr), (addr)))
/* Set bit nr if value, else clear it (atomic). */
#define assign_bit(nr, addr, value) \
	((value) ? set_bit((nr), (addr)) : clear_bit((nr), (addr)))

/* Is bit nr set? */
lx__always_inline bool test_bit(unsigned long nr, const volatile unsigned long *addr)
{
	return bm_test(lx__cmap(addr), nr);
}

/* Atomically set bit nr; was it set? A full barrier. */
static inline bool test_and_set_bit(unsigned long nr, volatile unsigned long *addr)
{
	bool old;

	smp_mb__before_atomic();
	old = bm_test_and_set_atomic(lx__map(addr), nr);
	smp_mb__after_atomic();
	return old;
}

/* Atomically clear bit nr; was it set? A full barrier. */
static inline bool test_and_clear_bit(unsigned long nr, volatile unsigned long *addr)
{
	bool old;

	smp_mb__before_atomic();
	old = bm_test_and_clear_atomic(lx__map(addr), nr);
	smp_mb__after_atomic();
	return old;
}

/* Atomically flip bit nr; was it set? A full barrier. */
static inline bool test_and_change_bit(unsigned long nr, volatile unsigned long *addr)
{
	bool old;

	smp_mb__before_atomic();
	old = bm_test_and_change_atomic(lx__map(addr), nr);
	smp_mb__after_atomic();
	return old;
}

/* Set bit nr; was it set? (Not atomic.) */
lx__always_inline bool __test_and_set_bit(unsigned long nr, volatile unsigned long *addr)
{
	return bm_test_and_set(lx__map(addr), nr);
}

/* Clear bit nr; was it set? (Not atomic.) */
lx__always_inline bool __test_and_clear_bit(unsigned long nr, volatile unsigned long *addr)
{
	return bm_test_and_clear(lx__map(addr), nr);
}

/* Flip bit nr; was it set? (Not atomic.) */
lx__always_inline bool __test_and_change_bit(unsigned long nr, volatile unsigned long *addr)
{
	return bm_test_and_change(lx__map(addr), nr);
}

/* Take bit nr as a lock: was it already held? Acquire. */
static inline bool test_and_set_bit_lock(unsigned long nr, volatile unsigned long *addr)
{
	return bm_test_and_set_atomic(lx__map(addr), nr);
}

/* Drop the bit lock nr. Release. */
static inline void clear_bit_unlock(unsigned long nr, volatile unsigned long *addr)
{
	bm_clear_atomic(lx__map(addr), nr);
}

/* ------------------------------------------------------------ searches */
/* Every search returns size when nothing is found. */

/* First set bit. */
static inline unsigned long find_first_bit(const unsigned long *addr, unsigned long size)
{
	return bm_find_first(lx__cmap(addr), size);
}

/* First set bit at or after offset. */
static inline unsigned long find_next_bit(const unsigned long *addr, unsigned long size,
					  unsigned long offset)
{
	return bm_find_next(lx__cmap(addr), size, offset);
}

/* First clear bit. */
static inline unsigned long find_first_zero_bit(const unsigned long *addr, unsigned long size)
{
	return bm_find_first_zero(lx__cmap(addr), size);
}

/* First clear bit at or after offset. */
static inline unsigned long find_next_zero_bit(const unsigned long *addr, unsigned long size,
					       unsigned long offset)
{
	return bm_find_next_zero(lx__cmap(addr), size, offset);
}

/* Last set bit. */
static inline unsigned long find_last_bit(const unsigned long *addr, unsigned long size)
{
	return bm_find_last(lx__cmap(addr), size);
}

/* The n-th set bit, counting from 0. */
static inline unsigned long find_nth_bit(const unsigned long *addr, unsigned long size,
					 unsigned long n)
{
	return bm_find_nth(lx__cmap(addr), size, n);
}

/* First bit at or after offset set in both maps. */
static inline unsigned long find_next_and_bit(const unsigned long *addr1,
					      const unsigned long *addr2,
					      unsigned long size, unsigned long offset)
{
	return bm_find_next_and(lx__cmap(addr1), lx__cmap(addr2), size, offset);
}

/* First bit at or after offset set in addr1 and clear in addr2. */
static inline unsigned long find_next_andnot_bit(const unsigned long *addr1,
						 const unsigned long *addr2,
						 unsigned long size, unsigned long offset)
{
	return bm_find_next_andnot(lx__cmap(addr1), lx__cmap(addr2), size, offset);
}

/* First bit at or after offset set in either map. */
static inline unsigned long find_next_or_bit(const unsigned long *addr1,
					     const unsigned long *addr2,
					     unsigned long size, unsigned long offset)
{
	return bm_find_next_or(lx__cmap(addr1), lx__cmap(addr2), size, offset);
}

/* First set bit at or after offset, else the first below it. */
static inline unsigned long find_next_bit_wrap(const unsigned long *addr, unsigned long size,
					       unsigned long offset)
{
	return bm_find_next_wrap(lx__cmap(addr), size, offset);
}

#define for_each_set_bit(bit, addr, size)	bm_for_each_set(bit, lx__cmap(addr), size)
#define for_each_set_bit_from(bit, addr, size)	bm_for_each_set_from(bit, lx__cmap(addr), size)
#define for_each_clear_bit(bit, addr, size)	bm_for_each_clear(bit, lx__cmap(addr), size)
#define for_each_clear_bit_from(bit, addr, size) \
	bm_for_each_clear_from(bit, lx__cmap(addr), size)
/* [b, e) takes each run of set bits. */
#define for_each_set_bitrange(b, e, addr, size)	bm_for_each_run(b, e, lx__cmap(addr), size)
#define for_each_set_bitrange_from(b, e, addr, size) \
	bm_for_each_run_from(b, e, lx__cmap(addr), size)
/* [b, e) takes each run of clear bits. */
#define for_each_clear_bitrange(b, e, addr, size) \
	bm_for_each_clear_run(b, e, lx__cmap(addr), size)
#define for_each_clear_bitrange_from(b, e, addr, size) \
	bm_for_each_clear_run_from(b, e, lx__cmap(addr), size)

/* The set bit after n in the walk from start round to start, or size. */
static inline unsigned long __for_each_wrap(const unsigned long *addr, unsigned long size,
					    unsigned long start, unsigned long n)
{
	unsigned long bit;

	if (n > start) {
		bit = find_next_bit(addr, size, n);
		if (bit < size)
			return bit;
		n = 0;
	}
	bit = find_next_bit(addr, start, n);
	return bit < start ? bit : size;
}

/* bit takes each set bit from start up, then from 0 up to start. */
#define for_each_set_bit_wrap(bit, addr, size, start)				\
	for ((bit) = find_next_bit_wrap((addr), (size), (start));		\
	     (bit) < (size);							\
	     (bit) = __for_each_wrap((addr), (size), (start), (bit) + 1))

/* The 8 bits at start (a multiple of 8). */
static inline unsigned long bitmap_get_value8(const unsigned long *map, unsigned long start)
{
	return (map[BIT_WORD(start)] >> (start % BITS_PER_LONG)) & 0xff;
}

/* Store the 8-bit value at start (a multiple of 8). */
static inline void bitmap_set_value8(unsigned long *map, unsigned long value,
				     unsigned long start)
{
	unsigned long *w = &map[BIT_WORD(start)];

	*w = (*w & ~(0xffUL << (start % BITS_PER_LONG))) | value << (start % BITS_PER_LONG);
}

/* The first 8-bit clump at or after offset with a set bit: its index, *clump its value. */
static inline unsigned long find_next_clump8(unsigned long *clump, const unsigned long *addr,
					     unsigned long size, unsigned long offset)
{
	offset = find_next_bit(addr, size, offset);
	if (offset == size)
		return size;
	offset &= ~7UL;
	*clump = bitmap_get_value8(addr, offset);
	return offset;
}

#define find_first_clump8(clump, bits, size)	find_next_clump8((clump), (bits), (size), 0)

/* start takes each 8-bit clump with a set bit, clump its value. */
#define for_each_set_clump8(start, clump, bits, size)				\
	for ((start) = find_first_clump8(&(clump), (bits), (size));		\
	     (start) < (size);							\
	     (start) = find_next_clump8(&(clump), (bits), (size), (start) + 8))

/* ------------------------------------------------------------ whole maps */
/*
 * Each takes the one-word path for a constant nbits <= 64, as Linux does;
 * otherwise the library. Whole-word writers go word by word here.
 */

static inline void lx__store_words(unsigned long *dst, unsigned int nbits, unsigned long v)
{
	for (unsigned int k = 0; k < BITS_TO_LONGS(nbits); k++)
		dst[k] = v;
}

/* Clear BITS_TO_LONGS(nbits) whole words. */
lx__always_inline void bitmap_zero(unsigned long *dst, unsigned int nbits)
{
	if (small_const_nbits(nbits))
		*dst = 0;
	else
		lx__store_words(dst, nbits, 0);
}

/* Set BITS_TO_LONGS(nbits) whole words, tail bits included. */
lx__always_inline void bitmap_fill(unsigned long *dst, unsigned int nbits)
{
	if (small_const_nbits(nbits))
		*dst = ~0UL;
	else
		lx__store_words(dst, nbits, ~0UL);
}

/* dst = src, BITS_TO_LONGS(nbits) whole words. */
lx__always_inline void bitmap_copy(unsigned long *dst, const unsigned long *src,
				   unsigned int nbits)
{
	if (small_const_nbits(nbits))
		*dst = *src;
	else
		bm_copy(lx__map(dst), lx__cmap(src), nbits);
}

/* bitmap_copy, then clear the tail bits of the last word. */
static inline void bitmap_copy_clear_tail(unsigned long *dst, const unsigned long *src,
					  unsigned int nbits)
{
	bitmap_copy(dst, src, nbits);
	if (nbits % BITS_PER_LONG)
		dst[nbits / BITS_PER_LONG] &= BITMAP_LAST_WORD_MASK(nbits);
}

/* Set [start, start + nbits), out of line. */
static inline void __bitmap_set(unsigned long *map, unsigned int start, unsigned int len)
{
	bm_set_range(lx__map(map), start, len);
}

/* Clear [start, start + nbits), out of line. */
static inline void __bitmap_clear(unsigned long *map, unsigned int start, unsigned int len)
{
	bm_clear_range(lx__map(map), start, len);
}

/* Bits [start, start + nbits) of one word, as a mask. */
#define lx__word_range(start, nbits) \
	(BITMAP_FIRST_WORD_MASK(start) & BITMAP_LAST_WORD_MASK((start) + (nbits)))

/* Set [start, start + nbits). */
lx__always_inline void bitmap_set(unsigned long *map, unsigned int start, unsigned int nbits)
{
	if (__builtin_constant_p(nbits) && nbits == 1)
		__set_bit(start, map);
	else if (small_const_nbits(start + nbits))
		*map |= lx__word_range(start, nbits);
	else
		__bitmap_set(map, start, nbits);
}

/* Clear [start, start + nbits). */
lx__always_inline void bitmap_clear(unsigned long *map, unsigned int start, unsigned int nbits)
{
	if (__builtin_constant_p(nbits) && nbits == 1)
		__clear_bit(start, map);
	else if (small_const_nbits(start + nbits))
		*map &= ~lx__word_range(start, nbits);
	else
		__bitmap_clear(map, start, nbits);
}

/* How many bits are set? */
lx__always_inline unsigned int bitmap_weight(const unsigned long *src, unsigned int nbits)
{
	if (small_const_nbits(nbits))
		return bm_popcount64(*src & BITMAP_LAST_WORD_MASK(nbits));
	return (unsigned int)bm_weight(lx__cmap(src), nbits);
}

/* Is no bit set? */
lx__always_inline bool bitmap_empty(const unsigned long *src, unsigned int nbits)
{
	if (small_const_nbits(nbits))
		return !(*src & BITMAP_LAST_WORD_MASK(nbits));
	return bm_empty(lx__cmap(src), nbits);
}

/* Is every bit set? */
lx__always_inline bool bitmap_full(const unsigned long *src, unsigned int nbits)
{
	if (small_const_nbits(nbits))
		return !(~*src & BITMAP_LAST_WORD_MASK(nbits));
	return bm_full(lx__cmap(src), nbits);
}

/* Do the maps hold the same bits? (Out of line.) */
static inline bool __bitmap_equal(const unsigned long *src1, const unsigned long *src2,
				  unsigned int nbits)
{
	return bm_equal(lx__cmap(src1), lx__cmap(src2), nbits);
}

/* Do the maps hold the same bits? */
lx__always_inline bool bitmap_equal(const unsigned long *src1, const unsigned long *src2,
				    unsigned int nbits)
{
	if (small_const_nbits(nbits))
		return !((*src1 ^ *src2) & BITMAP_LAST_WORD_MASK(nbits));
	return __bitmap_equal(src1, src2, nbits);
}

/* Is every bit of src1 set in src2? */
lx__always_inline bool bitmap_subset(const unsigned long *src1, const unsigned long *src2,
				     unsigned int nbits)
{
	if (small_const_nbits(nbits))
		return !((*src1 & ~*src2) & BITMAP_LAST_WORD_MASK(nbits));
	return bm_subset(lx__cmap(src1), lx__cmap(src2), nbits);
}

/* Do the maps share a set bit? */
lx__always_inline bool bitmap_intersects(const unsigned long *src1, const unsigned long *src2,
					 unsigned int nbits)
{
	if (small_const_nbits(nbits))
		return (*src1 & *src2 & BITMAP_LAST_WORD_MASK(nbits)) != 0;
	return bm_intersects(lx__cmap(src1), lx__cmap(src2), nbits);
}

/* dst = src1 & src2; is dst non-empty? */
lx__always_inline bool bitmap_and(unsigned long *dst, const unsigned long *src1,
				  const unsigned long *src2, unsigned int nbits)
{
	if (small_const_nbits(nbits))
		return (*dst = *src1 & *src2 & BITMAP_LAST_WORD_MASK(nbits)) != 0;
	return bm_and(lx__map(dst), lx__cmap(src1), lx__cmap(src2), nbits);
}

/* dst = src1 | src2. */
lx__always_inline void bitmap_or(unsigned long *dst, const unsigned long *src1,
				 const unsigned long *src2, unsigned int nbits)
{
	if (small_const_nbits(nbits))
		*dst = *src1 | *src2;
	else
		bm_or(lx__map(dst), lx__cmap(src1), lx__cmap(src2), nbits);
}

/* dst = src1 ^ src2. */
lx__always_inline void bitmap_xor(unsigned long *dst, const unsigned long *src1,
				  const unsigned long *src2, unsigned int nbits)
{
	if (small_const_nbits(nbits))
		*dst = *src1 ^ *src2;
	else
		bm_xor(lx__map(dst), lx__cmap(src1), lx__cmap(src2), nbits);
}

/* dst = src1 & ~src2; is dst non-empty? */
lx__always_inline bool bitmap_andnot(unsigned long *dst, const unsigned long *src1,
				     const unsigned long *src2, unsigned int nbits)
{
	if (small_const_nbits(nbits))
		return (*dst = *src1 & ~*src2 & BITMAP_LAST_WORD_MASK(nbits)) != 0;
	return bm_andnot(lx__map(dst), lx__cmap(src1), lx__cmap(src2), nbits);
}

/* dst = ~src over nbits. */
lx__always_inline void bitmap_complement(unsigned long *dst, const unsigned long *src,
					 unsigned int nbits)
{
	if (small_const_nbits(nbits))
		*dst = ~*src;
	else
		bm_complement(lx__map(dst), lx__cmap(src), nbits);
}

/* dst = src << shift within nbits. */
lx__always_inline void bitmap_shift_left(unsigned long *dst, const unsigned long *src,
					 unsigned int shift, unsigned int nbits)
{
	if (small_const_nbits(nbits))
		*dst = shift < BITS_PER_LONG ? (*src << shift) & BITMAP_LAST_WORD_MASK(nbits) : 0;
	else
		bm_shift_left(lx__map(dst), lx__cmap(src), shift, nbits);
}

/* dst = src >> shift. */
lx__always_inline void bitmap_shift_right(unsigned long *dst, const unsigned long *src,
					  unsigned int shift, unsigned int nbits)
{
	if (small_const_nbits(nbits))
		*dst = shift < BITS_PER_LONG ? (*src & BITMAP_LAST_WORD_MASK(nbits)) >> shift : 0;
	else
		bm_shift_right(lx__map(dst), lx__cmap(src), shift, nbits);
}

/* dst = (old & ~mask) | (new & mask), whole words. */
lx__always_inline void bitmap_replace(unsigned long *dst, const unsigned long *old,
				      const unsigned long *new, const unsigned long *mask,
				      unsigned int nbits)
{
	for (unsigned int k = 0; k < BITS_TO_LONGS(nbits); k++)
		dst[k] = (old[k] & ~mask[k]) | (new[k] & mask[k]);
}

/* dst bits 0, 1, ... = the bits of src at mask's set bits, in order; the rest clear. */
static inline void bitmap_gather(unsigned long *dst, const unsigned long *src,
				 const unsigned long *mask, unsigned int nbits)
{
	unsigned int n = 0, bit;

	bitmap_zero(dst, nbits);
	for_each_set_bit(bit, mask, nbits)
		__assign_bit(n++, dst, test_bit(bit, src));
}

/* dst at mask's set bits = src bits 0, 1, ..., in order; the rest clear. */
static inline void bitmap_scatter(unsigned long *dst, const unsigned long *src,
				  const unsigned long *mask, unsigned int nbits)
{
	unsigned int n = 0, bit;

	bitmap_zero(dst, nbits);
	for_each_set_bit(bit, mask, nbits)
		__assign_bit(bit, dst, test_bit(n++, src));
}

/*
 * The nbits (<= 64) bits at start as a number, bit start lowest; 0 when
 * nbits is 0 or above 64 (then map is not read).
 */
lx__always_inline unsigned long bitmap_read(const unsigned long *map, unsigned long start,
					    unsigned long nbits)
{
	unsigned long off = start % BITS_PER_LONG, w = BIT_WORD(start), lo;

	if (nbits == 0 || nbits > BITS_PER_LONG)
		return 0;
	lo = map[w] >> off;
	if (off + nbits <= BITS_PER_LONG)
		return lo & BITMAP_LAST_WORD_MASK(nbits);
	return (lo | map[w + 1] << (BITS_PER_LONG - off)) & BITMAP_LAST_WORD_MASK(nbits);
}

/*
 * Store the low nbits (<= 64) bits of value at start, touching no other
 * bit; nothing when nbits is 0 or above 64.
 */
lx__always_inline void bitmap_write(unsigned long *map, unsigned long value,
				    unsigned long start, unsigned long nbits)
{
	unsigned long off = start % BITS_PER_LONG, w = BIT_WORD(start), mask;

	if (nbits == 0 || nbits > BITS_PER_LONG)
		return;
	mask = BITMAP_LAST_WORD_MASK(nbits);
	value &= mask;
	map[w] = (map[w] & ~(mask << off)) | value << off;
	if (off + nbits > BITS_PER_LONG) {
		unsigned long space = BITS_PER_LONG - off;

		map[w + 1] = (map[w + 1] & ~(mask >> space)) | value >> space;
	}
}

/* A u64 as the first bits of dst (one word on LP64). */
static inline void bitmap_from_u64(unsigned long *dst, uint64_t mask)
{
	dst[0] = mask;
}

/* Copy nbits bits of an array of u64 in and out; tail bits of the last word cleared. */
#define bitmap_from_arr64(bitmap, buf, nbits) \
	bitmap_copy_clear_tail((unsigned long *)(bitmap), (const unsigned long *)(buf), (nbits))
#define bitmap_to_arr64(buf, bitmap, nbits) \
	bitmap_copy_clear_tail((unsigned long *)(buf), (const unsigned long *)(bitmap), (nbits))

/* Copy nbits bits from an array of u32, whole words; the tail of the last word cleared. */
void bitmap_from_arr32(unsigned long *bitmap, const uint32_t *buf, unsigned int nbits);
/* Copy nbits bits into an array of u32; the tail of the last u32 cleared. */
void bitmap_to_arr32(uint32_t *buf, const unsigned long *bitmap, unsigned int nbits);

/*
 * dst = src with bits [first, first + cut) taken out and the bits above
 * moved down: over BITS_TO_LONGS(nbits) whole words, as Linux does, so
 * the source's tail bits move down too; the top cut bits clear. dst and
 * src may overlap.
 */
void bitmap_cut(unsigned long *dst, const unsigned long *src, unsigned int first,
		unsigned int cut, unsigned int nbits);

/* ------------------------------------------------------------ areas and regions */

/*
 * First index >= start of nr clear bits with (index + align_offset) a
 * multiple of align_mask + 1; on failure a value > size - nr (size itself).
 */
static inline unsigned long bitmap_find_next_zero_area_off(unsigned long *map, unsigned long size,
							   unsigned long start, unsigned int nr,
							   unsigned long align_mask,
							   unsigned long align_offset)
{
	return bm_find_zero_area(lx__cmap(map), size, start, nr, align_mask, align_offset);
}

/* As bitmap_find_next_zero_area_off with no offset. */
static inline unsigned long bitmap_find_next_zero_area(unsigned long *map, unsigned long size,
						       unsigned long start, unsigned int nr,
						       unsigned long align_mask)
{
	return bm_find_zero_area(lx__cmap(map), size, start, nr, align_mask, 0);
}

/* Take a free aligned block of 2^order bits: its index, or -ENOMEM. */
static inline int bitmap_find_free_region(unsigned long *bitmap, unsigned int bits, int order)
{
	size_t pos;

	if (order < 0)
		return -EINVAL;
	pos = bm_find_region(lx__map(bitmap), bits, (unsigned)order);
	return pos < bits ? (int)pos : -ENOMEM;
}

/*
 * Take the block of 2^order bits at pos: 0, -EBUSY if any bit is taken
 * (nothing changes), -EINVAL if pos is not a multiple of 2^order. Like
 * Linux it takes no size: the caller guarantees the block is inside the map.
 */
static inline int bitmap_allocate_region(unsigned long *bitmap, unsigned int pos, int order)
{
	if (order < 0 || order >= BITS_PER_LONG)
		return -EINVAL;
	return bm_alloc_region(lx__map(bitmap), (size_t)pos + (1UL << order), pos, (unsigned)order);
}

/* Give back the block of 2^order bits at pos. */
static inline void bitmap_release_region(unsigned long *bitmap, unsigned int pos, int order)
{
	if (order >= 0 && order < BITS_PER_LONG)
		bm_release_region(lx__map(bitmap), (size_t)pos + (1UL << order), pos,
				  (unsigned)order);
}

/* ------------------------------------------------------------ lists */

/*
 * Parse "0-3,7,10-31:4/8" (also "N", "all", blanks) into maskp: 0, or
 * -EINVAL for syntax, -EOVERFLOW for a number above UINT_MAX, -ERANGE for
 * a bit at or past nmaskbits; on error maskp is unchanged.
 */
static inline int bitmap_parselist(const char *buf, unsigned long *maskp, int nmaskbits)
{
	if (nmaskbits < 0)
		return -EINVAL;
	return bm_parse_list_max(buf, lx__map(maskp), (size_t)nmaskbits, 0xffffffffu);
}

/*
 * Parse hex "badf00d,deadbeef" (32-bit chunks, most significant first;
 * blanks and empty chunks allowed) of at most buflen characters, ending
 * early at NUL or newline: 0, -EINVAL for a bad character, -EOVERFLOW for
 * a chunk over 32 bits or a bit at or past nmaskbits. The bits above the
 * text are cleared; on error maskp is unchanged.
 */
int bitmap_parse(const char *buf, unsigned int buflen, unsigned long *maskp, int nmaskbits);

/*
 * scnprintf(buf, buflen, "%*pbl", nmaskbits, maskp): write the list,
 * truncated to buflen - 1 characters and NUL-terminated, and return the
 * characters written (0 when buflen is 0).
 */
static inline int bitmap_scnlistprintf(char *buf, unsigned int buflen,
				       const unsigned long *maskp, int nmaskbits)
{
	int len;

	if (buflen == 0 || nmaskbits < 0)
		return 0;
	len = bm_print_list(buf, buflen, lx__cmap(maskp), (size_t)nmaskbits);
	return len < (int)buflen ? len : (int)buflen - 1;
}

/*
 * scnprintf(buf, buflen, "%*pb", ...): the map in hex, 32-bit chunks
 * most significant first, comma-separated ("33333333,11111111"; the first
 * chunk has (nbits % 32) / 4 digits, rounded up). Returns the characters
 * written, as bitmap_scnlistprintf.
 */
int bitmap_scnprintf(char *buf, unsigned int buflen, const unsigned long *maskp,
		     int nmaskbits);

/*
 * The list (list true) or hex form and a newline into buf, a 4096-byte
 * page: at most to the end of buf's page. Returns the characters written,
 * without the NUL.
 */
int bitmap_print_to_pagebuf(bool list, char *buf, const unsigned long *maskp, int nmaskbits);

/*
 * The hex form (or the list) and "\n\0" is a text; copy its bytes
 * [off, off + count) to buf and return how many (0 past its end).
 */
int bitmap_print_bitmask_to_buf(char *buf, const unsigned long *maskp, int nmaskbits,
				long long off, size_t count);
int bitmap_print_list_to_buf(char *buf, const unsigned long *maskp, int nmaskbits,
			     long long off, size_t count);

#endif /* BITMAP_COMPAT_LINUX_H */
