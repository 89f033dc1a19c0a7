// SPDX-License-Identifier: MIT
/* The suite order of ktest.shuffle= (portable: kernel and host). */
#include <kernel/ktest.h>
#include <kernel/ktest_order.h>

/* splitmix64's golden-ratio increment. */
#define GOLDEN	0x9e3779b97f4a7c15ull

/*
 * The key is splitmix64's output for the state FNV-1a(name) ^ seed, so a
 * seed that cancels the name's hash gives splitmix64's first output from
 * state 0, 0xe220a8397b1dcdaf (Vigna's reference splitmix64.c). The FNV-1a
 * hashes are the published test vectors: "" is the offset basis, and
 * "a" hashes to 0xaf63dc4c8601ec8c.
 */
KTEST(ktest_order, key_is_fnv1a_then_splitmix64)
{
	EXPECT_EQ(t, ktest_suite_key("", (GOLDEN ^ 0xcbf29ce484222325ull) - GOLDEN),
		  0xe220a8397b1dcdafull);
	EXPECT_EQ(t, ktest_suite_key("a", (GOLDEN ^ 0xaf63dc4c8601ec8cull) - GOLDEN),
		  0xe220a8397b1dcdafull);
}

KTEST(ktest_order, same_seed_same_order_other_seed_other_order)
{
	static const char *const names[] = { "acpi", "bitmap", "pfa", "smp", "task" };
	unsigned int differs = 0;

	for (unsigned int i = 0; i < 5; i++) {
		for (unsigned int j = i + 1; j < 5; j++) {
			int c1 = ktest_suite_key_cmp(names[i], names[j], 1);

			EXPECT_EQ(t, ktest_suite_key_cmp(names[i], names[j], 1), c1);
			EXPECT_EQ(t, ktest_suite_key_cmp(names[j], names[i], 1), -c1);
			EXPECT_NE(t, c1, 0);
			differs += c1 != ktest_suite_key_cmp(names[i], names[j], 2);
		}
	}
	/* Ten pairs: two seeds that agree on all of them would be no shuffle. */
	EXPECT_GT(t, differs, 0u);
}

KTEST(ktest_order, parses_decimal_seeds)
{
	uint64_t seed = 7;

	ASSERT_TRUE(t, ktest_parse_seed("0", &seed));
	EXPECT_EQ(t, seed, 0u);
	ASSERT_TRUE(t, ktest_parse_seed("20261202", &seed));
	EXPECT_EQ(t, seed, 20261202u);
	ASSERT_TRUE(t, ktest_parse_seed("18446744073709551615", &seed));
	EXPECT_EQ(t, seed, UINT64_MAX);
}

KTEST(ktest_order, rejects_bad_seeds_and_keeps_the_old_one)
{
	static const char *const bad[] = {
		"", "18446744073709551616", "99999999999999999999", "1x", "-1", " 1", "0x10", "1 ",
	};
	uint64_t seed = 7;

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ktest_parse_seed(bad[i], &seed))
			ktest_fail_at(t, __FILE__, __LINE__, "\"%s\" accepted as %llu",
				      bad[i], (unsigned long long)seed);
	}
	EXPECT_EQ(t, seed, 7u);
}
