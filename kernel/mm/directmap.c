/* The direct map: all RAM at DIRECT_MAP_BASE, with 2 MiB pages, or 1 GiB pages where the CPU has them. */

#include <arch/layout.h>
#include <arch/paging.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/pfa.h>
#include <kernel/string.h>

#include "mm_internal.h"

/* Page tables are written through the kernel image's mapping, which covers the first 2 GiB. */
#define PT_LIMIT	GIB
/* The boot page tables map [0, 4 GiB) at the same addresses (boot/entry.S). */
#define IDENTITY_LIMIT	(4 * GIB)

static struct mm_range ram[MEMMAP_MAX + MEMMAP_MAX_REGIONS];
static size_t nram;
static unsigned int table_pages;

void directmap_note_ram(const struct memmap *m)
{
	size_t i;

	for (i = 0; i < m->nusable; i++)
		ram[nram++] = m->usable[i];
	/* ACPI tables are RAM too, and their parser wants them mapped. */
	for (i = 0; i < m->nregions; i++)
		if (m->region[i].type == MB2_MMAP_ACPI_RECLAIM || m->region[i].type == MB2_MMAP_ACPI_NVS)
			ram[nram++] = (struct mm_range){ m->region[i].start, m->region[i].end };
}

static uint64_t *table_virt(uint64_t entry)
{
	return (uint64_t *)(KERNEL_VMA + (entry & PTE_ADDR_MASK));
}

/* The table entry points to, made (zeroed, from the allocator) if absent. */
static uint64_t *next_table(uint64_t *entry)
{
	uint64_t phys;

	if (!(*entry & PTE_PRESENT)) {
		phys = pfa_alloc_below(PT_LIMIT, 1, 1);
		if (!phys)
			panic("mm: out of memory for direct-map page tables");
		memset(table_virt(phys), 0, FRAME_SIZE);
		*entry = phys | PTE_PRESENT | PTE_WRITE;
		table_pages++;
	}
	return table_virt(*entry);
}

static uint64_t *pdpt_entry(uint64_t phys)
{
	uint64_t va = DIRECT_MAP_BASE + phys;
	uint64_t *pml4 = table_virt(read_cr3());

	return &next_table(&pml4[pt_index(va, 39)])[pt_index(va, 30)];
}

/* Map the 2 MiB page at phys (2 MiB-aligned), unless a 1 GiB or 2 MiB page already does. */
static void map_2m(uint64_t phys, uint64_t flags)
{
	uint64_t *pdpte = pdpt_entry(phys);
	uint64_t *pde;

	if (*pdpte & PTE_HUGE)
		return;
	pde = &next_table(pdpte)[pt_index(DIRECT_MAP_BASE + phys, 21)];
	if (!(*pde & PTE_PRESENT))
		*pde = phys | flags | PTE_HUGE;
}

/* Map the 1 GiB page at phys (1 GiB-aligned) unless its PDPT entry is already in use. */
static void map_1g(uint64_t phys, uint64_t flags)
{
	uint64_t *pdpte = pdpt_entry(phys);

	if (!(*pdpte & PTE_PRESENT))
		*pdpte = phys | flags | PTE_HUGE;
}

static void map_range(const struct mm_range *r, bool huge_1g, uint64_t flags)
{
	uint64_t a = mm_align_down(r->start, PAGE_2M);

	while (a < r->end) {
		if (huge_1g && a % PAGE_1G == 0 && r->end - a >= PAGE_1G) {
			map_1g(a, flags);
			a += PAGE_1G;
		} else {
			map_2m(a, flags);
			a += PAGE_2M;
		}
	}
}

void directmap_init(void)
{
	bool huge_1g = cpu_has_1g_pages();
	uint64_t flags = PTE_PRESENT | PTE_WRITE | PTE_GLOBAL;
	uint64_t top = 0;
	size_t i;

	if (rdmsr(MSR_EFER) & EFER_NXE)
		flags |= PTE_NX;
	for (i = 0; i < nram; i++) {
		map_range(&ram[i], huge_1g, flags);
		if (ram[i].end > top)
			top = ram[i].end;
	}
	/* The new entries were not present before: nothing stale to flush, but be plain about it. */
	write_cr3(read_cr3());
	mm_log("mm: direct map of RAM up to 0x%llx at 0x%llx: %s pages, %u page-table pages",
	       (unsigned long long)top, (unsigned long long)DIRECT_MAP_BASE,
	       huge_1g ? "1 GiB and 2 MiB" : "2 MiB", table_pages);
}

/* Is all of [start, end) inside the direct map? A range is mapped in whole 2 MiB pages. */
static bool direct_mapped(uint64_t start, uint64_t end)
{
	bool progress = true;

	while (start < end && progress) {
		progress = false;
		for (size_t i = 0; i < nram; i++)
			if (start >= mm_align_down(ram[i].start, PAGE_2M) &&
			    start < mm_align_up(ram[i].end, PAGE_2M)) {
				start = mm_align_up(ram[i].end, PAGE_2M);
				progress = true;
			}
	}
	return start >= end;
}

const void *mm_firmware_ptr(uint64_t phys, uint64_t len)
{
	if (len > UINT64_MAX - phys) {
		mm_log("mm: firmware range 0x%llx+0x%llx wraps around: not mapped",
		       (unsigned long long)phys, (unsigned long long)len);
		return NULL;
	}
	if (phys + len <= IDENTITY_LIMIT)
		return (const void *)(uintptr_t)phys;
	if (direct_mapped(phys, phys + len))
		return phys_to_virt(phys);
	mm_log("mm: firmware range 0x%llx-0x%llx is above 4 GiB and not RAM: not mapped",
	       (unsigned long long)phys, (unsigned long long)(phys + len - 1));
	return NULL;
}
