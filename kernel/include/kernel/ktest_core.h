/* SPDX-License-Identifier: MIT */
/*
 * The ktest core, one for both backends (kernel/ktest/ktest.c in the kernel,
 * tests/host/ktest_host.c on the host): which cases run, in what order, and
 * the KTAP report with its summary line. A backend hands it the cases, a way
 * to print and a way to run one case; it keeps only what differs (fault
 * recovery and how the run ends). Portable.
 *
 * Selection, the same rule on both backends:
 *  - filter "GLOB[,GLOB...]" (ktest.filter= in the kernel, the argument of
 *    ktest-host): a case runs if a glob matches its suite name or
 *    "suite.case". '*' is any run of characters, '?' any one, every other
 *    character only itself (no [...] classes, no escapes). NULL or "": every
 *    case. An empty glob (",,", a trailing comma) matches nothing.
 *    A glob after '-' excludes: a case it matches does not run, whatever
 *    the other globs say; a filter of exclusions alone ("-bitmap*,-pfa")
 *    runs every other case. "-" alone excludes nothing.
 *  - suite "selftest" holds cases that fail on purpose, for the runner's own
 *    tests: case NAME of it runs only when selftest is NAME (ktest.selftest=
 *    in the kernel, --selftest= on the host), whatever the filter says; no
 *    filter selects a selftest case.
 * Order: suites by name, or by their keys under a shuffle seed
 * (<kernel/ktest_order.h>); cases by (file, line), their source order.
 */
#ifndef KERNEL_KTEST_CORE_H
#define KERNEL_KTEST_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/ktest.h>

#define KTEST_SELFTEST_SUITE	"selftest"

/* Which cases run, and in what order. */
struct ktest_selection {
	const char *filter;	/* GLOB[,GLOB...]; NULL or "": every case */
	const char *selftest;	/* the one selftest case to run; NULL or "": none */
	bool shuffle;		/* suites in the order drawn from seed */
	uint64_t seed;
};

/* Does filter select the case suite.name (the selftest rule aside)? */
bool ktest_filter_match(const char *filter, const char *suite, const char *name);
/* Does sel select tc? */
bool ktest_selected(const struct ktest_selection *sel, const struct ktest_case *tc);
/* <0, 0 or >0: the order of a and b under sel. */
int ktest_case_cmp(const struct ktest_selection *sel, const struct ktest_case *a,
		   const struct ktest_case *b);
/*
 * The cases of [first, end) that sel selects: how many. If that is at most
 * max, they are in out[], sorted; if not, out[] holds nothing useful (the
 * caller asks again with room, or says it cannot). max 0 just counts.
 */
size_t ktest_collect(const struct ktest_selection *sel, const struct ktest_case *first,
		     const struct ktest_case *end, const struct ktest_case **out, size_t max);

/* What differs between the backends. */
struct ktest_backend {
	/* Print KTAP text (lines end in "\n"). */
	void (*vprint)(const char *fmt, va_list ap);
	/* Run t->tc to its end, however it ends: t->failures and t->skipped tell. */
	void (*run)(struct ktest *t);
	/* Optional: after each case's result line (the host's KTEST_FAILFAST). */
	void (*case_end)(const struct ktest *t);
	/* Optional: before a suite's first case. */
	void (*suite_start)(const char *suite);
	/*
	 * Optional: after its last case. false fails the suite even if every
	 * case passed; it printed why (ktest_suite_diag) first.
	 */
	bool (*suite_end)(const char *suite);
};

struct ktest_totals {
	unsigned int passed, failed, skipped;	/* cases */
	unsigned int suites_failed;	/* by a case or by suite_end */
};

/*
 * Run cases[0..n) (sorted, as ktest_collect leaves them) and print the KTAP
 * report: the plan, the shuffle seed if sel shuffles, each suite as a
 * nested block, then "# ktest: P passed, F failed, S skipped". The summary
 * counts cases; a suite failed by suite_end shows in suites_failed.
 */
void ktest_report(const struct ktest_backend *b, const struct ktest_selection *sel,
		  const struct ktest_case *const *cases, size_t n, struct ktest_totals *tot);

/* A "# ..." line inside the running suite, after its cases (for suite_end). */
void ktest_suite_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* KERNEL_KTEST_CORE_H */
