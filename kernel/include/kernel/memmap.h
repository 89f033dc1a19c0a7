/* SPDX-License-Identifier: MIT */
/*
 * The physical memory map: the firmware's ranges made safe, less the
 * reservations, in whole frames. Portable (host tests feed it synthetic maps).
 *
 * Building one is three steps: memmap_init(), one memmap_parse*() call
 * (the firmware's memory map, basic meminfo, or nothing at all), then
 * memmap_reserve()/memmap_carve() for what the kernel already uses.
 *
 * Only type 1 (available) is usable. The parser trusts nothing and logs
 * each anomaly with the safe reading: zero-length entries are ignored,
 * entries past the CPU's physical address width or wrapping past 2^64 are
 * cut, a usable range overlapping any other type is reserved there,
 * overlapping usable entries merge, and a frame only partly usable is not
 * usable. Afterwards usable[] is sorted, disjoint, non-adjacent and
 * frame-aligned. Ranges are half-open [start, end), in bytes.
 */
#ifndef KERNEL_MEMMAP_H
#define KERNEL_MEMMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MEMMAP_MAX		128	/* usable ranges kept; more are dropped (logged) */
#define MEMMAP_MAX_REGIONS	64	/* reserved regions remembered for printing */
#define MEMMAP_NONE		UINT64_MAX

/* Reserved by the kernel rather than by the firmware (region type). */
#define MEMMAP_KERNEL		0

/* Firmware memory types (multiboot2 spec 3.6.8, E820's numbering); any other is reserved. */
enum memmap_type {
	MEMMAP_AVAILABLE	= 1,
	MEMMAP_RESERVED		= 2,
	MEMMAP_ACPI_RECLAIM	= 3,
	MEMMAP_ACPI_NVS		= 4,
	MEMMAP_BAD		= 5,
};

/* One firmware entry as the boot loader lays it out (multiboot2 spec 3.6.8). */
struct memmap_entry {
	uint64_t addr;
	uint64_t len;
	uint32_t type;
	uint32_t reserved;
};
_Static_assert(sizeof(struct memmap_entry) == 24, "multiboot2 memory map entry");

struct mm_range {
	uint64_t start;
	uint64_t end;
};

struct mm_region {
	uint64_t start;
	uint64_t end;
	uint64_t taken;		/* usable bytes it removed */
	uint32_t type;		/* firmware type, or MEMMAP_KERNEL */
	const char *name;
};

struct memmap {
	struct mm_range usable[MEMMAP_MAX];
	size_t nusable;
	struct mm_region region[MEMMAP_MAX_REGIONS];
	size_t nregions;
	uint64_t limit;		/* 2^phys_bits: nothing at or above is usable */
	uint64_t fw_usable;	/* usable bytes the firmware map gave */
	uint64_t reserved;	/* usable bytes the kernel's reservations took since */
	unsigned int anomalies;	/* entries that needed a safe reading */
	unsigned int dropped;	/* ranges lost to a full table */
};

/* Start an empty map for a CPU with phys_bits of physical address (CPUID 0x80000008 EAX[7:0]). */
void memmap_init(struct memmap *m, unsigned int phys_bits);

/*
 * Read n entries (struct memmap_entry) laid out `stride` bytes apart (a
 * multiboot2 memory map: stride = entry_size, at least 24, which the boot
 * information parser checked). Call once, after memmap_init.
 */
void memmap_parse(struct memmap *m, const void *entries, size_t n, size_t stride);
/* No memory map: use the basic meminfo tag (type 4), lower and upper memory in KiB. */
void memmap_parse_meminfo(struct memmap *m, uint32_t lower_kib, uint32_t upper_kib);
/* No memory information at all: log it; nothing is usable. */
void memmap_parse_none(struct memmap *m);

/* Take [start, end), rounded out to frames, away from the usable RAM and remember it by name. */
void memmap_reserve(struct memmap *m, uint64_t start, uint64_t end, const char *name);
/*
 * Find `size` bytes of usable RAM, `align`-aligned (a power of two, at
 * least a frame), ending at or below `limit`; take the highest such place
 * and reserve it as `name`. Returns its address, or MEMMAP_NONE.
 */
uint64_t memmap_carve(struct memmap *m, uint64_t size, uint64_t align, uint64_t limit,
		      const char *name);

/* Usable bytes now. */
uint64_t memmap_usable_bytes(const struct memmap *m);
/* End of the highest usable range (0 if none): how far the frame bitmap must reach. */
uint64_t memmap_top(const struct memmap *m);
/* Is any byte of [start, end) usable? */
bool memmap_is_usable(const struct memmap *m, uint64_t start, uint64_t end);

/* Log the usable ranges, the reserved regions and the totals. */
void memmap_print(struct memmap *m);

/* The kernel's map, as mm_init left it (kernel only). */
extern struct memmap kernel_memmap;

#endif /* KERNEL_MEMMAP_H */
