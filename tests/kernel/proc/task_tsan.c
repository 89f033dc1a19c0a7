// SPDX-License-Identifier: MIT
/* Threads play CPUs: 100,000 tasks spawned from every CPU with mixed affinities, under TSan; prints KTAP. */
#include <kernel/task.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/*
 * CPU 0 is the main thread; CPUs 1..NCPUS-1 behave like the kernel's APs
 * (kernel/smp/dispatch.c): set the idle bit, sleep until a claimer posts
 * to the mailbox, run task_drain, and go round again. A spawner
 * task per CPU (affinity: that CPU alone) spawns its share of short tasks
 * in batches, each with a random affinity, and waits for the batch. Each
 * short task claims its PID in `owner` (finding it taken means a PID is
 * held twice) and checks it runs inside its affinity. Afterwards every
 * PID, struct and stack must be back.
 */

#define NCPUS		4
#define TOTAL		100000
#define BATCH		32
#define CANARY		0x57ac4ca7a11c0deull

struct cpu_sim {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool posted;		/* the mailbox: a claimer asked for a drain */
	atomic_long ran;
};

static struct cpu_sim cpus[NCPUS];
static _Thread_local unsigned int this_cpu_id;
static struct task_sched sched;
static struct pid_map pids;
static uint64_t *pid_storage;
static struct cpumask idle;
static atomic_int owner[PID_MAX_DEFAULT];
static atomic_long structs_out, stacks_out;
static atomic_long held_twice, outside_affinity, bad_cpu_seen, spawn_errors, wrong_code;

static struct task *sim_task_alloc(void *ctx)
{
	(void)ctx;
	atomic_fetch_add(&structs_out, 1);
	return calloc(1, sizeof(struct task));
}

static void sim_task_free(void *ctx, struct task *t)
{
	(void)ctx;
	atomic_fetch_sub(&structs_out, 1);
	free(t);
}

static int sim_stack_alloc(void *ctx, struct task *t)
{
	uint64_t *stack = malloc(256);

	(void)ctx;
	if (!stack)
		return -ENOMEM;
	stack[0] = CANARY;
	t->stack = stack;
	t->stack_top = (uintptr_t)(stack + 32);
	atomic_fetch_add(&stacks_out, 1);
	return 0;
}

static int sim_stack_free(void *ctx, struct task *t)
{
	uint64_t *stack = t->stack;
	int err = stack[0] == CANARY ? 0 : -1;

	(void)ctx;
	free(stack);
	atomic_fetch_sub(&stacks_out, 1);
	return err;
}

static void sim_run_on_stack(void *ctx, struct task *t, void (*body)(struct task *))
{
	(void)ctx;
	atomic_fetch_add(&cpus[this_cpu_id].ran, 1);
	body(t);
}

/*
 * A short spin, as the kernel's pause, not a yield: a yield costs a whole
 * time slice of every other runnable thread on a loaded host, and the
 * sleep rounds make some 300,000 relax calls in a row (beside six CPU hogs
 * this program did 176 of its 1,000 rounds in 175 s; with the spin it ends
 * in 2-5 s there). Spinning cannot starve the thread waited for for long: a waiter
 * sleeps after some 320 calls (task_wait), and the host preempts it.
 */
#define RELAX_SPIN	16

static void sim_relax(void *ctx)
{
	(void)ctx;
	for (int i = 0; i < RELAX_SPIN; i++)
		__builtin_ia32_pause();
}

static unsigned int sim_this_cpu(void *ctx)
{
	(void)ctx;
	return this_cpu_id;
}

/*
 * A waiter sleeps on its CPU's condvar while its sleepers bit is set. The
 * waker clears the bit before it signals (under the lock), so a wake-up
 * between our test and the wait cannot be missed: both hold the lock.
 */
static void sim_sleep(void *ctx, const struct cpumask *asleep, unsigned int cpu)
{
	(void)ctx;
	pthread_mutex_lock(&cpus[cpu].lock);
	while (cpumask_test_atomic(asleep, cpu))
		pthread_cond_wait(&cpus[cpu].cond, &cpus[cpu].lock);
	pthread_mutex_unlock(&cpus[cpu].lock);
}

/* The same condvar as the mailbox (a CPU waits for one or the other): wake every waiter on it. */
static void sim_wake_waiter(void *ctx, unsigned int cpu)
{
	(void)ctx;
	pthread_mutex_lock(&cpus[cpu].lock);
	pthread_cond_broadcast(&cpus[cpu].cond);
	pthread_mutex_unlock(&cpus[cpu].lock);
}

/* Post to a CPU the caller claimed from the idle mask: it owns the mailbox until the CPU idles. */
static void sim_wake(void *ctx, unsigned int cpu)
{
	(void)ctx;
	pthread_mutex_lock(&cpus[cpu].lock);
	cpus[cpu].posted = true;
	pthread_cond_signal(&cpus[cpu].cond);
	pthread_mutex_unlock(&cpus[cpu].lock);
}

static const struct task_ops sim_ops = {
	.task_alloc = sim_task_alloc,
	.task_free = sim_task_free,
	.stack_alloc = sim_stack_alloc,
	.stack_free = sim_stack_free,
	.run_on_stack = sim_run_on_stack,
	.relax = sim_relax,
	.sleep = sim_sleep,
	.wake_waiter = sim_wake_waiter,
	.this_cpu = sim_this_cpu,
	.wake = sim_wake,
};

/* One short task's instructions and what it saw. */
struct job {
	struct cpumask affinity;
	unsigned int cpu;
};

static int short_task(void *arg)
{
	struct job *j = arg;
	struct task *self = task_current(&sched);
	unsigned int cpu = this_cpu_id;
	int pid = self->pid;

	if (atomic_exchange(&owner[pid], 1) != 0)
		atomic_fetch_add(&held_twice, 1);
	if (!bm_test(j->affinity.bits, cpu))
		atomic_fetch_add(&outside_affinity, 1);
	j->cpu = cpu;
	atomic_store(&owner[pid], 0);
	return pid;
}

static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A random non-empty set of CPUs: often one CPU, sometimes all. */
static void random_affinity(struct cpumask *m, uint64_t *rng)
{
	uint64_t r = next_rand(rng);

	bm_zero(m->bits, NR_CPUS);
	if (r % 4 == 0)
		bm_set(m->bits, (r >> 8) % NCPUS);
	else if (r % 4 == 1)
		bm_set_range(m->bits, 0, NCPUS);
	else
		for (unsigned int c = 0; c < NCPUS; c++)
			if (((r >> 8) >> c & 1) || c == (r >> 16) % NCPUS)
				bm_set(m->bits, c);
}

static int spawner(void *arg)
{
	uintptr_t me = (uintptr_t)arg;
	uint64_t rng = 0x9e3779b97f4a7c15ull * (me + 1);
	struct job jobs[BATCH];
	struct task *tasks[BATCH];

	if (this_cpu_id != me)
		atomic_fetch_add(&bad_cpu_seen, 1);
	for (int done = 0; done < TOTAL / NCPUS; done += BATCH) {
		int n = 0;

		for (; n < BATCH && done + n < TOTAL / NCPUS; n++) {
			random_affinity(&jobs[n].affinity, &rng);
			if (task_spawn(&sched, short_task, &jobs[n], &jobs[n].affinity, &tasks[n])) {
				atomic_fetch_add(&spawn_errors, 1);
				break;
			}
		}
		for (int i = 0; i < n; i++) {
			int pid = tasks[i]->pid;

			if (task_wait(&sched, tasks[i]) != pid)
				atomic_fetch_add(&wrong_code, 1);
			if (!bm_test(jobs[i].affinity.bits, jobs[i].cpu))
				atomic_fetch_add(&outside_affinity, 1);
		}
	}
	return 0;
}

/*
 * Sleeping waiters, on purpose: a task on CPU 1 waits for one on CPU 2,
 * which spins a random while (about as long as a waiter spins before it
 * sleeps, so the exit often races the waiter's registration) and, every
 * other round, first spawns a task only CPU 1 may run and waits for it
 * (CPU 1 may be asleep by then: the queueing must wake it). A lost
 * wake-up hangs the program.
 */
#define SLEEP_ROUNDS	1000
#define SLEEP_RELAXES	700

struct sleep_round {
	unsigned int relaxes;
	bool spawn_for_cpu1;
	atomic_int inner_cpu;
};

static int inner_task(void *arg)
{
	atomic_store(&((struct sleep_round *)arg)->inner_cpu, (int)this_cpu_id);
	return 4;
}

static int on_cpu2(void *arg)
{
	struct sleep_round *r = arg;
	struct cpumask one;
	struct task *inner;

	for (unsigned int i = 0; i < r->relaxes; i++)
		sim_relax(NULL);
	if (!r->spawn_for_cpu1)
		return 9;
	bm_zero(one.bits, NR_CPUS);
	bm_set(one.bits, 1);
	if (task_spawn(&sched, inner_task, r, &one, &inner))
		return -1;
	return task_wait(&sched, inner) + 5;
}

static int on_cpu1(void *arg)
{
	struct cpumask two;
	struct task *waited;

	bm_zero(two.bits, NR_CPUS);
	bm_set(two.bits, 2);
	if (task_spawn(&sched, on_cpu2, arg, &two, &waited))
		return -1;
	return task_wait(&sched, waited);
}

/* Returns the number of rounds that went wrong. */
static int sleep_rounds(struct task_stats *st)
{
	uint64_t rng = 0x2545f4914f6cdd1dull;
	struct cpumask one;
	int bad = 0;

	bm_zero(one.bits, NR_CPUS);
	bm_set(one.bits, 1);
	for (int i = 0; i < SLEEP_ROUNDS; i++) {
		struct sleep_round r = { .relaxes = (unsigned int)(next_rand(&rng) % SLEEP_RELAXES),
					 .spawn_for_cpu1 = i % 2, .inner_cpu = -1 };
		struct task *w;

		if (task_spawn(&sched, on_cpu1, &r, &one, &w)) {
			bad++;
			continue;
		}
		bad += task_wait(&sched, w) != 9;
		bad += r.spawn_for_cpu1 && atomic_load(&r.inner_cpu) != 1;
	}
	task_get_stats(&sched, st);
	return bad;
}

static atomic_bool stopping;

/*
 * The kernel's idle hook (smp_idle_loop, idle_work): our idle bit is set;
 * is a task queued for us that we must not sleep on? Dekker's handshake
 * with dispatch(), which queues, fences, then claims an idle CPU: either
 * it sees our bit, or we see its task. A seq_cst read-modify-write stands
 * in for the fence, which TSan cannot model (as task.c's full_fence).
 * Without this, a task queued for this CPU while it was on its way to idle
 * waited for its waiter's kick(), and a waiter that had gone to sleep
 * never kicked: the program hung.
 */
static bool idle_work(void)
{
	__atomic_fetch_add(&sched.next_cpu, 0, __ATOMIC_SEQ_CST);
	if (!task_pending(&sched, this_cpu_id))
		return false;
	if (!cpumask_test_and_clear_atomic(&idle, this_cpu_id))
		return false;		/* claimed: the claimer posts to us */
	task_drain(&sched, this_cpu_id);
	return true;
}

/*
 * TASK_TSAN_IDLE_DELAY_US=N: an AP waits N us after a drain before it sets
 * its idle bit, so tasks are queued for it while it is on its way to idle
 * (a CPU the host did not run). With 3000, the program without idle_work()
 * hung in 5 of 5 runs; with it, none hangs (about 5 s a run).
 */
static unsigned int idle_delay_us;

/* An AP: idle until posted to, drain, again; until main says stop. */
static void *cpu_thread(void *arg)
{
	struct cpu_sim *c = &cpus[(uintptr_t)arg];

	this_cpu_id = (unsigned int)(uintptr_t)arg;
	for (;;) {
		bool posted;

		if (idle_delay_us)	/* TASK_TSAN_IDLE_DELAY_US: see main() */
			usleep(idle_delay_us);
		cpumask_set_atomic(&idle, this_cpu_id);
		if (idle_work())
			continue;
		pthread_mutex_lock(&c->lock);
		while (!c->posted && !stopping)
			pthread_cond_wait(&c->cond, &c->lock);
		posted = c->posted;
		pthread_mutex_unlock(&c->lock);
		if (!posted)
			return NULL;
		task_drain(&sched, this_cpu_id);
		pthread_mutex_lock(&c->lock);
		c->posted = false;
		pthread_mutex_unlock(&c->lock);
	}
}

static void stop_cpus(void)
{
	atomic_store(&stopping, true);
	for (int c = 1; c < NCPUS; c++) {
		pthread_mutex_lock(&cpus[c].lock);
		pthread_cond_signal(&cpus[c].cond);
		pthread_mutex_unlock(&cpus[c].lock);
	}
}

int main(void)
{
	pthread_t threads[NCPUS];
	struct task *spawners[NCPUS];
	struct task_stats st, st2;
	int bad = 0, sleep_bad;

	if (getenv("TASK_TSAN_IDLE_DELAY_US"))
		idle_delay_us = (unsigned int)strtoul(getenv("TASK_TSAN_IDLE_DELAY_US"), NULL, 10);
	printf("KTAP version 1\n1..2\n");
	pid_storage = calloc(pid_map_storage_words(PID_MAX_DEFAULT), sizeof(uint64_t));
	pid_map_init(&pids, pid_storage, PID_MAX_DEFAULT);
	for (int c = 0; c < NCPUS; c++) {
		pthread_mutex_init(&cpus[c].lock, NULL);
		pthread_cond_init(&cpus[c].cond, NULL);
	}
	task_sched_init(&sched, &pids, &idle, NCPUS, &sim_ops, NULL);
	for (uintptr_t c = 1; c < NCPUS; c++)
		pthread_create(&threads[c], NULL, cpu_thread, (void *)c);

	for (uintptr_t c = 0; c < NCPUS; c++) {
		struct cpumask only;

		bm_zero(only.bits, NR_CPUS);
		bm_set(only.bits, c);
		if (task_spawn(&sched, spawner, (void *)c, &only, &spawners[c]))
			atomic_fetch_add(&spawn_errors, 1);
	}
	for (int c = 0; c < NCPUS; c++)
		task_wait(&sched, spawners[c]);
	task_get_stats(&sched, &st);
	sleep_bad = sleep_rounds(&st2);
	stop_cpus();
	for (int c = 1; c < NCPUS; c++)
		pthread_join(threads[c], NULL);

	printf("# %llu tasks, %llu placed on an idle CPU, %llu kicked by a waiter; waiters slept "
	       "%llu times, woken %llu by an exit, %llu for a queued task; ran per CPU:",
	       (unsigned long long)st.spawned, (unsigned long long)st.placed,
	       (unsigned long long)st.kicked, (unsigned long long)st.slept,
	       (unsigned long long)st.woken_exit, (unsigned long long)st.woken_queue);
	for (int c = 0; c < NCPUS; c++)
		printf(" %ld", (long)cpus[c].ran);
	printf("\n");
	bad |= held_twice || outside_affinity || bad_cpu_seen || spawn_errors || wrong_code;
	bad |= st.spawned != TOTAL + NCPUS || st.reaped != st.spawned || st.live != 0;
	bad |= st.stack_errors != 0 || structs_out != 0 || stacks_out != 0;
	bad |= pid_map_count(&pids) != 0 || !pid_map_check(&pids);
	for (int c = 0; c < NCPUS; c++)
		bad |= cpus[c].ran == 0;
	if (bad)
		printf("# held twice %ld, outside affinity %ld, spawner moved %ld, spawn errors %ld, "
		       "wrong exit codes %ld, live %llu, stack errors %llu, structs out %ld, "
		       "stacks out %ld, PIDs held %d\n", (long)held_twice, (long)outside_affinity,
		       (long)bad_cpu_seen, (long)spawn_errors, (long)wrong_code,
		       (unsigned long long)st.live, (unsigned long long)st.stack_errors,
		       (long)structs_out, (long)stacks_out, pid_map_count(&pids));
	printf("%sok 1 spawn_100000_from_every_cpu\n", bad ? "not " : "");
	st2.slept -= st.slept;
	st2.woken_exit -= st.woken_exit;
	st2.woken_queue -= st.woken_queue;
	printf("# %d rounds: waiters slept %llu times, woken %llu by an exit, %llu for a queued "
	       "task; %d rounds wrong\n", SLEEP_ROUNDS, (unsigned long long)st2.slept,
	       (unsigned long long)st2.woken_exit, (unsigned long long)st2.woken_queue, sleep_bad);
	sleep_bad |= st2.slept == 0 || st2.woken_exit == 0 || st2.woken_queue == 0;
	sleep_bad |= st2.live != 0 || pid_map_count(&pids) != 0;
	printf("%sok 2 waiters_sleep_and_are_woken\n", sleep_bad ? "not " : "");
	bad |= sleep_bad;
	free(pid_storage);
	return bad;
}
