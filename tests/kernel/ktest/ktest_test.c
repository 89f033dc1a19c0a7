// SPDX-License-Identifier: MIT
/*
 * The kernel runner judged by itself: synthetic cases (outside the
 * ktest_cases section) run through ktest_run_quiet(), and each outcome is
 * checked. A runner that let a wrong exception pass would fail here.
 */
#include <arch/fault.h>
#include <arch/trap.h>
#include <kernel/ktest.h>
#include <kernel/ktest_run.h>

#define UNMAPPED_A	0x0000004000000000ull
#define UNMAPPED_B	0x0000004000001000ull

static int reached;

static void body_ud2(struct ktest *t)
{
	(void)t;
	fault_ud2();
	reached++;
}

static void body_returns(struct ktest *t)
{
	(void)t;
	reached++;
}

static void body_read_b(struct ktest *t)
{
	(void)t;
	fault_read(UNMAPPED_B);
}

static void body_assert(struct ktest *t)
{
	ASSERT_EQ(t, 1, 2);
	reached++;
}

static void body_expect_twice(struct ktest *t)
{
	EXPECT_EQ(t, 1, 2);
	EXPECT_TRUE(t, false);
	reached++;
}

static void body_skip(struct ktest *t)
{
	ktest_skip(t, "not today");
}

static void count_defer(void *arg)
{
	(*(int *)arg)++;
}

static int deferred;

static void body_defer_then_fault(struct ktest *t)
{
	ktest_defer(t, count_defer, &deferred);
	ktest_defer(t, count_defer, &deferred);
	fault_int3();
}

#define CASE(body, vec, addr) \
	{ "synthetic", #body, __FILE__, __LINE__, body, vec, addr, false, 0, 0 }

static struct ktest_outcome run(const struct ktest_case tc)
{
	struct ktest_outcome out;

	reached = 0;
	ktest_run_quiet(&tc, &out);
	return out;
}

KTEST(ktest, declared_fault_passes)
{
	struct ktest_outcome o = run((struct ktest_case)CASE(body_ud2, VEC_UD, 0));

	EXPECT_EQ(t, o.failures, 0);
	EXPECT_TRUE(t, o.faulted);
	EXPECT_EQ(t, o.fault.vector, VEC_UD);
	EXPECT_EQ(t, reached, 0);
}

KTEST(ktest, undeclared_fault_fails)
{
	struct ktest_outcome o = run((struct ktest_case)CASE(body_ud2, KTEST_NO_FAULT, 0));

	EXPECT_EQ(t, o.failures, 1);
	EXPECT_EQ(t, o.fault.vector, VEC_UD);
}

KTEST(ktest, wrong_vector_fails)
{
	struct ktest_outcome o = run((struct ktest_case)CASE(body_ud2, VEC_GP, 0));

	EXPECT_EQ(t, o.failures, 1);
	EXPECT_EQ(t, o.fault.vector, VEC_UD);
}

KTEST(ktest, declared_fault_that_never_comes_fails)
{
	struct ktest_outcome o = run((struct ktest_case)CASE(body_returns, VEC_UD, 0));

	EXPECT_EQ(t, o.failures, 1);
	EXPECT_FALSE(t, o.faulted);
	EXPECT_EQ(t, reached, 1);
}

KTEST(ktest, page_fault_address_is_checked)
{
	struct ktest_outcome o;

	o = run((struct ktest_case)CASE(body_read_b, VEC_PF, UNMAPPED_B));
	EXPECT_EQ(t, o.failures, 0);
	EXPECT_EQ(t, o.fault.addr, UNMAPPED_B);
	o = run((struct ktest_case)CASE(body_read_b, VEC_PF, UNMAPPED_A));
	EXPECT_EQ(t, o.failures, 1);
	o = run((struct ktest_case)CASE(body_read_b, VEC_PF, KTEST_ANY_ADDR));
	EXPECT_EQ(t, o.failures, 0);
}

#define CASE_PF(body, addr, error) \
	{ "synthetic", #body, __FILE__, __LINE__, body, VEC_PF, addr, false, error, KTEST_PF_CHECKED }

static void body_names_b_reads_b(struct ktest *t)
{
	ktest_expect_fault_at(t, UNMAPPED_B);
	fault_read(UNMAPPED_B);
}

static void body_names_a_reads_b(struct ktest *t)
{
	ktest_expect_fault_at(t, UNMAPPED_A);
	fault_read(UNMAPPED_B);
}

/* A read of a page that is not mapped: error code 0 (no P, no W/R, no U/S, no I/D; SDM 4.7). */
KTEST(ktest, page_fault_error_code_is_checked)
{
	struct ktest_outcome o;

	o = run((struct ktest_case)CASE_PF(body_read_b, UNMAPPED_B, 0));
	EXPECT_EQ(t, o.failures, 0);
	EXPECT_EQ(t, o.fault.error, 0);
	o = run((struct ktest_case)CASE_PF(body_read_b, UNMAPPED_B, KTEST_PF_WRITE));
	EXPECT_EQ(t, o.failures, 1);
	o = run((struct ktest_case)CASE_PF(body_read_b, UNMAPPED_B, KTEST_PF_PRESENT));
	EXPECT_EQ(t, o.failures, 1);
}

KTEST(ktest, page_fault_address_named_at_run_time_is_checked)
{
	struct ktest_outcome o;

	o = run((struct ktest_case)CASE_PF(body_names_b_reads_b, KTEST_RUNTIME_ADDR, 0));
	EXPECT_EQ(t, o.failures, 0);
	o = run((struct ktest_case)CASE_PF(body_names_a_reads_b, KTEST_RUNTIME_ADDR, 0));
	EXPECT_EQ(t, o.failures, 1);
	o = run((struct ktest_case)CASE_PF(body_read_b, KTEST_RUNTIME_ADDR, 0));	/* names none */
	EXPECT_EQ(t, o.failures, 1);
}

KTEST(ktest, assert_ends_the_case_expect_does_not)
{
	struct ktest_outcome o;

	o = run((struct ktest_case)CASE(body_assert, KTEST_NO_FAULT, 0));
	EXPECT_EQ(t, o.failures, 1);
	EXPECT_EQ(t, reached, 0);
	o = run((struct ktest_case)CASE(body_expect_twice, KTEST_NO_FAULT, 0));
	EXPECT_EQ(t, o.failures, 2);
	EXPECT_EQ(t, reached, 1);
}

KTEST(ktest, skip)
{
	struct ktest_outcome o = run((struct ktest_case)CASE(body_skip, KTEST_NO_FAULT, 0));

	EXPECT_TRUE(t, o.skipped);
	EXPECT_EQ(t, o.failures, 0);
}

KTEST(ktest, deferred_actions_run_after_a_fault)
{
	deferred = 0;
	struct ktest_outcome o = run((struct ktest_case)CASE(body_defer_then_fault, VEC_BP, 0));

	EXPECT_EQ(t, o.failures, 0);
	EXPECT_EQ(t, deferred, 2);
}
