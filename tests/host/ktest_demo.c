// SPDX-License-Identifier: MIT
/* Cases that exercise the host backend itself; tests/runner compares its output to a golden file. */

#include <kernel/ktest.h>

/* Registered first but sorts last: suites run in name order. */
KTEST(zulu, passes)
{
	EXPECT_EQ(t, 1 + 1, 2);
	EXPECT_STREQ(t, "bit", "bit");
}

KTEST(alpha, expect_goes_on)
{
	int after = 0;

	EXPECT_EQ(t, 2 + 2, 5);
	after = 1;
	EXPECT_FALSE(t, after == 1);
}

KTEST(alpha, assert_stops)
{
	ASSERT_NOT_NULL(t, (void *)0);
	ktest_diag(t, "not reached: ASSERT_* ends the case");
}

KTEST(alpha, skips)
{
	ktest_skip(t, "needs hardware");
}

KTEST(alpha, skip_after_failure_fails)
{
	EXPECT_LT(t, 3, 2);
	ktest_skip(t, "too late");
}

KTEST_FAULT(alpha, raises_ud, 6, KTEST_ANY_ADDR)
{
	ktest_diag(t, "not reached: fault cases are kernel only");
}

KTEST(alpha, diag_and_pass)
{
	ktest_diag(t, "bits=%d", 64);
	EXPECT_IN_RANGE(t, 64, 1, 64);
}

/* Hidden unless a filter names it, as the kernel hides it without ktest.selftest=. */
KTEST(selftest, fail)
{
	EXPECT_EQ(t, 0, 1);
}
