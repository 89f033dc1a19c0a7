// SPDX-License-Identifier: MIT
/* The kernel-stack area: guard pages, slot reuse only after a TLB shootdown (kernel only). */
#include <arch/kstack.h>
#include <arch/layout.h>
#include <arch/smp.h>
#include <kernel/ktest.h>
#include <kernel/page.h>
#include <kernel/smp.h>

KTEST(kstack, stack_is_mapped_and_its_guard_is_not)
{
	uint64_t top = kstack_alloc(3);

	ASSERT_NE(t, top, 0);
	EXPECT_EQ(t, (top - KSTACK_AREA) % KSTACK_SLOT_SIZE, 0);
	EXPECT_TRUE(t, kstack_mapped(top - 4096));
	EXPECT_TRUE(t, kstack_mapped(kstack_bottom(top, 3)));
	EXPECT_FALSE(t, kstack_mapped(kstack_bottom(top, 3) - 4096));
	EXPECT_EQ(t, *(volatile uint64_t *)(top - 8), 0);	/* zeroed */
	kstack_free(top, 3);
	EXPECT_FALSE(t, kstack_mapped(top - 4096));
}

KTEST(kstack, bad_sizes_are_refused)
{
	EXPECT_EQ(t, kstack_alloc(0), 0);
	EXPECT_EQ(t, kstack_alloc(KSTACK_MAX_PAGES + 1), 0);
}

/* A freed slot is stale, not reused, until every slot is: then one shootdown cleans them all. */
KTEST_SLOW(kstack, freed_slot_waits_for_a_shootdown)
{
	struct kstack_stats before, mid, after;
	struct pfa_stats p0, p1;
	uint64_t first, top;
	unsigned int n = 0;

	page_stats(&p0);
	kstack_get_stats(&before);
	first = kstack_alloc(1);
	ASSERT_NE(t, first, 0);
	kstack_free(first, 1);
	top = kstack_alloc(1);
	ASSERT_NE(t, top, 0);
	EXPECT_NE(t, top, first);		/* the stale slot is skipped */
	kstack_free(top, 1);
	kstack_get_stats(&mid);
	EXPECT_EQ(t, mid.stale, before.stale + 2);
	EXPECT_EQ(t, mid.shootdowns, before.shootdowns);
	/* Cycle through every slot: the area runs out of clean slots and flushes once. */
	for (; n < KSTACK_SLOTS; n++) {
		top = kstack_alloc(1);
		ASSERT_NE(t, top, 0);
		kstack_free(top, 1);
	}
	kstack_get_stats(&after);
	EXPECT_EQ(t, after.shootdowns, mid.shootdowns + 1);
	EXPECT_EQ(t, after.live, before.live);
	EXPECT_EQ(t, after.failed, before.failed);
	page_stats(&p1);
	EXPECT_EQ(t, p1.used, p0.used);
	ktest_diag(t, "%u stacks, %lu shootdowns since boot", n, after.shootdowns);
}

/* kstack_free's check (it panics when false): a double free or a pointer that is no top fails it. */
KTEST(kstack, only_a_live_top_passes_the_free_check)
{
	uint64_t top = kstack_alloc(2);

	ASSERT_NE(t, top, 0);
	EXPECT_TRUE(t, kstack_live(top));
	EXPECT_FALSE(t, kstack_live(top - 8));			/* inside the stack */
	EXPECT_FALSE(t, kstack_live(top - 4096));		/* a page, not the top */
	EXPECT_FALSE(t, kstack_live(top + 4096));		/* the next slot's guard */
	EXPECT_FALSE(t, kstack_live(0));
	EXPECT_FALSE(t, kstack_live(KSTACK_AREA));		/* below the first slot's top */
	EXPECT_FALSE(t, kstack_live(KSTACK_AREA + (uint64_t)(KSTACK_SLOTS + 1) * KSTACK_SLOT_SIZE));
	EXPECT_FALSE(t, kstack_stale(top));
	kstack_free(top, 2);
	EXPECT_FALSE(t, kstack_live(top));			/* a second free would panic */
	EXPECT_TRUE(t, kstack_stale(top));
}

static uint64_t victim;

/* Frees victim in the middle of a reclaim round: after the shootdown, before slots are made clean. */
static void free_victim_in_reclaim(void)
{
	kstack_free(victim, 1);
	victim = 0;
	kstack_reclaim_hook = NULL;
}

static uint64_t held[KSTACK_SLOTS];

/*
 * Frees run without the slot lock, so one may come while a reclaim round
 * flushes the TLBs: that slot was not covered by the flush and must stay
 * stale until the next round, not be handed out.
 */
KTEST_SLOW(kstack, slot_freed_during_a_reclaim_waits_for_the_next)
{
	struct kstack_stats s0, s1, s2;
	struct pfa_stats p0, p1;
	uint64_t top, freed;
	unsigned int n, nheld = 0;
	bool handed_out = false;

	page_stats(&p0);
	freed = victim = kstack_alloc(1);
	ASSERT_NE(t, victim, 0);
	kstack_get_stats(&s0);
	kstack_reclaim_hook = free_victim_in_reclaim;
	/* Cycle through the slots until a round runs (and frees victim in it). */
	for (n = 0; n <= KSTACK_SLOTS && victim; n++) {
		top = kstack_alloc(1);
		ASSERT_NE(t, top, 0);
		kstack_free(top, 1);
	}
	kstack_reclaim_hook = NULL;
	ASSERT_EQ(t, victim, 0);
	kstack_get_stats(&s1);
	EXPECT_EQ(t, s1.shootdowns, s0.shootdowns + 1);
	EXPECT_TRUE(t, kstack_stale(freed));
	EXPECT_FALSE(t, kstack_live(freed));
	EXPECT_EQ(t, s1.stale, 2);			/* victim and the stack freed after that alloc */
	EXPECT_EQ(t, s1.live, s0.live - 1);
	/* Hold every clean slot: none of them may be victim's, up to the next round. */
	for (;;) {
		top = kstack_alloc(1);
		ASSERT_NE(t, top, 0);
		held[nheld++] = top;
		kstack_get_stats(&s2);
		if (s2.shootdowns != s1.shootdowns)
			break;			/* this one came after a flush: any slot is fine */
		if (top == freed)
			handed_out = true;
		ASSERT_LT(t, nheld, KSTACK_SLOTS);
	}
	EXPECT_FALSE(t, handed_out);
	EXPECT_EQ(t, s2.shootdowns, s1.shootdowns + 1);
	EXPECT_FALSE(t, kstack_stale(freed));		/* the second round cleaned it */
	while (nheld)
		kstack_free(held[--nheld], 1);
	kstack_get_stats(&s2);
	EXPECT_EQ(t, s2.live, s0.live - 1);
	EXPECT_EQ(t, s2.failed, s0.failed);
	page_stats(&p1);
	EXPECT_EQ(t, p1.used, p0.used);
}

#define HAMMER_ROUNDS	128
#define HAMMER_HELD	8

static uint64_t hammer_bad[SMP_MAX_CPUS];

/* Take HAMMER_HELD stacks, tag each, check no other CPU wrote on them, free them; repeat. */
static void hammer_stacks(void *arg)
{
	uint64_t mine[HAMMER_HELD], cpu = smp_cpu_id(), bad = 0;

	(void)arg;
	for (unsigned int r = 0; r < HAMMER_ROUNDS; r++) {
		for (unsigned int i = 0; i < HAMMER_HELD; i++) {
			mine[i] = kstack_alloc(1);
			if (!mine[i]) {
				bad++;
				continue;
			}
			*(volatile uint64_t *)(mine[i] - 8) = cpu << 32 | r << 8 | i;
		}
		for (unsigned int i = 0; i < HAMMER_HELD; i++) {
			if (!mine[i])
				continue;
			bad += *(volatile uint64_t *)(mine[i] - 8) != (cpu << 32 | r << 8 | i);
			kstack_free(mine[i], 1);
		}
	}
	hammer_bad[cpu] = bad;
}

/* Every CPU allocates and frees at once, through reclaim rounds: each stack is its owner's alone. */
KTEST_SLOW(kstack, every_cpu_allocates_and_frees_at_once)
{
	struct kstack_stats s0, s1;
	struct pfa_stats p0, p1;
	uint64_t bad = 0;

	page_stats(&p0);
	kstack_get_stats(&s0);
	smp_call_all(hammer_stacks, NULL);
	for (unsigned int c = 0; c < smp_cpus_online(); c++)
		bad += hammer_bad[c];
	kstack_get_stats(&s1);
	EXPECT_EQ(t, bad, 0);
	EXPECT_EQ(t, s1.live, s0.live);
	EXPECT_EQ(t, s1.failed, s0.failed);
	if (smp_cpus_online() * HAMMER_ROUNDS * HAMMER_HELD > KSTACK_SLOTS)
		EXPECT_GT(t, s1.shootdowns, s0.shootdowns);
	page_stats(&p1);
	EXPECT_EQ(t, p1.used, p0.used);
	ktest_diag(t, "%u CPUs, %u stacks each, %lu reclaim rounds", smp_cpus_online(),
		   HAMMER_ROUNDS * HAMMER_HELD, s1.shootdowns - s0.shootdowns);
}

/* After smp_start the boot CPU runs on its window's kernel stack, above a guard page. */
KTEST(kstack, boot_cpu_runs_on_its_guarded_stack)
{
	volatile int local = 0;
	uint64_t sp = (uint64_t)&local;

	if (!cpus[0].stack_top)
		ktest_skip(t, "no SMP: still on the boot stack");
	EXPECT_LT(t, sp, cpus[0].stack_top);
	EXPECT_GE(t, sp, cpus[0].stack_top - KERNEL_STACK_SIZE);
	EXPECT_FALSE(t, kstack_mapped(cpus[0].stack_top - KERNEL_STACK_SIZE - 4096));
}
