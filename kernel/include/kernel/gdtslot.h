/* SPDX-License-Identifier: MIT */
/*
 * GDT descriptor slots from a bitmap. Portable: the kernel's GDT
 * (arch/x86_64/gdt.c) and the host tests use the same code; what goes in
 * a slot, bit by bit, is the caller's (<arch/gdtdesc.h> on x86-64).
 *
 * The first `nfixed` slots hold the fixed segments (null, kernel code and
 * data, user code and data in SYSCALL/SYSRET order) and are never handed
 * out. A 64-bit TSS descriptor is 16 bytes, two consecutive slots; pairs
 * start at even slots, so each descriptor is 16-byte aligned in the table.
 * Allocation is next-fit from a hint, wrapping once. Each allocator owns
 * its lock; gdt_slots_alloc_pair, gdt_slots_free_pair, gdt_slots_grow
 * and gdt_slots_available take it.
 */
#ifndef KERNEL_GDTSLOT_H
#define KERNEL_GDTSLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bitmap/bitmap.h>
#include <kernel/errno.h>
#include <kernel/spinlock.h>

#define GDT_MAX_SLOTS		8192	/* GDTR's 16-bit limit: 65536 bytes */
#define GDT_SLOT_SIZE		8

struct gdt_slots {
	struct spinlock lock;
	uint64_t *table;	/* the descriptors, capacity slots */
	uint64_t *used;		/* bitmap: slot taken (fixed ones included) */
	size_t nslots;		/* slots in use by the table: the GDTR covers these */
	size_t capacity;
	size_t nfixed;
	size_t hint;		/* next-fit: where the next search starts */
};

/*
 * Take over table[0, capacity) and the bitmap used (BM_WORDS(capacity)
 * words): slots [0, nfixed) are reserved, the table covers nslots slots
 * (nfixed <= nslots <= capacity <= GDT_MAX_SLOTS; nothing is written to
 * table). Returns 0 or -EINVAL.
 */
int gdt_slots_init(struct gdt_slots *g, uint64_t *table, uint64_t *used, size_t capacity,
		   size_t nfixed, size_t nslots);
/* Grow the table to nslots slots (new ones free and zeroed): 0, or -EINVAL past capacity or when shrinking. */
int gdt_slots_grow(struct gdt_slots *g, size_t nslots);
/* The GDTR limit for the table: its size in bytes minus one. */
uint16_t gdt_slots_limit(const struct gdt_slots *g);

/*
 * Take an aligned pair of free slots and write desc[0..1] (a 16-byte
 * descriptor, such as a 64-bit TSS's) there. Returns its selector
 * (slot * 8), or -ENOSPC when no pair is free (the table is unchanged).
 */
int gdt_slots_alloc_pair(struct gdt_slots *g, const uint64_t desc[2]);
/* Give back the pair at selector: 0, or -EINVAL (not a pair we gave out; nothing changes). */
int gdt_slots_free_pair(struct gdt_slots *g, unsigned int selector);
/* The number of free slots (lone ones included: not every free slot can start a pair). */
size_t gdt_slots_available(struct gdt_slots *g);
/*
 * Print the table through print, under g's lock: "N slots (F fixed), limit
 * 0xL:", one character per slot, 64 to a line (F fixed, T and t the halves
 * of a pair, . free), the fixed range, a line "0xSEL: " + describe(the
 * pair's two words) for each pair, then the used and free counts.
 */
void gdt_slots_print(struct gdt_slots *g, void (*print)(const char *fmt, ...),
		     const char *(*describe)(const uint64_t desc[2]));

#endif /* KERNEL_GDTSLOT_H */
