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
 * Searches and allocations return INVALID_PHYSICAL ((u64)-1) on failure.
 * bitmap_alloc(b, n) sets n clear bits at an index aligned to the next
 * power of two >= n; bitmap_dealloc clears a range only if all of it is
 * set. Nothing is locked except the *_atomic calls, which may race with
 * each other (never with growth: they do not extend the map).
 *
 * A heap is a const struct bm_alloc *. NULL means the default heap, which
 * the program installs once with nanos_bitmap_set_default_heap() before
 * the first allocation (the kernel: its kmalloc; the host: malloc). With
 * no default heap, a NULL heap makes allocate_bitmap fail (return NULL).
 * The handle and its storage both come from the heap given at creation.
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

/* Use h for every NULL heap from now on (NULL: no default). */
void nanos_bitmap_set_default_heap(heap h);
/* A bitmap of length clear bits on h (NULL: the default heap), or NULL. */
bitmap allocate_bitmap(heap h, u64 length);
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
u64 bitmap_alloc_within_range(bitmap b, u64 nbits, u64 start, u64 end);
/* bitmap_alloc_within_range over the whole map. */
u64 bitmap_alloc(bitmap b, u64 size);
/* Clear [bit, bit + size) if every bit of it is set: true; else false, b unchanged. */
boolean bitmap_dealloc(bitmap b, u64 bit, u64 size);
/* First set bit in [start, start + nbits), or INVALID_PHYSICAL. */
u64 bitmap_range_get_first(bitmap b, u64 start, u64 nbits);
/* Set bit i if val, else clear it, extending b when i is past the end: false if out of memory. */
boolean bitmap_set(bitmap b, u64 i, int val);

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

/* i (a u64) takes each set bit of b in increasing order. */
#define bitmap_foreach_set(b, i)	bm_for_each_set(i, bitmap_base(b), (b)->maxbits)

#endif /* BITMAP_COMPAT_NANOS_H */
