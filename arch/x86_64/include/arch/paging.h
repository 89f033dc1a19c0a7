/* SPDX-License-Identifier: MIT */
/*
 * x86-64 page tables: entry bits, CR3 and TLB control, the CPUID facts
 * paging depends on, and the one walker every mapping goes through.
 *
 * The walker (paging.c, portable: the host tests build it on fake frames)
 * knows the 4-level format and nothing else. A struct pt names a tree by
 * its root's physical address and brings the two things only its owner
 * knows: where a new table's frame comes from, and at which address a
 * table at a given physical address can be read and written (the kernel
 * image's window while the direct map is being built, the direct map
 * after). Callers say what to map where, with which page size and flags;
 * the walker writes the entries. It takes no lock and flushes no TLB: the
 * caller owns the range it maps (the direct map at boot, a stack slot) and
 * flushes what it unmaps.
 */
#ifndef ARCH_PAGING_H
#define ARCH_PAGING_H

#include <stdbool.h>
#include <stdint.h>

#include <arch/cpu.h>

#define PTE_PRESENT		(1ull << 0)
#define PTE_WRITE		(1ull << 1)
#define PTE_HUGE		(1ull << 7)	/* a 2 MiB page in a PD, 1 GiB in a PDPT */
#define PTE_GLOBAL		(1ull << 8)
#define PTE_NX			(1ull << 63)
#define PTE_ADDR_MASK		0x000FFFFFFFFFF000ull

#define PAGE_4K			(1ull << 12)
#define PAGE_2M			(1ull << 21)
#define PAGE_1G			(1ull << 30)

#define PT_ENOMEM		12	/* no frame for a table */
#define PT_EINVAL		22	/* bad page size, alignment, flags or range */

/* A page-table tree and how to grow and reach it (see above). */
struct pt {
	uint64_t root;				/* physical address of the PML4 */
	uint64_t (*alloc_table)(void);		/* a frame for a new table (any contents), or 0 */
	uint64_t *(*table)(uint64_t phys);	/* where the table at phys can be accessed */
	bool nx;				/* EFER.NXE is on: PTE_NX may be set */
	unsigned long tables;			/* tables this struct has built */
};

/*
 * Map [va, va + len) to [phys, phys + len) with pages of `page` bytes
 * (PAGE_4K, PAGE_2M or PAGE_1G; va, phys and len multiples of it, va
 * canonical). flags: any of PTE_WRITE, PTE_GLOBAL, PTE_NX (dropped when
 * !pt->nx, where the bit is reserved); present, and the page-size bit for
 * 2 MiB and 1 GiB pages, are added. Missing tables are built (zeroed,
 * present and writable). An entry already in use at the page's level, or
 * a bigger page above it, is kept as it is. Returns the number of pages
 * mapped, or -PT_EINVAL (nothing changed) or -PT_ENOMEM (the pages before
 * the one that needed the missing table stay mapped).
 */
long pt_map(struct pt *pt, uint64_t va, uint64_t phys, uint64_t len, uint64_t page, uint64_t flags);
/* Build the tables [va, va + len) needs for `page`-sized entries, mapping nothing: 0, -PT_EINVAL or -PT_ENOMEM. */
int pt_prepare(struct pt *pt, uint64_t va, uint64_t len, uint64_t page);
/* Clear the 4 KiB page at va: its old entry (the caller frees the frame and flushes), or 0 if no 4 KiB page maps va. */
uint64_t pt_unmap(struct pt *pt, uint64_t va);
/* The entry that maps va (a 4 KiB, 2 MiB or 1 GiB page; its size in *page if page), or NULL. Builds nothing. */
uint64_t *pt_lookup(struct pt *pt, uint64_t va, uint64_t *page);

/*
 * What pt_for_each_page reports for each page: its (canonical) address,
 * its entry as the CPU applies it (R/W only if every level above allows
 * writes, XD if any level sets it), and its size.
 */
typedef void (*pt_page_fn)(void *ctx, uint64_t va, uint64_t entry, uint64_t page);
/* Call fn for every present page of the tree, in address order: the number of pages. Builds nothing. */
unsigned long pt_for_each_page(struct pt *pt, pt_page_fn fn, void *ctx);

/* Index of va's entry at each level: PML4 (39), PDPT (30), PD (21), PT (12). */
static inline unsigned int pt_index(uint64_t va, unsigned int shift)
{
	return (unsigned int)(va >> shift) & 511;
}

static inline void write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

/* Drop va's translation from this CPU's TLB. */
static inline void invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline uint32_t cpuid_max_extended(void)
{
	uint32_t a, b, c, d;

	cpuid(0x80000000, 0, &a, &b, &c, &d);
	return a;
}

/* Physical address bits (CPUID 0x80000008 EAX[7:0]); 36 where the leaf is missing. */
static inline unsigned int cpu_phys_bits(void)
{
	uint32_t a, b, c, d;

	if (cpuid_max_extended() < 0x80000008)
		return 36;
	cpuid(0x80000008, 0, &a, &b, &c, &d);
	return a & 0xff;
}

/* Is EFER.NXE on, so that PTE_NX is a valid bit? */
static inline bool cpu_nx_enabled(void)
{
	return rdmsr(MSR_EFER) & EFER_NXE;
}

/* Can a PDPT entry map a 1 GiB page? (CPUID 0x80000001 EDX[26]) */
static inline bool cpu_has_1g_pages(void)
{
	uint32_t a, b, c, d;

	if (cpuid_max_extended() < 0x80000001)
		return false;
	cpuid(0x80000001, 0, &a, &b, &c, &d);
	return (d >> 26) & 1;
}

#endif /* ARCH_PAGING_H */
