/*
 * GDT descriptor slots from a bitmap, and 64-bit TSS descriptor encoding.
 * Portable: the kernel's GDT and the host tests use the same code.
 *
 * The first `nfixed` slots hold the fixed segments (null, kernel code and
 * data, user code and data in SYSCALL/SYSRET order) and are never handed
 * out. A 64-bit TSS descriptor is 16 bytes, two consecutive slots; pairs
 * start at even slots, so each descriptor is 16-byte aligned in the table.
 * Allocation is next-fit from a hint, wrapping once. Each allocator owns
 * its lock; gdt_tss_alloc and gdt_tss_free take it.
 */
#ifndef KERNEL_GDTSLOT_H
#define KERNEL_GDTSLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bitmap/bitmap.h>
#include <kernel/spinlock.h>

#define GDT_MAX_SLOTS		8192	/* GDTR's 16-bit limit: 65536 bytes */
#define GDT_SLOT_SIZE		8

#define GDT_ENOSPC		28	/* no free aligned pair */
#define GDT_EINVAL		22	/* not a TSS selector we handed out */

/* System-segment types (Intel SDM vol. 3, table 3-2). */
#define GDT_TYPE_TSS_AVAIL	0x9
#define GDT_TYPE_TSS_BUSY	0xB

struct gdt_slots {
	struct spinlock lock;
	uint64_t *table;	/* the descriptors, capacity slots */
	uint64_t *used;		/* bitmap: slot taken (fixed ones included) */
	size_t nslots;		/* slots in use by the table: the GDTR covers these */
	size_t capacity;
	size_t nfixed;
	size_t hint;		/* next-fit: where the next search starts */
};

/* A TSS descriptor, decoded field by field. */
struct gdt_tss_desc {
	uint64_t base;
	uint32_t limit;		/* in bytes, before granularity */
	unsigned int type;	/* GDT_TYPE_TSS_AVAIL or _BUSY */
	unsigned int dpl;
	bool present;
	bool granularity;	/* limit in 4 KiB units */
	bool system;		/* S bit clear: a system segment */
};

/*
 * Take over table[0, capacity) and the bitmap used (BM_WORDS(capacity)
 * words): slots [0, nfixed) are reserved, the table covers nslots slots
 * (nfixed <= nslots <= capacity <= GDT_MAX_SLOTS; nothing is written to
 * table). Returns 0 or -GDT_EINVAL.
 */
int gdt_slots_init(struct gdt_slots *g, uint64_t *table, uint64_t *used, size_t capacity,
		   size_t nfixed, size_t nslots);
/* Grow the table to nslots slots (new ones free and zeroed): 0, or -GDT_EINVAL past capacity or when shrinking. */
int gdt_slots_grow(struct gdt_slots *g, size_t nslots);
/* The GDTR limit for the table: its size in bytes minus one. */
uint16_t gdt_slots_limit(const struct gdt_slots *g);

/* Write a present, available 64-bit TSS descriptor for [base, base + limit] into desc[0..1]. */
void gdt_encode_tss(uint64_t desc[2], uint64_t base, uint32_t limit);
/* Read a TSS descriptor back. */
struct gdt_tss_desc gdt_decode_tss(const uint64_t desc[2]);

/*
 * Take an aligned pair of free slots and write a TSS descriptor for
 * [base, base + limit] there. Returns its selector (slot * 8), or
 * -GDT_ENOSPC when no pair is free (the table is unchanged).
 */
int gdt_tss_alloc(struct gdt_slots *g, uint64_t base, uint32_t limit);
/* Give back the pair at selector: 0, or -GDT_EINVAL (not a pair we gave out; nothing changes). */
int gdt_tss_free(struct gdt_slots *g, unsigned int selector);
/* How many slots are free? */
size_t gdt_slots_free(struct gdt_slots *g);

#endif /* KERNEL_GDTSLOT_H */
