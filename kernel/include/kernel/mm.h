/* SPDX-License-Identifier: MIT */
/* Memory management basics shared by the memory map, the frame allocator and the heap. */
#ifndef KERNEL_MM_H
#define KERNEL_MM_H

#include <stdarg.h>
#include <stdint.h>

#define FRAME_SHIFT	12
#define FRAME_SIZE	((uint64_t)1 << FRAME_SHIFT)
#define MIB		((uint64_t)1 << 20)
#define GIB		((uint64_t)1 << 30)

/* All physical RAM is mapped here (kernel only), so phys p is at DIRECT_MAP_BASE + p. */
#define DIRECT_MAP_BASE	0xFFFF800000000000ull

/* Where physical address p is in the direct map (kernel only, after mm_init). */
static inline void *phys_to_virt(uint64_t p)
{
	return (void *)(uintptr_t)(DIRECT_MAP_BASE + p);
}

/* a rounded down / up to a multiple of the power of two `align`. */
static inline uint64_t mm_align_down(uint64_t a, uint64_t align)
{
	return a & ~(align - 1);
}

/* The caller keeps a below 2^64 - align (every physical address is). */
static inline uint64_t mm_align_up(uint64_t a, uint64_t align)
{
	return (a + align - 1) & ~(align - 1);
}

/*
 * Where the portable mm code logs: the kernel points this at vprintk, host
 * programs at vprintf or at a counter; NULL (the default) is silent. Lines
 * carry no trailing newline.
 */
extern void (*mm_log_hook)(const char *fmt, va_list ap);

/* Log one line through mm_log_hook. */
void mm_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Where firmware data at [phys, phys + len) can be read (kernel only, after
 * mm_init): the direct map for RAM and ACPI regions; below 4 GiB outside
 * them, its own address, mapped read-only and not executable on demand.
 * Anything else (page 0 outside RAM, a table pointer above 4 GiB that is
 * not RAM, a range that wraps, no memory for a page table) is logged and
 * gets NULL.
 */
const void *mm_firmware_ptr(uint64_t phys, uint64_t len);

/*
 * Device registers at [phys, phys + len) below 4 GiB, mapped at their own
 * address, writable and not executable (kernel only, after mm_init): that
 * address, or NULL with a log line (page 0, at or above 4 GiB, no memory).
 */
void *mm_map_mmio(uint64_t phys, uint64_t len);

/*
 * Walk the live page tables: the number of pages both writable and
 * executable (R/W on every level, XD on none), the lowest in *first; the
 * pages walked in *pages (kernel only).
 */
unsigned long kmap_scan_wx(unsigned long *pages, uint64_t *first);

struct boot_memory;
/*
 * Bring up the frame allocator, the direct map, the kernel's own page
 * tables (loaded here, replacing the boot ones) and the heap from the
 * firmware's memory map, less what the boot already uses (kernel only).
 */
void mm_init(const struct boot_memory *mem);

#endif /* KERNEL_MM_H */
