/* x86-64 page tables: entry bits, CR3 and TLB control, and the CPUID facts paging depends on. */
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

#define PAGE_2M			(1ull << 21)
#define PAGE_1G			(1ull << 30)

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
