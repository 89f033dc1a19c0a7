/* SPDX-License-Identifier: MIT */
/* The NanoVMs bitmap dialect (runtime/bitmap.h): growable bitmap objects over struct bm_dyn. */
#ifndef BITMAP_COMPAT_NANOS_H
#define BITMAP_COMPAT_NANOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bitmap/bitmap.h>

/*
 * A `bitmap` is a handle on a growable map:
 *
 *	b->maxbits	bits in the map: the length asked for, raised by
 *			bitmap_extend and by bitmap_set past the end
 *	b->mapbits	bits of storage (a multiple of 64, grown in steps of
 *			ALLOC_EXTEND_BITS = 4096)
 *
 * The seed article's calls work as written: allocate_bitmap(length) takes
 * one argument and returns an all-clear map whose storage is rounded up to
 * whole 64-bit words (100 bits -> 128); bitmap_foreach_set(b, i) declares
 * i (a u64) itself, as nanos' macro does, so i may or may not be declared
 * by the caller (a caller's own i is hidden inside the loop, as in nanos). Searches and allocations return INVALID_PHYSICAL
 * ((u64)-1) on failure. bitmap_alloc(b, n) sets n clear bits at an index
 * aligned to the next power of two >= n. Nothing is locked except the
 * *_atomic calls, which may race with each other (never with growth: they
 * do not extend the map).
 *
 * A heap is a const struct bm_alloc *. NULL, and allocate_bitmap, mean
 * the default heap: malloc/free on the host; in the kernel, none until the
 * kernel registers its heap (kmalloc, from mm_init) with
 * nanos_bitmap_set_builtin_heap(), and calls needing it return NULL before
 * that. nanos_bitmap_set_default_heap() replaces it; NULL restores the built-in. The handle and
 * its storage both come from the heap given at creation.
 *
 * Deliberate differences from nanos (src/runtime/bitmap.[ch]):
 *  - allocate_bitmap(length) has the seed's one argument; nanos' is
 *    allocate_bitmap(meta, map, length). allocate_bitmap_on(h, length) takes
 *    a heap. bitmap_extended() is the seed's spelling of bitmap_extend().
 *  - bitmap_extend(b, i) makes bit i exist (maxbits = i + 1, new bits
 *    clear) and returns true unless memory ran out; nanos grows only the
 *    storage, keeps maxbits and returns true only when it reallocated.
 *    Callers may ignore the result either way.
 *  - bitmap_set past the end extends maxbits too; when memory runs out it
 *    changes nothing (nanos asserts). bitmap_set_checked() says whether it
 *    worked. bitmap_get is false past maxbits (nanos: past mapbits).
 *  - bitmap_alloc_within_range aligns relative to start (nanos aligns the
 *    absolute index); bitmap_dealloc clears any all-set range (nanos also
 *    requires the index to be aligned to the size's power of two).
 *  - bitmap_copy resizes dst to src and returns false when out of memory
 *    (nanos: void, and the sizes must match); bitmap_unwrap returns the
 *    words (nanos: void). Callers may ignore both results.
 *
 * Linux and NanoVMs both call something bitmap_set: include one dialect
 * per file.
 */

typedef uint64_t u64;
typedef bool boolean;
typedef const struct bm_alloc *heap;

#define INVALID_PHYSICAL	((u64)-1)
#define ALLOC_EXTEND_BITS	BM_EXTEND_BITS

typedef struct bitmap {
	u64 maxbits;		/* read-only for users */
	u64 mapbits;		/* read-only for users */
	struct bm_dyn *d;	/* private */
} *bitmap;

/* Use h for every NULL heap from now on (NULL: back to malloc / the kernel heap). */
void nanos_bitmap_set_default_heap(heap h);
/* The platform's heap (the kernel's kmalloc): the built-in and the default from now on. */
void nanos_bitmap_set_builtin_heap(heap h);
/* A bitmap of length clear bits on the default heap, or NULL. */
bitmap allocate_bitmap(u64 length);
/* A bitmap of length clear bits on h (NULL: the default heap), or NULL. */
bitmap allocate_bitmap_on(heap h, u64 length);
/* Free b and its storage. b may be NULL. */
void deallocate_bitmap(bitmap b);
/* Grow b so bit i exists (new bits clear): true, or false when out of memory. */
boolean bitmap_extend(bitmap b, u64 i);
/* A new bitmap with b's bits, on b's heap, or NULL. */
bitmap bitmap_clone(bitmap b);
/* Make dst hold exactly src's bits (growing dst): true, or false (dst unchanged). */
boolean bitmap_copy(bitmap dst, bitmap src);
/* A bitmap over the caller's words (not cleared), handle on h; or NULL. */
bitmap bitmap_wrap(heap h, u64 *map, u64 length);
/* Free only the handle; returns the words (moved to b's heap if b grew). */
u64 *bitmap_unwrap(bitmap b);

/*
 * Find nbits clear bits in [start, end) at an index whose distance from
 * start is a multiple of the next power of two >= nbits, set them and
 * return the index; INVALID_PHYSICAL if none.
 */
u64 nanos__alloc_within_range(bitmap b, u64 nbits, u64 start, u64 end);
/* A constant nbits <= 64 (a fixed-size allocator's) is searched and set inline. */
static inline BM__CONST_INLINE u64 bitmap_alloc_within_range(bitmap b, u64 nbits, u64 start, u64 end)
{
	size_t i;

	if (!__builtin_constant_p(nbits) || nbits == 0 || nbits > BM_WORD_BITS)
		return nanos__alloc_within_range(b, nbits, start, end);
	i = bm_alloc_pow2(b->d->words, b->maxbits, start, end, nbits);
	return i < b->maxbits ? i : INVALID_PHYSICAL;
}
/* bitmap_alloc_within_range over the whole map. */
u64 bitmap_alloc(bitmap b, u64 size);
/* Clear [bit, bit + size) if every bit of it is set: true; else false, b unchanged. */
static inline BM__CONST_INLINE boolean bitmap_dealloc(bitmap b, u64 bit, u64 size)
{
	return bm_release_if_set(b->d->words, b->maxbits, bit, size) == 0;
}
/* First set bit in [start, start + nbits), or INVALID_PHYSICAL. Inline: bm_find_next's word is. */
static inline u64 bitmap_range_get_first(bitmap b, u64 start, u64 nbits)
{
	u64 end;
	size_t i;

	if (start >= b->maxbits)
		return INVALID_PHYSICAL;
	/* Searching a map cut at the range's end reads nothing past it. */
	end = nbits > b->maxbits - start ? b->maxbits : start + nbits;
	i = bm_find_next(b->d->words, end, start);
	return i < end ? i : INVALID_PHYSICAL;
}
/* Set bit i if val, else clear it, extending b when i is past the end: false if out of memory. */
boolean bitmap_set_checked(bitmap b, u64 i, int val);

/* bitmap_set_checked, as nanos' void bitmap_set: out of memory changes nothing. */
static inline void bitmap_set(bitmap b, u64 i, int val)
{
	(void)bitmap_set_checked(b, i, val);
}

/* The seed article's name for bitmap_extend. */
static inline boolean bitmap_extended(bitmap b, u64 i)
{
	return bitmap_extend(b, i);
}

/* The storage words, for the flat bm_* functions (size b->maxbits). */
static inline u64 *bitmap_base(bitmap b)
{
	return b->d->words;
}

/* Is bit i set? False past the end. */
static inline boolean bitmap_get(bitmap b, u64 i)
{
	return bm_dyn_test(b->d, i);
}

/* Atomically set bit i if val, else clear it (i >= maxbits: nothing happens). */
static inline void bitmap_set_atomic(bitmap b, u64 i, int val)
{
	if (i >= b->maxbits)
		return;
	if (val)
		bm_set_atomic(b->d->words, i);
	else
		bm_clear_atomic(b->d->words, i);
}

/*
 * Atomically set bit i if val, else clear it; was it set before? (i >=
 * maxbits: false, nothing changes.) Taking a bit is an acquire, val = 0
 * acquire-release.
 */
static inline boolean bitmap_test_and_set_atomic(bitmap b, u64 i, int val)
{
	if (i >= b->maxbits)
		return false;
	return val ? bm_test_and_set_atomic(b->d->words, i) :
		     bm_test_and_clear_atomic(b->d->words, i);
}

/*
 * i, a u64 the macro declares, takes each set bit of b in increasing order.
 * A search per step, re-reading b: the body may set, clear or extend.
 */
#define bitmap_foreach_set(b, i)						\
	for (u64 i = bm_find_next(bitmap_base(b), (b)->maxbits, 0); i < (b)->maxbits;	\
	     i = bm_find_next(bitmap_base(b), (b)->maxbits, i + 1))

#endif /* BITMAP_COMPAT_NANOS_H */
