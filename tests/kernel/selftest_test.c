/*
 * Deliberately broken cases for the QEMU runner's own tests. Each runs only
 * when ktest.selftest=<its name> is on the command line (see kernel/ktest.c).
 */
#include <arch/cpu.h>
#include <arch/fault.h>
#include <arch/trap.h>
#include <kernel/ktest.h>
#include <kernel/panic.h>

KTEST(selftest, fail)
{
	EXPECT_EQ(t, 1 + 1, 3);
}

KTEST(selftest, panic)
{
	panic("ktest.selftest=panic: deliberate panic during the tests");
}

KTEST(selftest, hang)
{
	cpu_cli();
	for (;;)
		cpu_relax();
}

KTEST(selftest, triplefault)
{
	idt_load_empty();
	fault_ud2();
}

KTEST(selftest, unexpected)
{
	fault_ud2();
	EXPECT_TRUE(t, false);	/* not reached */
}
