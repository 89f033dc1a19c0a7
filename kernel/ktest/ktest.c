/*
 * ktest kernel backend: runs the cases of the ktest_cases section and
 * prints KTAP version 1 on the console.
 *
 * Command line:
 *	ktest=run|off		run the cases after boot (default: run)
 *	ktest.filter=GLOB[,GLOB...]
 *				only cases whose "suite" or "suite.case"
 *				matches one of the globs (* and ? wildcards)
 *	ktest.shuffle=SEED	run the suites in an order drawn from SEED (a
 *				decimal number; see <kernel/ktest_order.h>),
 *				printed as "# ktest.shuffle=SEED" after the plan
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
 *
 * Each case runs under setjmp(): ASSERT failures, skips and exceptions
 * longjmp back here, so one bad case never stops the run.
 */
#include <arch/cpu.h>
#include <arch/debug_exit.h>
#include <arch/setjmp.h>
#include <arch/smp.h>
#include <arch/trap.h>
#include <arch/tsc.h>
#include <kernel/cmdline.h>
#include <kernel/glob.h>
#include <kernel/ksyms.h>
#include <kernel/ktest.h>
#include <kernel/ktest_order.h>
#include <kernel/ktest_run.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#define KTEST_MAX_CASES		4096
#define KTEST_MAX_DEFERS	4
#define SELFTEST_SUITE		"selftest"

extern const struct ktest_case __start_ktest_cases[], __stop_ktest_cases[];

/* What happened inside the running case, for the runner to judge. */
struct case_run {
	jmp_buf env;
	bool quiet;		/* a synthetic case: count failures, print nothing */
	bool faulted;
	struct ktest_fault fault;
	int nr_defers;
	struct {
		void (*fn)(void *arg);
		void *arg;
	} defers[KTEST_MAX_DEFERS];
};

static const struct ktest_case *cases[KTEST_MAX_CASES];
static size_t nr_cases;
static struct ktest *current;
static char filter[128];
static char selftest[32];
static unsigned int passed, failed, skipped;
static bool shuffle;
static uint64_t shuffle_seed;

void ktest_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	console_vprintf(fmt, ap);
	va_end(ap);
}

void ktest_diag(struct ktest *t, const char *fmt, ...)
{
	struct case_run *run = t->priv;
	va_list ap;

	if (run->quiet)
		return;
	console_printf("  # ");
	va_start(ap, fmt);
	console_vprintf(fmt, ap);
	va_end(ap);
	console_printf("\n");
}

void ktest_fail_at(struct ktest *t, const char *file, int line, const char *fmt, ...)
{
	struct case_run *run = t->priv;
	va_list ap;

	t->failures++;
	if (run->quiet)
		return;
	console_printf("  # %s:%d: ", file, line);
	va_start(ap, fmt);
	console_vprintf(fmt, ap);
	va_end(ap);
	console_printf("\n");
}

void ktest_abort(struct ktest *t)
{
	struct case_run *run = t->priv;

	longjmp(run->env, 1);
}

void ktest_skip(struct ktest *t, const char *reason)
{
	t->skipped = true;
	t->skip_reason = reason;
	ktest_abort(t);
}

int ktest_strcmp(const char *a, const char *b)
{
	if (!a || !b)
		return a == b ? 0 : (a ? 1 : -1);
	return strcmp(a, b);
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

/* Suites in name (or shuffled) order, cases in (file, line) order. */
static int case_cmp(const struct ktest_case *a, const struct ktest_case *b)
{
	int c = shuffle ? ktest_suite_key_cmp(a->suite, b->suite, shuffle_seed) : 0;

	if (!c)
		c = strcmp(a->suite, b->suite);

	if (!c)
		c = strcmp(a->file, b->file);
	if (!c)
		c = a->line - b->line;
	return c;
}

/* Does any of the comma-separated globs in ktest.filter match the case? */
static bool filter_match(const struct ktest_case *tc)
{
	char full[128], glob[sizeof(filter)];
	const char *p = filter;

	snprintf(full, sizeof(full), "%s.%s", tc->suite, tc->name);
	while (*p) {
		size_t n = 0;

		while (p[n] && p[n] != ',')
			n++;
		snprintf(glob, sizeof(glob), "%.*s", (int)n, p);
		if (glob_match(glob, tc->suite) || glob_match(glob, full))
			return true;
		p += p[n] ? n + 1 : n;
	}
	return false;
}

static bool case_selected(const struct ktest_case *tc)
{
	if (strcmp(tc->suite, SELFTEST_SUITE) == 0)
		return strcmp(tc->name, selftest) == 0;
	return !filter[0] || filter_match(tc);
}

/* Gather the selected cases and sort them; an insertion sort is plenty here. */
static void collect_cases(void)
{
	const struct ktest_case *tc;

	for (tc = __start_ktest_cases; tc < __stop_ktest_cases; tc++) {
		if (!case_selected(tc))
			continue;
		if (nr_cases == KTEST_MAX_CASES)
			panic("ktest: more than %d cases; raise KTEST_MAX_CASES",
			      KTEST_MAX_CASES);
		size_t i = nr_cases++;
		for (; i > 0 && case_cmp(cases[i - 1], tc) > 0; i--)
			cases[i] = cases[i - 1];
		cases[i] = tc;
	}
}

/* Index one past the last case of the suite that starts at `first`. */
static size_t suite_end(size_t first)
{
	size_t i = first + 1;

	while (i < nr_cases && strcmp(cases[i]->suite, cases[first]->suite) == 0)
		i++;
	return i;
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
	if (f->vector == VEC_PF && tc->fault_addr != KTEST_ANY_ADDR &&
	    f->addr != tc->fault_addr)
		ktest_fail_at(t, tc->file, tc->line,
			      "#PF at 0x%lx, expected at 0x%lx (RIP %s)",
			      f->addr, tc->fault_addr, sym);
}

/*
 * Run tc under setjmp and judge it. Nests: a case may run a synthetic case
 * through ktest_run_quiet(), so the outer `current` is saved and restored.
 */
static void execute(const struct ktest_case *tc, struct ktest *t, struct case_run *run)
{
	struct ktest *outer = current;
	bool irqs = cpu_rflags() & RFLAGS_IF;

	*t = (struct ktest){ .tc = tc, .priv = run };
	current = t;
	if (setjmp(run->env) == 0)
		tc->fn(t);
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
	struct case_run run = { .quiet = true };
	struct ktest t;

	execute(tc, &t, &run);
	*out = (struct ktest_outcome){
		.failures = t.failures,
		.skipped = t.skipped,
		.faulted = run.faulted,
		.fault = run.fault,
	};
}

/* Run one case and print its result line. */
static bool run_case(const struct ktest_case *tc, size_t number)
{
	struct case_run run = { .quiet = false };
	struct ktest t;

	execute(tc, &t, &run);
	if (t.failures) {
		console_printf("  not ok %zu %s\n", number, tc->name);
		failed++;
		return false;
	}
	if (t.skipped) {
		console_printf("  ok %zu %s # SKIP %s\n", number, tc->name,
			       t.skip_reason ? t.skip_reason : "");
		skipped++;
	} else {
		console_printf("  ok %zu %s\n", number, tc->name);
		passed++;
	}
	return true;
}

static bool run_suite(size_t first, size_t end, size_t number)
{
	bool ok = true;

	console_printf("  KTAP version 1\n");
	console_printf("  # Subtest: %s\n", cases[first]->suite);
	console_printf("  1..%zu\n", end - first);
	for (size_t i = first; i < end; i++)
		ok &= run_case(cases[i], i - first + 1);
	console_printf("%s %zu %s\n", ok ? "ok" : "not ok", number, cases[first]->suite);
	return ok;
}

static void print_summary(void)
{
	uint64_t ns = tsc_ns_since_boot();

	console_printf("# ktest: %u passed, %u failed, %u skipped\n",
		       passed, failed, skipped);
	console_printf("# boot-to-summary: %lu ms (%lu TSC cycles)\n",
		       ns / 1000000, rdtsc() - boot_tsc);
}

/* One KTAP report of the cases `filter` selects, from a clean slate: it may run again. */
static void run_selected(void)
{
	size_t nr_suites = 0, suite = 0;

	nr_cases = 0;
	passed = failed = skipped = 0;
	collect_cases();
	for (size_t i = 0; i < nr_cases; i = suite_end(i))
		nr_suites++;
	console_printf("KTAP version 1\n1..%zu\n", nr_suites);
	if (shuffle)
		console_printf("# ktest.shuffle=%lu: suites in shuffled order\n", shuffle_seed);
	for (size_t i = 0, end; i < nr_cases; i = end) {
		end = suite_end(i);
		run_suite(i, end, ++suite);
	}
	print_summary();
}

bool ktest_run_filter(const char *globs)
{
	strlcpy(filter, globs ? globs : "", sizeof(filter));
	run_selected();
	return failed == 0;
}

/* ktest.shuffle=SEED; a bad seed is reported and the suites run in name order. */
static void parse_shuffle(const char *cmdline)
{
	static char arg[CMDLINE_MAX];	/* the whole line fits: nothing is cut off */

	if (!cmdline_get(cmdline, "ktest.shuffle", arg, sizeof(arg)))
		return;
	shuffle = ktest_parse_seed(arg, &shuffle_seed);
	if (!shuffle)
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
	run_selected();

	if (cmdline_flag(cmdline, "ktest.exit"))
		debug_exit(failed ? DEBUG_EXIT_FAIL : DEBUG_EXIT_PASS);
	return failed == 0;
}
