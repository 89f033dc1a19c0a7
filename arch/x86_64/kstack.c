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

/*
 * The lock serialises reclaim rounds, and only an allocation that finds no
 * clean slot takes it. Otherwise: take_slot claims a clear bit of taken
 * atomically, the free's live check reads the page tables, retire_slot
 * sets a stale bit atomically.
 */
static struct spinlock lock = SPINLOCK_INIT;
static BM_DECLARE(taken, KSTACK_SLOTS);	/* live or stale (atomics only) */
static BM_DECLARE(stale, KSTACK_SLOTS);	/* freed; other TLBs may still map it (atomics only) */
static BM_DECLARE(reclaimed, KSTACK_SLOTS);	/* reclaim's snapshot of stale (under lock) */
static struct kstack_stats stats;	/* each counter an atomic */
/* Where each CPU's next claim starts (its last slot + 1): CPUs work in different words. */
static size_t next_slot[SMP_MAX_CPUS];

static void stat_add(uint64_t *c, uint64_t n)
{
	__atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

static uint64_t stat_read(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

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
	stat_add(&stats.shootdowns, 1);
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

void (*kstack_reclaim_hook)(void);

/*
 * Make the stale slots clean (under lock): false if there were none.
 *
 * retire_slot sets stale bits without the lock, at any moment of this. So
 * the stale words are snapshotted (exchanged for 0) BEFORE the shootdown,
 * and only the snapshot's slots are freed after it: a slot retired after
 * its word was taken stays stale for the next round. Snapshotting after
 * the shootdown would be wrong: a slot retired between the flush and the
 * snapshot would be freed while another CPU's TLB may still map it.
 */
static bool reclaim(void)
{
	size_t n;

	for (size_t w = 0; w < BM_WORDS(KSTACK_SLOTS); w++)
		reclaimed[w] = __atomic_exchange_n(&stale[w], 0, __ATOMIC_ACQ_REL);
	n = bm_weight(reclaimed, KSTACK_SLOTS);
	if (!n)
		return false;
	shootdown();
	if (kstack_reclaim_hook)
		kstack_reclaim_hook();
	/* Stale slots stay taken, so no claim races these bits; others' claims share the words. */
	for (size_t w = 0; w < BM_WORDS(KSTACK_SLOTS); w++)
		if (reclaimed[w])
			__atomic_fetch_and(&taken[w], ~reclaimed[w], __ATOMIC_RELEASE);
	stat_add(&stats.stale, -(uint64_t)n);
	return true;
}

/*
 * A clean slot, now taken; KSTACK_SLOTS if none even after a shootdown.
 * A clear bit of taken is a clean slot, claimed without the lock. With
 * none left, the lock: another CPU's round may have just cleaned some
 * (claim again), else this CPU runs the round.
 */
static size_t take_slot(void)
{
	unsigned int cpu = smp_cpu_id() % SMP_MAX_CPUS;
	size_t hint = __atomic_load_n(&next_slot[cpu], __ATOMIC_RELAXED);
	size_t slot;

	if (!hint)	/* first use: CPUs start 4 words apart */
		hint = (size_t)cpu * 256 % KSTACK_SLOTS;
	slot = bm_claim_from_atomic(taken, KSTACK_SLOTS, hint);
	if (slot >= KSTACK_SLOTS) {
		spin_lock(&lock);
		slot = bm_claim_from_atomic(taken, KSTACK_SLOTS, hint);
		if (slot >= KSTACK_SLOTS && reclaim())
			slot = bm_claim_from_atomic(taken, KSTACK_SLOTS, hint);
		spin_unlock(&lock);
	}
	if (slot >= KSTACK_SLOTS) {
		stat_add(&stats.failed, 1);
		return slot;
	}
	__atomic_store_n(&next_slot[cpu], (slot + 1) % KSTACK_SLOTS, __ATOMIC_RELAXED);
	stat_add(&stats.live, 1);
	return slot;
}

/*
 * The slot is unmapped here: stale until the next shootdown. No lock: the
 * bit is set atomically (reclaim's snapshot takes it), the counters are
 * atomics, and stale is counted before its bit can be reclaimed.
 */
static void retire_slot(size_t slot)
{
	stat_add(&stats.stale, 1);
	stat_add(&stats.live, -(uint64_t)1);
	bm_set_atomic(stale, slot);
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
		stat_add(&stats.failed, 1);
		return 0;
	}
	return slot_top(slot);
}

/*
 * Is top the top of a live stack? Without the lock: a slot's top page is
 * mapped exactly while it is live (map() maps it last, only when the whole
 * stack is mapped; kstack_free unmaps it before retiring the slot), and the
 * area's page tables all exist from kstack_init, so the lookup only reads
 * a leaf entry. A double free after the slot was reused passes, as it
 * would with the bitmaps.
 */
bool kstack_live(uint64_t top)
{
	if (top <= KSTACK_AREA || (top - KSTACK_AREA) % KSTACK_SLOT_SIZE ||
	    (top - KSTACK_AREA) / KSTACK_SLOT_SIZE > KSTACK_SLOTS)
		return false;
	return kstack_mapped(top - FRAME_SIZE);
}

bool kstack_stale(uint64_t top)
{
	size_t slot = (top - KSTACK_AREA) / KSTACK_SLOT_SIZE - 1;

	if (top <= KSTACK_AREA || (top - KSTACK_AREA) % KSTACK_SLOT_SIZE || slot >= KSTACK_SLOTS)
		return false;
	return bm_test_atomic(stale, slot);
}

void kstack_free(uint64_t top, unsigned int pages)
{
	if (!kstack_live(top))
		panic("kstack: free of 0x%lx, which is no live stack", top);
	unmap(kstack_bottom(top, pages), pages);
	retire_slot((top - KSTACK_AREA) / KSTACK_SLOT_SIZE - 1);
}

void kstack_get_stats(struct kstack_stats *st)
{
	st->live = stat_read(&stats.live);
	st->stale = stat_read(&stats.stale);
	st->shootdowns = stat_read(&stats.shootdowns);
	st->failed = stat_read(&stats.failed);
}
