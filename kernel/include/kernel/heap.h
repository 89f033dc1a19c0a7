/* SPDX-License-Identifier: MIT */
/*
 * The kernel heap: size classes of 16 B .. 2 KiB carved from 16 KiB slabs,
 * each slab tracking its objects in a bitmap; bigger requests get whole
 * frames. Portable: a heap takes its frames from a struct pfa whose frame
 * f is mapped at virt_base + f * FRAME_SIZE (the direct map in the kernel,
 * a static arena in host tests).
 *
 * An object of class size s is s-aligned (s a power of two), a large
 * allocation frame-aligned. heap_free() accepts only what heap_alloc()
 * returned and did not get back yet: a foreign pointer (outside the heap,
 * inside an object, in a frame the heap does not own) or a double free is
 * refused, logged with the caller's address and counted.
 *
 * Locking: one lock per size class, and one for the heap's frame maps
 * (taken inside a class lock, never around one). Not for interrupt
 * handlers (see <kernel/spinlock.h>).
 */
#ifndef KERNEL_HEAP_H
#define KERNEL_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bitmap/bitmap.h>
#include <kernel/pfa.h>
#include <kernel/spinlock.h>

#define HEAP_MIN_SHIFT		4	/* 16 B */
#define HEAP_MAX_SHIFT		11	/* 2 KiB */
#define HEAP_CLASSES		(HEAP_MAX_SHIFT - HEAP_MIN_SHIFT + 1)
#define HEAP_MAX_SMALL		(1u << HEAP_MAX_SHIFT)
#define SLAB_FRAMES		4
#define SLAB_SIZE		(SLAB_FRAMES * 4096u)
#define SLAB_MAX_OBJECTS	(SLAB_SIZE >> HEAP_MIN_SHIFT)

struct slab;

struct heap_class {
	struct spinlock lock;
	struct slab *partial;		/* slabs with a free object */
	struct slab *empty;		/* one all-free slab kept for reuse */
	uint32_t size;
	uint64_t slabs;
	uint64_t objects;		/* in use */
};

struct heap_stats {
	uint64_t objects;		/* small objects in use */
	uint64_t slabs;
	uint64_t large;			/* large allocations in use */
	uint64_t large_frames;
	uint64_t bad_frees;
	uint64_t failed;
	uint64_t class_objects[HEAP_CLASSES];
};

/* Fields are private to heap.c. */
struct heap {
	struct pfa *pfa;
	uintptr_t virt_base;
	uint64_t nframes;
	struct spinlock lock;		/* the three maps below, large counters */
	uint64_t *slab_map;		/* bit per SLAB_FRAMES-block: a slab lives there */
	uint64_t *large_head;		/* bit per frame: a large allocation starts here */
	uint64_t *large_tail;		/* bit per frame: and goes on here */
	uint64_t large, large_frames;
	uint64_t bad_frees, failed;	/* atomic */
	struct heap_class cls[HEAP_CLASSES];
};

/* Storage words heap_init needs for a pfa of nframes frames. */
size_t heap_storage_words(uint64_t nframes);
/* Start an empty heap over p's frames, mapped at virt_base (16 KiB-aligned), on storage. */
void heap_init(struct heap *h, struct pfa *p, uintptr_t virt_base, uint64_t *storage);

/* size bytes, or NULL if size is 0 or memory is exhausted (logged). */
void *heap_alloc(struct heap *h, size_t size);
/* As heap_alloc, zero-filled. */
void *heap_zalloc(struct heap *h, size_t size);
/* Give back p (NULL is a no-op): 0, or -1 if refused (logged with caller, counted). */
int heap_free(struct heap *h, void *p, const void *caller);
/* Bytes usable at p (its size class or whole frames), 0 if p is not a live object. */
size_t heap_usable_size(struct heap *h, const void *p);
/* Counters, for leak checks. */
void heap_get_stats(struct heap *h, struct heap_stats *s);
/* A bm_alloc (for bm_dyn_*) allocating from h. */
void heap_bm_alloc_init(struct bm_alloc *a, struct heap *h);

#endif /* KERNEL_HEAP_H */
