// SPDX-License-Identifier: MIT
/* The direct map: all RAM at DIRECT_MAP_BASE in 2 MiB or 1 GiB pages, RW+NX, in the kernel's new tree (policy; <arch/paging.h> writes the entries). */

#include <arch/layout.h>
#include <arch/paging.h>
#include <kernel/mm.h>
#include <kernel/page.h>
#include <kernel/panic.h>

#include "mm_internal.h"

/* Page tables are written through the kernel image's mapping, which covers the first 2 GiB. */
#define PT_LIMIT	GIB
/* Below this, firmware data outside RAM is mapped at its own address (kmap_identity). */
#define IDENTITY_LIMIT	(4 * GIB)

static struct mm_range ram[MEMMAP_MAX + MEMMAP_MAX_REGIONS];
static size_t nram;

void directmap_note_ram(const struct memmap *m)
{
	size_t i;

	for (i = 0; i < m->nusable; i++)
		ram[nram++] = m->usable[i];
	/* ACPI tables are RAM too, and their parser wants them mapped. */
	for (i = 0; i < m->nregions; i++)
		if (m->region[i].type == MEMMAP_ACPI_RECLAIM || m->region[i].type == MEMMAP_ACPI_NVS)
			ram[nram++] = (struct mm_range){ m->region[i].start, m->region[i].end };
}

/* Before the direct map exists, tables are reached through the kernel image's window. */
static uint64_t *table_virt(uint64_t phys)
{
	return (uint64_t *)(KERNEL_VMA + phys);
}

static uint64_t table_frame(void)
{
	return page_alloc_below(PT_LIMIT, 1, 1);
}

static struct pt tree = { .alloc_table = table_frame, .table = table_virt };

static void map_page(uint64_t phys, uint64_t page, uint64_t flags)
{
	if (pt_map(&tree, DIRECT_MAP_BASE + phys, phys, page, page, flags) < 0)
		panic("mm: out of memory for direct-map page tables");
}

/* 1 GiB pages where a whole aligned GiB is in the range and the CPU has them, else 2 MiB. */
static void map_range(const struct mm_range *r, bool huge_1g, uint64_t flags)
{
	uint64_t a = mm_align_down(r->start, PAGE_2M);

	while (a < r->end) {
		uint64_t page = huge_1g && a % PAGE_1G == 0 && r->end - a >= PAGE_1G ?
				PAGE_1G : PAGE_2M;

		map_page(a, page, flags);
		a += page;
	}
}

/* An empty PML4 below 4 GiB: the AP trampoline loads CR3 in 32-bit mode. */
static uint64_t new_root(void)
{
	uint64_t root = table_frame();

	if (!root)
		panic("mm: no frame for the kernel's PML4");
	for (unsigned int i = 0; i < PAGE_4K / sizeof(uint64_t); i++)
		table_virt(root)[i] = 0;
	return root;
}

struct pt *directmap_init(void)
{
	bool huge_1g = cpu_has_1g_pages();
	uint64_t top = 0;
	size_t i;

	tree.root = new_root();
	tree.nx = cpu_nx_enabled();
	for (i = 0; i < nram; i++) {
		map_range(&ram[i], huge_1g, PTE_WRITE | PTE_GLOBAL | PTE_NX);
		if (ram[i].end > top)
			top = ram[i].end;
	}
	mm_log("mm: direct map of RAM up to 0x%llx at 0x%llx: %s pages, %lu page-table pages",
	       (unsigned long long)top, (unsigned long long)DIRECT_MAP_BASE,
	       huge_1g ? "1 GiB and 2 MiB" : "2 MiB", tree.tables);
	return &tree;
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
	if (direct_mapped(phys, phys + len))
		return phys_to_virt(phys);
	if (phys + len <= IDENTITY_LIMIT)
		return kmap_identity(phys, len, PTE_NX) ? (const void *)(uintptr_t)phys : NULL;
	mm_log("mm: firmware range 0x%llx-0x%llx is above 4 GiB and not RAM: not mapped",
	       (unsigned long long)phys, (unsigned long long)(phys + len - 1));
	return NULL;
}
