// SPDX-License-Identifier: MIT
/* The NanoVMs bitmap objects: handles, the default heap, growth and allocation. */
#include <bitmap/compat/nanos.h>

#ifdef SETBIT_KERNEL
/*
 * None built in: lib/ knows nothing of the kernel. The kernel hands its heap
 * in with nanos_bitmap_set_builtin_heap() once the heap is up (kernel/mm/mm.c);
 * before that, calls that need the default heap return NULL.
 */
#define BUILTIN_HEAP	NULL
#else
#include <stdlib.h>

static void *host_alloc(void *ctx, size_t bytes)
{
	(void)ctx;
	return malloc(bytes);
}

static void host_free(void *ctx, void *p, size_t bytes)
{
	(void)ctx;
	(void)bytes;
	free(p);
}

static const struct bm_alloc malloc_heap = { host_alloc, host_free, NULL };
#define BUILTIN_HEAP	(&malloc_heap)
#endif

static heap builtin_heap = BUILTIN_HEAP;
static heap default_heap = BUILTIN_HEAP;

void nanos_bitmap_set_builtin_heap(heap h)
{
	builtin_heap = default_heap = h;
}

void nanos_bitmap_set_default_heap(heap h)
{
	default_heap = h ? h : builtin_heap;
}

/* Mirror the dyn map's sizes in the fields users read. */
static void sync(bitmap b)
{
	b->maxbits = b->d->nbits;
	b->mapbits = b->d->capacity_bits;
}

/* A handle around d (taking it over), or NULL with d freed. */
static bitmap adopt(heap h, struct bm_dyn *d)
{
	bitmap b;

	if (!d)
		return NULL;
	b = h->alloc(h->ctx, sizeof(*b));
	if (!b) {
		if (d->wrapped)
			bm_dyn_unwrap(d);
		else
			bm_dyn_free(d);
		return NULL;
	}
	b->d = d;
	sync(b);
	return b;
}

static void free_handle(bitmap b)
{
	heap h = b->d->a;

	h->free(h->ctx, b, sizeof(*b));
}

bitmap allocate_bitmap_on(heap h, u64 length)
{
	if (!h)
		h = default_heap;
	if (!h)
		return NULL;
	return adopt(h, bm_dyn_create(h, length));
}

bitmap allocate_bitmap(u64 length)
{
	return allocate_bitmap_on(NULL, length);
}

void deallocate_bitmap(bitmap b)
{
	struct bm_dyn *d;

	if (!b)
		return;
	d = b->d;
	free_handle(b);
	bm_dyn_free(d);
}

boolean bitmap_extend(bitmap b, u64 i)
{
	int err = bm_dyn_extend(b->d, i);

	sync(b);
	return err == 0;
}

bitmap bitmap_clone(bitmap b)
{
	return adopt(b->d->a, bm_dyn_clone(b->d));
}

boolean bitmap_copy(bitmap dst, bitmap src)
{
	int err = bm_dyn_copy(dst->d, src->d);

	sync(dst);
	return err == 0;
}

bitmap bitmap_wrap(heap h, u64 *map, u64 length)
{
	if (!h)
		h = default_heap;
	if (!h)
		return NULL;
	return adopt(h, bm_dyn_wrap(h, map, length));
}

u64 *bitmap_unwrap(bitmap b)
{
	struct bm_dyn *d = b->d;

	free_handle(b);
	return bm_dyn_unwrap(d);
}

u64 nanos__alloc_within_range(bitmap b, u64 nbits, u64 start, u64 end)
{
	size_t i = bm_alloc_pow2(b->d->words, b->maxbits, start, end, nbits);

	return i < b->maxbits ? i : INVALID_PHYSICAL;
}

u64 bitmap_alloc(bitmap b, u64 size)
{
	return nanos__alloc_within_range(b, size, 0, b->maxbits);
}

boolean bitmap_set_checked(bitmap b, u64 i, int val)
{
	int err = bm_dyn_assign(b->d, i, val != 0);

	sync(b);
	return err == 0;
}
