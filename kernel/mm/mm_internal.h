/* SPDX-License-Identifier: MIT */
/* Between the pieces of kernel/mm that only the kernel builds. */
#ifndef KERNEL_MM_INTERNAL_H
#define KERNEL_MM_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

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
 * the image's window), the framebuffer `fb` (RW+NX) and the boot loader's
 * information `info` (R+NX; the pointers struct boot_info keeps into it stay
 * valid) at their physical addresses (empty: none) to pt, load it, and scan it for W+X pages (a panic when the ktest
 * cases will not run). Its tables are reached through the direct map from
 * then on; nothing else below 4 GiB is mapped at its physical address.
 */
void kmap_init(struct pt *pt, const struct mm_range *early, const struct mm_range *fb,
	       const struct mm_range *info);
/*
 * Map [phys, phys + len) at the same virtual addresses in 4 KiB pages with
 * flags (PTE_WRITE, PTE_NX), keeping pages already mapped as they are.
 * False, with a log line, if the range touches page 0 or 4 GiB, or no frame
 * is left for a table.
 */
bool kmap_identity(uint64_t phys, uint64_t len, uint64_t flags);

#endif /* KERNEL_MM_INTERNAL_H */
