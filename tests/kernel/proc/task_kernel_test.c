// SPDX-License-Identifier: MIT
/* Kernel tasks for real: own stacks, guard pages, bad PID frees, wake-ups and the spawn stress (kernel only). */
#include <arch/cpu.h>
#include <arch/fault.h>
#include <arch/kstack.h>
#include <arch/smp.h>
#include <arch/trap.h>
#include <arch/tsc.h>
#include <bitmap/bitmap.h>
#include <kernel/cmdline.h>
#include <kernel/heap.h>
#include <kernel/kmalloc.h>
#include <kernel/ktest.h>
#include <kernel/ktest_run.h>
#include <kernel/mm.h>
#include <kernel/page.h>
#include <kernel/pid.h>
#include <kernel/proc.h>
#include <kernel/smp.h>
#include <kernel/task.h>

/*
 * 2,000 tasks by default, so an interactive boot (`make run`) reaches its
 * prompt quickly. The full 100,000 (about 10 s on 16 CPUs under TCG) runs
 * where it finds something: `make test` gives task.stress=100000 to the
 * 16-CPU boot of each firmware, and `make test-big` to its 64/128-CPU boots.
 * task.stress=N sets N for any boot.
 */
#define STRESS_DEFAULT	2000
#define BATCH		32

static struct task_sched *const s = &kernel_tasks;

struct stack_probe {
	uintptr_t local;	/* address of a local variable of the task */
	uintptr_t low, top;	/* its stack: [low, top) above the guard page */
};

static int stack_probe_fn(void *arg)
{
	struct stack_probe *p = arg;
	struct task *self = task_current(s);
	volatile int local = 0;

	p->local = (uintptr_t)&local;
	p->low = (uintptr_t)self->stack;
	p->top = self->stack_top;
	return local + 5;
}

KTEST(task_kernel, runs_on_its_own_stack)
{
	struct stack_probe p = { 0 };
	int here;
	struct task *tk;

	ASSERT_EQ(t, task_spawn(s, stack_probe_fn, &p, NULL, &tk), 0);
	EXPECT_EQ(t, task_wait(s, tk), 5);
	EXPECT_GE(t, p.local, p.low);
	EXPECT_LT(t, p.local, p.top);
	/* Not on ours. */
	EXPECT_TRUE(t, (uintptr_t)&here < p.low || (uintptr_t)&here >= p.top);
}

KTEST(task_kernel, bad_pid_frees_are_refused)
{
	struct pid_map *m = pid_kernel_map();
	unsigned long bad = pid_map_bad_frees(m);
	int pid = pid_alloc();

	ASSERT_GT(t, pid, 0);
	EXPECT_TRUE(t, pid_map_in_use(m, pid));
	EXPECT_EQ(t, pid_free(pid), 0);
	EXPECT_EQ(t, pid_free(pid), -ENOENT);
	EXPECT_EQ(t, pid_free(0), -EINVAL);
	EXPECT_EQ(t, pid_free(pid_map_max(m)), -EINVAL);
	EXPECT_EQ(t, pid_map_bad_frees(m), bad + 1);
	EXPECT_FALSE(t, pid_map_in_use(m, pid));
}

/* ------------------------------------------------------------ lost wake-up */

#define WAKE_WAIT_MS	2000

static void hold_until_released(void *arg)
{
	while (!__atomic_load_n((int *)arg, __ATOMIC_ACQUIRE))
		cpu_relax();
}

static int note_cpu(void *arg)
{
	*(unsigned int *)arg = smp_cpu_id();
	return 7;
}

/*
 * The lost wake-up, forced: CPU 1 is busy (we claimed it and it spins on
 * our flag) when a task only it may run is spawned, so the task goes to
 * the shared queue and nobody is woken. Then CPU 1 finishes and goes idle.
 * Nobody waits for the task yet (task_wait would kick CPU 1): only the
 * idle loop's second look can run it.
 */
KTEST(task_kernel, cpu_going_idle_runs_work_queued_meanwhile)
{
	struct cpumask only1;
	struct smp_dispatch_stats before, after;
	unsigned int ran_on = ~0u;
	int release = 0;
	uint64_t start;
	struct task *tk;

	if (task_ncpus(s) < 2)
		ktest_skip(t, "needs two CPUs");
	smp_wait_idle();
	ASSERT_TRUE(t, cpumask_test_and_clear_atomic(&cpu_idle_mask, 1));
	smp_post(1, hold_until_released, &release);
	smp_dispatch_stats(&before);
	bm_zero(only1.bits, NR_CPUS);
	bm_set(only1.bits, 1);
	ASSERT_EQ(t, task_spawn(s, note_cpu, &ran_on, &only1, &tk), 0);
	EXPECT_EQ(t, tk->state, TASK_QUEUED);
	__atomic_store_n(&release, 1, __ATOMIC_RELEASE);
	start = rdtsc();
	while (__atomic_load_n(&tk->state, __ATOMIC_ACQUIRE) != TASK_DEAD &&
	       rdtsc() - start < tsc_khz() * WAKE_WAIT_MS)
		cpu_relax();
	EXPECT_EQ(t, __atomic_load_n(&tk->state, __ATOMIC_ACQUIRE), TASK_DEAD);
	EXPECT_EQ(t, task_wait(s, tk), 7);
	EXPECT_EQ(t, ran_on, 1);
	smp_dispatch_stats(&after);
	EXPECT_GE(t, after.idle_runs, before.idle_runs + 1);
}

/* ------------------------------------------------------------ sleeping waiters */

/*
 * A task on CPU 1 waits for one on CPU 2 (nothing else to run: it
 * sleeps), and that one, once it sees CPU 1 asleep, either returns (the
 * exit must wake CPU 1) or first spawns a task only CPU 1 may run and
 * waits for it (the queueing must wake CPU 1: without that the two wait
 * on each other's CPU for ever). CPU 0 only watches, with a deadline.
 */
struct sleep_case {
	bool spawn_for_cpu1;		/* the task on CPU 2 waits for one bound to CPU 1 */
	bool saw_cpu1_asleep;
	unsigned int inner_ran_on;
};

static struct cpumask only_cpu(unsigned int cpu)
{
	struct cpumask m;

	bm_zero(m.bits, NR_CPUS);
	bm_set(m.bits, cpu);
	return m;
}

static bool wait_until_asleep(unsigned int cpu)
{
	uint64_t start = rdtsc();

	/* pause: single-threaded TCG runs the next vCPU on one, so the waiter gets on. */
	while (!task_cpu_asleep(s, cpu)) {
		if (rdtsc() - start >= tsc_khz() * WAKE_WAIT_MS)
			return false;
		cpu_relax();
	}
	return true;
}

static int on_cpu2(void *arg)
{
	struct sleep_case *c = arg;
	struct cpumask one = only_cpu(1);
	struct task *inner;

	c->saw_cpu1_asleep = wait_until_asleep(1);
	if (!c->spawn_for_cpu1)
		return 9;
	if (task_spawn(s, note_cpu, &c->inner_ran_on, &one, &inner) != 0)
		return -1;
	return task_wait(s, inner) + 2;
}

static int on_cpu1(void *arg)
{
	struct cpumask two = only_cpu(2);
	struct task *waited;

	if (task_spawn(s, on_cpu2, arg, &two, &waited) != 0)
		return -1;
	return task_wait(s, waited);
}

static void sleep_case(struct ktest *t, struct sleep_case *c, struct task_stats *st)
{
	struct cpumask one = only_cpu(1);
	struct task *w;
	uint64_t start;

	if (task_ncpus(s) < 3)
		ktest_skip(t, "needs three CPUs");
	smp_wait_idle();
	task_get_stats(s, &st[0]);
	ASSERT_EQ(t, task_spawn(s, on_cpu1, c, &one, &w), 0);
	start = rdtsc();
	while (__atomic_load_n(&w->state, __ATOMIC_ACQUIRE) != TASK_DEAD &&
	       rdtsc() - start < tsc_khz() * WAKE_WAIT_MS * 2)
		cpu_relax();
	/* Still waiting: a lost wake-up. Leave it (reaping would hang); the failure says so. */
	ASSERT_EQ(t, __atomic_load_n(&w->state, __ATOMIC_ACQUIRE), TASK_DEAD);
	EXPECT_EQ(t, task_wait(s, w), 9);
	EXPECT_TRUE(t, c->saw_cpu1_asleep);
	/*
	 * CPU 2 may still be between waking CPU 1 and leaving task_exit when w
	 * is dead (a spurious wake ends CPU 1's hlt early): read the stats
	 * once every CPU is back in the idle loop.
	 */
	smp_wait_idle();
	task_get_stats(s, &st[1]);
	EXPECT_GE(t, st[1].slept, st[0].slept + 1);
}

KTEST(task_kernel, exit_wakes_a_sleeping_waiter)
{
	struct sleep_case c = { .spawn_for_cpu1 = false };
	struct task_stats st[2];

	sleep_case(t, &c, st);
	EXPECT_GE(t, st[1].woken_exit, st[0].woken_exit + 1);
}

KTEST(task_kernel, task_queued_for_a_sleeping_waiter_wakes_it)
{
	struct sleep_case c = { .spawn_for_cpu1 = true, .inner_ran_on = ~0u };
	struct task_stats st[2];

	sleep_case(t, &c, st);
	EXPECT_EQ(t, c.inner_ran_on, 1);
	EXPECT_GE(t, st[1].woken_queue, st[0].woken_queue + 1);
}

/* ------------------------------------------------------------ the stress */

struct stress {
	struct ktest *t;		/* for spawner 0's progress lines */
	int per_spawner;
	uint64_t *alive;		/* bit per PID: held by a running short task */
	unsigned long held_twice, outside_affinity, spawn_errors, wrong_code;	/* atomic */
};

struct job {
	struct stress *st;
	struct cpumask affinity;
	unsigned int cpu;
};

static void count(unsigned long *c)
{
	__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

static int short_task(void *arg)
{
	struct job *j = arg;
	struct task *self = task_current(s);

	if (bm_test_and_set_atomic(j->st->alive, (size_t)self->pid))
		count(&j->st->held_twice);
	j->cpu = (unsigned int)self->cpu;
	if (!bm_test(j->affinity.bits, j->cpu))
		count(&j->st->outside_affinity);
	bm_clear_atomic(j->st->alive, (size_t)self->pid);
	return self->pid;
}

static uint64_t next_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* One CPU, some, or all of [0, ncpus). */
static void random_affinity(struct cpumask *m, uint64_t *rng, unsigned int ncpus)
{
	uint64_t r = next_rand(rng);

	bm_zero(m->bits, NR_CPUS);
	if (r % 4 == 0) {
		bm_set(m->bits, (r >> 8) % ncpus);
	} else if (r % 4 == 1) {
		bm_set_range(m->bits, 0, ncpus);
	} else {
		for (unsigned int c = 0; c < ncpus; c++)
			if ((r >> (8 + c % 48)) & 1)
				bm_set(m->bits, c);
		bm_set(m->bits, (r >> 56) % ncpus);
	}
}

/*
 * Spawn this spawner's share in batches with random affinities and wait
 * for each batch. Out of PIDs (a small pid_max=), it waits for what it has
 * and tries again; any other error ends it.
 */
static int spawner(void *arg)
{
	struct stress *st = arg;
	struct task *self = task_current(s);
	uint64_t rng = 0x9e3779b97f4a7c15ull * (uint64_t)(self->cpu + 1);
	/* About eight progress lines from CPU 0, so a slow TCG run is not taken for a hang. */
	int step = st->per_spawner / 8 + 1, next_line = 0;
	struct job jobs[BATCH];
	struct task *tasks[BATCH];

	for (int done = 0; done < st->per_spawner;) {
		int n = 0, err = 0;

		if (self->cpu == 0 && done >= next_line) {
			ktest_diag(st->t, "CPU 0 spawned %d of its %d", done, st->per_spawner);
			next_line += step;
		}
		while (n < BATCH && done + n < st->per_spawner && !err) {
			jobs[n].st = st;
			random_affinity(&jobs[n].affinity, &rng, task_ncpus(s));
			err = task_spawn(s, short_task, &jobs[n], &jobs[n].affinity, &tasks[n]);
			n += err == 0;
		}
		for (int i = 0; i < n; i++) {
			int pid = tasks[i]->pid;

			if (task_wait(s, tasks[i]) != pid)
				count(&st->wrong_code);
		}
		done += n;
		if (err && err != -EAGAIN) {
			count(&st->spawn_errors);
			return err;
		}
		/* Every PID is held by others: run something meanwhile, or we may hold up their tasks. */
		if (err && n == 0)
			task_run_one(s, (unsigned int)self->cpu);
	}
	return 0;
}

/* task.stress=N on the command line, else STRESS_DEFAULT. */
static int stress_count(void)
{
	char val[16];
	int n = 0;

	if (!cmdline_get(kernel_cmdline(), "task.stress", val, sizeof(val)))
		return STRESS_DEFAULT;
	for (const char *p = val; *p >= '0' && *p <= '9' && n < 100000000; p++)
		n = n * 10 + (*p - '0');
	return n;
}

struct usage {
	int pids;
	uint64_t frames_outside_heap;
	uint64_t heap_objects, heap_large, heap_slabs;
};

static void measure(struct usage *u)
{
	struct pfa_stats p;
	struct heap_stats h;

	page_stats(&p);
	heap_get_stats(&kernel_heap, &h);
	u->pids = pid_map_count(pid_kernel_map());
	u->frames_outside_heap = p.used - h.slabs * SLAB_FRAMES - h.large_frames;
	u->heap_objects = h.objects;
	u->heap_large = h.large;
	u->heap_slabs = h.slabs;
}

KTEST_SLOW(task_kernel, spawn_stress_from_every_cpu)
{
	unsigned int ncpus = task_ncpus(s);
	int total = stress_count();
	struct stress st = { .t = t, .per_spawner = (total + (int)ncpus - 1) / (int)ncpus };
	struct task *spawners[NR_CPUS];
	struct task_stats ts0, ts1;
	struct usage before, after;

	st.alive = kzalloc(BM_WORDS(pid_map_max(pid_kernel_map())) * sizeof(uint64_t));
	ASSERT_NOT_NULL(t, st.alive);
	measure(&before);
	task_get_stats(s, &ts0);
	for (unsigned int c = 0; c < ncpus; c++) {
		struct cpumask only;

		bm_zero(only.bits, NR_CPUS);
		bm_set(only.bits, c);
		ASSERT_EQ(t, task_spawn(s, spawner, &st, &only, &spawners[c]), 0);
	}
	task_ps();
	for (unsigned int c = 0; c < ncpus; c++)
		EXPECT_EQ(t, task_wait(s, spawners[c]), 0);
	task_get_stats(s, &ts1);
	measure(&after);
	kfree(st.alive);

	ktest_diag(t, "%d tasks on %u CPUs: %llu placed on an idle CPU, %llu kicked; waiters "
		   "slept %llu times, woken %llu by an exit, %llu for a queued task", total,
		   ncpus, (unsigned long long)(ts1.placed - ts0.placed),
		   (unsigned long long)(ts1.kicked - ts0.kicked),
		   (unsigned long long)(ts1.slept - ts0.slept),
		   (unsigned long long)(ts1.woken_exit - ts0.woken_exit),
		   (unsigned long long)(ts1.woken_queue - ts0.woken_queue));
	EXPECT_EQ(t, st.held_twice, 0);
	EXPECT_EQ(t, st.outside_affinity, 0);
	EXPECT_EQ(t, st.spawn_errors, 0);
	EXPECT_EQ(t, st.wrong_code, 0);
	EXPECT_EQ(t, ts1.spawned - ts0.spawned, (uint64_t)(st.per_spawner * (int)ncpus + (int)ncpus));
	EXPECT_EQ(t, ts1.live, ts0.live);
	EXPECT_EQ(t, ts1.stack_errors, ts0.stack_errors);
	/* Exactly back: PIDs, frames, heap objects; the heap may keep an empty slab per class. */
	EXPECT_EQ(t, after.pids, before.pids);
	EXPECT_EQ(t, after.frames_outside_heap, before.frames_outside_heap);
	EXPECT_EQ(t, after.heap_objects, before.heap_objects);
	EXPECT_EQ(t, after.heap_large, before.heap_large);
	EXPECT_LE(t, after.heap_slabs, before.heap_slabs + HEAP_CLASSES);
}

/* ------------------------------------------------------------ the guard page */

static struct task *overflowed;
static volatile uint64_t guard_addr;	/* volatile: stored before the faulting write */

/* Write just below the stack, onto the guard page, as an overflow would. */
static int overflow_fn(void *arg)
{
	struct task *self = task_current(s);

	(void)arg;
	guard_addr = (uintptr_t)self->stack - sizeof(uint64_t);
	*(volatile uint64_t *)guard_addr = 0;
	return 0;
}

/* Spawn it for CPU 0 and wait: the wait runs it here, and the #PF ends this inner case. */
static void spawn_overflow(struct ktest *t)
{
	struct cpumask only0;

	bm_zero(only0.bits, NR_CPUS);
	bm_set(only0.bits, 0);
	ASSERT_EQ(t, task_spawn(s, overflow_fn, NULL, &only0, &overflowed), 0);
	task_wait(s, overflowed);
}

KTEST(task_kernel, guard_page_catches_an_overflow)
{
	static const struct ktest_case overflow = {
		"task_kernel", "overflow", __FILE__, __LINE__, spawn_overflow, VEC_PF, KTEST_ANY_ADDR,
		false, 0, 0
	};
	struct ktest_outcome out;
	struct usage before, after;

	measure(&before);
	guard_addr = 0;
	ktest_run_quiet(&overflow, &out);
	ASSERT_TRUE(t, out.faulted);
	EXPECT_EQ(t, out.failures, 0);
	EXPECT_EQ(t, out.fault.vector, VEC_PF);
	ASSERT_NE(t, guard_addr, 0);
	EXPECT_EQ(t, out.fault.addr, guard_addr);
	EXPECT_FALSE(t, kstack_mapped(guard_addr));
	EXPECT_TRUE(t, kstack_mapped(guard_addr + sizeof(uint64_t)));
	/* The fault unwound past run(): finish the task so its PID, stack and struct come back. */
	task_exit_unwound(s, overflowed, -14);
	EXPECT_EQ(t, task_wait(s, overflowed), -14);
	measure(&after);
	EXPECT_EQ(t, after.pids, before.pids);
	EXPECT_EQ(t, after.frames_outside_heap, before.frames_outside_heap);
	EXPECT_EQ(t, after.heap_objects, before.heap_objects);
}
