// SPDX-License-Identifier: MIT
/* Kernel stacks in 4 KiB pages with unmapped guards: a slot bitmap, lazy TLB shootdown. */
#include <arch/cpu.h>
#include <arch/ipi.h>
#include <arch/kstack.h>
#include <arch/paging.h>
#include <bitmap/bitmap.h>
#include <kernel/mm.h>
#include <kernel/page.h>
#include <kernel/panic.h>
#include <kernel/spinlock.h>

static struct spinlock lock = SPINLOCK_INIT;
static BM_DECLARE(taken, KSTACK_SLOTS);	/* live or stale */
static BM_DECLARE(stale, KSTACK_SLOTS);	/* freed; other TLBs may still map it */
static struct kstack_stats stats;

/* The stacks' page tables, reached through the direct map. */
static uint64_t *table_virt(uint64_t phys)
{
	return phys_to_virt(phys);
}

static struct pt tree = { .alloc_table = page_alloc, .table = table_virt };

/* The live tree (CR3's); set on first use, which may be a CPU's stacks before kstack_init. */
static struct pt *stack_tree(void)
{
	if (!tree.root) {
		tree.nx = cpu_nx_enabled();
		tree.root = read_cr3() & PTE_ADDR_MASK;
	}
	return &tree;
}

/* Unmap [va, va + pages pages) here and free its frames. */
static void unmap(uint64_t va, unsigned int pages)
{
	for (unsigned int i = 0; i < pages; i++) {
		uint64_t old = pt_unmap(stack_tree(), va + i * FRAME_SIZE);

		if (!(old & PTE_PRESENT))
			continue;
		invlpg(va + i * FRAME_SIZE);
		page_free(old & PTE_ADDR_MASK);
	}
}

/* Map fresh zeroed frames; false (with nothing left mapped) when memory runs out. */
static bool map(uint64_t va, unsigned int pages)
{
	for (unsigned int i = 0; i < pages; i++) {
		uint64_t page = va + i * FRAME_SIZE;
		uint64_t phys = page_alloc_zeroed();
		long mapped;

		if (!phys) {
			unmap(va, i);
			return false;
		}
		mapped = pt_map(stack_tree(), page, phys, FRAME_SIZE, PAGE_4K, PTE_WRITE | PTE_NX);
		if (mapped == -PT_ENOMEM) {
			page_free(phys);
			unmap(va, i);
			return false;
		}
		if (mapped != 1)
			panic("kstack: stack page 0x%lx: %ld pages mapped, expected 1", page, mapped);
	}
	return true;
}

uint64_t kstack_map(uint64_t va, unsigned int pages)
{
	if (!map(va, pages))
		panic("kstack: out of memory for %u stack pages at 0x%lx", pages, va);
	return va + pages * FRAME_SIZE;
}

bool kstack_mapped(uint64_t va)
{
	return pt_lookup(stack_tree(), va, NULL) != NULL;
}

bool kstack_bounds(uint64_t addr, uint64_t *lo, uint64_t *top)
{
	uint64_t slot = (addr - KSTACK_AREA) / KSTACK_SLOT_SIZE;

	if (addr < KSTACK_AREA || slot >= KSTACK_SLOTS)
		return false;
	*top = KSTACK_AREA + (slot + 1) * KSTACK_SLOT_SIZE;
	*lo = *top;
	while (*lo > *top - KSTACK_SLOT_SIZE && kstack_mapped(*lo - FRAME_SIZE))
		*lo -= FRAME_SIZE;
	return addr >= *lo;
}

/* ------------------------------------------------------------ shootdown */

/* Flush every CPU's TLB (under lock: one round at a time). */
static void shootdown(void)
{
	smp_flush_tlb_others();
	write_cr3(read_cr3());
	stats.shootdowns++;
}

/* ------------------------------------------------------------ slots */

void kstack_init(void)
{
	/* Every page table now: stacks never allocate frames but their own, so usage returns to baseline. */
	if (pt_prepare(stack_tree(), KSTACK_AREA, (uint64_t)KSTACK_SLOTS * KSTACK_SLOT_SIZE, PAGE_4K) < 0)
		panic("kstack: out of memory for stack page tables");
}

static uint64_t slot_top(size_t slot)
{
	return KSTACK_AREA + (uint64_t)(slot + 1) * KSTACK_SLOT_SIZE;
}

/* A clean slot, now taken; KSTACK_SLOTS if none even after a shootdown. */
static size_t take_slot(void)
{
	size_t slot;

	spin_lock(&lock);
	slot = bm_find_first_zero(taken, KSTACK_SLOTS);
	if (slot >= KSTACK_SLOTS && !bm_empty(stale, KSTACK_SLOTS)) {
		shootdown();
		bm_andnot(taken, taken, stale, KSTACK_SLOTS);
		bm_zero(stale, KSTACK_SLOTS);
		stats.stale = 0;
		slot = bm_find_first_zero(taken, KSTACK_SLOTS);
	}
	if (slot < KSTACK_SLOTS) {
		bm_set(taken, slot);
		stats.live++;
	} else {
		stats.failed++;
	}
	spin_unlock(&lock);
	return slot;
}

/* The slot is unmapped here: stale until the next shootdown. */
static void retire_slot(size_t slot)
{
	spin_lock(&lock);
	bm_set(stale, slot);
	stats.stale++;
	stats.live--;
	spin_unlock(&lock);
}

uint64_t kstack_alloc(unsigned int pages)
{
	size_t slot;

	if (pages < 1 || pages > KSTACK_MAX_PAGES)
		return 0;
	slot = take_slot();
	if (slot >= KSTACK_SLOTS)
		return 0;
	/* The slot is ours alone, and its page tables exist: map without the lock. */
	if (!map(kstack_bottom(slot_top(slot), pages), pages)) {
		retire_slot(slot);
		spin_lock(&lock);
		stats.failed++;
		spin_unlock(&lock);
		return 0;
	}
	return slot_top(slot);
}

/* Is top the top of a live stack? */
static bool live_top(uint64_t top)
{
	size_t slot = (top - KSTACK_AREA) / KSTACK_SLOT_SIZE - 1;
	bool live;

	if (top <= KSTACK_AREA || (top - KSTACK_AREA) % KSTACK_SLOT_SIZE || slot >= KSTACK_SLOTS)
		return false;
	spin_lock(&lock);
	live = bm_test(taken, slot) && !bm_test(stale, slot);
	spin_unlock(&lock);
	return live;
}

void kstack_free(uint64_t top, unsigned int pages)
{
	if (!live_top(top))
		panic("kstack: free of 0x%lx, which is no live stack", top);
	unmap(kstack_bottom(top, pages), pages);
	retire_slot((top - KSTACK_AREA) / KSTACK_SLOT_SIZE - 1);
}

void kstack_get_stats(struct kstack_stats *st)
{
	spin_lock(&lock);
	*st = stats;
	spin_unlock(&lock);
}
