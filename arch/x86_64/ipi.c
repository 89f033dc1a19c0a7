// SPDX-License-Identifier: MIT
/* NMIs between CPUs: the TLB shootdown (request, flush, bounded wait) and the panic stop. */
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/ipi.h>
#include <arch/paging.h>
#include <arch/smp.h>
#include <arch/tsc.h>
#include <kernel/panic.h>
#include <kernel/printk.h>

static uint64_t tlb_timeout_ms = SMP_TLB_TIMEOUT_S * 1000ull;
static uint64_t tlb_warn_ms = SMP_TLB_WARN_MS;
static uint64_t tlb_warnings;
static bool stopping;

void smp_set_tlb_timeout_ms(uint64_t ms)
{
	tlb_timeout_ms = ms;
}

void smp_set_tlb_warn_ms(uint64_t ms)
{
	__atomic_store_n(&tlb_warn_ms, ms ? ms : 1, __ATOMIC_RELAXED);
}

uint64_t smp_tlb_warn_ms(void)
{
	return __atomic_load_n(&tlb_warn_ms, __ATOMIC_RELAXED);
}

uint64_t smp_tlb_warnings(void)
{
	return __atomic_load_n(&tlb_warnings, __ATOMIC_RELAXED);
}

static bool online(unsigned int i)
{
	return __atomic_load_n(&cpus[i].online, __ATOMIC_ACQUIRE);
}

/*
 * Tests: a CPU slow to flush, for stall ms, and then until the waiter has
 * named it (a warning after this point), for at most twice as long again.
 * Under TCG on a loaded host the waiter's vCPU can go unscheduled across
 * its warning time, find the flush done, and never warn (smp_test saw
 * "flushed after 182 ms (stalled 150 ms, warning at 100 ms); 0 warnings").
 * A waiter that never warns still lets the stall end, at 3 x stall.
 */
static void slow_flush(struct cpu *c)
{
	uint64_t warned = __atomic_load_n(&tlb_warnings, __ATOMIC_RELAXED);
	uint64_t start = rdtsc(), stall = c->tlb_stall_ms;

	udelay(stall * 1000ull);
	while (__atomic_load_n(&tlb_warnings, __ATOMIC_RELAXED) == warned &&
	       (rdtsc() - start) / tsc_khz() < 3 * stall)
		cpu_relax();
	c->tlb_stall_ms = 0;
}

/* A flush request to c: reload CR3 (after a test's stall), then say so. */
static void flush_self(struct cpu *c)
{
	if (c->tlb_stall_ms)		/* tests: a slow CPU */
		slow_flush(c);
	write_cr3(read_cr3());
	__atomic_store_n(&c->tlb_flush, 0, __ATOMIC_RELEASE);
}

bool smp_nmi(struct trap_frame *f)
{
	struct cpu *c;

	if (!smp_is_up())
		return false;
	if (__atomic_load_n(&stopping, __ATOMIC_ACQUIRE))
		cpu_halt_forever();
	c = this_cpu();
	if (__atomic_load_n(&c->tlb_flush, __ATOMIC_ACQUIRE)) {
		flush_self(c);
		return true;
	}
	c->nmi_frame = (uint64_t)f;
	__atomic_fetch_add(&c->nmi_count, 1, __ATOMIC_RELEASE);
	return true;
}

/*
 * Wait for CPU i to flush. A CPU that takes long is slow, not dead (a
 * vCPU the host did not run, an SMI): name it, after tlb_warn_ms (1 s),
 * then at twice and four times that..., and keep waiting; only one silent
 * for tlb_timeout_ms is dead (a panic).
 */
static void wait_flushed(unsigned int i, uint64_t start)
{
	uint64_t warn_ms = smp_tlb_warn_ms();

	while (__atomic_load_n(&cpus[i].tlb_flush, __ATOMIC_ACQUIRE)) {
		uint64_t ms = (rdtsc() - start) / tsc_khz();

		if (tlb_timeout_ms && ms >= tlb_timeout_ms)
			panic("smp: CPU %u did not flush its TLB in %lu ms: unresponsive "
			      "(smp.tlb_timeout=%lu s)", i, ms, tlb_timeout_ms / 1000);
		if (ms >= warn_ms) {
			pr_warn("smp: CPU %u has not flushed its TLB after %lu ms; still waiting\n",
				i, ms);
			__atomic_fetch_add(&tlb_warnings, 1, __ATOMIC_RELAXED);
			warn_ms *= 2;
		}
		cpu_relax();
	}
}

void smp_flush_tlb_others(void)
{
	unsigned int self = smp_cpu_id(), n = smp_cpus_online();
	uint64_t start = rdtsc();

	if (!smp_is_up())
		return;
	for (unsigned int i = 0; i < n; i++) {
		if (i == self || !online(i))
			continue;
		__atomic_store_n(&cpus[i].tlb_flush, 1, __ATOMIC_RELEASE);
		apic_send_nmi(cpus[i].apic_id);
	}
	for (unsigned int i = 0; i < n; i++)
		wait_flushed(i, start);
}

/* An NMI to each online CPU, not a broadcast: a left-out CPU is parked, leave it so. */
void smp_stop_others(void)
{
	unsigned int self, n = smp_cpus_online();

	if (!smp_is_up() || n < 2)
		return;
	self = smp_cpu_id();
	__atomic_store_n(&stopping, true, __ATOMIC_RELEASE);
	for (unsigned int i = 0; i < n; i++)
		if (i != self && online(i))
			apic_send_nmi(cpus[i].apic_id);
}
