// SPDX-License-Identifier: MIT
/* Host backend of <kernel/ktest.h>: runs the selected cases through the ktest core, KTAP on stdout. */

#include <kernel/ktest.h>
#include <kernel/ktest_core.h>
#include <kernel/ktest_order.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The linker brackets the "ktest_cases" section with these two symbols; weak,
 * because a binary without a single case has no such section at all.
 */
extern const struct ktest_case __start_ktest_cases[] __attribute__((weak));
extern const struct ktest_case __stop_ktest_cases[] __attribute__((weak));

/* KTEST_FAILFAST set in the environment: exit 1 at the first failed case. */
static bool failfast;
static bool list_only;	/* --list: print the selected cases, run none */

/* lib/bitmap's invariant checks (this binary builds it with BM_DEBUG). */
void bm_assert_fail(const char *expr, const char *file, int line)
{
	fflush(stdout);
	fprintf(stderr, "assertion failed: lib/bitmap at %s:%d: %s\n", file, line, expr);
	abort();
}

void ktest_abort(struct ktest *t)
{
	longjmp(*(jmp_buf *)t->priv, 1);
}

/*
 * Call the body; ktest_abort() lands back here. Only *t changes between
 * setjmp and longjmp, and it lives in the caller's frame, so nothing here
 * needs to be volatile. A case that must raise a CPU exception is skipped:
 * only the kernel can catch one.
 */
static void run_case(struct ktest *t)
{
	static char reason[64];
	jmp_buf env;

	if (t->tc->fault_vector != KTEST_NO_FAULT) {
		snprintf(reason, sizeof(reason), "expects CPU exception %d: kernel only",
			 t->tc->fault_vector);
		t->skipped = true;
		t->skip_reason = reason;
		return;
	}
	t->priv = &env;
	if (setjmp(env) == 0)
		t->tc->fn(t);
	t->priv = NULL;
}

static void case_end(const struct ktest *t)
{
	if (failfast && t->failures)
		exit(1);
}

static void stdout_vprint(const char *fmt, va_list ap)
{
	vprintf(fmt, ap);
}

static const struct ktest_backend host_backend = {
	.vprint = stdout_vprint,
	.run = run_case,
	.case_end = case_end,
};

static int usage(void)
{
	fprintf(stderr, "usage: ktest-host [--list] [--shuffle=SEED] [--selftest=NAME] [[--] GLOB[,GLOB...]]\n"
		"  runs the cases whose \"suite\" or \"suite.case\" matches a GLOB (* and ?)\n"
		"  and no -GLOB (after --, a filter may start with one);\n"
		"  --shuffle=SEED (or KTEST_SHUFFLE=SEED) runs the suites in an order\n"
		"  drawn from SEED, a decimal number, as ktest.shuffle=SEED in the kernel;\n"
		"  --selftest=NAME also runs case NAME of suite selftest, which fails on\n"
		"  purpose, as ktest.selftest=NAME in the kernel;\n"
		"  --list prints those cases' suite.case names in order instead of running them\n");
	return 2;
}

/* Take the shuffle seed from arg ("--shuffle=SEED") or the environment. */
static bool set_shuffle(struct ktest_selection *sel, const char *seed, const char *from)
{
	if (!seed)
		return true;
	sel->shuffle = ktest_parse_seed(seed, &sel->seed);
	if (!sel->shuffle)
		fprintf(stderr, "ktest-host: bad %s\"%s\": expected a decimal seed below 2^64\n",
			from, seed);
	return sel->shuffle;
}

/* The options and the filter; false (after a message) on bad usage. */
static bool parse_args(int argc, char **argv, struct ktest_selection *sel)
{
	const char *seed = getenv("KTEST_SHUFFLE"), *from = "KTEST_SHUFFLE=";
	bool have_filter = false, options = true;

	*sel = (struct ktest_selection){ 0 };
	for (int i = 1; i < argc; i++) {
		if (options && strcmp(argv[i], "--") == 0) {
			options = false;
		} else if (!options && !have_filter) {
			sel->filter = argv[i];
			have_filter = true;
		} else if (strncmp(argv[i], "--shuffle=", 10) == 0 && options) {
			seed = argv[i] + 10;
			from = "--shuffle=";
		} else if (strncmp(argv[i], "--selftest=", 11) == 0 && options) {
			sel->selftest = argv[i] + 11;
		} else if (strcmp(argv[i], "--list") == 0 && options) {
			list_only = true;
		} else if (argv[i][0] == '-' || have_filter) {
			usage();
			return false;
		} else {
			sel->filter = argv[i];
			have_filter = true;
		}
	}
	return set_shuffle(sel, seed, from);
}

/* The selected cases, sorted, in a malloc'ed array; *n of them. */
static const struct ktest_case **collect(const struct ktest_selection *sel, size_t *n)
{
	const struct ktest_case **list;

	*n = ktest_collect(sel, __start_ktest_cases, __stop_ktest_cases, NULL, 0);
	list = calloc(*n ? *n : 1, sizeof(*list));
	if (!list) {
		perror("ktest-host");
		exit(2);
	}
	ktest_collect(sel, __start_ktest_cases, __stop_ktest_cases, list, *n);
	return list;
}

int main(int argc, char **argv)
{
	struct ktest_selection sel;
	const struct ktest_case **list;
	struct ktest_totals tot;
	size_t n;

	if (!parse_args(argc, argv, &sel))
		return 2;
	/* Line-buffered, so a crash or a sanitizer report leaves every finished line behind. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	failfast = getenv("KTEST_FAILFAST") != NULL;

	list = collect(&sel, &n);
	if (list_only) {
		for (size_t i = 0; i < n; i++)
			printf("%s.%s\n", list[i]->suite, list[i]->name);
		free(list);
		return 0;
	}
	ktest_report(&host_backend, &sel, list, n, &tot);
	free(list);
	return tot.failed || tot.suites_failed ? 1 : 0;
}
