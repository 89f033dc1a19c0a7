// SPDX-License-Identifier: MIT
/*
 * panic(): one CPU reports, every other CPU stops, and the run ends with the
 * panic status.
 *
 * The first CPU in is the reporter. A CPU that panics while it reports (a
 * race, or a second symptom of the same bug) is a loser: it leaves its
 * reason as one line in a slot and halts, and the reporter prints those
 * lines after its backtrace. So no report is cut short by another CPU
 * leaving QEMU, and no reason is lost.
 *
 * Nothing here waits for a lock another CPU may hold: printk's line lock is
 * bypassed, the screen waits 20 ms at most for its lock (printk_panic),
 * serial is written before the screen, and the rest is atomics on this
 * file's own state. A CPU inside panic() ignores NMIs (panic_nmi), so the
 * stop NMI cannot halt a loser before its line is kept, nor a reporter
 * that a stop or TLB-flush NMI reaches late.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <arch/backtrace.h>
#include <arch/cpu.h>
#include <arch/debug_exit.h>
#include <arch/ipi.h>
#include <arch/smp.h>
#include <arch/tsc.h>
#include <kernel/cmdline.h>
#include <kernel/panic.h>
#include <kernel/printk.h>

#define NO_CPU		(-1)
#define LOSER_SLOTS	8
#define LOSER_LINE	160
#define LOSER_WAIT_MS	100	/* for a loser already inside panic() to write its line */

struct loser {
	bool ready;		/* atomic: line is complete */
	char line[LOSER_LINE];
};

static int reporter = NO_CPU;		/* atomic: the CPU that reports */
static bool inside[SMP_MAX_CPUS];	/* atomic: CPU i has entered panic() */
static unsigned int entered;		/* atomic: CPUs that entered panic() */
static unsigned int kept;		/* atomic: losers done with their line */
static unsigned int nlosers;		/* atomic: loser slots claimed */
static struct loser losers[LOSER_SLOTS];

bool panic_nmi(void)
{
	unsigned int cpu = smp_cpu_id();

	return cpu < SMP_MAX_CPUS && __atomic_load_n(&inside[cpu], __ATOMIC_ACQUIRE);
}

/* "CPU n panicked too: reason", ending in "..." if it did not fit. */
static void format_loser(char *buf, unsigned int cpu, const char *fmt, va_list ap)
{
	int n = snprintf(buf, LOSER_LINE, "CPU %u panicked too: ", cpu);
	int m = vsnprintf(buf + n, LOSER_LINE - (size_t)n, fmt, ap);

	if (m >= LOSER_LINE - n)
		snprintf(buf + LOSER_LINE - 4, 4, "...");
}

/* Someone else reports: leave our reason for them, then stop for good. */
static __attribute__((noreturn)) void panic_lost(unsigned int cpu, const char *fmt, va_list ap)
{
	unsigned int slot = __atomic_fetch_add(&nlosers, 1, __ATOMIC_ACQ_REL);

	if (slot < LOSER_SLOTS) {
		format_loser(losers[slot].line, cpu, fmt, ap);
		__atomic_store_n(&losers[slot].ready, true, __ATOMIC_RELEASE);
	}
	__atomic_fetch_add(&kept, 1, __ATOMIC_RELEASE);
	cpu_halt_forever();
}

/* The losers' lines: wait (bounded) for those already inside panic(), then print them. */
static void report_losers(void)
{
	uint64_t start = rdtsc(), limit = tsc_khz() * LOSER_WAIT_MS;
	unsigned int n;

	while (__atomic_load_n(&kept, __ATOMIC_ACQUIRE) + 1 <
	       __atomic_load_n(&entered, __ATOMIC_ACQUIRE) && rdtsc() - start < limit)
		cpu_relax();
	n = __atomic_load_n(&nlosers, __ATOMIC_ACQUIRE);
	for (unsigned int i = 0; i < n && i < LOSER_SLOTS; i++) {
		if (__atomic_load_n(&losers[i].ready, __ATOMIC_ACQUIRE))
			printk_raw("  %s\n", losers[i].line);
		else
			printk_raw("  a CPU panicked too; its line was not done in %d ms\n",
				   LOSER_WAIT_MS);
	}
	if (n > LOSER_SLOTS)
		printk_raw("  %u more CPUs panicked too; their reasons were not kept\n",
			   n - LOSER_SLOTS);
}

/* The end of every report: the panic status with ktest.exit=1, else halt. */
static __attribute__((noreturn)) void panic_exit(void)
{
	if (cmdline_flag(kernel_cmdline(), "ktest.exit"))
		debug_exit(DEBUG_EXIT_FAIL);
	printk_raw("System halted.\n");
	cpu_halt_forever();
}

static void panic_vbegin(const char *fmt, va_list ap)
{
	unsigned int cpu;
	int expected = NO_CPU;

	cpu_cli();
	cpu = smp_cpu_id();
	if (cpu < SMP_MAX_CPUS)
		__atomic_store_n(&inside[cpu], true, __ATOMIC_RELEASE);
	if (__atomic_load_n(&reporter, __ATOMIC_ACQUIRE) == (int)cpu) {
		/* A fault while reporting: the report is what broke, so say why and stop. */
		printk_raw("\nKERNEL PANIC: nested panic on CPU %u: ", cpu);
		vprintk_raw(fmt, ap);
		printk_raw("\n");
		panic_exit();
	}
	__atomic_fetch_add(&entered, 1, __ATOMIC_ACQ_REL);
	if (!__atomic_compare_exchange_n(&reporter, &expected, (int)cpu, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		panic_lost(cpu, fmt, ap);
	/* First the others stop, so the report is the last thing any CPU prints. */
	smp_stop_others();
	printk_panic();	/* a stopped CPU may own printk's line or the screen */
	printk_raw("\nKERNEL PANIC: ");
	vprintk_raw(fmt, ap);
	printk_raw("\n");
	if (smp_cpus_online() > 1)
		printk_raw("  on CPU %u of %u; the others were stopped by NMI\n",
			   cpu, smp_cpus_online());
	else
		printk_raw("  on CPU %u, the only one online\n", cpu);
}

void panic_begin(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	panic_vbegin(fmt, ap);
	va_end(ap);
}

void panic_end(void)
{
	report_losers();
	panic_exit();
}

/* panic() has no trap frame: the control registers and where the stack is. */
static void panic_registers(void)
{
	uint64_t rsp;

	__asm__ volatile("mov %%rsp, %0" : "=r"(rsp));
	printk_raw("  RSP %016lx  RBP %016lx  RFLAGS %016lx\n", rsp, cpu_frame_pointer(),
		   cpu_rflags());
	printk_raw("  CR0 %016lx  CR2 %016lx  CR3 %016lx  CR4 %016lx\n",
		   read_cr0(), read_cr2(), read_cr3(), read_cr4());
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	panic_vbegin(fmt, ap);
	va_end(ap);
	panic_registers();
	backtrace_here();
	panic_end();
}
