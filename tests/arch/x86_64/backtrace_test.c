// SPDX-License-Identifier: MIT
/*
 * Backtraces on the stacks the kernel really runs on (kernel only): which
 * stacks backtrace_stack_of knows, and walks from a task, from an AP and
 * from each IST stack that reach the code they were called from.
 */
#include <arch/backtrace.h>
#include <arch/cpu.h>
#include <arch/layout.h>
#include <arch/smp.h>
#include <kernel/ksyms.h>
#include <kernel/ktest.h>
#include <kernel/proc.h>
#include <kernel/smp.h>
#include <kernel/string.h>
#include <kernel/task.h>

extern const char boot_stack[], boot_stack_top[];

struct walk {
	uint64_t rets[BACKTRACE_MAX];
	size_t n;
	int cpu;
};

/* The name of the function a return address returns into ("?" if unknown). */
static const char *caller_name(uint64_t ret)
{
	uint64_t off;
	const struct ksym *sym = ksym_lookup(ret - 1, &off);

	return sym ? sym->name : "?";
}

/* Do the walk's frames name each of want[], in this order (others may come between)? */
static bool names_in_order(struct ktest *t, const struct walk *w, const char *const *want,
			   size_t nwant)
{
	size_t i = 0;

	for (size_t f = 0; f < w->n && i < nwant; f++)
		if (strcmp(caller_name(w->rets[f]), want[i]) == 0)
			i++;
	if (i == nwant)
		return true;
	ktest_diag(t, "no frame in %s after the first %zu names; the walk:", want[i], i);
	for (size_t f = 0; f < w->n; f++)
		ktest_diag(t, "  %s", caller_name(w->rets[f]));
	return false;
}

static bool stack_is(uint64_t addr, uint64_t lo, uint64_t hi)
{
	struct frame_stack s;

	return backtrace_stack_of(addr, &s) && s.lo == lo && s.hi == hi;
}

KTEST(backtrace, knows_each_cpu_stack)
{
	for (unsigned int i = 0; i < smp_cpus_online(); i++) {
		const struct cpu *c = &cpus[i];
		struct frame_stack s;

		EXPECT_TRUE(t, stack_is(c->stack_top - 8, c->stack_top - KERNEL_STACK_SIZE,
					c->stack_top));
		EXPECT_TRUE(t, stack_is(c->stack_top - KERNEL_STACK_SIZE,
					c->stack_top - KERNEL_STACK_SIZE, c->stack_top));
		for (int ist = 0; ist < 3; ist++)
			EXPECT_TRUE(t, stack_is(c->ist_top[ist] - 16,
						c->ist_top[ist] - IST_STACK_SIZE, c->ist_top[ist]));
		/* The guard pages below them are no stack. */
		EXPECT_FALSE(t, backtrace_stack_of(c->stack_top - KERNEL_STACK_SIZE - 8, &s));
		EXPECT_FALSE(t, backtrace_stack_of(c->ist_top[0] - IST_STACK_SIZE - 8, &s));
	}
	EXPECT_TRUE(t, stack_is((uint64_t)boot_stack_top - 8, (uint64_t)boot_stack,
				(uint64_t)boot_stack_top));
	EXPECT_FALSE(t, backtrace_stack_of((uint64_t)&cpus[0], &(struct frame_stack){ 0 }));
	EXPECT_FALSE(t, backtrace_stack_of(0, &(struct frame_stack){ 0 }));
}

struct task_probe {
	struct frame_stack s;
	bool known;
	uintptr_t low, top;
	struct walk w;
};

static int probe_task(void *arg)
{
	struct task_probe *p = arg;
	struct task *self = task_current(&kernel_tasks);

	p->known = backtrace_stack_of((uintptr_t)&p, &p->s);
	p->low = (uintptr_t)self->stack;
	p->top = self->stack_top;
	p->w.n = backtrace_collect(cpu_frame_pointer(), p->w.rets, BACKTRACE_MAX);
	return 0;
}

/* Pinned to CPU 0, where cases run: our own task_wait runs it, below this case. */
KTEST(backtrace, walks_from_a_task_to_its_waiter)
{
	/* kernel_run_on_stack is on CPU 0's stack (stack_entry tail-calls task_body: no frame). */
	static const char *const want[] = { "task_body", "kernel_run_on_stack", "task_wait",
					    "ktest_backtrace__walks_from_a_task_to_its_waiter" };
	struct cpumask here = { { 0 } };
	struct task_probe p = { 0 };
	struct frame_stack s;
	struct task *tk;

	bm_set(here.bits, 0);
	ASSERT_EQ(t, task_spawn(&kernel_tasks, probe_task, &p, &here, &tk), 0);
	ASSERT_EQ(t, task_wait(&kernel_tasks, tk), 0);
	ASSERT_TRUE(t, p.known);
	EXPECT_EQ(t, p.s.lo, p.low);	/* the stack the task struct says it has */
	EXPECT_EQ(t, p.s.hi, p.top);
	EXPECT_TRUE(t, names_in_order(t, &p.w, want, sizeof(want) / sizeof(want[0])));
	/* Reaped: its stack is unmapped, so no longer a stack to walk. */
	EXPECT_FALSE(t, backtrace_stack_of(p.top - 8, &s));
}

/* Pinned to CPU 1: the AP runs it from its idle loop, on the task's stack, then its own. */
KTEST(backtrace, walks_from_a_task_on_an_ap)
{
	static const char *const want[] = { "task_body", "kernel_run_on_stack", "smp_idle_loop",
					    "ap_main" };
	struct cpumask one = { { 0 } };
	struct task_probe p = { 0 };
	struct task *tk;

	if (smp_cpus_online() < 2)
		ktest_skip(t, "one CPU");
	bm_set(one.bits, 1);
	ASSERT_EQ(t, task_spawn(&kernel_tasks, probe_task, &p, &one, &tk), 0);
	ASSERT_EQ(t, task_wait(&kernel_tasks, tk), 0);
	ASSERT_TRUE(t, p.known);
	EXPECT_EQ(t, p.s.lo, p.low);
	EXPECT_EQ(t, p.s.hi, p.top);
	EXPECT_TRUE(t, names_in_order(t, &p.w, want, sizeof(want) / sizeof(want[0])));
}

static void probe_cpu(void *arg)
{
	struct walk *w = arg;

	w->n = backtrace_collect(cpu_frame_pointer(), w->rets, BACKTRACE_MAX);
	__atomic_store_n(&w->cpu, (int)smp_cpu_id(), __ATOMIC_RELEASE);
}

/* Work dispatched to an AP runs from its idle loop, which ap_main entered. */
KTEST(backtrace, walks_on_an_ap)
{
	static const char *const want[] = { "smp_idle_loop", "ap_main" };
	struct cpumask one = { { 0 } };
	struct walk w = { .cpu = -1 };

	if (smp_cpus_online() < 2)
		ktest_skip(t, "one CPU");
	bm_set(one.bits, 1);
	smp_wait_idle();
	ASSERT_EQ(t, smp_dispatch(&one, probe_cpu, &w), 1);
	smp_wait_idle();
	ASSERT_EQ(t, __atomic_load_n(&w.cpu, __ATOMIC_ACQUIRE), 1);
	EXPECT_TRUE(t, names_in_order(t, &w, want, 2));
}

/*
 * An NMI's (#DF's, #MC's) handler runs on an IST stack, and its first frame
 * links back to the interrupted code's frame on another stack. Lay out such
 * a frame at the bottom of each of CPU 0's IST stacks, far below where an
 * NMI's own frames go, linking to this function's frame.
 */
KTEST(backtrace, walks_from_an_ist_stack_to_the_interrupted_one)
{
	const uint64_t marker = (uint64_t)&caller_name + 1;

	if (!cpus[0].ist_top[0])
		ktest_skip(t, "no per-CPU stacks (no MADT)");
	for (int ist = 0; ist < 3; ist++) {
		uint64_t *frame = (uint64_t *)(cpus[0].ist_top[ist] - IST_STACK_SIZE + 64);
		uint64_t saved[2] = { frame[0], frame[1] };
		struct walk w;

		frame[0] = cpu_frame_pointer();
		frame[1] = marker;
		w.n = backtrace_collect((uint64_t)frame, w.rets, BACKTRACE_MAX);
		frame[0] = saved[0];
		frame[1] = saved[1];
		ASSERT_GE(t, w.n, 3);
		EXPECT_EQ(t, w.rets[0], marker);
		EXPECT_EQ(t, w.rets[1], (uint64_t)__builtin_return_address(0));
	}
}
