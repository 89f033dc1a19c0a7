/* Between the pieces of kernel/mm that only the kernel builds. */
#ifndef KERNEL_MM_INTERNAL_H
#define KERNEL_MM_INTERNAL_H

#include <kernel/memmap.h>

/* Remember the RAM the firmware reported (before reservations): the direct map covers it. */
void directmap_note_ram(const struct memmap *m);
/* Map the noted RAM at DIRECT_MAP_BASE, page tables from the kernel's frame allocator. */
void directmap_init(void);

#endif /* KERNEL_MM_INTERNAL_H */
