// SPDX-License-Identifier: MIT
/* The monitor shell's words and numbers (portable: kernel and host). */
#include <kernel/ktest.h>
#include <kernel/shell_parse.h>

KTEST(shell, parse_numbers)
{
	uint64_t v = 7;

	EXPECT_TRUE(t, shell_parse_u64("4096", &v));
	EXPECT_EQ(t, v, 4096);
	EXPECT_TRUE(t, shell_parse_u64("0x1A2b", &v));
	EXPECT_EQ(t, v, 0x1A2B);
	EXPECT_TRUE(t, shell_parse_u64("18446744073709551615", &v));
	EXPECT_EQ(t, v, UINT64_MAX);
	v = 7;
	EXPECT_FALSE(t, shell_parse_u64("18446744073709551616", &v));
	EXPECT_FALSE(t, shell_parse_u64("", &v));
	EXPECT_FALSE(t, shell_parse_u64("0x", &v));
	EXPECT_FALSE(t, shell_parse_u64("12a", &v));
	EXPECT_FALSE(t, shell_parse_u64("-1", &v));
	EXPECT_EQ(t, v, 7);
}

KTEST(shell, split_words)
{
	char line[] = "  free\t0x1000   3 ";
	char many[] = "a b c d";
	char *argv[3];

	ASSERT_EQ(t, shell_split(line, argv, 3), 3);
	EXPECT_STREQ(t, argv[0], "free");
	EXPECT_STREQ(t, argv[1], "0x1000");
	EXPECT_STREQ(t, argv[2], "3");
	EXPECT_EQ(t, shell_split(many, argv, 3), 4);
}
