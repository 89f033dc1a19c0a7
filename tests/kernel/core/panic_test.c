// SPDX-License-Identifier: MIT
/*
 * Break-on-purpose boots for the panic path (issue 11, items 5 and 3). Each runs
 * only under its ktest.selftest= switch and must end with the whole report
 * on serial (reason, CPU, backtrace) and the panic exit status.
 */
#include <arch/cpu.h>
#include <arch/smp.h>
#include <arch/tsc.h>
#include <bitmap/bitmap.h>
#include <kernel/console.h>
#include <kernel/ktest.h>
#include <kernel/panic.h>
#include <kernel/smp.h>

static int arrived;		/* atomic: CPUs at the starting line of panic_race */
static uint64_t start_tsc;	/* atomic: when both panic (the TSC runs in step on every CPU) */

/* Meet the other CPU, then panic at the same TSC tick: neither is ahead by the time to see the other. */
static void race(void *arg)
{
	(void)arg;
	if (__atomic_fetch_add(&arrived, 1, __ATOMIC_ACQ_REL) == 0)
		__atomic_store_n(&start_tsc, rdtsc() + tsc_khz(), __ATOMIC_RELEASE);	/* +1 ms */
	while (__atomic_load_n(&arrived, __ATOMIC_ACQUIRE) < 2)
		cpu_relax();
	while (rdtsc() < __atomic_load_n(&start_tsc, __ATOMIC_ACQUIRE))
		cpu_relax();
	panic("selftest panic_race: deliberate panic on CPU %u", smp_cpu_id());
}

static void on_cpu1(void (*fn)(void *))
{
	struct cpumask one = { { 0 } };

	if (smp_cpus_online() < 2)
		panic("panic selftest: needs two CPUs");
	bm_set(one.bits, 1);
	if (smp_dispatch(&one, fn, NULL) != 1)
		panic("panic selftest: CPU 1 is not idle");
}

/* ktest.selftest=panic_race: CPUs 0 and 1 panic at once; one reports, the other says one line. */
KTEST(selftest, panic_race)
{
	on_cpu1(race);
	race(NULL);
}

static int held;	/* atomic: CPU 1 holds the screen lock */

static void hold_screen(void *arg)
{
	(void)arg;
	screen_hold_lock();
	__atomic_store_n(&held, 1, __ATOMIC_RELEASE);
	for (;;)
		cpu_relax();	/* the panic's NMI stops us with the lock held */
}

/* ktest.selftest=panic_screenlock: CPU 1 is stopped holding the screen lock; CPU 0 panics. */
KTEST(selftest, panic_screenlock)
{
	if (screen_kind() == SCREEN_NONE)
		panic("panic selftest: needs a screen (no framebuffer or VGA text)");
	on_cpu1(hold_screen);
	while (!__atomic_load_n(&held, __ATOMIC_ACQUIRE))
		cpu_relax();
	panic("selftest panic_screenlock: CPU 1 holds the screen lock");
}

/* Write from buf up to this frame's saved RBP: over the canary, not the saved RBP or return address. */
static __attribute__((noinline)) void smash_my_canary(void)
{
	char buf[16];
	char *p = buf;

	__asm__ volatile("" : "+r"(p));		/* the compiler no longer knows p is buf */
	for (char *end = __builtin_frame_address(0); p < end; p++)
		*(volatile char *)p = 'A';
	__asm__ volatile("" : : "r"(buf) : "memory");
}

/* ktest.selftest=stack_protector: the return checks the canary and panics naming the function. */
KTEST(selftest, stack_protector)
{
	smash_my_canary();
	EXPECT_TRUE(t, false);	/* not reached */
}
