// SPDX-License-Identifier: MIT
/* The kernel's PIDs and tasks: pid_max from the command line, task stacks with guard pages. */
#include <arch/backtrace.h>
#include <arch/cpu.h>
#include <arch/kstack.h>
#include <arch/smp.h>
#include <arch/stack.h>
#include <kernel/cmdline.h>
#include <kernel/kmalloc.h>
#include <kernel/ksyms.h>
#include <kernel/mm.h>
#include <kernel/page.h>
#include <kernel/panic.h>
#include <kernel/pid.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/smp.h>
#include <kernel/task.h>
#include <kernel/vsprintf.h>

/*
 * Task stacks come from the stack area (<arch/kstack.h>): 4 KiB pages with
 * an unmapped guard page below, so an overflow faults where it happens.
 */
#define TASK_STACK_PAGES	2

static struct pid_map kernel_pids;
struct task_sched kernel_tasks;

/* ------------------------------------------------------------ PIDs */

void pid_init(void)
{
	int pid_max, err = pid_parse_max(kernel_cmdline(), &pid_max);
	uint64_t bytes, phys;

	if (err == -EINVAL)
		pr_warn("pid: pid_max= is not a number; using %d\n", pid_max);
	else if (err == -ERANGE)
		pr_warn("pid: pid_max= outside [%d, %d]; using %d\n", PID_MAX_MIN,
			PID_MAX_LIMIT, pid_max);
	bytes = pid_map_storage_words(pid_max) * sizeof(uint64_t);
	phys = page_alloc_contig(mm_align_up(bytes, FRAME_SIZE) / FRAME_SIZE, 1);
	if (!phys)
		panic("pid: no memory for a map of %d PIDs (%llu bytes)", pid_max,
		      (unsigned long long)bytes);
	pid_map_init(&kernel_pids, phys_to_virt(phys), pid_max);
	pr_info("pid: pid_max %d, map of %llu KiB\n", pid_max,
		(unsigned long long)(bytes + 1023) / 1024);
}

int pid_alloc(void)
{
	return pid_map_alloc(&kernel_pids);
}

int pid_free(int pid)
{
	int err = pid_map_free(&kernel_pids, pid);
	char caller[64];

	if (err)
		pr_err("pid: refused to free PID %d (%s), from %s\n", pid,
		       err == -ENOENT ? "not allocated" : "no such PID",
		       ksym_format(caller, sizeof(caller),
				   (uint64_t)__builtin_return_address(0)));
	return err;
}

struct pid_map *pid_kernel_map(void)
{
	return &kernel_pids;
}

/* ------------------------------------------------------------ task ops */

static struct task *kernel_task_alloc(void *ctx)
{
	(void)ctx;
	return kzalloc(sizeof(struct task));
}

static void kernel_task_free(void *ctx, struct task *t)
{
	(void)ctx;
	kfree(t);
}

static int kernel_stack_alloc(void *ctx, struct task *t)
{
	uint64_t top = kstack_alloc(TASK_STACK_PAGES);

	(void)ctx;
	if (!top)
		return -ENOMEM;
	t->stack = (void *)kstack_bottom(top, TASK_STACK_PAGES);
	t->stack_top = top;
	return 0;
}

/* Overruns fault on the guard page, so a stack that comes back is intact. */
static int kernel_stack_free(void *ctx, struct task *t)
{
	(void)ctx;
	kstack_free(t->stack_top, TASK_STACK_PAGES);
	return 0;
}

struct stack_call {
	void (*body)(struct task *t);
	struct task *t;
};

static void stack_entry(void *arg)
{
	struct stack_call *c = arg;

	c->body(c->t);
}

static void kernel_run_on_stack(void *ctx, struct task *t, void (*body)(struct task *t))
{
	struct stack_call c = { body, t };

	(void)ctx;
	call_on_stack(t->stack_top, stack_entry, &c);
}

static void kernel_relax(void *ctx)
{
	(void)ctx;
	cpu_relax();
}

/*
 * Halt until the bit is cleared and the IPI comes. Interrupts off between
 * the test and sti; hlt (sti's shadow keeps those two together): an IPI
 * sent after the test stays pending and ends the hlt at once. With
 * interrupts off on entry we cannot halt (nothing would end it): pause,
 * and the core tests the bit again.
 */
static void kernel_sleep(void *ctx, const struct cpumask *asleep, unsigned int cpu)
{
	(void)ctx;
	if (!(cpu_rflags() & RFLAGS_IF)) {
		cpu_relax();
		return;
	}
	cpu_cli();
	if (cpumask_test_atomic(asleep, cpu))
		cpu_sti_hlt();
	else
		cpu_sti();
}

static void kernel_wake_waiter(void *ctx, unsigned int cpu)
{
	(void)ctx;
	smp_send_wake(cpu);
}

static unsigned int kernel_this_cpu(void *ctx)
{
	(void)ctx;
	return smp_cpu_id();
}

/* What a CPU claimed for tasks runs from its mailbox, before it goes idle again. */
static void drain_here(void *arg)
{
	task_drain(arg, smp_cpu_id());
}

/* cpu's idle bit is ours: post the drain to its mailbox (and send the IPI). */
static void kernel_wake(void *ctx, unsigned int cpu)
{
	(void)ctx;
	smp_post(cpu, drain_here, &kernel_tasks);
}

static bool idle_pending(void *arg, unsigned int cpu)
{
	return task_pending(arg, cpu);
}

static void idle_run(void *arg, unsigned int cpu)
{
	task_drain(arg, cpu);
}

/* An AP on its way to halt looks once more for tasks queued while it was busy. */
static const struct smp_idle_hook task_idle_hook = { idle_pending, idle_run, &kernel_tasks };

static const struct task_ops kernel_task_ops = {
	.task_alloc = kernel_task_alloc,
	.task_free = kernel_task_free,
	.stack_alloc = kernel_stack_alloc,
	.stack_free = kernel_stack_free,
	.run_on_stack = kernel_run_on_stack,
	.relax = kernel_relax,
	.sleep = kernel_sleep,
	.wake_waiter = kernel_wake_waiter,
	.this_cpu = kernel_this_cpu,
	.wake = kernel_wake,
};

/* For backtraces: a task's stack is the mapped pages of its slot of the stack area. */
static bool task_stack_of(uint64_t addr, struct frame_stack *s)
{
	uint64_t lo, top;

	if (!kstack_bounds(addr, &lo, &top))
		return false;
	*s = (struct frame_stack){ lo, top };
	return true;
}

void task_init(void)
{
	pid_init();
	kstack_init();
	task_sched_init(&kernel_tasks, &kernel_pids, &cpu_idle_mask, smp_cpus_online(),
			&kernel_task_ops, NULL);
	smp_set_idle_hook(&task_idle_hook);
	backtrace_set_task_stacks(task_stack_of);	/* kstack_init built the tables it reads */
	pr_info("task: %d KiB stacks with a guard page, %u CPUs\n",
		(int)(TASK_STACK_PAGES * FRAME_SIZE / 1024), task_ncpus(&kernel_tasks));
}

void task_ps(void)
{
	task_dump(&kernel_tasks, printk);
}

/* ------------------------------------------------------------ the PID map, printed */

struct pid_list {
	char buf[512];
	size_t len;
	bool full;		/* a run did not fit: the list ends with ",..." */
};

/* Append "first" or "first-last" for the run [first, end), unless the list is full. */
static void pid_list_add(void *arg, int first, int end)
{
	struct pid_list *l = arg;
	size_t room = sizeof(l->buf) - l->len;
	const char *comma = l->len ? "," : "";
	int n;

	if (l->full)
		return;
	n = first == end - 1 ? snprintf(l->buf + l->len, room, "%s%d", comma, first)
			     : snprintf(l->buf + l->len, room, "%s%d-%d", comma, first, end - 1);
	if (n < 0 || (size_t)n >= room) {
		l->buf[l->len] = '\0';	/* snprintf left part of the run there: drop it */
		l->full = true;
		return;
	}
	l->len += (size_t)n;
}

void pid_print_state(void (*print)(const char *fmt, ...))
{
	struct pid_list l = { .len = 0 };
	int last, count = pid_map_walk(&kernel_pids, &last, pid_list_add, &l);

	print("pid_max %d, last %d, %d allocated: %s%s\n", pid_map_max(&kernel_pids), last,
	      count, count ? l.buf : "none", l.full ? ",..." : "");
}
