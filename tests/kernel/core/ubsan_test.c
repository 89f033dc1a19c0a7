// SPDX-License-Identifier: MIT
/*
 * The UBSan runtime (kernel/core/ubsan.c), only in `make UBSAN=1` kernels:
 * each case breaks a rule on purpose with the test hook set and checks the
 * report names that check and this file's line. Without the hook the same
 * report would panic the boot.
 */
#ifdef SETBIT_UBSAN
#include <stddef.h>
#include <kernel/ktest.h>
#include <kernel/string.h>
#include <kernel/ubsan.h>

static const char *seen_check;
static struct ubsan_location seen_where;
static int reports;

/* Keeps the first report: one bad line may fail several checks (an index and the object size). */
static void record(const char *check, const struct ubsan_location *where)
{
	if (!reports++) {
		seen_check = check;
		seen_where = *where;
	}
}

static void start(void)
{
	seen_check = NULL;
	reports = 0;
	ubsan_set_hook(record);
}

/* Opaque to the optimiser, so the checks stay in and run. */
static int hide(int v)
{
	__asm__ volatile("" : "+r"(v));
	return v;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && !strcmp(s + n - m, tail);
}

KTEST(ubsan, signed_overflow_is_reported_with_its_line)
{
	volatile int r;
	int line;

	start();
	line = __LINE__; r = hide(0x7fffffff) + hide(1);
	ubsan_set_hook(NULL);
	(void)r;
	ASSERT_EQ(t, reports, 1);
	EXPECT_EQ(t, strcmp(seen_check, "signed integer overflow in +"), 0);
	EXPECT_TRUE(t, ends_with(seen_where.file, "ubsan_test.c"));
	EXPECT_EQ(t, seen_where.line, (uint32_t)line);
}

KTEST(ubsan, shift_past_the_width_is_reported)
{
	volatile int r;
	int line;

	start();
	line = __LINE__; r = 1 << hide(40);
	ubsan_set_hook(NULL);
	(void)r;
	ASSERT_EQ(t, reports, 1);
	EXPECT_EQ(t, strcmp(seen_check, "shift out of bounds"), 0);
	EXPECT_EQ(t, seen_where.line, (uint32_t)line);
}

KTEST(ubsan, index_past_an_array_is_reported)
{
	int a[4] = { 1, 2, 3, 4 };
	volatile int r;
	int line;

	start();
	line = __LINE__; r = a[hide(4)];
	ubsan_set_hook(NULL);
	(void)r;
	ASSERT_GE(t, reports, 1);
	EXPECT_EQ(t, strcmp(seen_check, "array index out of bounds"), 0);
	EXPECT_EQ(t, seen_where.line, (uint32_t)line);
}

/* A well-defined line reports nothing: the runtime is not simply always firing. */
KTEST(ubsan, defined_arithmetic_reports_nothing)
{
	volatile int r;

	start();
	r = hide(0x7ffffffe) + hide(1);
	r = 1 << hide(30);
	ubsan_set_hook(NULL);
	EXPECT_EQ(t, r, 1 << 30);
	EXPECT_EQ(t, reports, 0);
}
#endif /* SETBIT_UBSAN */
