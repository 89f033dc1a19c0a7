/* Kernel stacks in 4 KiB pages with unmapped guards: a slot bitmap, lazy TLB shootdown. */
#include <arch/cpu.h>
#include <arch/kstack.h>
#include <arch/paging.h>
#include <bitmap/bitmap.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/pfa.h>
#include <kernel/spinlock.h>

static struct spinlock lock = SPINLOCK_INIT;
static BM_DECLARE(taken, KSTACK_SLOTS);	/* live or stale */
static BM_DECLARE(stale, KSTACK_SLOTS);	/* freed; other TLBs may still map it */
static struct kstack_stats stats;

/* The page-table entry for va; missing levels are built from zeroed frames if create, else NULL. */
static uint64_t *walk(uint64_t va, bool create)
{
	uint64_t *table = phys_to_virt(read_cr3() & PTE_ADDR_MASK);

	for (unsigned int shift = 39; shift > 12; shift -= 9) {
		uint64_t *e = &table[pt_index(va, shift)];

		if (!(*e & PTE_PRESENT)) {
			uint64_t phys = create ? pfa_alloc_zeroed() : 0;

			if (!create)
				return NULL;
			if (!phys)
				panic("kstack: out of memory for stack page tables");
			*e = phys | PTE_PRESENT | PTE_WRITE;
		}
		table = phys_to_virt(*e & PTE_ADDR_MASK);
	}
	return &table[pt_index(va, 12)];
}

static uint64_t *pte_for(uint64_t va)
{
	return walk(va, true);
}

static uint64_t stack_pte_flags(void)
{
	return PTE_PRESENT | PTE_WRITE | (rdmsr(MSR_EFER) & EFER_NXE ? PTE_NX : 0);
}

/* Unmap [va, va + pages pages) here and free its frames. */
static void unmap(uint64_t va, unsigned int pages)
{
	for (unsigned int i = 0; i < pages; i++) {
		uint64_t *pte = pte_for(va + i * FRAME_SIZE);
		uint64_t phys = *pte & PTE_ADDR_MASK;

		if (!(*pte & PTE_PRESENT))
			continue;
		*pte = 0;
		invlpg(va + i * FRAME_SIZE);
		pfa_free(phys);
	}
}

/* Map fresh zeroed frames; false (with nothing left mapped) when memory runs out. */
static bool map(uint64_t va, unsigned int pages)
{
	uint64_t flags = stack_pte_flags();

	for (unsigned int i = 0; i < pages; i++) {
		uint64_t phys = pfa_alloc_zeroed();

		if (!phys) {
			unmap(va, i);
			return false;
		}
		*pte_for(va + i * FRAME_SIZE) = phys | flags;
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
	uint64_t *pte = walk(va, false);

	return pte && (*pte & PTE_PRESENT);
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
	for (uint64_t va = KSTACK_AREA; va < KSTACK_AREA + (uint64_t)KSTACK_SLOTS * KSTACK_SLOT_SIZE;
	     va += PAGE_2M)
		pte_for(va);
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
