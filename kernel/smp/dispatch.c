// SPDX-License-Identifier: MIT
/* The CPU masks at work: APs park in the idle mask, dispatchers claim them, mailboxes carry the work. */
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/smp.h>
#include <kernel/smp.h>

struct cpumask cpu_online_mask, cpu_idle_mask;

static struct smp_dispatch_stats stats;
static const struct smp_idle_hook *idle_hook;
static unsigned int rotor;	/* where the next search starts: spreads work over the CPUs */

/* Hand fn(arg) to CPU c, which the caller has claimed from the idle mask. */
static void post(struct cpu *c, void (*fn)(void *), void *arg)
{
	c->mbox.fn = fn;
	c->mbox.arg = arg;
	__atomic_store_n(&c->mbox.pending, 1, __ATOMIC_RELEASE);
	apic_send_ipi(c->apic_id, smp_ipi_vector());
}

void smp_post(unsigned int cpu, void (*fn)(void *), void *arg)
{
	post(&cpus[cpu], fn, arg);
}

/*
 * The mailbox IPI without a post: its handler does nothing, so the only
 * effect is to end a hlt. A CPU in wait_for_work goes back to sleep (its
 * mailbox is empty: pending is what it tests, not the IPI); one sleeping
 * elsewhere tests its own condition. So a late or stray wake runs nothing.
 */
void smp_send_wake(unsigned int cpu)
{
	apic_send_ipi(cpus[cpu].apic_id, smp_ipi_vector());
}

unsigned int smp_dispatch(const struct cpumask *affinity, void (*fn)(void *), void *arg)
{
	unsigned int n = smp_cpus_online(), lost = 0, from, cpu;

	from = __atomic_fetch_add(&rotor, 1, __ATOMIC_RELAXED) % n;
	cpu = cpumask_claim_idle_atomic(&cpu_idle_mask, affinity ? affinity : &cpu_online_mask,
					n, from, &lost);
	if (lost)
		__atomic_fetch_add(&stats.lost_races, lost, __ATOMIC_RELAXED);
	if (cpu >= n) {
		__atomic_fetch_add(&stats.local, 1, __ATOMIC_RELAXED);
		fn(arg);
		return smp_cpu_id();
	}
	__atomic_fetch_add(&stats.posted, 1, __ATOMIC_RELAXED);
	post(&cpus[cpu], fn, arg);
	return cpu;
}

void smp_wait_idle(void)
{
	unsigned int self = smp_cpu_id();

	for (unsigned int cpu = 0; cpu < smp_cpus_online(); cpu++)
		while (cpu != self && !cpumask_test_atomic(&cpu_idle_mask, cpu))
			cpu_relax();
}

void smp_call_all(void (*fn)(void *), void *arg)
{
	unsigned int self = smp_cpu_id();

	for (unsigned int cpu = 0; cpu < smp_cpus_online(); cpu++) {
		if (cpu == self)
			continue;
		/* Busy CPUs come back to the mask when they finish: wait for each. */
		while (!cpumask_test_and_clear_atomic(&cpu_idle_mask, cpu))
			cpu_relax();
		post(&cpus[cpu], fn, arg);
	}
	fn(arg);
	smp_wait_idle();
}

void smp_dispatch_stats(struct smp_dispatch_stats *s)
{
	s->posted = __atomic_load_n(&stats.posted, __ATOMIC_RELAXED);
	s->local = __atomic_load_n(&stats.local, __ATOMIC_RELAXED);
	s->lost_races = __atomic_load_n(&stats.lost_races, __ATOMIC_RELAXED);
	s->idle_runs = __atomic_load_n(&stats.idle_runs, __ATOMIC_RELAXED);
}

/* Halt until the mailbox has work; interrupts are off between the check and the hlt. */
static void wait_for_work(struct cpu *c)
{
	for (;;) {
		cpu_cli();
		if (__atomic_load_n(&c->mbox.pending, __ATOMIC_ACQUIRE))
			break;
		cpu_sti_hlt();
	}
	cpu_sti();
}

void smp_set_idle_hook(const struct smp_idle_hook *hook)
{
	__atomic_store_n(&idle_hook, hook, __ATOMIC_RELEASE);
}

/*
 * Our idle bit is set: is there hook work we must not sleep on? Dekker's
 * handshake: we store our bit, then load the queue; a queuer stores to its
 * queue, then loads the idle mask (relaxed loads, in the claim). Each side
 * needs a full fence between its store and its load, for x86 lets a load
 * pass an earlier store to another line: ours is below, the queuer's in
 * task.c's dispatch(). Then either it sees our bit and wakes us, or we see
 * its work. If we both see, one test-and-clear wins our bit: the queuer
 * (and we wait for its post) or we (and we run the work now).
 */
static bool idle_work(struct cpu *c)
{
	const struct smp_idle_hook *h = __atomic_load_n(&idle_hook, __ATOMIC_ACQUIRE);

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!h || !h->pending(h->arg, c->id))
		return false;
	if (!cpumask_test_and_clear_atomic(&cpu_idle_mask, c->id))
		return false;
	__atomic_fetch_add(&stats.idle_runs, 1, __ATOMIC_RELAXED);
	h->run(h->arg, c->id);
	return true;
}

void smp_idle_loop(void)
{
	struct cpu *c = this_cpu();

	for (;;) {
		/* Release: the work's effects are visible to whoever claims us next. */
		cpumask_set_atomic(&cpu_idle_mask, c->id);
		if (idle_work(c))
			continue;
		wait_for_work(c);
		c->mbox.fn(c->mbox.arg);
		__atomic_store_n(&c->mbox.pending, 0, __ATOMIC_RELEASE);
	}
}

/* ------------------------------------------------------------ printed */

void smp_print_cpus(void (*print)(const char *fmt, ...))
{
	unsigned int n = smp_cpus_online();
	char online[128], idle[128];

	cpumask_print(online, sizeof(online), &cpu_online_mask, SMP_MAX_CPUS);
	cpumask_print(idle, sizeof(idle), &cpu_idle_mask, SMP_MAX_CPUS);
	print("online: %s (%u CPUs), idle: %s\n", online[0] ? online : "0", n,
	      idle[0] ? idle : "none");
	print("  CPU  APIC  TSS\n");
	for (unsigned int i = 0; i < n; i++)
		print("  %3u  %4u  0x%x%s\n", cpus[i].id, cpus[i].apic_id, cpus[i].tss_sel,
		      i == smp_cpu_id() ? "  (this one)" : "");
}
