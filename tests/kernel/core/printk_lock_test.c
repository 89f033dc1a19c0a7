// SPDX-License-Identifier: MIT
/* printk's line lock: another CPU's printk waits for our line's newline (kernel only). */
#include <arch/cpu.h>
#include <arch/smp.h>
#include <arch/tsc.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/smp.h>

#define HOLD_MS		10
#define WAIT_MS		10000	/* printk's bound for this test: no host stalls a vCPU this long */

struct other_line {
	uint64_t start, end;	/* TSC around CPU 1's printk */
	int started, done;	/* atomic */
};

static void print_from_other_cpu(void *arg)
{
	struct other_line *o = arg;

	o->start = rdtsc();
	__atomic_store_n(&o->started, 1, __ATOMIC_RELEASE);
	printk("printk_lock test: a whole line from CPU %u\n", smp_cpu_id());
	o->end = rdtsc();
	__atomic_store_n(&o->done, 1, __ATOMIC_RELEASE);
}

static void spin_ms(uint64_t ms)
{
	uint64_t start = rdtsc();

	while (rdtsc() - start < ms * tsc_khz())
		cpu_relax();
}

/*
 * We start a diagnostic line and hold it open while CPU 1 prints: its
 * printk must finish after we end the line. printk's bound is lengthened
 * for the test, so a loaded host cannot make CPU 1 give up and write.
 */
KTEST(printk_lock, another_cpu_waits_for_the_end_of_our_line)
{
	struct other_line o = { 0, 0, 0, 0 };
	uint64_t closed;
	unsigned int old_wait;

	if (smp_cpus_online() < 2)
		ktest_skip(t, "needs two CPUs");
	smp_wait_idle();
	ASSERT_TRUE(t, cpumask_test_and_clear_atomic(&cpu_idle_mask, 1));
	old_wait = printk_set_wait_ms(WAIT_MS);
	printk_raw("  # printk_lock: line held open by CPU 0 ...");
	smp_post(1, print_from_other_cpu, &o);
	while (!__atomic_load_n(&o.started, __ATOMIC_ACQUIRE))
		cpu_relax();
	spin_ms(HOLD_MS);
	closed = rdtsc();
	printk_raw(" closed\n");
	while (!__atomic_load_n(&o.done, __ATOMIC_ACQUIRE))
		cpu_relax();
	printk_set_wait_ms(old_wait);
	EXPECT_GT(t, o.end, closed);
	EXPECT_GT(t, o.end - o.start, HOLD_MS * tsc_khz() / 2);
	smp_wait_idle();
}
