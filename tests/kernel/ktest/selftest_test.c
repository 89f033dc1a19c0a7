// SPDX-License-Identifier: MIT
/*
 * Deliberately broken cases for the QEMU runner's own tests. Each runs only
 * when ktest.selftest=<its name> is on the command line (see kernel/ktest/ktest.c).
 */
#include <arch/cpu.h>
#include <arch/fault.h>
#include <arch/trap.h>
#include <kernel/kmalloc.h>
#include <kernel/ktest.h>
#include <kernel/page.h>
#include <kernel/panic.h>
#include <kernel/proc.h>
#include <kernel/task.h>

KTEST(selftest, fail)
{
	EXPECT_EQ(t, 1 + 1, 3);
}

KTEST(selftest, panic)
{
	panic("ktest.selftest=panic: deliberate panic during the tests");
}

/* It says so first: the runner stops it after a short silence from here (matrix.HANG_MARK). */
KTEST(selftest, hang)
{
	ktest_diag(t, "selftest.hang: spinning with interrupts off from here");
	cpu_cli();
	for (;;)
		cpu_relax();
}

KTEST(selftest, triplefault)
{
	idt_load_empty();
	fault_ud2();
}

KTEST(selftest, unexpected)
{
	fault_ud2();
	EXPECT_TRUE(t, false);	/* not reached */
}

static int panic_in_task(void *arg)
{
	(void)arg;
	panic("ktest.selftest=task_panic: deliberate panic in task %d", task_current(&kernel_tasks)->pid);
	return 0;
}

/* A panic on a task's stack: its backtrace must reach back to this case (the runner counts). */
KTEST(selftest, task_panic)
{
	struct cpumask here = { { 0 } };
	struct task *tk;

	bm_set(here.bits, 0);	/* cases run on CPU 0: our task_wait runs the task */
	ASSERT_EQ(t, task_spawn(&kernel_tasks, panic_in_task, NULL, &here, &tk), 0);
	task_wait(&kernel_tasks, tk);
}

/* Keeps 2 frames and a 40-byte heap object: the leak check must fail suite selftest. */
KTEST(selftest, leak)
{
	EXPECT_NE(t, page_alloc(), 0u);
	EXPECT_NE(t, page_alloc(), 0u);
	EXPECT_NOT_NULL(t, kmalloc(40));
}

#define ASSERT_FRAMES	128

static struct pfa assert_pfa;
static uint64_t assert_storage[HBM_STORAGE_WORDS(ASSERT_FRAMES) + 3 * BM_WORDS(ASSERT_FRAMES)];

/*
 * A broken invariant: a free frame marked in use behind the allocator's
 * back. Handing it out must panic through assert(), naming hand_out() in
 * kernel/mm/pfa.c (a private allocator: the kernel's own stays intact).
 */
KTEST(selftest, assert)
{
	pfa_init(&assert_pfa, assert_storage, ASSERT_FRAMES, 0, 1);
	pfa_add_frames(&assert_pfa, 0, ASSERT_FRAMES);
	bm_set(assert_pfa.inuse, 0);		/* frame 0: the first one handed out */
	pfa_alloc_frame(&assert_pfa, 0);
	EXPECT_TRUE(t, false);			/* not reached */
}
