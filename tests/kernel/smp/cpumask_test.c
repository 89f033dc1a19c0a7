// SPDX-License-Identifier: MIT
/* cpumask: claiming idle CPUs within an affinity, wrap-around, lost races, list printing. */
#include <kernel/cpumask.h>
#include <kernel/ktest.h>

static struct cpumask idle, aff;

static void mask_set(struct cpumask *m, const unsigned int *cpus, int n)
{
	bm_zero(m->bits, NR_CPUS);
	for (int i = 0; i < n; i++)
		bm_set(m->bits, cpus[i]);
}

KTEST(cpumask, claim_takes_idle_and_affine)
{
	static const unsigned int idle_cpus[] = { 1, 2, 3, 5, 70 };
	static const unsigned int aff_cpus[] = { 3, 5, 70, 100 };

	mask_set(&idle, idle_cpus, 5);
	mask_set(&aff, aff_cpus, 4);
	EXPECT_EQ(t, cpumask_claim_idle_atomic(&idle, &aff, 128, 0, NULL), 3);
	EXPECT_FALSE(t, cpumask_test_atomic(&idle, 3));
	EXPECT_EQ(t, cpumask_claim_idle_atomic(&idle, &aff, 128, 0, NULL), 5);
	EXPECT_EQ(t, cpumask_claim_idle_atomic(&idle, &aff, 128, 0, NULL), 70);
	EXPECT_EQ(t, cpumask_claim_idle_atomic(&idle, &aff, 128, 0, NULL), 128);
	EXPECT_EQ(t, cpumask_weight(&idle, 128), 2);	/* 1 and 2: not affine */
}

KTEST(cpumask, claim_wraps_from_the_start_point)
{
	static const unsigned int idle_cpus[] = { 1, 6 };

	mask_set(&idle, idle_cpus, 2);
	bm_fill(aff.bits, NR_CPUS);
	EXPECT_EQ(t, cpumask_claim_idle_atomic(&idle, &aff, 8, 4, NULL), 6);
	EXPECT_EQ(t, cpumask_claim_idle_atomic(&idle, &aff, 8, 4, NULL), 1);
	EXPECT_EQ(t, cpumask_claim_idle_atomic(&idle, &aff, 8, 4, NULL), 8);
	/* from past ncpus counts as 0; bits past ncpus are never claimed. */
	bm_set(idle.bits, 9);
	EXPECT_EQ(t, cpumask_claim_idle_atomic(&idle, &aff, 8, 99, NULL), 8);
	EXPECT_TRUE(t, cpumask_test_atomic(&idle, 9));
}

KTEST(cpumask, set_then_claim_is_one_owner)
{
	unsigned int lost = 0;

	bm_zero(idle.bits, NR_CPUS);
	bm_fill(aff.bits, NR_CPUS);
	for (unsigned int c = 0; c < 64; c++)
		cpumask_set_atomic(&idle, c);
	for (unsigned int c = 0; c < 64; c++)
		EXPECT_EQ(t, cpumask_claim_idle_atomic(&idle, &aff, 64, c, &lost), c);
	EXPECT_EQ(t, lost, 0);
	EXPECT_EQ(t, cpumask_weight(&idle, 64), 0);
	EXPECT_TRUE(t, !cpumask_test_and_clear_atomic(&idle, 7));
}

KTEST(cpumask, print_as_a_list)
{
	static const unsigned int cpus[] = { 1, 2, 3, 5, 200 };
	char buf[32];

	mask_set(&idle, cpus, 5);
	EXPECT_EQ(t, cpumask_print(buf, sizeof(buf), &idle, 16), 5);
	EXPECT_STREQ(t, buf, "1-3,5");
	cpumask_print(buf, sizeof(buf), &idle, NR_CPUS);
	EXPECT_STREQ(t, buf, "1-3,5,200");
}
