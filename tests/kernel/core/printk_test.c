// SPDX-License-Identifier: MIT
/* snprintf, the formatter behind printk: every conversion, flag and length. */
#include <stdint.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>

/* Format into a fresh buffer and compare with the expected text. */
#define EXPECT_FMT(t, want, ...) do {					\
	char buf_[128];							\
	int n_ = snprintf(buf_, sizeof(buf_), __VA_ARGS__);		\
	EXPECT_STREQ(t, buf_, want);					\
	EXPECT_EQ(t, n_, (int)sizeof(want) - 1);			\
} while (0)

KTEST(printk, signed_decimal)
{
	EXPECT_FMT(t, "0", "%d", 0);
	EXPECT_FMT(t, "-42", "%d", -42);
	EXPECT_FMT(t, "2147483647", "%i", INT32_MAX);
	EXPECT_FMT(t, "-2147483648", "%d", INT32_MIN);
	EXPECT_FMT(t, "-9223372036854775808", "%ld", (long)INT64_MIN);
	EXPECT_FMT(t, "-1", "%lld", -1ll);
}

KTEST(printk, unsigned_and_hex)
{
	EXPECT_FMT(t, "4294967295", "%u", UINT32_MAX);
	EXPECT_FMT(t, "18446744073709551615", "%lu", (unsigned long)UINT64_MAX);
	EXPECT_FMT(t, "deadbeef", "%x", 0xdeadbeefu);
	EXPECT_FMT(t, "DEADBEEF", "%X", 0xdeadbeefu);
	EXPECT_FMT(t, "ffffffffffffffff", "%lx", ~0ul);
	EXPECT_FMT(t, "123456789abcdef0", "%llx", 0x123456789abcdef0ull);
	EXPECT_FMT(t, "4096", "%zu", (size_t)4096);
}

KTEST(printk, width_padding_alignment)
{
	EXPECT_FMT(t, "   42", "%5d", 42);
	EXPECT_FMT(t, "42   |", "%-5d|", 42);
	EXPECT_FMT(t, "00042", "%05d", 42);
	EXPECT_FMT(t, "-0042", "%05d", -42);
	EXPECT_FMT(t, "0000beef", "%08x", 0xbeef);
	EXPECT_FMT(t, "   ab", "%*x", 5, 0xab);
	EXPECT_FMT(t, "ab   |", "%-*x|", 5, 0xab);
	EXPECT_FMT(t, "123456", "%3d", 123456);
	EXPECT_FMT(t, "[    1.000042]", "[%5lu.%06lu]", 1ul, 42ul);
}

/* Out of the compiler's sight, so that it does not warn about "%s" of NULL. */
static const char *volatile null_string;

KTEST(printk, strings_and_chars)
{
	EXPECT_FMT(t, "hello", "%s", "hello");
	EXPECT_FMT(t, "   hi", "%5s", "hi");
	EXPECT_FMT(t, "hi   |", "%-5s|", "hi");
	EXPECT_FMT(t, "hel", "%.3s", "hello");
	EXPECT_FMT(t, "(null)", "%s", null_string);
	EXPECT_FMT(t, "x", "%c", 'x');
	EXPECT_FMT(t, "  x", "%3c", 'x');
	EXPECT_FMT(t, "100%", "%d%%", 100);
}

KTEST(printk, pointers)
{
	EXPECT_FMT(t, "0xffffffff80100000", "%p", (void *)0xffffffff80100000ul);
	EXPECT_FMT(t, "0x0000000000001000", "%p", (void *)0x1000);
}

KTEST(printk, truncation)
{
	char buf[8];
	int n;

	n = snprintf(buf, sizeof(buf), "%s", "0123456789");
	EXPECT_EQ(t, n, 10);
	EXPECT_STREQ(t, buf, "0123456");

	buf[0] = 'z';
	n = snprintf(buf, 0, "%d", 12345);
	EXPECT_EQ(t, n, 5);
	EXPECT_EQ(t, buf[0], 'z');	/* size 0: nothing written */

	n = snprintf(buf, 1, "abc");
	EXPECT_EQ(t, n, 3);
	EXPECT_EQ(t, buf[0], '\0');
}
