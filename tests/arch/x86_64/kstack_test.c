// SPDX-License-Identifier: MIT
/* The kernel-stack area: guard pages, slot reuse only after a TLB shootdown (kernel only). */
#include <arch/kstack.h>
#include <arch/layout.h>
#include <arch/smp.h>
#include <kernel/ktest.h>
#include <kernel/page.h>

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
