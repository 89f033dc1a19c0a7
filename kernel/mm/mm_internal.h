/* Between the pieces of kernel/mm that only the kernel builds. */
#ifndef KERNEL_MM_INTERNAL_H
#define KERNEL_MM_INTERNAL_H

#include <kernel/memmap.h>

struct pt;

/* Remember the RAM the firmware reported (before reservations): the direct map covers it. */
void directmap_note_ram(const struct memmap *m);
/*
 * Map the noted RAM at DIRECT_MAP_BASE in a new tree (not loaded yet), page
 * tables from the kernel's frame allocator below 1 GiB, written through the
 * image's window: the tree kmap_init completes and loads.
 */
struct pt *directmap_init(void);
/*
 * Add the kernel image, the early storage at `early` (still reached through
 * the image's window) and the firmware's low window but page 0 and the
 * trampoline page to pt, load it, and scan it for W+X pages (a panic when
 * the ktest cases will not run). Its tables are reached through the direct
 * map from then on.
 */
void kmap_init(struct pt *pt, const struct mm_range *early, uint64_t trampoline);

#endif /* KERNEL_MM_INTERNAL_H */
