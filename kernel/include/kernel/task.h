/* SPDX-License-Identifier: MIT */
/*
 * Kernel tasks: a PID, a stack, an affinity mask and an entry function,
 * run to completion on one CPU inside the affinity.
 *
 * Placement goes through the idle-CPU mask (<kernel/cpumask.h>): spawn
 * claims an idle CPU within the task's affinity with an atomic
 * test-and-clear, puts the task on that CPU's own queue and wakes it
 * (ops->wake: in the kernel, a post to the CPU's mailbox and an IPI); the
 * CPU drains its queues and goes idle again. With no such CPU idle the
 * task waits in the shared queue, which every CPU draining or waiting
 * searches for tasks it may run, oldest first, and which a CPU about to
 * go idle checks once more after setting its idle bit (task_pending, the
 * kernel's smp idle hook), so a task queued while every CPU of its
 * affinity looked busy is not left waiting for them.
 *
 * A task exits by returning from its entry function: its PID and stack go
 * back at once, and the return value waits in the struct task for
 * task_wait(), which frees the struct. Every spawned task must be waited
 * for. A waiter runs queued tasks its CPU may run, each on that task's
 * own stack, so one CPU can spawn and wait for any number of tasks and no
 * CPU ever waits for itself. If the task it waits for is still queued, it
 * claims an idle CPU of the task's affinity for it: that covers a CPU that
 * drained the queue just before the task arrived and went idle just after
 * the spawner looked. With nothing to run it spins a little, then sleeps
 * (ops->sleep: hlt) in the sleepers mask until the task's exit or a task
 * queued for its CPU wakes it (ops->wake_waiter: an IPI); task.c has the
 * handshakes. Tasks are not preempted: a task that waits for anything else
 * must call task_run_one() while it waits, or hold up the tasks only its
 * CPU may run.
 *
 * The core is portable (host-tested): task memory, stacks, running on a
 * stack, waking a CPU and which CPU we are on come from a struct
 * task_ops. The kernel's ops are in kernel/proc/proc.c.
 *
 * Locking: the shared queue, the task list and the counters are under
 * task_sched.lock; each CPU's queue under its own lock (never both at
 * once); a task's state and CPU, and the idle mask, are atomic. Not for
 * interrupt handlers.
 */
#ifndef KERNEL_TASK_H
#define KERNEL_TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/cpumask.h>
#include <kernel/errno.h>
#include <kernel/pid.h>
#include <kernel/spinlock.h>

typedef int (*task_fn)(void *arg);

enum task_state {
	TASK_QUEUED,		/* in the shared queue, waiting for a CPU */
	TASK_PLACED,		/* on a CPU's own queue */
	TASK_RUNNING,
	TASK_DEAD,		/* returned: PID and stack given back, exit code kept */
};

struct task {
	struct task *next;		/* in a queue */
	struct task *list_prev, *list_next;	/* every task not yet reaped */
	task_fn entry;
	void *arg;
	struct cpumask affinity;
	int pid;
	int state;			/* enum task_state, atomic */
	int cpu;			/* where it is placed or ran; -1 while queued (atomic) */
	int exit_code;
	int waiter;			/* CPU + 1 of a waiter that may sleep on it, 0, or -1 once exiting (atomic) */
	struct task *outer;		/* what ran on its CPU when it started (run()) */
	void *stack;			/* the ops' business: base of the allocation */
	uintptr_t stack_top;		/* where the stack pointer starts */
};

struct task_sched;

/* What the core needs from the kernel or the host. ctx is task_sched.ctx. */
struct task_ops {
	/* A zeroed struct task, or NULL; and its release. */
	struct task *(*task_alloc)(void *ctx);
	void (*task_free)(void *ctx, struct task *t);
	/* Give t a stack (set t->stack, t->stack_top): 0 or -ENOMEM. */
	int (*stack_alloc)(void *ctx, struct task *t);
	/* Take it back: 0, or -1 if it shows the task ran off its end (still freed). */
	int (*stack_free)(void *ctx, struct task *t);
	/* Call body(t) on t's stack and come back to the caller's. */
	void (*run_on_stack)(void *ctx, struct task *t, void (*body)(struct task *t));
	/* A waiter found nothing to run: pause (a CPU) or yield (a host thread). */
	void (*relax)(void *ctx);
	/*
	 * A waiter found nothing to run for a while: sleep until wake_waiter(cpu)
	 * (or any interrupt), unless cpu's bit in asleep is clear already. Test
	 * the bit with wake-ups held off (interrupts off, the condvar's lock) so
	 * one that comes between the test and the sleep is not lost. May return
	 * early: the core tests the bit again.
	 */
	void (*sleep)(void *ctx, const struct cpumask *asleep, unsigned int cpu);
	/* cpu sleeps in sleep() and we cleared its bit: make it return (an IPI, a signal). */
	void (*wake_waiter)(void *ctx, unsigned int cpu);
	/* Which CPU is this? */
	unsigned int (*this_cpu)(void *ctx);
	/*
	 * cpu was idle and is now claimed for us (its idle bit cleared): make
	 * it run task_drain(s, cpu), then go idle again (an IPI and a mailbox).
	 */
	void (*wake)(void *ctx, unsigned int cpu);
};

struct task_cpu {
	struct spinlock lock;
	struct task *head, *tail;	/* tasks placed here */
	struct task *current;		/* innermost task running here, or NULL */
} __attribute__((aligned(64)));

struct task_stats {
	uint64_t live;			/* spawned and not yet reaped */
	uint64_t spawned;
	uint64_t placed;		/* of which went straight to an idle CPU */
	uint64_t kicked;		/* CPUs a waiter claimed for its queued task */
	uint64_t reaped;
	uint64_t stack_errors;		/* stacks that came back overrun */
	uint64_t slept;			/* times a waiter went to sleep (ops->sleep) */
	uint64_t woken_exit;		/* sleeping waiters woken by their task's exit */
	uint64_t woken_queue;		/* sleeping waiters woken for a task queued for them */
};

/* Fields are private to task.c. */
struct task_sched {
	struct spinlock lock;		/* queue, list, counters */
	struct task *queue_head, *queue_tail;
	struct task *list;
	struct cpumask *idle;		/* atomic: set bit = CPU halted, claimable */
	struct pid_map *pids;
	const struct task_ops *ops;
	void *ctx;
	unsigned int ncpus;
	unsigned int next_cpu;		/* where the next claim starts looking (atomic) */
	struct task_stats stats;
	/* atomic: set bit = CPU asleep in task_wait, to be woken for work (own line) */
	struct cpumask sleepers __attribute__((aligned(64)));
	struct task_cpu cpu[NR_CPUS];
};

/* Start s over CPUs [0, ncpus) with their idle mask, taking PIDs from pids. */
void task_sched_init(struct task_sched *s, struct pid_map *pids, struct cpumask *idle,
		     unsigned int ncpus, const struct task_ops *ops, void *ctx);

/*
 * Start fn(arg) as a task on a CPU of affinity (NULL: any CPU). Returns 0
 * with *out set, -EAGAIN when no PID is free, -ENOMEM without
 * memory for it, -EINVAL if affinity names no CPU below ncpus.
 */
int task_spawn(struct task_sched *s, task_fn fn, void *arg, const struct cpumask *affinity,
	       struct task **out);
/* Wait for t to return, running other tasks meanwhile; free t and return its exit code. */
int task_wait(struct task_sched *s, struct task *t);

/*
 * t faulted and the fault unwound past the code that ran it (a test
 * case's longjmp): finish it as if it had returned code, so task_wait
 * can reap it. Call on the CPU it ran on.
 */
void task_exit_unwound(struct task_sched *s, struct task *t, int code);

/* Run one task waiting for this CPU (cpu is the caller's): true if there was one. */
bool task_run_one(struct task_sched *s, unsigned int cpu);
/* Is there a task cpu may run now (its own queue, or the shared one within affinity)? */
bool task_pending(struct task_sched *s, unsigned int cpu);
/* Run tasks waiting for this CPU until there are none: what a woken CPU does. */
void task_drain(struct task_sched *s, unsigned int cpu);

/* Is cpu asleep in task_wait (a snapshot)? */
bool task_cpu_asleep(struct task_sched *s, unsigned int cpu);
/* The task running on this CPU, or NULL. */
struct task *task_current(struct task_sched *s);
/* A snapshot of the counters. */
void task_get_stats(struct task_sched *s, struct task_stats *st);
/*
 * Print "PID CPU STATE" for every task not yet reaped, through print. A
 * dead task's PID is already free and may belong to a newer task too.
 */
void task_dump(struct task_sched *s, void (*print)(const char *fmt, ...));
/* "queued", "placed", "running", "dead". */
const char *task_state_name(int state);

/* CPUs the scheduler places tasks on: [0, ncpus). */
static inline unsigned int task_ncpus(const struct task_sched *s)
{
	return s->ncpus;
}

#endif /* KERNEL_TASK_H */
