// SPDX-License-Identifier: MIT
/* Command-line lookup and glob matching (portable: kernel and host). */
#include <kernel/cmdline.h>
#include <kernel/glob.h>
#include <kernel/ktest.h>

#define LINE "BOOT_IMAGE=/boot/kernel.elf ktest=run ktest.filter=bitmap* quiet ktest.exit=1"

KTEST(cmdline, finds_values)
{
	char v[32];

	ASSERT_TRUE(t, cmdline_get(LINE, "ktest", v, sizeof(v)));
	EXPECT_STREQ(t, v, "run");
	ASSERT_TRUE(t, cmdline_get(LINE, "ktest.filter", v, sizeof(v)));
	EXPECT_STREQ(t, v, "bitmap*");
	ASSERT_TRUE(t, cmdline_get(LINE, "BOOT_IMAGE", v, sizeof(v)));
	EXPECT_STREQ(t, v, "/boot/kernel.elf");
}

KTEST(cmdline, bare_key_has_empty_value)
{
	char v[8] = "junk";

	ASSERT_TRUE(t, cmdline_get(LINE, "quiet", v, sizeof(v)));
	EXPECT_STREQ(t, v, "");
}

KTEST(cmdline, prefixes_do_not_match)
{
	char v[8];

	EXPECT_FALSE(t, cmdline_get(LINE, "ktest.f", v, sizeof(v)));
	EXPECT_FALSE(t, cmdline_get(LINE, "kte", v, sizeof(v)));
	EXPECT_FALSE(t, cmdline_get(LINE, "quie", v, sizeof(v)));
	EXPECT_FALSE(t, cmdline_get(LINE, "run", v, sizeof(v)));
	EXPECT_FALSE(t, cmdline_get(LINE, "", v, sizeof(v)));
	EXPECT_FALSE(t, cmdline_get("", "ktest", v, sizeof(v)));
}

KTEST(cmdline, last_occurrence_wins)
{
	char v[8];

	ASSERT_TRUE(t, cmdline_get("a=1 b=2 a=3", "a", v, sizeof(v)));
	EXPECT_STREQ(t, v, "3");
}

KTEST(cmdline, value_truncated_to_buffer)
{
	char v[4];

	ASSERT_TRUE(t, cmdline_get("key=abcdefgh", "key", v, sizeof(v)));
	EXPECT_STREQ(t, v, "abc");
}

KTEST(cmdline, tabs_and_repeated_spaces_separate_words)
{
	char v[8];

	ASSERT_TRUE(t, cmdline_get("  x=1\t\ty=2   ", "y", v, sizeof(v)));
	EXPECT_STREQ(t, v, "2");
}

KTEST(cmdline, flags)
{
	EXPECT_TRUE(t, cmdline_flag(LINE, "ktest.exit"));
	EXPECT_TRUE(t, cmdline_flag(LINE, "quiet"));
	EXPECT_TRUE(t, cmdline_flag("a=yes b=on c=true", "c"));
	EXPECT_FALSE(t, cmdline_flag("ktest.exit=0", "ktest.exit"));
	EXPECT_FALSE(t, cmdline_flag("ktest.exit=no", "ktest.exit"));
	EXPECT_FALSE(t, cmdline_flag(LINE, "missing"));
}

KTEST(glob, literals)
{
	EXPECT_TRUE(t, glob_match("bitmap", "bitmap"));
	EXPECT_FALSE(t, glob_match("bitmap", "bitmaps"));
	EXPECT_FALSE(t, glob_match("bitmaps", "bitmap"));
	EXPECT_TRUE(t, glob_match("", ""));
	EXPECT_FALSE(t, glob_match("", "a"));
}

KTEST(glob, star)
{
	EXPECT_TRUE(t, glob_match("*", ""));
	EXPECT_TRUE(t, glob_match("*", "anything"));
	EXPECT_TRUE(t, glob_match("bitmap*", "bitmap.find_first"));
	EXPECT_TRUE(t, glob_match("*.find_*", "bitmap.find_first"));
	EXPECT_TRUE(t, glob_match("a*b*c", "aXXbYYbZZc"));
	EXPECT_FALSE(t, glob_match("a*b*c", "aXXbYYbZZ"));
	EXPECT_TRUE(t, glob_match("**a", "ba"));
	EXPECT_FALSE(t, glob_match("pfa*", "bitmap"));
}

KTEST(glob, question_mark)
{
	EXPECT_TRUE(t, glob_match("ktest.?", "ktest.a"));
	EXPECT_FALSE(t, glob_match("ktest.?", "ktest."));
	EXPECT_FALSE(t, glob_match("ktest.?", "ktest.ab"));
	EXPECT_TRUE(t, glob_match("?*", "x"));
	EXPECT_FALSE(t, glob_match("?*", ""));
}

/* Backtracking must let a star give characters back to the rest. */
KTEST(glob, backtracking)
{
	EXPECT_TRUE(t, glob_match("*aab", "aaab"));
	EXPECT_TRUE(t, glob_match("*ab*ab", "abxabab"));
	EXPECT_FALSE(t, glob_match("*ab*abc", "abxabab"));
}

/* The saved line: a copy, cut at CMDLINE_MAX - 1 bytes, the full length returned. */
KTEST(cmdline, saved_line_is_a_copy_cut_at_the_maximum)
{
	static char before[CMDLINE_MAX], line[CMDLINE_MAX + 100];
	const char *now;
	size_t i;

	for (i = 0; kernel_cmdline()[i]; i++)		/* the running kernel's: put back after */
		before[i] = kernel_cmdline()[i];
	before[i] = '\0';
	for (i = 0; i < sizeof(line) - 1; i++)
		line[i] = (char)('a' + i % 26);
	line[i] = '\0';
	EXPECT_EQ(t, kernel_cmdline_set(line), CMDLINE_MAX + 99);
	now = kernel_cmdline();
	EXPECT_PTR_NE(t, now, line);
	EXPECT_EQ(t, now[CMDLINE_MAX - 2], line[CMDLINE_MAX - 2]);
	EXPECT_EQ(t, now[CMDLINE_MAX - 1], '\0');
	EXPECT_EQ(t, kernel_cmdline_set("ktest=run x=1"), 13);
	EXPECT_STREQ(t, kernel_cmdline(), "ktest=run x=1");
	kernel_cmdline_set(before);
}
