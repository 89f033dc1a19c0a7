/* SPDX-License-Identifier: MIT */
/*
 * The kernel's instance of the heap core (kernel/mm/mm.c): one struct heap
 * on kernel_pfa's frames through the direct map, and plain wrappers over
 * it. The core and its contract are in <kernel/heap.h>.
 */
#ifndef KERNEL_KMALLOC_H
#define KERNEL_KMALLOC_H

#include <stddef.h>

#include <kernel/heap.h>

/* The kernel heap. */
extern struct heap kernel_heap;
/* kmalloc'ed storage for dynamic bitmaps in the kernel. */
extern const struct bm_alloc kmalloc_bm_alloc;
/* size bytes from the kernel heap, or NULL. */
void *kmalloc(size_t size);
/* size zeroed bytes, or NULL. */
void *kzalloc(size_t size);
/* Free a kmalloc'ed pointer; a bad one is refused and logged with the caller. */
void kfree(void *p);

#endif /* KERNEL_KMALLOC_H */
