// SPDX-License-Identifier: MIT
/* The ktest core (portable, kernel and host): selection, order, the KTAP report, the summary. */
#include <kernel/glob.h>
#include <kernel/ktest.h>
#include <kernel/ktest_core.h>
#include <kernel/ktest_order.h>

/* Where the running report prints; NULL outside ktest_report (failures are still counted). */
static const struct ktest_backend *out;

static void print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void print(const char *fmt, ...)
{
	va_list ap;

	if (!out)
		return;
	va_start(ap, fmt);
	out->vprint(fmt, ap);
	va_end(ap);
}

static void vprint(const char *fmt, va_list ap)
{
	if (out)
		out->vprint(fmt, ap);
}

/* strcmp, which the portable code does without. */
static int str_cmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int ktest_strcmp(const char *a, const char *b)
{
	if (!a || !b)
		return a == b ? 0 : (a ? 1 : -1);
	return str_cmp(a, b);
}

/* ------------------------------------------------------------ case services */

void ktest_diag(struct ktest *t, const char *fmt, ...)
{
	va_list ap;

	if (t->quiet)
		return;
	print("  # ");
	va_start(ap, fmt);
	vprint(fmt, ap);
	va_end(ap);
	print("\n");
}

void ktest_fail_at(struct ktest *t, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	t->failures++;
	if (t->quiet)
		return;
	print("  # %s:%d: ", file, line);
	va_start(ap, fmt);
	vprint(fmt, ap);
	va_end(ap);
	print("\n");
}

void ktest_skip(struct ktest *t, const char *reason)
{
	t->skipped = true;
	t->skip_reason = reason;
	ktest_abort(t);
}

void ktest_suite_diag(const char *fmt, ...)
{
	va_list ap;

	print("  # ");
	va_start(ap, fmt);
	vprint(fmt, ap);
	va_end(ap);
	print("\n");
}

/* ------------------------------------------------------------ selection */

/*
 * Does the glob at [g, g + len) match suite or "suite.name"? KTEST() makes
 * sure every registered case's full name fits in KTEST_NAME_MAX; a case
 * made by hand with a longer one is matched by its suite name alone.
 */
static bool glob_selects(const char *g, size_t len, const char *suite, const char *name)
{
	char full[KTEST_NAME_MAX];
	size_t n = 0;

	if (glob_match_n(g, len, suite))
		return true;
	for (const char *s = suite; *s && n < sizeof(full); s++)
		full[n++] = *s;
	if (n < sizeof(full))
		full[n++] = '.';
	for (const char *s = name; *s && n < sizeof(full); s++)
		full[n++] = *s;
	if (n == sizeof(full))
		return false;
	full[n] = '\0';
	return glob_match_n(g, len, full);
}

bool ktest_filter_match(const char *filter, const char *suite, const char *name)
{
	const char *p = filter;
	bool positive = false, included = false;

	if (!filter || !*filter)
		return true;
	for (;;) {
		size_t len = 0;
		bool exclude = *p == '-';

		p += exclude;
		while (p[len] && p[len] != ',')
			len++;
		if (exclude) {
			if (len && glob_selects(p, len, suite, name))
				return false;	/* an exclusion wins over any inclusion */
		} else {
			positive = true;
			included |= len && glob_selects(p, len, suite, name);
		}
		if (!p[len])
			return included || !positive;
		p += len + 1;
	}
}

bool ktest_selected(const struct ktest_selection *sel, const struct ktest_case *tc)
{
	if (str_cmp(tc->suite, KTEST_SELFTEST_SUITE) == 0)
		return sel->selftest && str_cmp(tc->name, sel->selftest) == 0;
	return ktest_filter_match(sel->filter, tc->suite, tc->name);
}

int ktest_case_cmp(const struct ktest_selection *sel, const struct ktest_case *a,
		   const struct ktest_case *b)
{
	int c = sel->shuffle ? ktest_suite_key_cmp(a->suite, b->suite, sel->seed) : 0;

	if (!c)
		c = str_cmp(a->suite, b->suite);
	if (!c)
		c = str_cmp(a->file, b->file);
	if (!c)
		c = (a->line > b->line) - (a->line < b->line);
	return c;
}

/* Insertion sort: a few hundred cases, once per run. */
size_t ktest_collect(const struct ktest_selection *sel, const struct ktest_case *first,
		     const struct ktest_case *end, const struct ktest_case **out_cases, size_t max)
{
	size_t n = 0;

	for (const struct ktest_case *tc = first; tc < end; tc++) {
		if (!ktest_selected(sel, tc))
			continue;
		if (n++ >= max)
			continue;
		size_t i = n - 1;
		for (; i > 0 && ktest_case_cmp(sel, out_cases[i - 1], tc) > 0; i--)
			out_cases[i] = out_cases[i - 1];
		out_cases[i] = tc;
	}
	return n;
}

/* ------------------------------------------------------------ the report */

/* Run one case and print its result line; false if it failed. */
static bool run_case(const struct ktest_case *tc, size_t number, struct ktest_totals *tot)
{
	struct ktest t = { .tc = tc };

	out->run(&t);
	if (t.failures) {
		print("  not ok %zu %s\n", number, tc->name);
		tot->failed++;
	} else if (t.skipped) {
		print("  ok %zu %s # SKIP %s\n", number, tc->name, t.skip_reason ? t.skip_reason : "");
		tot->skipped++;
	} else {
		print("  ok %zu %s\n", number, tc->name);
		tot->passed++;
	}
	if (out->case_end)
		out->case_end(&t);
	return !t.failures;
}

/* Index one past the last case of the suite that starts at first. */
static size_t suite_end(const struct ktest_case *const *cases, size_t n, size_t first)
{
	size_t i = first + 1;

	while (i < n && str_cmp(cases[i]->suite, cases[first]->suite) == 0)
		i++;
	return i;
}

/* cases[0..n), one suite, as a nested block, and its result line. */
static void run_suite(const struct ktest_case *const *cases, size_t n, size_t number,
		      struct ktest_totals *tot)
{
	const char *suite = cases[0]->suite;
	bool ok = true;

	print("  KTAP version 1\n  # Subtest: %s\n  1..%zu\n", suite, n);
	if (out->suite_start)
		out->suite_start(suite);
	for (size_t i = 0; i < n; i++)
		ok &= run_case(cases[i], i + 1, tot);
	if (out->suite_end)
		ok &= out->suite_end(suite);
	tot->suites_failed += !ok;
	print("%s %zu %s\n", ok ? "ok" : "not ok", number, suite);
}

void ktest_report(const struct ktest_backend *b, const struct ktest_selection *sel,
		  const struct ktest_case *const *cases, size_t n, struct ktest_totals *tot)
{
	const struct ktest_backend *outer = out;	/* a report inside a case (host tests) */
	size_t nr_suites = 0, number = 0;

	out = b;
	*tot = (struct ktest_totals){ 0 };
	for (size_t i = 0; i < n; i = suite_end(cases, n, i))
		nr_suites++;
	print("KTAP version 1\n1..%zu\n", nr_suites);
	if (sel->shuffle)
		print("# ktest.shuffle=%llu: suites in shuffled order\n",
		      (unsigned long long)sel->seed);
	for (size_t i = 0, end; i < n; i = end) {
		end = suite_end(cases, n, i);
		run_suite(cases + i, end - i, ++number, tot);
	}
	print("# ktest: %u passed, %u failed, %u skipped\n", tot->passed, tot->failed, tot->skipped);
	out = outer;
}
