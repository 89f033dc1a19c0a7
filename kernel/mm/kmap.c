// SPDX-License-Identifier: MIT
/*
 * The kernel's own page tables (kernel glue): the direct map's tree gets the
 * kernel image, part by part with its rights (.text R+X; .rodata and the
 * symbol table R+NX; .data and .bss RW+NX) in 4 KiB pages, stack guard
 * pages left out, the framebuffer RW+NX and the boot loader's information
 * R+NX at their physical addresses; then it
 * replaces the boot page tables (whose identity map of [0, 4 GiB) goes with
 * them), and a scan checks that no page is writable and executable. Other
 * physical addresses below 4 GiB that are not RAM (firmware tables, MMIO)
 * are mapped at their own address on request, page 0 never.
 */
#include <stdbool.h>

#include <arch/layout.h>
#include <arch/paging.h>
#include <kernel/cmdline.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>

#include "mm_internal.h"

/* The image's page-aligned parts (linker.ld). */
extern const char __kernel_start[], __text_end[], __rodata_end[], __data_end[], __kernel_end[];
/* Pages under stacks that stay unmapped (<arch/stack.h>, STACK_GUARD). */
extern const void *const __start_stack_guards[], *const __stop_stack_guards[];

/* Physical addresses below this may be mapped at their own address (firmware, MMIO). */
#define IDENTITY_LIMIT	(4 * GIB)

static struct pt *tree;
static struct spinlock identity_lock = SPINLOCK_INIT;	/* the identity pages, after boot */

static bool is_stack_guard(uint64_t va)
{
	for (const void *const *g = __start_stack_guards; g < __stop_stack_guards; g++)
		if ((uint64_t)(uintptr_t)*g == va)
			return true;
	return false;
}

static void map_or_panic(uint64_t va, uint64_t phys, uint64_t len, uint64_t page, uint64_t flags)
{
	if (pt_map(tree, va, phys, len, page, flags) < 0)
		panic("mm: out of memory for the kernel's page tables at 0x%lx", va);
}

/* [start, end) of the image, each page but the guards at its load address with these rights. */
static void map_image_part(const char *start, const char *end, uint64_t flags)
{
	for (uint64_t va = (uint64_t)(uintptr_t)start; va < (uint64_t)(uintptr_t)end; va += PAGE_4K)
		if (!is_stack_guard(va))
			map_or_panic(va, va - KERNEL_VMA, PAGE_4K, PAGE_4K, flags | PTE_GLOBAL);
}

static void map_image(void)
{
	map_image_part(__kernel_start, __text_end, 0);
	map_image_part(__text_end, __rodata_end, PTE_NX);
	map_image_part(__rodata_end, __data_end, PTE_WRITE | PTE_NX);
	map_image_part(__data_end, __kernel_end, PTE_NX);
}

/* Early storage handed out through the image's 2 GiB window before the direct map existed. */
static void map_early(const struct mm_range *r)
{
	uint64_t start = mm_align_down(r->start, PAGE_4K), end = mm_align_up(r->end, PAGE_4K);

	map_or_panic(KERNEL_VMA + start, start, end - start, PAGE_4K, PTE_WRITE | PTE_NX | PTE_GLOBAL);
}

bool kmap_identity(uint64_t phys, uint64_t len, uint64_t flags)
{
	uint64_t start = mm_align_down(phys, PAGE_4K);
	long r;

	if (!len || phys < PAGE_4K || len > IDENTITY_LIMIT - phys) {
		mm_log("mm: 0x%lx+0x%lx: not mapped at its own address (page 0, or not below 4 GiB)",
		       phys, len);
		return false;
	}
	spin_lock(&identity_lock);
	r = pt_map(tree, start, start, mm_align_up(phys + len, PAGE_4K) - start, PAGE_4K, flags);
	spin_unlock(&identity_lock);
	if (r < 0)
		mm_log("mm: 0x%lx+0x%lx: no memory for its page tables; not mapped", phys, len);
	return r >= 0;
}

void *mm_map_mmio(uint64_t phys, uint64_t len)
{
	return kmap_identity(phys, len, PTE_WRITE | PTE_NX) ? (void *)(uintptr_t)phys : NULL;
}

static uint64_t *table_direct(uint64_t phys)
{
	return phys_to_virt(phys);
}

struct wx_count {
	unsigned long pages, wx;
	uint64_t first;		/* the lowest W+X page, if any */
};

static void count_wx(void *ctx, uint64_t va, uint64_t entry, uint64_t page)
{
	struct wx_count *c = ctx;

	(void)page;
	c->pages++;
	if ((entry & PTE_WRITE) && !(entry & PTE_NX) && !c->wx++)
		c->first = va;
}

unsigned long kmap_scan_wx(unsigned long *pages, uint64_t *first)
{
	struct pt live = { .root = read_cr3() & PTE_ADDR_MASK, .table = table_direct };
	struct wx_count c = { 0, 0, 0 };

	pt_for_each_page(&live, count_wx, &c);
	*pages = c.pages;
	*first = c.first;
	return c.wx;
}

/* Will the ktest cases run (and judge the scan), or is a W+X page this boot's end? */
static bool tests_will_judge(void)
{
	char mode[8] = "run";

	cmdline_get(kernel_cmdline(), "ktest", mode, sizeof(mode));
	return strcmp(mode, "off") != 0;
}

static void check_wx(void)
{
	unsigned long pages, wx;
	uint64_t first;

	if (!tree->nx) {
		mm_log("wx: EFER.NXE is off: every page is executable; not checked");
		return;
	}
	wx = kmap_scan_wx(&pages, &first);
	mm_log("wx: %lu pages checked, %lu W+X", pages, wx);
	if (wx && !tests_will_judge())
		panic("wx: %lu pages both writable and executable, the first at 0x%lx", wx, first);
}

/* r (if not empty) at its physical address, or a panic: the kernel already holds pointers into it. */
static void map_boot_region(const struct mm_range *r, uint64_t flags, const char *what)
{
	if (r->end > r->start && !kmap_identity(r->start, r->end - r->start, flags))
		panic("mm: cannot map the %s at 0x%lx at its own address", what, r->start);
}

void kmap_init(struct pt *pt, const struct mm_range *early, const struct mm_range *fb,
	       const struct mm_range *info)
{
	tree = pt;
	map_image();
	map_early(early);
	map_boot_region(fb, PTE_WRITE | PTE_NX, "framebuffer");
	map_boot_region(info, PTE_NX, "multiboot2 information");
	write_cr3(tree->root);
	tree->table = table_direct;
	mm_log("mm: kernel page tables at 0x%lx: %lu page-table pages; image text R+X, "
	       "rodata R+NX, data RW+NX", tree->root, tree->tables);
	check_wx();
}
