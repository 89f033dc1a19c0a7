// SPDX-License-Identifier: MIT
/* Task core on simulated CPUs: placement, the shared queue, affinity, waiting, exit, errors (portable). */
#include <stdarg.h>

#include <bitmap/bitmap.h>
#include <kernel/ktest.h>
#include <kernel/task.h>

/*
 * The "CPUs" here are one thread of control pretending: fake.cpu says
 * which CPU we are on, wakes are recorded, tasks run on the caller's
 * stack, and task structs and stacks come from small pools so the suite
 * can check that everything went back.
 *
 * A waiter that goes to sleep cannot block here: fake_sleep runs the next
 * scripted event instead (what other CPUs do meanwhile) and then checks
 * that the event woke the sleeper. A sleeper still asleep afterwards, or
 * one that went to sleep with a task it could run, would sleep for ever on
 * a real CPU: fake_sleep counts it in fake.lost and wakes it by hand so
 * the test can go on and fail.
 */

#define NCPUS		4
#define POOL		320
#define STACK_WORDS	16
#define CANARY		0x57ac4ca7a11c0deull

struct fake {
	unsigned int cpu;
	struct cpumask woken;
	BM_DECLARE(tasks_used, POOL);
	BM_DECLARE(stacks_used, POOL);
	struct task tasks[POOL];
	uint64_t stacks[POOL][STACK_WORDS];	/* word 0 is the canary */
	bool fail_task_alloc, fail_stack_alloc;
	bool wake_drains;
	/* Sleeping: the script, what happened. */
	void (*on_sleep[4])(void);	/* run by the 1st, 2nd... sleep */
	unsigned int sleeps;		/* fake_sleep calls that found the bit set */
	unsigned int lost;		/* sleeps no one would have ended */
	struct cpumask woken_waiters;
	unsigned long relaxes;		/* relax() calls so far */
	unsigned long relaxes_at_sleep;	/* ...when the first sleep came */
	unsigned long event_at_relax;	/* run on_relax at this relax() call (0: never) */
	void (*on_relax)(void);
};

static struct fake fake;
static struct task_sched sched;
static struct pid_map pids;
static uint64_t pid_storage[HBM_STORAGE_WORDS(4096)];
static struct cpumask idle;

static struct task *fake_task_alloc(void *ctx)
{
	struct fake *f = ctx;
	size_t i = bm_find_first_zero(f->tasks_used, POOL);

	if (f->fail_task_alloc || i >= POOL)
		return NULL;
	bm_set(f->tasks_used, i);
	f->tasks[i] = (struct task){ 0 };
	return &f->tasks[i];
}

static void fake_task_free(void *ctx, struct task *t)
{
	struct fake *f = ctx;

	bm_clear(f->tasks_used, (size_t)(t - f->tasks));
}

static int fake_stack_alloc(void *ctx, struct task *t)
{
	struct fake *f = ctx;
	size_t i = bm_find_first_zero(f->stacks_used, POOL);

	if (f->fail_stack_alloc || i >= POOL)
		return -ENOMEM;
	bm_set(f->stacks_used, i);
	f->stacks[i][0] = CANARY;
	t->stack = f->stacks[i];
	t->stack_top = (uintptr_t)&f->stacks[i][STACK_WORDS];
	return 0;
}

static int fake_stack_free(void *ctx, struct task *t)
{
	struct fake *f = ctx;
	uint64_t *stack = t->stack;

	bm_clear(f->stacks_used, (size_t)(stack - f->stacks[0]) / STACK_WORDS);
	return stack[0] == CANARY ? 0 : -1;
}

static void fake_run_on_stack(void *ctx, struct task *t, void (*body)(struct task *))
{
	(void)ctx;
	body(t);
}

static void fake_relax(void *ctx)
{
	struct fake *f = ctx;

	if (++f->relaxes == f->event_at_relax && f->on_relax)
		f->on_relax();
}

static void fake_sleep(void *ctx, const struct cpumask *asleep, unsigned int cpu)
{
	struct fake *f = ctx;
	unsigned int n = f->sleeps;

	if (!cpumask_test_atomic(asleep, cpu))
		return;
	if (f->sleeps++ == 0)
		f->relaxes_at_sleep = f->relaxes;
	if (task_pending(&sched, cpu))
		f->lost++;	/* asleep with work it could do, nobody told */
	if (n < sizeof(f->on_sleep) / sizeof(f->on_sleep[0]) && f->on_sleep[n])
		f->on_sleep[n]();
	if (cpumask_test_and_clear_atomic((struct cpumask *)asleep, cpu))
		f->lost++;	/* nobody woke it */
}

static void fake_wake_waiter(void *ctx, unsigned int cpu)
{
	struct fake *f = ctx;

	bm_set(f->woken_waiters.bits, cpu);
}

static unsigned int fake_this_cpu(void *ctx)
{
	return ((struct fake *)ctx)->cpu;
}

/* Record the wake; with wake_drains, the woken CPU drains its queues right away. */
static void fake_wake(void *ctx, unsigned int cpu)
{
	struct fake *f = ctx;
	unsigned int caller = f->cpu;

	bm_set(f->woken.bits, cpu);
	if (!f->wake_drains)
		return;
	f->cpu = cpu;
	task_drain(&sched, cpu);
	f->cpu = caller;
}

static const struct task_ops fake_ops = {
	.task_alloc = fake_task_alloc,
	.task_free = fake_task_free,
	.stack_alloc = fake_stack_alloc,
	.stack_free = fake_stack_free,
	.run_on_stack = fake_run_on_stack,
	.relax = fake_relax,
	.sleep = fake_sleep,
	.wake_waiter = fake_wake_waiter,
	.this_cpu = fake_this_cpu,
	.wake = fake_wake,
};

/* A scheduler over NCPUS CPUs, none idle, PIDs from a map of pid_max; we are CPU 0. */
static struct task_sched *setup(struct ktest *t, int pid_max)
{
	fake = (struct fake){ 0 };
	ASSERT_EQ(t, pid_map_init(&pids, pid_storage, pid_max), 0);
	bm_zero(idle.bits, NR_CPUS);
	task_sched_init(&sched, &pids, &idle, NCPUS, &fake_ops, &fake);
	return &sched;
}

static struct cpumask mask_of(unsigned int a, unsigned int b)
{
	struct cpumask m;

	bm_zero(m.bits, NR_CPUS);
	bm_set(m.bits, a);
	bm_set(m.bits, b);
	return m;
}

/* Everything spawned was reaped and every PID, struct and stack went back. */
static void expect_baseline(struct ktest *t, struct task_sched *s)
{
	struct task_stats st;

	task_get_stats(s, &st);
	EXPECT_EQ(t, st.live, 0);
	EXPECT_EQ(t, st.reaped, st.spawned);
	EXPECT_EQ(t, pid_map_count(&pids), 0);
	EXPECT_EQ(t, bm_weight(fake.tasks_used, POOL), 0);
	EXPECT_EQ(t, bm_weight(fake.stacks_used, POOL), 0);
	EXPECT_TRUE(t, pid_map_check(&pids));
}

/* What a task saw of itself. */
struct probe {
	struct task_sched *s;
	struct task *self;
	unsigned int cpu;
	int pid;
	int runs;
};

static int probe_fn(void *arg)
{
	struct probe *p = arg;

	p->self = task_current(p->s);
	p->cpu = fake.cpu;
	p->pid = p->self ? p->self->pid : -1;
	p->runs++;
	return 42;
}

KTEST(task, spawn_places_on_idle_cpu_in_affinity)
{
	struct task_sched *s = setup(t, 4096);
	struct cpumask aff = mask_of(2, 3);
	struct probe p = { .s = s };
	struct task *tk;

	bm_set(idle.bits, 1);
	bm_set(idle.bits, 3);
	ASSERT_EQ(t, task_spawn(s, probe_fn, &p, &aff, &tk), 0);
	EXPECT_EQ(t, tk->pid, 1);
	EXPECT_EQ(t, tk->cpu, 3);
	EXPECT_EQ(t, tk->state, TASK_PLACED);
	EXPECT_FALSE(t, bm_test(idle.bits, 3));
	EXPECT_TRUE(t, bm_test(idle.bits, 1));
	EXPECT_TRUE(t, bm_test(fake.woken.bits, 3));
	EXPECT_EQ(t, bm_weight(fake.woken.bits, NR_CPUS), 1);
	EXPECT_EQ(t, p.runs, 0);

	/* CPU 1 is not in the affinity and has nothing placed: it finds no work. */
	EXPECT_FALSE(t, task_run_one(s, 1));
	fake.cpu = 3;
	EXPECT_TRUE(t, task_run_one(s, 3));
	EXPECT_EQ(t, p.runs, 1);
	EXPECT_EQ(t, p.cpu, 3);
	EXPECT_EQ(t, p.pid, 1);
	EXPECT_PTR_EQ(t, p.self, tk);
	EXPECT_EQ(t, tk->state, TASK_DEAD);
	/* Exit gave back the PID and the stack at once; the struct waits. */
	EXPECT_EQ(t, pid_map_count(&pids), 0);
	EXPECT_EQ(t, bm_weight(fake.stacks_used, POOL), 0);
	EXPECT_EQ(t, bm_weight(fake.tasks_used, POOL), 1);
	EXPECT_NULL(t, task_current(s));
	EXPECT_EQ(t, task_wait(s, tk), 42);
	expect_baseline(t, s);
}

KTEST(task, no_idle_cpu_means_the_shared_queue)
{
	struct task_sched *s = setup(t, 4096);
	struct cpumask aff = mask_of(2, 2);
	struct probe p = { .s = s };
	struct task *tk;

	bm_set(idle.bits, 1);	/* idle, but not in the affinity */
	ASSERT_EQ(t, task_spawn(s, probe_fn, &p, &aff, &tk), 0);
	EXPECT_EQ(t, tk->state, TASK_QUEUED);
	EXPECT_EQ(t, tk->cpu, -1);
	EXPECT_TRUE(t, bm_test(idle.bits, 1));
	EXPECT_EQ(t, bm_weight(fake.woken.bits, NR_CPUS), 0);
	EXPECT_FALSE(t, task_run_one(s, 1));
	EXPECT_FALSE(t, task_run_one(s, 0));
	fake.cpu = 2;
	EXPECT_TRUE(t, task_run_one(s, 2));
	EXPECT_EQ(t, p.cpu, 2);
	EXPECT_EQ(t, task_wait(s, tk), 42);
	expect_baseline(t, s);
}

KTEST(task, shared_queue_is_fifo_within_affinity)
{
	struct task_sched *s = setup(t, 4096);
	struct cpumask only1 = mask_of(1, 1), only0 = mask_of(0, 0), both = mask_of(0, 1);
	struct probe pa = { .s = s }, pb = { .s = s }, pc = { .s = s };
	struct task *a, *b, *c;

	ASSERT_EQ(t, task_spawn(s, probe_fn, &pa, &only1, &a), 0);
	ASSERT_EQ(t, task_spawn(s, probe_fn, &pb, &only0, &b), 0);
	ASSERT_EQ(t, task_spawn(s, probe_fn, &pc, &both, &c), 0);
	EXPECT_EQ(t, a->pid, 1);
	EXPECT_EQ(t, b->pid, 2);
	EXPECT_EQ(t, c->pid, 3);
	/* CPU 0 skips a, takes b, then c. */
	EXPECT_TRUE(t, task_run_one(s, 0));
	EXPECT_EQ(t, pb.runs, 1);
	EXPECT_EQ(t, pc.runs, 0);
	EXPECT_TRUE(t, task_run_one(s, 0));
	EXPECT_EQ(t, pc.runs, 1);
	EXPECT_FALSE(t, task_run_one(s, 0));
	EXPECT_EQ(t, pa.runs, 0);
	EXPECT_TRUE(t, task_run_one(s, 1));
	EXPECT_EQ(t, pa.runs, 1);
	EXPECT_EQ(t, task_wait(s, a) + task_wait(s, b) + task_wait(s, c), 3 * 42);
	expect_baseline(t, s);
}

/* A parent that spawns children on its own CPU and waits for them: they run nested. */
struct family {
	struct task_sched *s;
	struct probe kids[3];
	struct task *parent_seen;
	int spawn_errors;
};

static int parent_fn(void *arg)
{
	struct family *fam = arg;
	struct cpumask here = mask_of(0, 0);
	struct task *kids[3];
	int sum = 0;

	fam->parent_seen = task_current(fam->s);
	for (int i = 0; i < 3; i++) {
		fam->kids[i].s = fam->s;
		if (task_spawn(fam->s, probe_fn, &fam->kids[i], &here, &kids[i]) != 0)
			return -1;
	}
	for (int i = 0; i < 3; i++)
		sum += task_wait(fam->s, kids[i]);
	/* Back in the parent once the children are done. */
	if (task_current(fam->s) != fam->parent_seen)
		return -2;
	return sum;
}

KTEST(task, waiting_runs_the_tasks_it_waits_for)
{
	struct task_sched *s = setup(t, 4096);
	struct family fam = { .s = s };
	struct task *parent;

	ASSERT_EQ(t, task_spawn(s, parent_fn, &fam, NULL, &parent), 0);
	/* We are CPU 0, not idle: waiting runs the parent, which runs its children. */
	EXPECT_EQ(t, task_wait(s, parent), 3 * 42);
	EXPECT_PTR_EQ(t, fam.parent_seen, parent);
	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(t, fam.kids[i].runs, 1);
		EXPECT_EQ(t, fam.kids[i].pid, 2 + i);
		EXPECT_EQ(t, fam.kids[i].cpu, 0);
	}
	EXPECT_NULL(t, task_current(s));
	expect_baseline(t, s);
}

KTEST(task, bad_affinity_is_refused)
{
	struct task_sched *s = setup(t, 4096);
	struct cpumask none, far = mask_of(NCPUS, NR_CPUS - 1);
	struct task_stats st;
	struct task *tk = NULL;

	bm_zero(none.bits, NR_CPUS);
	EXPECT_EQ(t, task_spawn(s, probe_fn, NULL, &none, &tk), -EINVAL);
	EXPECT_EQ(t, task_spawn(s, probe_fn, NULL, &far, &tk), -EINVAL);
	EXPECT_NULL(t, tk);
	expect_baseline(t, s);
	task_get_stats(s, &st);
	EXPECT_EQ(t, st.spawned, 0);
}

KTEST(task, out_of_memory_gives_everything_back)
{
	struct task_sched *s = setup(t, 4096);
	struct probe p = { .s = s };
	struct task *tk = NULL;

	fake.fail_task_alloc = true;
	EXPECT_EQ(t, task_spawn(s, probe_fn, NULL, NULL, &tk), -ENOMEM);
	fake.fail_task_alloc = false;
	fake.fail_stack_alloc = true;
	EXPECT_EQ(t, task_spawn(s, probe_fn, NULL, NULL, &tk), -ENOMEM);
	EXPECT_NULL(t, tk);
	expect_baseline(t, s);
	/* The PID taken for the failed spawn went back but the cursor moved on. */
	fake.fail_stack_alloc = false;
	ASSERT_EQ(t, task_spawn(s, probe_fn, &p, NULL, &tk), 0);
	EXPECT_EQ(t, tk->pid, 2);
	EXPECT_EQ(t, task_wait(s, tk), 42);
	expect_baseline(t, s);
}

KTEST(task, no_pid_left_is_eagain)
{
	struct task_sched *s = setup(t, PID_MAX_MIN);
	static struct task *tasks[PID_MAX_MIN];
	struct probe p = { .s = s };
	int n = 0, err;

	while ((err = task_spawn(s, probe_fn, &p, NULL, &tasks[n])) == 0)
		n++;
	EXPECT_EQ(t, err, -EAGAIN);
	EXPECT_EQ(t, n, PID_MAX_MIN - 1);
	EXPECT_EQ(t, tasks[n - 1]->pid, PID_MAX_MIN - 1);
	EXPECT_EQ(t, bm_weight(fake.tasks_used, POOL), PID_MAX_MIN - 1);
	for (int i = 0; i < n; i++)
		task_wait(s, tasks[i]);
	EXPECT_EQ(t, p.runs, PID_MAX_MIN - 1);
	expect_baseline(t, s);
}

static int overrun_fn(void *arg)
{
	(void)arg;
	((uint64_t *)task_current(&sched)->stack)[0] = 0;	/* scribble on the canary */
	return 7;
}

KTEST(task, stack_overrun_is_counted)
{
	struct task_sched *s = setup(t, 4096);
	struct task_stats st;
	struct task *tk;

	ASSERT_EQ(t, task_spawn(s, overrun_fn, NULL, NULL, &tk), 0);
	EXPECT_EQ(t, task_wait(s, tk), 7);
	task_get_stats(s, &st);
	EXPECT_EQ(t, st.stack_errors, 1);
	expect_baseline(t, s);
}

/* task_dump's rows, taken apart as they are printed. */
static struct {
	int lines;
	int pid[4], cpu[4];
	const char *state[4];
} dumped;

static void capture(const char *fmt, ...)
{
	va_list ap;
	int i = dumped.lines++ - 1;	/* line 0 is the header */

	va_start(ap, fmt);
	if (i >= 0 && i < 4) {
		dumped.pid[i] = va_arg(ap, int);
		dumped.cpu[i] = va_arg(ap, int);
		dumped.state[i] = va_arg(ap, const char *);
	}
	va_end(ap);
}

KTEST(task, dump_shows_pid_cpu_state)
{
	struct task_sched *s = setup(t, 4096);
	struct cpumask one = mask_of(1, 1);
	struct probe p = { .s = s };
	struct task *a, *b;

	bm_set(idle.bits, 1);
	ASSERT_EQ(t, task_spawn(s, probe_fn, &p, &one, &a), 0);
	ASSERT_EQ(t, task_spawn(s, probe_fn, &p, &one, &b), 0);
	dumped.lines = 0;
	task_dump(s, capture);
	ASSERT_EQ(t, dumped.lines, 3);
	/* Newest first. */
	EXPECT_EQ(t, dumped.pid[0], 2);
	EXPECT_EQ(t, dumped.cpu[0], -1);
	EXPECT_STREQ(t, dumped.state[0], "queued");
	EXPECT_EQ(t, dumped.pid[1], 1);
	EXPECT_EQ(t, dumped.cpu[1], 1);
	EXPECT_STREQ(t, dumped.state[1], "placed");
	fake.cpu = 1;
	EXPECT_TRUE(t, task_run_one(s, 1));
	dumped.lines = 0;
	task_dump(s, capture);
	EXPECT_STREQ(t, dumped.state[1], "dead");
	EXPECT_EQ(t, task_wait(s, a) + task_wait(s, b), 84);
	dumped.lines = 0;
	task_dump(s, capture);
	EXPECT_EQ(t, dumped.lines, 1);
	expect_baseline(t, s);
}

KTEST(task, waiter_kicks_a_cpu_for_its_queued_task)
{
	struct task_sched *s = setup(t, 4096);
	struct cpumask aff = mask_of(2, 3);
	struct probe p = { .s = s };
	struct task *tk;

	/* Queued: no CPU of {2, 3} idle. Then CPU 3 goes idle without looking. */
	ASSERT_EQ(t, task_spawn(s, probe_fn, &p, &aff, &tk), 0);
	EXPECT_EQ(t, tk->state, TASK_QUEUED);
	bm_set(idle.bits, 3);
	bm_set(idle.bits, 1);
	fake.wake_drains = true;
	/* We are CPU 0, outside the affinity: the wait claims CPU 3, which runs it. */
	EXPECT_EQ(t, task_wait(s, tk), 42);
	EXPECT_EQ(t, p.cpu, 3);
	EXPECT_TRUE(t, bm_test(fake.woken.bits, 3));
	EXPECT_FALSE(t, bm_test(idle.bits, 3));
	EXPECT_TRUE(t, bm_test(idle.bits, 1));
	expect_baseline(t, s);
}

KTEST(task, drain_runs_everything_the_cpu_may_run)
{
	struct task_sched *s = setup(t, 4096);
	struct cpumask one = mask_of(1, 1), two = mask_of(2, 2);
	struct probe p1 = { .s = s }, p2 = { .s = s };
	struct task *tasks[6];

	for (int i = 0; i < 6; i++)
		ASSERT_EQ(t, task_spawn(s, probe_fn, i % 2 ? &p1 : &p2, i % 2 ? &one : &two,
					&tasks[i]), 0);
	fake.cpu = 1;
	task_drain(s, 1);
	EXPECT_EQ(t, p1.runs, 3);
	EXPECT_EQ(t, p2.runs, 0);
	fake.cpu = 0;
	fake.wake_drains = true;
	/* CPU 2 goes idle; waiting for a task of its claims it. */
	bm_set(idle.bits, 2);
	EXPECT_EQ(t, task_wait(s, tasks[0]), 42);
	EXPECT_EQ(t, p2.runs, 3);
	for (int i = 1; i < 6; i++)
		EXPECT_EQ(t, task_wait(s, tasks[i]), 42);
	expect_baseline(t, s);
}

/* ------------------------------------------------------------ sleeping waiters */

/*
 * task_wait spins before it sleeps: relax() 1, 2, 4 ... 32 times between
 * looks (63 in all), then 64 times for TASK_WAIT_SLEEP_LAPS = 4 looks.
 */
#define RELAXES_BEFORE_SLEEP	(63 + 4 * 64)

static struct probe script_probe;
static struct task *script_task;

/* What CPU 1 does meanwhile: run what was placed on it. */
static void cpu1_runs_its_task(void)
{
	unsigned int caller = fake.cpu;

	fake.cpu = 1;
	task_run_one(&sched, 1);
	fake.cpu = caller;
}

/* What CPU 2 does meanwhile: spawn a task only CPU 0 may run (none is idle: it queues). */
static void cpu2_spawns_for_cpu0(void)
{
	unsigned int caller = fake.cpu;
	struct cpumask only0 = mask_of(0, 0);

	fake.cpu = 2;
	script_probe = (struct probe){ .s = &sched };
	if (task_spawn(&sched, probe_fn, &script_probe, &only0, &script_task) != 0)
		script_task = NULL;
	fake.cpu = caller;
}

/* A task placed on CPU 1, which has not run it yet: CPU 0's wait for it has nothing to do. */
static struct task *placed_on_cpu1(struct ktest *t, struct task_sched *s, struct probe *p)
{
	struct cpumask only1 = mask_of(1, 1);
	struct task *tk = NULL;

	bm_set(idle.bits, 1);
	EXPECT_EQ(t, task_spawn(s, probe_fn, p, &only1, &tk), 0);
	EXPECT_EQ(t, tk ? tk->state : -1, TASK_PLACED);
	return tk;
}

KTEST(task, sleeping_waiter_is_woken_by_the_exit)
{
	struct task_sched *s = setup(t, 4096);
	struct probe p = { .s = s };
	struct task_stats st;
	struct task *tk = placed_on_cpu1(t, s, &p);

	ASSERT_NOT_NULL(t, tk);
	fake.on_sleep[0] = cpu1_runs_its_task;
	EXPECT_EQ(t, task_wait(s, tk), 42);
	EXPECT_EQ(t, p.cpu, 1);
	EXPECT_EQ(t, fake.sleeps, 1);
	EXPECT_EQ(t, fake.lost, 0);
	EXPECT_EQ(t, fake.relaxes_at_sleep, RELAXES_BEFORE_SLEEP);
	EXPECT_TRUE(t, bm_test(fake.woken_waiters.bits, 0));
	EXPECT_EQ(t, bm_weight(fake.woken_waiters.bits, NR_CPUS), 1);
	EXPECT_FALSE(t, task_cpu_asleep(s, 0));
	task_get_stats(s, &st);
	EXPECT_EQ(t, st.slept, 1);
	EXPECT_EQ(t, st.woken_exit, 1);
	EXPECT_EQ(t, st.woken_queue, 0);
	expect_baseline(t, s);
}

KTEST(task, queued_task_wakes_a_sleeping_waiter)
{
	struct task_sched *s = setup(t, 4096);
	struct probe p = { .s = s };
	struct task_stats st;
	struct task *tk = placed_on_cpu1(t, s, &p);

	ASSERT_NOT_NULL(t, tk);
	/* Asleep, CPU 0 gets a task only it may run; once that is done, it sleeps again. */
	fake.on_sleep[0] = cpu2_spawns_for_cpu0;
	fake.on_sleep[1] = cpu1_runs_its_task;
	EXPECT_EQ(t, task_wait(s, tk), 42);
	ASSERT_NOT_NULL(t, script_task);
	EXPECT_EQ(t, script_task->state, TASK_DEAD);
	EXPECT_EQ(t, script_probe.runs, 1);
	EXPECT_EQ(t, script_probe.cpu, 0);
	EXPECT_EQ(t, task_wait(s, script_task), 42);
	EXPECT_EQ(t, fake.sleeps, 2);
	EXPECT_EQ(t, fake.lost, 0);
	EXPECT_EQ(t, bm_weight(fake.woken_waiters.bits, NR_CPUS), 1);
	task_get_stats(s, &st);
	EXPECT_EQ(t, st.slept, 2);
	EXPECT_EQ(t, st.woken_queue, 1);
	EXPECT_EQ(t, st.woken_exit, 1);
	expect_baseline(t, s);
}

KTEST(task, waiter_looks_again_after_announcing_its_sleep)
{
	struct task_sched *s = setup(t, 4096);
	struct probe p = { .s = s };
	struct task_stats st;
	struct task *tk = placed_on_cpu1(t, s, &p);

	ASSERT_NOT_NULL(t, tk);
	/*
	 * The task for CPU 0 comes in the last relax() before the sleep: after
	 * the waiter's last look, before its sleepers bit. The dispatch finds
	 * no sleeper to wake, so the waiter must see it after setting its bit.
	 */
	fake.event_at_relax = RELAXES_BEFORE_SLEEP;
	fake.on_relax = cpu2_spawns_for_cpu0;
	fake.on_sleep[0] = cpu1_runs_its_task;
	EXPECT_EQ(t, task_wait(s, tk), 42);
	ASSERT_NOT_NULL(t, script_task);
	EXPECT_EQ(t, script_probe.runs, 1);
	EXPECT_EQ(t, script_probe.cpu, 0);
	EXPECT_EQ(t, task_wait(s, script_task), 42);
	EXPECT_EQ(t, fake.lost, 0);
	/* The one sleep came after the spin that followed running the task. */
	EXPECT_EQ(t, fake.sleeps, 1);
	EXPECT_EQ(t, fake.relaxes_at_sleep, 2 * RELAXES_BEFORE_SLEEP);
	task_get_stats(s, &st);
	EXPECT_EQ(t, st.slept, 1);
	EXPECT_EQ(t, st.woken_queue, 0);
	EXPECT_EQ(t, st.woken_exit, 1);
	expect_baseline(t, s);
}

KTEST(task, exit_closes_the_waiter_word)
{
	struct task_sched *s = setup(t, 4096);
	struct probe p = { .s = s };
	struct task *tk = placed_on_cpu1(t, s, &p);

	ASSERT_NOT_NULL(t, tk);
	EXPECT_EQ(t, tk->waiter, 0);
	cpu1_runs_its_task();
	EXPECT_EQ(t, tk->state, TASK_DEAD);
	EXPECT_EQ(t, tk->waiter, -1);
	EXPECT_EQ(t, task_wait(s, tk), 42);
	EXPECT_EQ(t, fake.sleeps, 0);
	expect_baseline(t, s);
}

/*
 * CPU 1 is exiting the task: between its exchange on t->waiter and DEAD.
 * The waiter finds the word closed and must not sleep (nobody would wake
 * it); it spins until the exit ends, two spins later here.
 */
KTEST(task, waiter_does_not_sleep_on_a_task_that_is_exiting)
{
	struct task_sched *s = setup(t, 4096);
	struct probe p = { .s = s };
	struct task *tk = placed_on_cpu1(t, s, &p);

	ASSERT_NOT_NULL(t, tk);
	tk->waiter = -1;
	fake.event_at_relax = 2 * RELAXES_BEFORE_SLEEP;
	fake.on_relax = cpu1_runs_its_task;
	EXPECT_EQ(t, task_wait(s, tk), 42);
	EXPECT_EQ(t, fake.sleeps, 0);
	EXPECT_EQ(t, fake.lost, 0);
	EXPECT_EQ(t, fake.relaxes, 2 * RELAXES_BEFORE_SLEEP);
	EXPECT_EQ(t, bm_weight(fake.woken_waiters.bits, NR_CPUS), 0);
	expect_baseline(t, s);
}
