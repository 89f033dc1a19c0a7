// SPDX-License-Identifier: MIT
/* Task core: spawn onto an idle CPU of the affinity or into the shared queue, run to completion, reap. */
#include <kernel/task.h>

#define TASK_WAIT_MAX_PAUSE	64	/* relax() calls between a waiter's looks */
#define TASK_WAIT_SLEEP_LAPS	4	/* looks at the longest pause before a waiter sleeps */
#define WAITER_CLOSED		(-1)	/* task->waiter: the task is exiting, do not sleep on it */

void task_sched_init(struct task_sched *s, struct pid_map *pids, struct cpumask *idle,
		     unsigned int ncpus, const struct task_ops *ops, void *ctx)
{
	spin_init(&s->lock);
	s->queue_head = s->queue_tail = NULL;
	s->list = NULL;
	s->idle = idle;
	s->pids = pids;
	s->ops = ops;
	s->ctx = ctx;
	s->ncpus = ncpus == 0 ? 1 : ncpus > NR_CPUS ? NR_CPUS : ncpus;
	s->next_cpu = 0;
	s->stats = (struct task_stats){ 0 };
	bm_zero(s->sleepers.bits, NR_CPUS);
	for (unsigned int c = 0; c < NR_CPUS; c++) {
		spin_init(&s->cpu[c].lock);
		s->cpu[c].head = s->cpu[c].tail = NULL;
		s->cpu[c].current = NULL;
	}
}

static int state_of(const struct task *t)
{
	return __atomic_load_n(&t->state, __ATOMIC_ACQUIRE);
}

/* Publish a state change: everything written to t before it is visible with it. */
static void set_state(struct task *t, int state)
{
	__atomic_store_n(&t->state, state, __ATOMIC_RELEASE);
}

/* t->cpu is read by task_dump on any CPU while it changes. */
static void set_cpu(struct task *t, int cpu)
{
	__atomic_store_n(&t->cpu, cpu, __ATOMIC_RELAXED);
}

/* Queue heads are written under their lock but peeked at without it (fifo_empty). */
static void set_head(struct task **head, struct task *t)
{
	__atomic_store_n(head, t, __ATOMIC_RELAXED);
}

/*
 * Is the queue empty? A hint, read without the lock: waiters spin on it,
 * and taking a lock every lap would have every CPU queue for the lock.
 */
static bool fifo_empty(struct task *const *head)
{
	return __atomic_load_n(head, __ATOMIC_RELAXED) == NULL;
}

static void fifo_push(struct task **head, struct task **tail, struct task *t)
{
	t->next = NULL;
	if (*tail)
		(*tail)->next = t;
	else
		set_head(head, t);
	*tail = t;
}

/* Unlink the first task of the fifo that cpu may run (NULL: any), or return NULL. */
static struct task *fifo_take(struct task **head, struct task **tail, int cpu)
{
	struct task *prev = NULL, *t;

	for (t = *head; t; prev = t, t = t->next)
		if (cpu < 0 || bm_test(t->affinity.bits, (size_t)cpu))
			break;
	if (!t)
		return NULL;
	if (prev)
		prev->next = t->next;
	else
		set_head(head, t->next);
	if (*tail == t)
		*tail = prev;
	t->next = NULL;
	return t;
}

/* ------------------------------------------------------------ placement */

#if defined(__SANITIZE_THREAD__)
#define TASK_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TASK_TSAN 1
#endif
#endif

/*
 * A full fence: no later load passes an earlier store. ThreadSanitizer
 * cannot model fences (gcc refuses them under it), so there a seq_cst
 * read-modify-write stands in, which TSan does model.
 */
static inline void full_fence(struct task_sched *s)
{
#ifdef TASK_TSAN
	__atomic_fetch_add(&s->next_cpu, 0, __ATOMIC_SEQ_CST);
#else
	(void)s;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

/* Hand t to cpu, whose idle bit we won, and wake it. */
static void place(struct task_sched *s, struct task *t, unsigned int cpu)
{
	struct task_cpu *c = &s->cpu[cpu];

	set_cpu(t, (int)cpu);
	set_state(t, TASK_PLACED);
	spin_lock(&c->lock);
	fifo_push(&c->head, &c->tail, t);
	spin_unlock(&c->lock);
	s->ops->wake(s->ctx, cpu);
}

/* An idle CPU of the affinity, its bit now ours; ncpus if none. Claims start round-robin. */
static unsigned int claim_cpu(struct task_sched *s, const struct cpumask *affinity)
{
	unsigned int from = __atomic_fetch_add(&s->next_cpu, 1, __ATOMIC_RELAXED) % s->ncpus;

	return cpumask_claim_idle_atomic(s->idle, affinity, s->ncpus, from, NULL);
}

/*
 * An idle CPU of the affinity gets the task; else it waits in the shared
 * queue, and we look once more for a CPU that went idle meanwhile. A CPU
 * that drained the queue and is on its way to idle can still miss it: the
 * task's waiter, finding it still queued, claims a CPU for it (kick()).
 * Out of line: smp_test finds its full fence in the kernel's code.
 */
static __attribute__((noinline)) void dispatch(struct task_sched *s, struct task *t)
{
	struct cpumask affinity = t->affinity;	/* once queued, t may run and be reaped */
	unsigned int cpu = claim_cpu(s, &affinity);

	if (cpu < s->ncpus) {
		place(s, t, cpu);
		spin_lock(&s->lock);
		s->stats.placed++;
		spin_unlock(&s->lock);
		return;
	}
	set_cpu(t, -1);
	set_state(t, TASK_QUEUED);
	spin_lock(&s->lock);
	fifo_push(&s->queue_head, &s->queue_tail, t);
	spin_unlock(&s->lock);
	/*
	 * Dekker's handshake with a CPU going idle, which sets its idle bit,
	 * fences, then looks at the queue (smp_idle_loop). We stored to the
	 * queue and now load the idle mask: a store then a load of another
	 * line is the one reordering x86 allows (the store buffer), and the
	 * unlock is only a release. Without a full fence here both sides can
	 * miss each other: the task sits queued while the CPU sleeps. (The
	 * lock xadd on next_cpu in claim_cpu is one on x86, but by accident.)
	 */
	full_fence(s);
	cpu = claim_cpu(s, &affinity);
	if (cpu < s->ncpus) {
		s->ops->wake(s->ctx, cpu);
		return;
	}
	/*
	 * The same handshake with a waiter going to sleep (sleep_on), which
	 * sets its bit in the sleepers mask, fences, then looks at the queue:
	 * if it missed the task, we see its bit, and clearing it is the claim.
	 * A CPU of the affinity that is neither idle nor asleep is busy, and
	 * looks at the queue before it sleeps or idles.
	 */
	cpu = cpumask_claim_idle_atomic(&s->sleepers, &affinity, s->ncpus,
					(s->ops->this_cpu(s->ctx) + 1) % s->ncpus, NULL);
	if (cpu < s->ncpus) {
		spin_lock(&s->lock);
		s->stats.woken_queue++;
		spin_unlock(&s->lock);
		s->ops->wake_waiter(s->ctx, cpu);
	}
}

/* ------------------------------------------------------------ spawn, run, exit, wait */

static bool affinity_ok(const struct task_sched *s, const struct cpumask *affinity)
{
	return bm_find_first(affinity->bits, s->ncpus) < s->ncpus;
}

/* A task with its PID and stack, not yet dispatched; or NULL with *err set. */
static struct task *task_create(struct task_sched *s, task_fn fn, void *arg,
				const struct cpumask *affinity, int *err)
{
	struct task *t = s->ops->task_alloc(s->ctx);

	*err = -ENOMEM;
	if (!t)
		return NULL;
	t->pid = pid_map_alloc(s->pids);
	if (t->pid < 0) {
		*err = t->pid;
		s->ops->task_free(s->ctx, t);
		return NULL;
	}
	if (s->ops->stack_alloc(s->ctx, t) != 0) {
		pid_map_free(s->pids, t->pid);
		s->ops->task_free(s->ctx, t);
		return NULL;
	}
	t->entry = fn;
	t->arg = arg;
	if (affinity)
		bm_copy(t->affinity.bits, affinity->bits, NR_CPUS);
	else
		bm_fill(t->affinity.bits, NR_CPUS);
	t->cpu = -1;
	t->waiter = 0;
	return t;
}

static void list_add(struct task_sched *s, struct task *t)
{
	spin_lock(&s->lock);
	t->list_prev = NULL;
	t->list_next = s->list;
	if (s->list)
		s->list->list_prev = t;
	s->list = t;
	s->stats.live++;
	s->stats.spawned++;
	spin_unlock(&s->lock);
}

int task_spawn(struct task_sched *s, task_fn fn, void *arg, const struct cpumask *affinity,
	       struct task **out)
{
	struct task *t;
	int err;

	if (affinity && !affinity_ok(s, affinity))
		return -EINVAL;
	t = task_create(s, fn, arg, affinity, &err);
	if (!t)
		return err;
	list_add(s, t);
	*out = t;
	dispatch(s, t);
	return 0;
}

/* Runs on the task's own stack. */
static void task_body(struct task *t)
{
	t->exit_code = t->entry(t->arg);
}

/*
 * t's waiter, CPU cpu, registered to sleep on t: t is dead now (and maybe
 * freed), wake cpu if it sleeps. Dekker's handshake with sleep_on: it sets
 * its sleepers bit, fences, loads t's state; we stored DEAD, fence, and
 * test-and-clear the bit. Either it sees DEAD and does not sleep, or we
 * see its bit, and whoever clears the bit wakes it. Out of line: smp_test
 * finds the fence.
 */
static __attribute__((noinline)) void wake_exit_waiter(struct task_sched *s, unsigned int cpu)
{
	full_fence(s);
	if (!cpumask_test_and_clear_atomic(&s->sleepers, cpu))
		return;
	/* Counted before the wake: whoever the woken waiter tells reads stats that include it. */
	spin_lock(&s->lock);
	s->stats.woken_exit++;
	spin_unlock(&s->lock);
	s->ops->wake_waiter(s->ctx, cpu);
}

/* The task returned: give back its stack and PID; the struct waits for task_wait. */
static void task_exit(struct task_sched *s, struct task *t)
{
	bool overrun = s->ops->stack_free(s->ctx, t) != 0;
	int waiter;

	pid_map_free(s->pids, t->pid);
	if (overrun) {
		spin_lock(&s->lock);
		s->stats.stack_errors++;
		spin_unlock(&s->lock);
	}
	/*
	 * Close t->waiter and learn who sleeps on t, in one exchange: a waiter
	 * registers with a compare-and-swap from 0, so it either got in first
	 * (and we wake it below) or finds the word closed and does not sleep,
	 * for t is about to be DEAD. We cannot read it after DEAD: t may be
	 * freed by then.
	 */
	waiter = __atomic_exchange_n(&t->waiter, WAITER_CLOSED, __ATOMIC_ACQ_REL);
	/* The last touch: a waiter may free t as soon as it sees this. */
	set_state(t, TASK_DEAD);
	if (waiter > 0)
		wake_exit_waiter(s, (unsigned int)waiter - 1);
}

/* Run t on this CPU (cpu) to completion, inside whatever task was running here. */
static void run(struct task_sched *s, struct task *t, unsigned int cpu)
{
	struct task_cpu *c = &s->cpu[cpu];

	t->outer = c->current;
	set_cpu(t, (int)cpu);
	set_state(t, TASK_RUNNING);
	c->current = t;
	s->ops->run_on_stack(s->ctx, t, task_body);
	c->current = t->outer;
	task_exit(s, t);
}

void task_exit_unwound(struct task_sched *s, struct task *t, int code)
{
	s->cpu[t->cpu].current = t->outer;
	t->exit_code = code;
	task_exit(s, t);
}

/* The next task for cpu: its own queue first, then the shared one. */
static struct task *next_task(struct task_sched *s, unsigned int cpu)
{
	struct task_cpu *c = &s->cpu[cpu];
	struct task *t = NULL;

	if (!fifo_empty(&c->head)) {
		spin_lock(&c->lock);
		t = fifo_take(&c->head, &c->tail, -1);
		spin_unlock(&c->lock);
	}
	if (t || fifo_empty(&s->queue_head))
		return t;
	spin_lock(&s->lock);
	t = fifo_take(&s->queue_head, &s->queue_tail, (int)cpu);
	spin_unlock(&s->lock);
	return t;
}

bool task_run_one(struct task_sched *s, unsigned int cpu)
{
	struct task *t = next_task(s, cpu);

	if (t)
		run(s, t, cpu);
	return t != NULL;
}

static void list_del(struct task_sched *s, struct task *t)
{
	spin_lock(&s->lock);
	if (t->list_prev)
		t->list_prev->list_next = t->list_next;
	else
		s->list = t->list_next;
	if (t->list_next)
		t->list_next->list_prev = t->list_prev;
	s->stats.live--;
	s->stats.reaped++;
	spin_unlock(&s->lock);
}

/*
 * t is still queued: wake an idle CPU of its affinity, if there is one
 * now. Waiters come here every lap, so the search starts at CPU 0 rather
 * than at the shared rotor, which would bounce between all of them.
 */
static void kick(struct task_sched *s, struct task *t)
{
	unsigned int cpu = cpumask_claim_idle_atomic(s->idle, &t->affinity, s->ncpus, 0, NULL);

	if (cpu >= s->ncpus)
		return;
	s->ops->wake(s->ctx, cpu);
	spin_lock(&s->lock);
	s->stats.kicked++;
	spin_unlock(&s->lock);
}

/*
 * Nothing to run for a while and t not dead: sleep until t's exit or a
 * task queued for this CPU wakes us, if nothing has happened meanwhile.
 *
 * Who wakes us: we register as t's waiter (a compare-and-swap on
 * t->waiter, which task_exit closes with an exchange before it publishes
 * DEAD, so it learns of us or we of it), then set our bit in the sleepers
 * mask and fence. Then we look at t's state and at the queues: Dekker's
 * handshake with task_exit (stores DEAD, fences, tests our bit) and with
 * dispatch (queues, fences, claims a sleeper of the affinity). Either we
 * see their store and take our bit back, or they see our bit and clear it
 * and wake us. The bit is the token: we sleep while it is set, so a wake
 * that comes before we sleep (ops->sleep tests the bit with interrupts
 * off) or a spurious one (any interrupt ends hlt) is never lost or taken
 * for a real one. Out of line: smp_test finds the fence.
 */
static __attribute__((noinline)) void sleep_on(struct task_sched *s, struct task *t,
					       unsigned int cpu)
{
	int none = 0;

	if (!__atomic_compare_exchange_n(&t->waiter, &none, (int)cpu + 1, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) &&
	    none != (int)cpu + 1)
		return;		/* closed: t is exiting, DEAD is a few stores away */
	cpumask_set_atomic(&s->sleepers, cpu);
	full_fence(s);
	if (state_of(t) == TASK_DEAD || task_pending(s, cpu)) {
		/* Lost to a waker? Then its wake_waiter is on the way, and harmless. */
		cpumask_test_and_clear_atomic(&s->sleepers, cpu);
		return;
	}
	spin_lock(&s->lock);
	s->stats.slept++;
	spin_unlock(&s->lock);
	while (cpumask_test_atomic(&s->sleepers, cpu))
		s->ops->sleep(s->ctx, &s->sleepers, cpu);
}

int task_wait(struct task_sched *s, struct task *t)
{
	unsigned int cpu = s->ops->this_cpu(s->ctx);
	unsigned int pause = 1;	/* back off while idle: less traffic on shared lines */
	unsigned int laps = 0;	/* looks at the longest pause */
	int code;

	while (state_of(t) != TASK_DEAD) {
		if (task_run_one(s, cpu)) {
			pause = 1;
			laps = 0;
			continue;
		}
		if (state_of(t) == TASK_QUEUED)
			kick(s, t);
		for (unsigned int i = 0; i < pause; i++)
			s->ops->relax(s->ctx);
		if (pause < TASK_WAIT_MAX_PAUSE) {
			pause *= 2;
		} else if (++laps == TASK_WAIT_SLEEP_LAPS) {
			/* Spinning costs less than a sleep and an IPI if t is nearly done; not for ever. */
			sleep_on(s, t, cpu);
			pause = 1;
			laps = 0;
		}
	}
	code = t->exit_code;
	list_del(s, t);
	s->ops->task_free(s->ctx, t);
	return code;
}

/* Does any task wait in its own queue or the shared one; for the shared one, is cpu in its affinity? */
bool task_pending(struct task_sched *s, unsigned int cpu)
{
	bool found = false;

	if (!fifo_empty(&s->cpu[cpu].head))
		return true;
	if (fifo_empty(&s->queue_head))
		return false;
	spin_lock(&s->lock);
	for (struct task *t = s->queue_head; t && !found; t = t->next)
		found = bm_test(t->affinity.bits, cpu);
	spin_unlock(&s->lock);
	return found;
}

void task_drain(struct task_sched *s, unsigned int cpu)
{
	while (task_run_one(s, cpu))
		;
}

/* ------------------------------------------------------------ inspection */

bool task_cpu_asleep(struct task_sched *s, unsigned int cpu)
{
	return cpu < s->ncpus && cpumask_test_atomic(&s->sleepers, cpu);
}

struct task *task_current(struct task_sched *s)
{
	return s->cpu[s->ops->this_cpu(s->ctx)].current;
}

void task_get_stats(struct task_sched *s, struct task_stats *st)
{
	spin_lock(&s->lock);
	*st = s->stats;
	spin_unlock(&s->lock);
}

const char *task_state_name(int state)
{
	static const char *const names[] = { "queued", "placed", "running", "dead" };

	return state >= 0 && state <= TASK_DEAD ? names[state] : "?";
}

void task_dump(struct task_sched *s, void (*print)(const char *fmt, ...))
{
	spin_lock(&s->lock);
	print("%7s %4s %s\n", "PID", "CPU", "STATE");
	for (struct task *t = s->list; t; t = t->list_next)
		print("%7d %4d %s\n", t->pid, __atomic_load_n(&t->cpu, __ATOMIC_RELAXED),
		      task_state_name(state_of(t)));
	spin_unlock(&s->lock);
}
