// SPDX-License-Identifier: MIT
/*
 * ktest kernel backend: runs the cases of the ktest_cases section through
 * the ktest core (<kernel/ktest_core.h>: selection, order, KTAP) on the
 * serial port and the screen (printk_raw), each under setjmp, and ends the run.
 *
 * Command line:
 *	ktest=run|off		run the cases after boot (default: run)
 *	ktest.filter=GLOB[,GLOB...]
 *				only cases whose "suite" or "suite.case"
 *				matches one of the globs (* and ? wildcards),
 *				and none of the -GLOBs (exclusions; the rules:
 *				<kernel/ktest_core.h>)
 *	ktest.shuffle=SEED	run the suites in an order drawn from SEED (a
 *				decimal number; see <kernel/ktest_order.h>),
 *				printed as "# ktest.shuffle=SEED" after the plan
 *	ktest.quick=1		report the KTEST_SLOW cases skipped (make run's
 *				boot: the prompt in seconds), and draw only
 *				the top-level KTAP lines on the screen (the
 *				serial port gets every line); the monitor's
 *				`test` still runs them, on the screen
 *	ktest.exit=1		after the summary, end QEMU through isa-debug-exit:
 *				0x10 if nothing failed, else 0x11 (a panic
 *				writes 0x11 too); without it the kernel idles
 *
 * Test-only switches, for the QEMU runner's own tests. Each enables the one
 * case of suite "selftest" with the same name; the suite is hidden otherwise:
 *	ktest.selftest=fail		an EXPECT fails: the run reports a failure
 *	ktest.selftest=panic		panic() in the middle of the run
 *	ktest.selftest=hang		spin forever, interrupts off, before the summary
 *	ktest.selftest=triplefault	load an empty IDT and raise #UD: the CPU
 *					triple-faults (QEMU -no-reboot exits)
 *	ktest.selftest=unexpected	ud2 in an ordinary case: reported "not ok",
 *					and the run goes on
 *	ktest.selftest=task_panic	panic() inside a task (smp_panic: on an AP);
 *					the runner wants a backtrace of 3 named frames
 *	ktest.selftest=leak		keep 2 frames and a heap object: the leak
 *					check fails suite selftest
 *	ktest.selftest=assert		a frame allocator's invariant broken on
 *					purpose: assert() panics with its message
 *
 * Each case runs under setjmp(): ASSERT failures, skips and exceptions
 * longjmp back here, so one bad case never stops the run. After each suite
 * the frames and heap objects in use are compared with before it: a suite
 * that leaked fails (<kernel/ktest_leak.h>), and the kernel log says how
 * many suites were checked.
 */
#include <arch/cpu.h>
#include <arch/debug_exit.h>
#include <arch/setjmp.h>
#include <arch/smp.h>
#include <arch/trap.h>
#include <arch/tsc.h>
#include <kernel/cmdline.h>
#include <kernel/ksyms.h>
#include <kernel/ktest.h>
#include <kernel/ktest_core.h>
#include <kernel/ktest_leak.h>
#include <kernel/ktest_order.h>
#include <kernel/ktest_run.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#define KTEST_MAX_CASES		4096
#define KTEST_MAX_DEFERS	4

extern const struct ktest_case __start_ktest_cases[], __stop_ktest_cases[];

/* What happened inside the running case, for the runner to judge. */
struct case_run {
	jmp_buf env;
	bool faulted;
	struct ktest_fault fault;
	int nr_defers;
	struct {
		void (*fn)(void *arg);
		void *arg;
	} defers[KTEST_MAX_DEFERS];
};

static const struct ktest_case *cases[KTEST_MAX_CASES];
static struct ktest *current;
/* Whole command-line values fit: nothing is cut off. */
static char filter[CMDLINE_MAX], selftest[CMDLINE_MAX];
static struct ktest_selection selection = { .filter = filter, .selftest = selftest };
static struct ktest_totals totals;
/* ktest.quick=1, during the boot's run only: KTEST_SLOW cases are skipped. */
static bool skip_slow;

void ktest_abort(struct ktest *t)
{
	struct case_run *run = t->priv;

	longjmp(run->env, 1);
}

void ktest_defer(struct ktest *t, void (*fn)(void *arg), void *arg)
{
	struct case_run *run = t->priv;

	if (run->nr_defers == KTEST_MAX_DEFERS) {
		fn(arg);	/* better now than never */
		ktest_fail_at(t, t->tc->file, t->tc->line,
			      "more than %d deferred actions", KTEST_MAX_DEFERS);
		ktest_abort(t);
	}
	run->defers[run->nr_defers].fn = fn;
	run->defers[run->nr_defers++].arg = arg;
}

static void run_defers(struct case_run *run)
{
	while (run->nr_defers > 0) {
		run->nr_defers--;
		run->defers[run->nr_defers].fn(run->defers[run->nr_defers].arg);
	}
}

/*
 * The fault hook trap_dispatch calls before it panics. Inside a running
 * case it records the exception and ends the case (does not return);
 * otherwise, or on another CPU (cases run on CPU 0), it returns.
 */
static void case_fault(const struct trap_fault *f)
{
	struct case_run *run;

	if (!current || smp_cpu_id() != 0)
		return;
	run = current->priv;
	run->faulted = true;
	run->fault = (struct ktest_fault){
		.vector = f->vector,
		.error = f->error,
		.addr = f->addr,
		.ip = f->ip,
		.handler_sp = f->handler_sp,
	};
	longjmp(run->env, 2);
}

void ktest_expect_fault_at(struct ktest *t, uint64_t addr)
{
	t->fault_addr = addr;
	t->fault_addr_set = true;
}

/* A #PF's CR2 and error code against what the case declared. */
static void judge_page_fault(struct ktest *t, const struct ktest_fault *f, const char *sym)
{
	const struct ktest_case *tc = t->tc;
	uint64_t want = tc->fault_addr;

	if (want == KTEST_RUNTIME_ADDR && !t->fault_addr_set) {
		ktest_fail_at(t, tc->file, tc->line,
			      "#PF at 0x%lx, but the case named no address (ktest_expect_fault_at)",
			      f->addr);
		return;
	}
	if (want == KTEST_RUNTIME_ADDR)
		want = t->fault_addr;
	if (want != KTEST_ANY_ADDR && f->addr != want)
		ktest_fail_at(t, tc->file, tc->line, "#PF at 0x%lx, expected at 0x%lx (RIP %s)",
			      f->addr, want, sym);
	if ((f->error & tc->fault_error_mask) != tc->fault_error)
		ktest_fail_at(t, tc->file, tc->line,
			      "#PF error code 0x%lx, expected 0x%x in bits 0x%x (P W U I/D) (RIP %s)",
			      f->error, tc->fault_error, tc->fault_error_mask, sym);
}

/* Did the case raise exactly the exception it declared (if any)? */
static void judge_fault(struct ktest *t, const struct case_run *run)
{
	const struct ktest_case *tc = t->tc;
	const struct ktest_fault *f = &run->fault;
	bool want = tc->fault_vector != KTEST_NO_FAULT;
	char sym[96];

	if (!run->faulted) {
		if (want)
			ktest_fail_at(t, tc->file, tc->line,
				      "expected %s, but the case returned",
				      trap_name(tc->fault_vector));
		return;
	}
	ksym_format(sym, sizeof(sym), f->ip);
	if (!want || f->vector != (uint64_t)tc->fault_vector) {
		ktest_fail_at(t, tc->file, tc->line,
			      "unexpected %s (error 0x%lx) at RIP 0x%lx %s%s%s",
			      trap_name(f->vector), f->error, f->ip, sym,
			      want ? ", expected " : "",
			      want ? trap_name(tc->fault_vector) : "");
		return;
	}
	if (f->vector == VEC_PF)
		judge_page_fault(t, f, sym);
}

/*
 * Run t->tc under setjmp and judge it. Nests: a case may run a synthetic case
 * through ktest_run_quiet(), so the outer `current` is saved and restored.
 */
static void execute(struct ktest *t, struct case_run *run)
{
	struct ktest *outer = current;
	bool irqs = cpu_rflags() & RFLAGS_IF;

	t->priv = run;
	current = t;
	if (setjmp(run->env) == 0) {
		if (skip_slow && t->tc->slow)
			ktest_skip(t, "slow case: ktest.quick=1 leaves it out");
		t->tc->fn(t);
	}
	current = outer;
	run_defers(run);
	/* An exception longjmp leaves IF as the interrupt gate set it. */
	if (irqs)
		cpu_sti();
	if (!t->skipped)
		judge_fault(t, run);
}

void ktest_run_quiet(const struct ktest_case *tc, struct ktest_outcome *out)
{
	struct case_run run = { 0 };
	struct ktest t = { .tc = tc, .quiet = true };

	execute(&t, &run);
	*out = (struct ktest_outcome){
		.failures = t.failures,
		.skipped = t.skipped,
		.faulted = run.faulted,
		.fault = run.fault,
	};
}

/* The core's way to run a case: under setjmp, its exception judged. */
static void run_case(struct ktest *t)
{
	struct case_run run = { 0 };

	execute(t, &run);
}

/*
 * ktest.quick=1's boot (make run's) draws only the top-level KTAP lines on
 * the screen (the plan, each suite's result, the summary) and a failing
 * case's "not ok" line; every line still goes to the serial port. Drawing
 * the ~800 lines of a whole report cost 1.8 s of TCG time at -smp 4, more
 * than the suites themselves; the monitor's `test` draws everything.
 */
static bool brief_screen;
static bool screen_line = true;		/* the line being printed goes to the screen */
static bool line_start = true;

static bool for_screen(const char *line)
{
	return line[0] != ' ' || strncmp(line, "  not ok ", 9) == 0;
}

static void print_raw(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len = n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1;

	if (!brief_screen) {
		printk_write(buf, len);
		return;
	}
	for (size_t start = 0, i = 0; i < len; start = i) {
		while (i < len && buf[i++] != '\n')
			;
		if (line_start)
			screen_line = for_screen(buf + start);
		(screen_line ? printk_write : printk_write_serial)(buf + start, i - start);
		line_start = buf[i - 1] == '\n';
	}
}

/* Each suite is checked for leaked frames and heap objects (<kernel/ktest_leak.h>). */
static struct ktest_leak_mark suite_mark;
static unsigned int suites_checked, suites_leaked;

static void suite_start(const char *suite)
{
	(void)suite;
	ktest_leak_mark(&suite_mark);
}

static bool suite_end(const char *suite)
{
	bool clean = ktest_leak_check(suite, &suite_mark);

	suites_checked++;
	suites_leaked += !clean;
	return clean;
}

static const struct ktest_backend kernel_backend = {
	.vprint = print_raw,
	.run = run_case,
	.suite_start = suite_start,
	.suite_end = suite_end,
};

/* One KTAP report of the cases selection picks, from a clean slate: it may run again. */
static void run_selected(void)
{
	size_t n = ktest_collect(&selection, __start_ktest_cases, __stop_ktest_cases,
				 cases, KTEST_MAX_CASES);
	uint64_t ns;

	if (n > KTEST_MAX_CASES)
		panic("ktest: %zu cases selected, more than %d; raise KTEST_MAX_CASES",
		      n, KTEST_MAX_CASES);
	suites_checked = suites_leaked = 0;
	ktest_report(&kernel_backend, &selection, cases, n, &totals);
	ns = tsc_ns_since_boot();
	printk_raw("# boot-to-summary: %lu ms (%lu TSC cycles)\n",
		   ns / 1000000, rdtsc() - boot_tsc);
	pr_info("ktest: leak check ran after each of %u suites; %u leaked\n",
		suites_checked, suites_leaked);
}

static bool all_passed(void)
{
	return totals.failed == 0 && totals.suites_failed == 0;
}

bool ktest_run_filter(const char *globs)
{
	selection.filter = globs;
	run_selected();
	selection.filter = filter;
	return all_passed();
}

/* ktest.shuffle=SEED; a bad seed is reported and the suites run in name order. */
static void parse_shuffle(const char *cmdline)
{
	static char arg[CMDLINE_MAX];	/* the whole line fits: nothing is cut off */

	if (!cmdline_get(cmdline, "ktest.shuffle", arg, sizeof(arg)))
		return;
	selection.shuffle = ktest_parse_seed(arg, &selection.seed);
	if (!selection.shuffle)
		pr_warn("ktest: bad ktest.shuffle=\"%s\": expected a decimal seed "
			"below 2^64; suites run in name order\n", arg);
}

bool ktest_main(const char *cmdline)
{
	char mode[8] = "run";

	trap_set_fault_hook(case_fault);	/* also for the monitor's `test` after ktest=off */
	cmdline_get(cmdline, "ktest", mode, sizeof(mode));
	if (strcmp(mode, "off") == 0) {
		pr_info("ktest: off\n");
		return true;
	}
	if (strcmp(mode, "run") != 0)
		pr_warn("ktest: unknown mode \"%s\"; running the tests\n", mode);
	cmdline_get(cmdline, "ktest.filter", filter, sizeof(filter));
	cmdline_get(cmdline, "ktest.selftest", selftest, sizeof(selftest));
	parse_shuffle(cmdline);
	skip_slow = brief_screen = cmdline_flag(cmdline, "ktest.quick");
	run_selected();
	if (brief_screen)
		printk_raw("# ktest.quick=1: the screen shows each suite's result, "
			   "the serial port every case\n");
	skip_slow = brief_screen = false;

	if (cmdline_flag(cmdline, "ktest.exit"))
		debug_exit(all_passed() ? DEBUG_EXIT_PASS : DEBUG_EXIT_FAIL);
	return all_passed();
}
