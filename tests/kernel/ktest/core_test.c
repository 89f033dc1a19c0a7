// SPDX-License-Identifier: MIT
/*
 * The ktest core (portable: kernel and host): the selection rules as
 * <kernel/ktest_core.h> and README's ktest.filter= line write them, the
 * order, and the KTAP report, checked on cases made here.
 */
#include <stdarg.h>

#include <kernel/ktest.h>
#include <kernel/ktest_core.h>
#include <kernel/ktest_order.h>

/* libc's on the host, kernel/lib/vsprintf.c in the kernel: C's signature in both. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

static bool sel_filter(const char *filter, const char *suite, const char *name)
{
	return ktest_filter_match(filter, suite, name);
}

KTEST(ktest_core, no_filter_or_empty_filter_selects_every_case)
{
	EXPECT_TRUE(t, sel_filter(NULL, "bitmap", "find_first"));
	EXPECT_TRUE(t, sel_filter("", "bitmap", "find_first"));
}

KTEST(ktest_core, a_glob_matches_the_whole_suite_name)
{
	EXPECT_TRUE(t, sel_filter("bitmap", "bitmap", "find_first"));
	EXPECT_FALSE(t, sel_filter("bitmap", "bitmaps", "find_first"));
	EXPECT_FALSE(t, sel_filter("bit", "bitmap", "find_first"));
	EXPECT_TRUE(t, sel_filter("bitmap*", "bitmap_find", "x"));
}

KTEST(ktest_core, a_glob_matches_the_whole_suite_dot_case)
{
	EXPECT_TRUE(t, sel_filter("pfa.alloc*", "pfa", "alloc_one"));
	EXPECT_FALSE(t, sel_filter("pfa.alloc*", "pfa", "free_one"));
	EXPECT_FALSE(t, sel_filter("pfa.alloc*", "pfa_tsan", "alloc_one"));
	EXPECT_FALSE(t, sel_filter("pfa.alloc", "pfa", "alloc_one"));
	/* '*' and '?' cross the dot: the glob sees one name. */
	EXPECT_TRUE(t, sel_filter("b*first", "bitmap", "find_first"));
	EXPECT_TRUE(t, sel_filter("pfa?alloc", "pfa", "alloc"));
	EXPECT_TRUE(t, sel_filter("*.find_*", "bitmap", "find_first"));
}

KTEST(ktest_core, any_glob_of_a_comma_list_selects)
{
	EXPECT_TRUE(t, sel_filter("zulu,alpha.skips", "zulu", "passes"));
	EXPECT_TRUE(t, sel_filter("zulu,alpha.skips", "alpha", "skips"));
	EXPECT_FALSE(t, sel_filter("zulu,alpha.skips", "alpha", "diag_and_pass"));
	EXPECT_TRUE(t, sel_filter("bitmap_find,pfa.alloc*", "pfa", "alloc_below"));
}

KTEST(ktest_core, an_empty_glob_matches_nothing)
{
	EXPECT_FALSE(t, sel_filter(",", "a", "b"));
	EXPECT_FALSE(t, sel_filter(",,", "a", "b"));
	EXPECT_TRUE(t, sel_filter("a,", "a", "b"));
	EXPECT_TRUE(t, sel_filter(",a", "a", "b"));
	EXPECT_FALSE(t, sel_filter("x,", "a", "b"));
}

/* -GLOB excludes: it wins over every inclusion; exclusions alone keep every other case. */
KTEST(ktest_core, minus_glob_excludes_what_it_matches)
{
	EXPECT_FALSE(t, sel_filter("-bitmap*", "bitmap_find", "x"));
	EXPECT_TRUE(t, sel_filter("-bitmap*", "pfa", "x"));
	EXPECT_TRUE(t, sel_filter("-bitmap*,-hbitmap", "smp", "x"));
	EXPECT_FALSE(t, sel_filter("-bitmap*,-hbitmap", "hbitmap", "x"));
	/* An inclusion and an exclusion: what the first picks, less what the second drops. */
	EXPECT_TRUE(t, sel_filter("pfa,-pfa.free*", "pfa", "alloc_one"));
	EXPECT_FALSE(t, sel_filter("pfa,-pfa.free*", "pfa", "free_one"));
	EXPECT_FALSE(t, sel_filter("pfa,-pfa.free*", "smp", "x"));
	/* Order does not matter: the exclusion first drops the same case. */
	EXPECT_FALSE(t, sel_filter("-pfa.free*,pfa", "pfa", "free_one"));
	EXPECT_TRUE(t, sel_filter("-pfa.free*,pfa", "pfa", "alloc_one"));
	/* The exclusion matches "suite" or "suite.case", as an inclusion does. */
	EXPECT_FALSE(t, sel_filter("-*.free_one", "pfa", "free_one"));
	EXPECT_TRUE(t, sel_filter("-pfa.free", "pfa", "free_one"));
	/* "-" alone excludes nothing; a '-' inside a glob is a plain character. */
	EXPECT_TRUE(t, sel_filter("-", "a", "b"));
	EXPECT_TRUE(t, sel_filter("a-b", "a-b", "x"));
	EXPECT_FALSE(t, sel_filter("a-b", "a", "b"));
	/* An empty inclusion still counts as one: "-x," selects nothing. */
	EXPECT_FALSE(t, sel_filter("-x,", "a", "b"));
}

/* Only '*' and '?' are special: fnmatch's classes and escapes are plain characters here. */
KTEST(ktest_core, brackets_and_backslashes_are_plain_characters)
{
	EXPECT_FALSE(t, sel_filter("alpha.[s]kips", "alpha", "skips"));
	EXPECT_TRUE(t, sel_filter("alpha.[s]kips", "alpha", "[s]kips"));
	EXPECT_FALSE(t, sel_filter("a\\*", "a*", "x"));
	EXPECT_TRUE(t, sel_filter("a\\*", "a\\b", "x"));
}

/* Globs and lists of any length: nothing is cut off (the old backends stopped at 127 and 255). */
KTEST(ktest_core, long_globs_are_matched_whole)
{
	static char filter[700];
	size_t n = 0;

	/* 300 stars then "pfa": matches pfa. */
	while (n < 300)
		filter[n++] = '*';
	filter[n++] = 'p', filter[n++] = 'f', filter[n++] = 'a';
	filter[n] = '\0';
	EXPECT_TRUE(t, sel_filter(filter, "pfa", "x"));
	EXPECT_FALSE(t, sel_filter(filter, "pfb", "x"));
	/* ... then ",zulu" after it: the list goes on past 300 characters. */
	filter[n++] = ',', filter[n++] = 'z', filter[n++] = 'u';
	filter[n++] = 'l', filter[n++] = 'u', filter[n] = '\0';
	EXPECT_TRUE(t, sel_filter(filter, "zulu", "x"));
	/* A 200-char glob ending in "X" must not match a name that lacks it. */
	for (n = 0; n < 199; n++)
		filter[n] = '?';
	filter[n++] = 'X';
	filter[n] = '\0';
	EXPECT_FALSE(t, sel_filter(filter, "pfa", "x"));
}

static void nop(struct ktest *t)
{
	(void)t;
}

#define CASE(suite, name, file, line) { suite, name, file, line, nop, KTEST_NO_FAULT, 0, false, 0, 0 }

KTEST(ktest_core, selftest_cases_run_only_by_name)
{
	static const struct ktest_case fail = CASE("selftest", "fail", "s.c", 1);
	static const struct ktest_case other = CASE("bitmap", "fail", "b.c", 1);
	struct ktest_selection sel = { 0 };

	EXPECT_FALSE(t, ktest_selected(&sel, &fail));
	sel.filter = "selftest";
	EXPECT_FALSE(t, ktest_selected(&sel, &fail));
	sel.filter = "*";
	EXPECT_FALSE(t, ktest_selected(&sel, &fail));
	sel.selftest = "fai";
	EXPECT_FALSE(t, ktest_selected(&sel, &fail));
	sel.selftest = "fail";
	sel.filter = "pfa";		/* the filter does not hide it either */
	EXPECT_TRUE(t, ktest_selected(&sel, &fail));
	EXPECT_FALSE(t, ktest_selected(&sel, &other));
	sel.filter = NULL;
	EXPECT_TRUE(t, ktest_selected(&sel, &other));
}

/* Six cases given out of order; the names say where each belongs. */
static const struct ktest_case mixed[] = {
	CASE("zulu", "z1", "z.c", 5),
	CASE("alpha", "a3", "b.c", 1),
	CASE("alpha", "a2", "a.c", 20),
	CASE("selftest", "fail", "s.c", 1),
	CASE("alpha", "a1", "a.c", 3),
	CASE("mike", "m1", "m.c", 1),
};
#define NR_MIXED (sizeof(mixed) / sizeof(mixed[0]))

KTEST(ktest_core, suites_by_name_cases_by_file_and_line)
{
	static const char *const want[] = { "a1", "a2", "a3", "m1", "z1" };
	const struct ktest_case *got[NR_MIXED];
	struct ktest_selection sel = { 0 };

	ASSERT_EQ(t, ktest_collect(&sel, mixed, mixed + NR_MIXED, got, NR_MIXED), 5u);
	for (size_t i = 0; i < 5; i++)
		EXPECT_STREQ(t, got[i]->name, want[i]);
}

KTEST(ktest_core, shuffled_suites_follow_their_keys_cases_keep_their_order)
{
	const struct ktest_case *got[NR_MIXED];
	struct ktest_selection sel = { .shuffle = true };

	for (sel.seed = 1; sel.seed <= 8; sel.seed++) {
		ASSERT_EQ(t, ktest_collect(&sel, mixed, mixed + NR_MIXED, got, NR_MIXED), 5u);
		for (size_t i = 1; i < 5; i++) {
			uint64_t a = ktest_suite_key(got[i - 1]->suite, sel.seed);
			uint64_t b = ktest_suite_key(got[i]->suite, sel.seed);

			EXPECT_LE(t, a, b);
		}
		/* alpha's three cases stay together, in (file, line) order. */
		for (size_t i = 0; i < 5; i++) {
			if (got[i]->name[0] == 'a') {
				ASSERT_LE(t, i, 2u);
				EXPECT_STREQ(t, got[i + 1]->name, "a2");
				EXPECT_STREQ(t, got[i + 2]->name, "a3");
				break;
			}
		}
	}
}

KTEST(ktest_core, collect_counts_what_does_not_fit)
{
	const struct ktest_case *got[2];
	struct ktest_selection sel = { .selftest = "fail" };

	EXPECT_EQ(t, ktest_collect(&sel, mixed, mixed + NR_MIXED, NULL, 0), 6u);
	EXPECT_EQ(t, ktest_collect(&sel, mixed, mixed + NR_MIXED, got, 2), 6u);
	sel.filter = "mike,zulu.z1";
	EXPECT_EQ(t, ktest_collect(&sel, mixed, mixed + NR_MIXED, got, 2), 3u);
	sel.selftest = NULL;
	ASSERT_EQ(t, ktest_collect(&sel, mixed, mixed + NR_MIXED, got, 2), 2u);
	EXPECT_STREQ(t, got[0]->name, "m1");
	EXPECT_STREQ(t, got[1]->name, "z1");
}

/* ------------------------------------------------------------ the report */

static struct {
	char text[1024];
	size_t len;
	bool overflow;
	const char *suite_ended;
} capture;

static void capture_vprint(const char *fmt, va_list ap)
{
	size_t room = sizeof(capture.text) - capture.len;
	int n = vsnprintf(capture.text + capture.len, room, fmt, ap);

	if (n < 0 || (size_t)n >= room)
		capture.overflow = true;
	else
		capture.len += (size_t)n;
}

/* The case bodies below set the outcome directly: no ktest_abort inside a report made here. */
static void run_fake(struct ktest *t)
{
	const char *name = t->tc->name;

	if (name[0] == 'f') {
		ktest_diag(t, "why %s failed", name);
		t->failures++;
	} else if (name[0] == 's') {
		t->skipped = true;
		t->skip_reason = name[1] ? "no hardware" : NULL;
	}
}

/* Suite "leaky" fails after its cases, as the kernel's leak check does. */
static bool leaky_fails(const char *suite)
{
	capture.suite_ended = suite;
	if (suite[0] != 'l')
		return true;
	ktest_suite_diag("leak: suite %s: %d frames, %d heap object", suite, 3, 1);
	return false;
}

static void report(const struct ktest_selection *sel, const struct ktest_case *list,
		   size_t n, struct ktest_totals *tot)
{
	static const struct ktest_backend fake = {
		.vprint = capture_vprint, .run = run_fake, .suite_end = leaky_fails,
	};
	const struct ktest_case *sorted[8];

	capture.len = 0;
	capture.overflow = false;
	ktest_report(&fake, sel, sorted, ktest_collect(sel, list, list + n, sorted, 8), tot);
	capture.text[capture.len] = '\0';
}

/* The KTAP layout README describes under "Reading build/test/...", line for line. */
KTEST(ktest_core, report_is_ktap_with_nested_suites_and_a_summary)
{
	static const struct ktest_case list[] = {
		CASE("beta", "p", "b.c", 1), CASE("beta", "f", "b.c", 2),
		CASE("beta", "s2", "b.c", 3), CASE("beta", "s", "b.c", 4),
		CASE("leaky", "p", "l.c", 1), CASE("selftest", "f", "s.c", 1),
	};
	struct ktest_selection sel = { 0 };
	struct ktest_totals tot;

	report(&sel, list, 6, &tot);
	EXPECT_FALSE(t, capture.overflow);
	EXPECT_STREQ(t, capture.text,
		     "KTAP version 1\n"
		     "1..2\n"
		     "  KTAP version 1\n"
		     "  # Subtest: beta\n"
		     "  1..4\n"
		     "  ok 1 p\n"
		     "  # why f failed\n"
		     "  not ok 2 f\n"
		     "  ok 3 s2 # SKIP no hardware\n"
		     "  ok 4 s # SKIP \n"
		     "not ok 1 beta\n"
		     "  KTAP version 1\n"
		     "  # Subtest: leaky\n"
		     "  1..1\n"
		     "  ok 1 p\n"
		     "  # leak: suite leaky: 3 frames, 1 heap object\n"
		     "not ok 2 leaky\n"
		     "# ktest: 2 passed, 1 failed, 2 skipped\n");
	/* The summary counts cases; the suite the leak check failed counts apart. */
	EXPECT_EQ(t, tot.passed, 2u);
	EXPECT_EQ(t, tot.failed, 1u);
	EXPECT_EQ(t, tot.skipped, 2u);
	EXPECT_EQ(t, tot.suites_failed, 2u);
	EXPECT_STREQ(t, capture.suite_ended, "leaky");
}

KTEST(ktest_core, report_names_the_shuffle_seed_and_runs_nothing_unselected)
{
	static const struct ktest_case list[] = { CASE("beta", "p", "b.c", 1) };
	struct ktest_selection sel = { .filter = "gamma", .shuffle = true, .seed = 42 };
	struct ktest_totals tot;

	report(&sel, list, 1, &tot);
	EXPECT_STREQ(t, capture.text,
		     "KTAP version 1\n"
		     "1..0\n"
		     "# ktest.shuffle=42: suites in shuffled order\n"
		     "# ktest: 0 passed, 0 failed, 0 skipped\n");
	EXPECT_EQ(t, tot.suites_failed, 0u);
}
