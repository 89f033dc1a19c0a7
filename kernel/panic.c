/* panic(): report once, then stop the machine (or end the QEMU run). */
#include <stdarg.h>
#include <stdbool.h>
#include <arch/backtrace.h>
#include <arch/cpu.h>
#include <arch/debug_exit.h>
#include <arch/smp.h>
#include <kernel/cmdline.h>
#include <kernel/panic.h>
#include <kernel/printk.h>

static bool panicking;

static void panic_vbegin(const char *fmt, va_list ap)
{
	cpu_cli();
	if (__atomic_exchange_n(&panicking, true, __ATOMIC_ACQ_REL)) {
		/* A fault while reporting: the report is what broke, so stop. */
		console_panic();
		console_printf("\nKERNEL PANIC: nested panic\n");
		panic_end();
	}
	/* First the others stop, so the report is the last thing any CPU prints. */
	smp_stop_others();
	console_panic();	/* a stopped CPU may own the console mid-line */
	console_printf("\nKERNEL PANIC: ");
	console_vprintf(fmt, ap);
	console_printf("\n");
	if (smp_cpus_online() > 1)
		console_printf("  on CPU %u of %u; the others were stopped by NMI\n",
			       smp_cpu_id(), smp_cpus_online());
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
	if (cmdline_flag(kernel_cmdline(), "ktest.exit"))
		debug_exit(DEBUG_EXIT_FAIL);
	console_printf("System halted.\n");
	cpu_halt_forever();
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	panic_vbegin(fmt, ap);
	va_end(ap);
	backtrace_here();
	panic_end();
}

/* lib/bitmap's invariant checks (built with BM_DEBUG, `make DEBUG=1`) land here. */
void bm_assert_fail(const char *expr, const char *file, int line)
{
	panic("assertion failed: lib/bitmap at %s:%d: %s", file, line, expr);
}
