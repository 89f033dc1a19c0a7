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
 *	__set_bit / __clear_bit / __change_bit	plain
 *	test_and_{set,clear,change}_bit		atomic, fully ordered
 *	__test_and_{set,clear,change}_bit	plain
 *	test_and_set_bit_lock / clear_bit_unlock	acquire / release
 *	find_*_bit(map, size, offset)		not found: size
 *	bitmap_*(..., nbits)			whole-map and range operations
 *
 * Linux's contract holds: a failed search (and offset >= size) returns
 * size, bits past nbits in the last word are don't-care, and bitmap_zero,
 * bitmap_fill and bitmap_copy work on whole words. Where this dialect
 * differs from Linux it is safer: bitmap_allocate_region refuses a
 * misaligned pos with -EINVAL, and bitmap_find_next_zero_area with nr = 0
 * fails (returns size). Linux and NanoVMs both call something bitmap_set,
 * so a file includes one dialect, never both.
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
_Static_assert(ENOMEM == BM_ENOMEM && EBUSY == BM_EBUSY && EINVAL == BM_EINVAL &&
	       ERANGE == BM_ERANGE, "Linux errno values");

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
static inline uint64_t *lx__map(volatile unsigned long *addr)
{
	return (uint64_t *)addr;
}

static inline const uint64_t *lx__cmap(const volatile unsigned long *addr)
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
static inline void __set_bit(unsigned long nr, volatile unsigned long *addr)
{
	bm_set(lx__map(addr), nr);
}

/* Clear bit nr (not atomic). */
static inline void __clear_bit(unsigned long nr, volatile unsigned long *addr)
{
	bm_clear(lx__map(addr), nr);
}

/* Flip bit nr (not atomic). */
static inline void __change_bit(unsigned long nr, volatile unsigned long *addr)
{
	bm_change(lx__map(addr), nr);
}

/* Is bit nr set? */
static inline bool test_bit(unsigned long nr, const volatile unsigned long *addr)
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
static inline bool __test_and_set_bit(unsigned long nr, volatile unsigned long *addr)
{
	return bm_test_and_set(lx__map(addr), nr);
}

/* Clear bit nr; was it set? (Not atomic.) */
static inline bool __test_and_clear_bit(unsigned long nr, volatile unsigned long *addr)
{
	return bm_test_and_clear(lx__map(addr), nr);
}

/* Flip bit nr; was it set? (Not atomic.) */
static inline bool __test_and_change_bit(unsigned long nr, volatile unsigned long *addr)
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

/* ------------------------------------------------------------ whole maps */

/* Clear the map (whole words). */
static inline void bitmap_zero(unsigned long *dst, unsigned int nbits)
{
	bm_zero(lx__map(dst), nbits);
}

/* Set bits [0, nbits); the rest of the last word is left zero. */
static inline void bitmap_fill(unsigned long *dst, unsigned int nbits)
{
	bm_fill(lx__map(dst), nbits);
}

/* dst = src, whole words. */
static inline void bitmap_copy(unsigned long *dst, const unsigned long *src, unsigned int nbits)
{
	bm_copy(lx__map(dst), lx__cmap(src), nbits);
}

/* Set [start, start + nbits). */
static inline void bitmap_set(unsigned long *map, unsigned int start, unsigned int nbits)
{
	bm_set_range(lx__map(map), start, nbits);
}

/* Clear [start, start + nbits). */
static inline void bitmap_clear(unsigned long *map, unsigned int start, unsigned int nbits)
{
	bm_clear_range(lx__map(map), start, nbits);
}

/* How many bits are set? */
static inline unsigned int bitmap_weight(const unsigned long *src, unsigned int nbits)
{
	return (unsigned int)bm_weight(lx__cmap(src), nbits);
}

/* Is no bit set? */
static inline bool bitmap_empty(const unsigned long *src, unsigned int nbits)
{
	return bm_empty(lx__cmap(src), nbits);
}

/* Is every bit set? */
static inline bool bitmap_full(const unsigned long *src, unsigned int nbits)
{
	return bm_full(lx__cmap(src), nbits);
}

/* Do the maps hold the same bits? */
static inline bool bitmap_equal(const unsigned long *src1, const unsigned long *src2,
				unsigned int nbits)
{
	return bm_equal(lx__cmap(src1), lx__cmap(src2), nbits);
}

/* Is every bit of src1 set in src2? */
static inline bool bitmap_subset(const unsigned long *src1, const unsigned long *src2,
				 unsigned int nbits)
{
	return bm_subset(lx__cmap(src1), lx__cmap(src2), nbits);
}

/* Do the maps share a set bit? */
static inline bool bitmap_intersects(const unsigned long *src1, const unsigned long *src2,
				     unsigned int nbits)
{
	return bm_intersects(lx__cmap(src1), lx__cmap(src2), nbits);
}

/* dst = src1 & src2; is dst non-empty? */
static inline bool bitmap_and(unsigned long *dst, const unsigned long *src1,
			      const unsigned long *src2, unsigned int nbits)
{
	return bm_and(lx__map(dst), lx__cmap(src1), lx__cmap(src2), nbits);
}

/* dst = src1 | src2. */
static inline void bitmap_or(unsigned long *dst, const unsigned long *src1,
			     const unsigned long *src2, unsigned int nbits)
{
	bm_or(lx__map(dst), lx__cmap(src1), lx__cmap(src2), nbits);
}

/* dst = src1 ^ src2. */
static inline void bitmap_xor(unsigned long *dst, const unsigned long *src1,
			      const unsigned long *src2, unsigned int nbits)
{
	bm_xor(lx__map(dst), lx__cmap(src1), lx__cmap(src2), nbits);
}

/* dst = src1 & ~src2; is dst non-empty? */
static inline bool bitmap_andnot(unsigned long *dst, const unsigned long *src1,
				 const unsigned long *src2, unsigned int nbits)
{
	return bm_andnot(lx__map(dst), lx__cmap(src1), lx__cmap(src2), nbits);
}

/* dst = ~src over nbits. */
static inline void bitmap_complement(unsigned long *dst, const unsigned long *src,
				     unsigned int nbits)
{
	bm_complement(lx__map(dst), lx__cmap(src), nbits);
}

/* dst = src << shift within nbits. */
static inline void bitmap_shift_left(unsigned long *dst, const unsigned long *src,
				     unsigned int shift, unsigned int nbits)
{
	bm_shift_left(lx__map(dst), lx__cmap(src), shift, nbits);
}

/* dst = src >> shift. */
static inline void bitmap_shift_right(unsigned long *dst, const unsigned long *src,
				      unsigned int shift, unsigned int nbits)
{
	bm_shift_right(lx__map(dst), lx__cmap(src), shift, nbits);
}

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

/* Parse "0-3,7,10-31:4/8" into maskp: 0, -EINVAL or -ERANGE (maskp unchanged). */
static inline int bitmap_parselist(const char *buf, unsigned long *maskp, int nmaskbits)
{
	if (nmaskbits < 0)
		return -EINVAL;
	return bm_parse_list(buf, lx__map(maskp), (size_t)nmaskbits);
}

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

#endif /* BITMAP_COMPAT_LINUX_H */
