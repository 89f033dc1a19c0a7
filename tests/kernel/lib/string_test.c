// SPDX-License-Identifier: MIT
/* The kernel's mem* and str* functions, including overlapping moves. */
#include <kernel/ktest.h>
#include <kernel/string.h>

KTEST(string, memset_fills_exactly_n_bytes)
{
	char buf[16];

	memset(buf, 'x', sizeof(buf));
	EXPECT_PTR_EQ(t, memset(buf + 1, 0xab, 13), buf + 1);
	EXPECT_EQ(t, buf[0], 'x');
	EXPECT_EQ(t, (unsigned char)buf[1], 0xab);
	EXPECT_EQ(t, (unsigned char)buf[13], 0xab);
	EXPECT_EQ(t, buf[14], 'x');
	memset(buf, 0, 0);
	EXPECT_EQ(t, buf[0], 'x');
}

KTEST(string, memcpy_and_memcmp)
{
	char a[] = "0123456789", b[11] = { 0 };

	EXPECT_PTR_EQ(t, memcpy(b, a, 11), b);
	EXPECT_EQ(t, memcmp(a, b, 11), 0);
	b[7] = 'A';
	EXPECT_GT(t, memcmp(b, a, 11), 0);
	EXPECT_LT(t, memcmp(a, b, 11), 0);
	EXPECT_EQ(t, memcmp(a, b, 7), 0);
}

KTEST(string, memmove_overlaps_both_ways)
{
	char up[] = "abcdefgh", down[] = "abcdefgh";

	memmove(up + 2, up, 5);		/* dst above src: copy backwards */
	EXPECT_STREQ(t, up, "ababcdeh");
	memmove(down, down + 2, 5);	/* dst below src: copy forwards */
	EXPECT_STREQ(t, down, "cdefgfgh");
}

KTEST(string, strings)
{
	char buf[6];

	EXPECT_EQ(t, strlen(""), 0);
	EXPECT_EQ(t, strlen("setbit"), 6);
	EXPECT_EQ(t, strnlen("setbit", 3), 3);
	EXPECT_EQ(t, strcmp("abc", "abc"), 0);
	EXPECT_LT(t, strcmp("abc", "abd"), 0);
	EXPECT_GT(t, strcmp("abc", "ab"), 0);
	EXPECT_EQ(t, strncmp("abcx", "abcy", 3), 0);
	EXPECT_NE(t, strncmp("abcx", "abcy", 4), 0);
	EXPECT_EQ(t, strlcpy(buf, "kernel.elf", sizeof(buf)), 10);
	EXPECT_STREQ(t, buf, "kerne");
}
