/* SPDX-License-Identifier: MIT */
/*
 * Work dispatch to idle CPUs through the idle mask. A tight group of two
 * files: kernel/smp/dispatch.c (the masks, dispatch, the idle loop, the
 * printed state) and kernel/smp/start.c (smp_start: bring-up into that
 * idle loop, the IPI vector).
 *
 * An AP with nothing to do sets its bit in cpu_idle_mask and halts with
 * interrupts on. smp_dispatch() claims an idle CPU within the affinity
 * (atomic test-and-clear: one winner per idle CPU), posts the work to that
 * CPU's one-slot mailbox and sends it an IPI; the CPU runs the work and
 * sets its bit again. The claimer owns the mailbox from the claim until the
 * CPU is idle again, so a mailbox never holds two items.
 *
 * No lost wake-ups: the CPU sets its idle bit once per piece of work, then
 * loops "interrupts off; mailbox empty? sti; hlt". An IPI that arrives
 * after the check stays pending while interrupts are off and ends the hlt
 * at once (sti's one-instruction shadow keeps the two together), and a
 * spurious wake never sets the bit a second time.
 */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#include <stdbool.h>
#include <stdint.h>

#include <kernel/cpumask.h>
#include <kernel/irqvec.h>

/* CPUs that came up (atomic bits). */
extern struct cpumask cpu_online_mask;
/* CPUs halted and waiting for work (atomic bits). */
extern struct cpumask cpu_idle_mask;
/* The kernel's interrupt vectors (IPI, timer, devices). */
extern struct irqvec kernel_vectors;

struct smp_dispatch_stats {
	uint64_t posted;	/* went to an idle CPU */
	uint64_t local;		/* no idle CPU in the affinity: ran on the caller */
	uint64_t lost_races;	/* claims lost to another dispatcher, retried */
	uint64_t idle_runs;	/* idle hook work a CPU found on its way to halt */
};

/*
 * Run fn(arg) on an idle CPU in affinity (NULL: any online CPU), or right
 * here if none is idle. Returns the CPU that runs it; the call does not
 * wait for the work to finish.
 */
unsigned int smp_dispatch(const struct cpumask *affinity, void (*fn)(void *), void *arg);
/*
 * Post fn(arg) to cpu, whose idle bit the caller has won (a claim or a
 * test-and-clear on cpu_idle_mask), and send it the IPI. For callers that
 * choose the CPU themselves, such as the task scheduler.
 */
void smp_post(unsigned int cpu, void (*fn)(void *), void *arg);
/*
 * Send cpu the IPI and nothing else: it ends a hlt there (a waiter of the
 * task scheduler sleeping on its own condition). Posts no work: a CPU in
 * the idle loop finds its mailbox empty and halts again.
 */
void smp_send_wake(unsigned int cpu);
/* Run fn(arg) on every online CPU, this one included, and wait until all are done. */
void smp_call_all(void (*fn)(void *), void *arg);
/* Wait until every online CPU but the caller is idle again. */
void smp_wait_idle(void);
/* Counters of smp_dispatch since boot. */
void smp_dispatch_stats(struct smp_dispatch_stats *s);
/*
 * Print the online and idle masks ("online: 0-3 (4 CPUs), idle: 1-3"), then
 * each online CPU's ID, APIC ID and TSS selector through print.
 */
void smp_print_cpus(void (*print)(const char *fmt, ...));

/*
 * Work an idle CPU looks for itself: pending(arg, cpu) says whether there
 * is any for cpu, run(arg, cpu) does it. The idle loop asks after setting
 * its idle bit and before it halts, and runs the work if it wins its own
 * bit back; so work queued while the CPU was on its way to idle, when the
 * queuer's claim found it busy, is not left waiting. One hook (NULL: none).
 */
struct smp_idle_hook {
	bool (*pending)(void *arg, unsigned int cpu);
	void (*run)(void *arg, unsigned int cpu);
	void *arg;
};
void smp_set_idle_hook(const struct smp_idle_hook *hook);

/* An AP's life after bring-up: wait for work, run it, forever. */
void smp_idle_loop(void) __attribute__((noreturn));

struct madt_info;
/*
 * Start the CPUs the MADT lists (NULL: none; the boot CPU runs alone):
 * the kernel's vectors, CPU 0's APIC and TSS, then every AP into
 * smp_idle_loop(). Returns when all of them are idle; logs the CPUs, and
 * the cmdline's ktest.late_ap= and smp.tlb_timeout= (README) on the way.
 */
void smp_start(const struct madt_info *madt, const char *cmdline);
/* The IPI vector that wakes a CPU for its mailbox (after smp_start). */
uint8_t smp_ipi_vector(void);

#endif /* KERNEL_SMP_H */
