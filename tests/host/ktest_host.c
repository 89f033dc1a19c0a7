/* Host backend of <kernel/ktest.h>: runs every registered case and prints KTAP on stdout. */

#include <kernel/ktest.h>
#include <kernel/ktest_order.h>

#include <fnmatch.h>
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

#define SELFTEST_SUITE "selftest"

/* KTEST_FAILFAST set in the environment: exit 1 at the first failed case. */
static bool failfast;
/* --shuffle=SEED or $KTEST_SHUFFLE: the suite order (see <kernel/ktest_order.h>). */
static bool shuffle;
static uint64_t shuffle_seed;

struct totals {
	int passed;
	int failed;
	int skipped;
};

int ktest_strcmp(const char *a, const char *b)
{
	if (!a || !b)
		return a == b ? 0 : (a ? 1 : -1);
	return strcmp(a, b);
}

void ktest_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void ktest_diag(struct ktest *t, const char *fmt, ...)
{
	va_list ap;

	(void)t;
	printf("  # ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

void ktest_fail_at(struct ktest *t, const char *file, int line,
		   const char *fmt, ...)
{
	va_list ap;

	t->failures++;
	printf("  # %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

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

void ktest_skip(struct ktest *t, const char *reason)
{
	t->skipped = true;
	t->skip_reason = reason;
	ktest_abort(t);
}

/* Suites in name (or shuffled) order; inside a suite, cases in source order. */
static int case_order(const void *pa, const void *pb)
{
	const struct ktest_case *a = *(const struct ktest_case *const *)pa;
	const struct ktest_case *b = *(const struct ktest_case *const *)pb;
	int c;

	c = shuffle ? ktest_suite_key_cmp(a->suite, b->suite, shuffle_seed) : 0;
	if (c == 0)
		c = strcmp(a->suite, b->suite);
	if (c == 0)
		c = strcmp(a->file, b->file);
	if (c == 0)
		c = (a->line > b->line) - (a->line < b->line);
	return c;
}

/* Does one glob match the suite name or "suite.case"? */
static bool glob_selects(const char *glob, const struct ktest_case *tc)
{
	char full[256];

	if (fnmatch(glob, tc->suite, 0) == 0)
		return true;
	snprintf(full, sizeof(full), "%s.%s", tc->suite, tc->name);
	return fnmatch(glob, full, 0) == 0;
}

/*
 * Does FILTER ("GLOB[,GLOB...]", as ktest.filter= in the kernel) select the
 * case? The "selftest" suite fails on purpose (the kernel runs it only for
 * ktest.selftest=), so here it runs only when a filter names it.
 */
static bool case_selected(const struct ktest_case *tc, const char *filter)
{
	char glob[256];
	const char *p, *comma;
	size_t len;

	if (!filter)
		return strcmp(tc->suite, SELFTEST_SUITE) != 0;
	for (p = filter; ; p = comma + 1) {
		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		if (len < sizeof(glob)) {
			memcpy(glob, p, len);
			glob[len] = '\0';
			if (glob_selects(glob, tc))
				return true;
		}
		if (!comma)
			return false;
	}
}

/*
 * Collect the selected cases, sorted. Returns how many; *out is malloc'ed.
 * The section is an array because every entry is the same 8-aligned struct.
 */
static size_t collect_cases(const char *filter, const struct ktest_case ***out)
{
	size_t total = (size_t)(__stop_ktest_cases - __start_ktest_cases);
	const struct ktest_case **list;
	size_t i, n = 0;

	list = calloc(total ? total : 1, sizeof(*list));
	if (!list) {
		perror("ktest-host");
		exit(2);
	}
	for (i = 0; i < total; i++)
		if (case_selected(&__start_ktest_cases[i], filter))
			list[n++] = &__start_ktest_cases[i];
	qsort(list, n, sizeof(*list), case_order);
	*out = list;
	return n;
}

/* Number of suites in a sorted case list. */
static size_t count_suites(const struct ktest_case **list, size_t n)
{
	size_t i, suites = 0;

	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(list[i]->suite, list[i - 1]->suite) != 0)
			suites++;
	return suites;
}

/*
 * Call the body; ktest_abort() lands back here. Only *t changes between
 * setjmp and longjmp, and it lives in the caller's frame, so nothing here
 * needs to be volatile.
 */
static void call_case(struct ktest *t)
{
	jmp_buf env;

	t->priv = &env;
	if (setjmp(env) == 0)
		t->tc->fn(t);
	t->priv = NULL;
}

/* Run one case and print its result line. Returns true unless it failed. */
static bool run_case(const struct ktest_case *tc, int index,
		     struct totals *tot)
{
	struct ktest t = { .tc = tc };

	if (tc->fault_vector != KTEST_NO_FAULT) {
		printf("  ok %d %s # SKIP expects CPU exception %d: kernel only\n",
		       index, tc->name, tc->fault_vector);
		tot->skipped++;
		return true;
	}
	call_case(&t);

	if (t.failures) {
		printf("  not ok %d %s\n", index, tc->name);
		tot->failed++;
		if (failfast)
			exit(1);
		return false;
	}
	if (t.skipped) {
		printf("  ok %d %s # SKIP %s\n", index, tc->name,
		       t.skip_reason ? t.skip_reason : "");
		tot->skipped++;
		return true;
	}
	printf("  ok %d %s\n", index, tc->name);
	tot->passed++;
	return true;
}

/* Run list[0..n), one suite, as a nested KTAP block and print its result. */
static void run_suite(const struct ktest_case **list, size_t n, int index,
		      struct totals *tot)
{
	bool ok = true;
	size_t i;

	printf("  KTAP version 1\n");
	printf("  # Subtest: %s\n", list[0]->suite);
	printf("  1..%zu\n", n);
	for (i = 0; i < n; i++)
		ok &= run_case(list[i], (int)i + 1, tot);
	printf("%sok %d %s\n", ok ? "" : "not ", index, list[0]->suite);
}

static int usage(void)
{
	fprintf(stderr, "usage: ktest-host [--shuffle=SEED] [GLOB[,GLOB...]]\n"
		"  runs the cases whose \"suite\" or \"suite.case\" matches a GLOB;\n"
		"  --shuffle=SEED (or KTEST_SHUFFLE=SEED) runs the suites in an order\n"
		"  drawn from SEED, a decimal number, as ktest.shuffle=SEED in the kernel\n");
	return 2;
}

/* Take the shuffle seed from arg ("--shuffle=SEED") or the environment. */
static bool set_shuffle(const char *seed, const char *from)
{
	if (!seed)
		return true;
	shuffle = ktest_parse_seed(seed, &shuffle_seed);
	if (!shuffle)
		fprintf(stderr, "ktest-host: bad %s\"%s\": expected a decimal seed below 2^64\n",
			from, seed);
	return shuffle;
}

/* The options and the filter; false (after a message) on bad usage. */
static bool parse_args(int argc, char **argv, const char **filter)
{
	const char *seed = getenv("KTEST_SHUFFLE"), *from = "KTEST_SHUFFLE=";

	*filter = NULL;
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--shuffle=", 10) == 0) {
			seed = argv[i] + 10;
			from = "--shuffle=";
		} else if (argv[i][0] == '-' || *filter) {
			usage();
			return false;
		} else {
			*filter = argv[i];
		}
	}
	return set_shuffle(seed, from);
}

int main(int argc, char **argv)
{
	const char *filter;
	const struct ktest_case **list;
	struct totals tot = { 0 };
	size_t n, start, end;
	int suite = 0;

	if (!parse_args(argc, argv, &filter))
		return 2;
	/* Line-buffered, so a crash or a sanitizer report leaves every finished line behind. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	failfast = getenv("KTEST_FAILFAST") != NULL;

	n = collect_cases(filter, &list);
	printf("KTAP version 1\n");
	printf("1..%zu\n", count_suites(list, n));
	if (shuffle)
		printf("# ktest.shuffle=%llu: suites in shuffled order\n",
		       (unsigned long long)shuffle_seed);
	for (start = 0; start < n; start = end) {
		end = start + 1;
		while (end < n && strcmp(list[end]->suite, list[start]->suite) == 0)
			end++;
		run_suite(list + start, end - start, ++suite, &tot);
	}
	printf("# ktest: %d passed, %d failed, %d skipped\n",
	       tot.passed, tot.failed, tot.skipped);
	free(list);
	return tot.failed ? 1 : 0;
}
