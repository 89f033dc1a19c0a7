// SPDX-License-Identifier: MIT
/*
 * kmap: the kernel's own page tables as the CPU applies them (kernel only).
 * A page is writable if R/W (bit 1) is set at every level and executable if
 * XD (bit 63) is set at none (Intel SDM vol. 3, 4.6); no page may be both.
 */
#include <arch/cpu.h>
#include <arch/cpufeat.h>
#include <arch/layout.h>
#include <arch/paging.h>
#include <kernel/ktest.h>
#include <kernel/mm.h>
#include <kernel/page.h>
#include <kernel/kmalloc.h>
#include <kernel/ktest_run.h>

KTEST(kmap, no_page_is_both_writable_and_executable)
{
	unsigned long pages, wx;
	uint64_t first;

	if (!(rdmsr(MSR_EFER) & EFER_NXE))
		ktest_skip(t, "EFER.NXE is off: every page is executable");
	wx = kmap_scan_wx(&pages, &first);
	ktest_diag(t, "wx: %lu pages checked, %lu W+X", pages, wx);
	EXPECT_GT(t, pages, 0);
	EXPECT_EQ(t, wx, 0);
	if (wx)
		ktest_diag(t, "wx: the first W+X page is at 0x%lx", first);
}

/*
 * Each protection, broken once: the #PF must name the address (CR2) and say
 * why in its error code (SDM vol. 3, 4.7): P 0x1 set for a protection
 * violation, clear for a missing page; W/R 0x2 for a write; I/D 0x10 for an
 * instruction fetch (reported when XD or SMEP is on; both are here).
 */

#define RET	0xC3	/* a one-byte `ret`: fetching it is the test, running it harmless */

static void text_target(void)
{
}

static const uint64_t rodata_word = 0x5e7b17;
static uint8_t data_code[16] = { RET };

/* An address the compiler cannot see through (so no null-pointer reasoning). */
static uint64_t opaque(uint64_t a)
{
	__asm__ volatile("" : "+r"(a));
	return a;
}

static void need_nx(struct ktest *t)
{
	if (!(rdmsr(MSR_EFER) & EFER_NXE))
		ktest_skip(t, "EFER.NXE is off: no page is protected from execution");
}

/* One byte written or read by a plain mov: no C pointer, so no sanitizer check of address 0 first. */
static void write_at(struct ktest *t, uint64_t va)
{
	ktest_expect_fault_at(t, va);
	__asm__ volatile("movb %1, (%0)" : : "r"(va), "q"((uint8_t)RET) : "memory");
}

static void read_at(struct ktest *t, uint64_t va)
{
	uint8_t v;

	ktest_expect_fault_at(t, va);
	__asm__ volatile("movb (%1), %0" : "=q"(v) : "r"(va) : "memory");
}

static void call_at(struct ktest *t, uint64_t va)
{
	ktest_expect_fault_at(t, va);
	((void (*)(void))(uintptr_t)opaque(va))();
}

KTEST_PAGE_FAULT(kmap, write_to_text_faults, KTEST_RUNTIME_ADDR, KTEST_PF_PRESENT | KTEST_PF_WRITE)
{
	write_at(t, (uint64_t)(uintptr_t)text_target);
}

KTEST_PAGE_FAULT(kmap, write_to_rodata_faults, KTEST_RUNTIME_ADDR, KTEST_PF_PRESENT | KTEST_PF_WRITE)
{
	write_at(t, (uint64_t)(uintptr_t)&rodata_word);
}

KTEST_PAGE_FAULT(kmap, fetch_from_data_faults, KTEST_RUNTIME_ADDR, KTEST_PF_PRESENT | KTEST_PF_FETCH)
{
	need_nx(t);
	call_at(t, (uint64_t)(uintptr_t)data_code);
}

static void free_later(void *p)
{
	kfree(p);
}

KTEST_PAGE_FAULT(kmap, fetch_from_the_heap_faults, KTEST_RUNTIME_ADDR,
		 KTEST_PF_PRESENT | KTEST_PF_FETCH)
{
	uint8_t *code = kmalloc(16);

	need_nx(t);
	ASSERT_NOT_NULL(t, code);
	ktest_defer(t, free_later, code);
	code[0] = RET;
	call_at(t, (uint64_t)(uintptr_t)code);
}

KTEST_PAGE_FAULT(kmap, fetch_from_a_stack_faults, KTEST_RUNTIME_ADDR,
		 KTEST_PF_PRESENT | KTEST_PF_FETCH)
{
	volatile uint8_t code[16] = { RET };

	need_nx(t);
	call_at(t, (uint64_t)(uintptr_t)code);
}

KTEST_PAGE_FAULT(kmap, read_of_address_0_faults, KTEST_RUNTIME_ADDR, 0)
{
	read_at(t, 0);
}

KTEST_PAGE_FAULT(kmap, write_to_address_0_faults, KTEST_RUNTIME_ADDR, KTEST_PF_WRITE)
{
	write_at(t, 0);
}

/* The kernel image's load address: RAM the boot tables mapped 1:1, the kernel's own do not. */
KTEST_PAGE_FAULT(kmap, read_in_the_old_identity_window_faults, KTEST_RUNTIME_ADDR, 0)
{
	read_at(t, KERNEL_PHYS);
}

KTEST_PAGE_FAULT(kmap, write_in_the_old_identity_window_faults, KTEST_RUNTIME_ADDR, KTEST_PF_WRITE)
{
	write_at(t, KERNEL_PHYS);
}

/*
 * SMAP and SMEP: a page is a user page if U/S (bit 2) is set at every level
 * (SDM vol. 3, 4.6), so the case builds its own chain (PDPT, PD, PT, one
 * page) under an unused PML4 slot of the lower half, and takes it all down
 * again afterwards. A supervisor read of it under SMAP is P (0x1); a
 * supervisor fetch from it under SMEP is P | I/D (0x11).
 */
#define USER_VA		0x0000100000000000ull	/* PML4 slot 32: nothing of the kernel's there */
#define PTE_P		0x1ull
#define PTE_RW		0x2ull
#define PTE_US		0x4ull

struct user_page {
	uint64_t frames[4];	/* PDPT, PD, PT, the page */
};

static void user_page_unmap(void *arg)
{
	struct user_page *u = arg;
	uint64_t *pml4 = phys_to_virt(read_cr3() & PTE_ADDR_MASK);

	pml4[pt_index(USER_VA, 39)] = 0;
	invlpg(USER_VA);	/* also drops the paging-structure caches for it */
	for (int i = 0; i < 4; i++)
		page_free(u->frames[i]);
}

/* The user page at USER_VA holding a `ret`, with the chain above it; unmapped when the case ends. */
static void user_page_map(struct ktest *t, struct user_page *u)
{
	uint64_t *pml4 = phys_to_virt(read_cr3() & PTE_ADDR_MASK);
	const unsigned int shift[3] = { 30, 21, 12 };

	ASSERT_EQ(t, pml4[pt_index(USER_VA, 39)], 0);
	for (int i = 0; i < 4; i++) {
		u->frames[i] = page_alloc_zeroed();
		if (!u->frames[i]) {
			while (i--)
				page_free(u->frames[i]);
			ktest_skip(t, "no frames for the user page");
		}
	}
	for (int i = 0; i < 3; i++)
		((uint64_t *)phys_to_virt(u->frames[i]))[pt_index(USER_VA, shift[i])] =
			u->frames[i + 1] | PTE_P | (i < 2 ? PTE_RW | PTE_US : PTE_US);
	*(uint8_t *)phys_to_virt(u->frames[3]) = RET;
	pml4[pt_index(USER_VA, 39)] = u->frames[0] | PTE_P | PTE_RW | PTE_US;
	ktest_defer(t, user_page_unmap, u);
}

KTEST_PAGE_FAULT(kmap, smap_stops_a_supervisor_read_of_a_user_page, USER_VA, KTEST_PF_PRESENT)
{
	static struct user_page u;

	if (!(read_cr4() & CR4_SMAP))
		ktest_skip(t, "CR4.SMAP is off: CPUID does not offer SMAP");
	user_page_map(t, &u);
	read_at(t, USER_VA);
}

KTEST_PAGE_FAULT(kmap, smep_stops_a_supervisor_fetch_from_a_user_page, USER_VA,
		 KTEST_PF_PRESENT | KTEST_PF_FETCH)
{
	static struct user_page u;

	if (!(read_cr4() & CR4_SMEP))
		ktest_skip(t, "CR4.SMEP is off: CPUID does not offer SMEP");
	user_page_map(t, &u);
	call_at(t, USER_VA);
}
