/* SPDX-License-Identifier: MIT */
/*
 * The page API: physical frames from the kernel's instance of the frame
 * allocator core (kernel_pfa, set up by mm_init in kernel/mm/mm.c), in
 * physical addresses. Failure is 0: frame 0 is always reserved. The core
 * and its contract (frame states, locking, bad frees) are in <kernel/pfa.h>.
 * Kernel only; not for interrupt handlers.
 */
#ifndef KERNEL_PAGE_H
#define KERNEL_PAGE_H

#include <stdint.h>

#include <kernel/pfa.h>

/* The kernel's allocator, over all RAM; the first MiB only for page_alloc_below. */
extern struct pfa kernel_pfa;
/* One frame, or 0 when out of memory. */
uint64_t page_alloc(void);
/* One zero-filled frame, or 0. */
uint64_t page_alloc_zeroed(void);
/* n frames in a row, align_frames-aligned, or 0. */
uint64_t page_alloc_contig(uint64_t n, uint64_t align_frames);
/* n frames in a row ending at or below physical address limit, align-aligned (in frames), or 0. */
uint64_t page_alloc_below(uint64_t limit, uint64_t n, uint64_t align_frames);
/* Free one frame: 0, or -1 if refused (logged with the caller, counted). */
int page_free(uint64_t addr);
/* Free n frames from addr: 0, or -1 if any is refused (then none is freed). */
int page_free_range(uint64_t addr, uint64_t n);
/* The kernel allocator's counters. */
void page_stats(struct pfa_stats *s);
/* Log the kernel allocator's free ranges and density map. */
void page_dump(void);

#endif /* KERNEL_PAGE_H */
