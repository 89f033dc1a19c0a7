// SPDX-License-Identifier: MIT
/*
 * paging in the running kernel: the entries the walker wrote for the
 * direct map and for a stack, read back through the live CR3; an
 * instruction fetch through the direct map, which XD must stop; no
 * executable page from the direct map up to the kernel image (kernel
 * only). Bits from the Intel SDM (vol. 3, 4.5): P 0, R/W 1, U/S 2, PS 7,
 * G 8, XD 63; EFER is MSR 0xC0000080, NXE its bit 11.
 */
#include <arch/cpu.h>
#include <arch/kstack.h>
#include <arch/layout.h>
#include <arch/paging.h>
#include <arch/trap.h>
#include <kernel/ktest.h>
#include <kernel/mm.h>
#include <kernel/page.h>

#define BITS_CHECKED	0x187ull	/* P, R/W, U/S, PS, G: not A or D, which the CPU sets */
#define XD		(1ull << 63)

static uint64_t no_frames(void)
{
	return 0;
}

static uint64_t *direct(uint64_t phys)
{
	return phys_to_virt(phys);
}

/* The live tree, for lookups (which build nothing). */
static struct pt *live(void)
{
	static struct pt pt = { .alloc_table = no_frames, .table = direct };

	pt.root = read_cr3() & PTE_ADDR_MASK;
	return &pt;
}

static uint64_t xd_expected(void)
{
	return rdmsr(0xC0000080) & (1u << 11) ? XD : 0;
}

KTEST(paging_kernel, direct_map_pages_are_writable_global_and_no_execute)
{
	uint64_t phys = page_alloc(), page = 0;
	const uint64_t *e;

	ASSERT_NE(t, phys, 0);
	e = pt_lookup(live(), DIRECT_MAP_BASE + phys, &page);
	ASSERT_NOT_NULL(t, e);
	EXPECT_TRUE(t, page == 0x200000 || page == 0x40000000);
	EXPECT_EQ(t, *e & BITS_CHECKED, 0x183);		/* P R/W PS G, supervisor */
	EXPECT_EQ(t, *e & XD, xd_expected());
	EXPECT_EQ(t, *e & 0x000FFFFFFFFFF000ull & ~(page - 1), phys & ~(page - 1));
	page_free(phys);
}

KTEST(paging_kernel, stack_pages_are_4k_writable_and_no_execute_over_a_guard)
{
	uint64_t top = kstack_alloc(2), page = 0;
	const uint64_t *e;

	ASSERT_NE(t, top, 0);
	e = pt_lookup(live(), top - 0x1000, &page);
	ASSERT_NOT_NULL(t, e);
	EXPECT_EQ(t, page, 0x1000);
	EXPECT_EQ(t, *e & BITS_CHECKED, 0x003);		/* P R/W; no PS, not global */
	EXPECT_EQ(t, *e & XD, xd_expected());
	EXPECT_NOT_NULL(t, pt_lookup(live(), kstack_bottom(top, 2), NULL));
	EXPECT_NULL(t, pt_lookup(live(), kstack_bottom(top, 2) - 0x1000, NULL));
	kstack_free(top, 2);
	EXPECT_NULL(t, pt_lookup(live(), top - 0x1000, NULL));
}

/* Code that only returns; called at its direct-map alias, it must never run. */
static void __attribute__((noinline, aligned(16))) just_return(void)
{
	__asm__ volatile("");
}

/* Its alias: the image is linked at KERNEL_VMA + p for physical p (linker.ld). */
#define ALIAS	((uint64_t)(uintptr_t)just_return - KERNEL_VMA + DIRECT_MAP_BASE)

KTEST_FAULT(paging_kernel, fetch_through_the_direct_map_raises_pf, VEC_PF, ALIAS)
{
	if (!xd_expected())
		ktest_skip(t, "EFER.NXE is off: the CPU has no XD bit");
	ASSERT_NOT_NULL(t, pt_lookup(live(), ALIAS, NULL));	/* mapped: XD, not absence, stops it */
	((void (*)(void))(uintptr_t)ALIAS)();
	EXPECT_TRUE(t, false);	/* not reached */
}

struct exec_count {
	unsigned long pages, executable;
};

/* Between the direct map's base and the kernel image lie only data: RAM and stacks. */
static void count_executable(void *ctx, uint64_t va, uint64_t entry, uint64_t page)
{
	struct exec_count *c = ctx;

	(void)page;
	if (va < DIRECT_MAP_BASE || va >= KERNEL_VMA)
		return;
	c->pages++;
	c->executable += !(entry & XD);
}

KTEST(paging_kernel, no_page_between_the_direct_map_and_the_image_is_executable)
{
	struct exec_count c = { 0 };

	if (!xd_expected())
		ktest_skip(t, "EFER.NXE is off: the CPU has no XD bit");
	EXPECT_GT(t, pt_for_each_page(live(), count_executable, &c), 0);
	EXPECT_GT(t, c.pages, 0);	/* the direct map and this CPU's stack at least */
	EXPECT_EQ(t, c.executable, 0);
}
