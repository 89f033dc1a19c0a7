// SPDX-License-Identifier: MIT
/* The list format: bm_parse_list and bm_print_list, checked as printed lists. */

#include <kernel/ktest.h>
#include <bitmap/bitmap.h>
#include <bitmap/list.h>

#define MAX_BITS	4097

static uint64_t map[BM_WORDS(MAX_BITS)];
static uint64_t copy[BM_WORDS(MAX_BITS)];
/* A list of every other bit of 4097 is about 12 KiB. */
static char text[16384];

/* Bits 1 and 5 (those that exist): what a failed parse must leave behind. */
static void sentinel(size_t nbits)
{
	bm_zero(map, nbits);
	if (nbits > 1)
		bm_set(map, 1);
	if (nbits > 5)
		bm_set(map, 5);
}

struct parse_case {
	const char *in;
	size_t nbits;
	int err;
	const char *out;	/* the map afterwards, printed */
};

static const struct parse_case parse_cases[] = {
	/* Plain lists: any order, overlaps merge. */
	{ "0-3,7",		64,	0,		"0-3,7" },
	{ "0",			64,	0,		"0" },
	{ "7,0-3",		64,	0,		"0-3,7" },
	{ "0-10,5-15,3",	64,	0,		"0-15" },
	{ "5-5",		64,	0,		"5" },
	{ "63",			64,	0,		"63" },
	{ "0-4096",		4097,	0,		"0-4096" },
	{ "007",		64,	0,		"7" },
	/* Empty input and separators only: the empty set. */
	{ "",			64,	0,		"" },
	{ ",,,",		64,	0,		"" },
	{ " \t, ",		64,	0,		"" },
	{ "",			0,	0,		"" },
	/* Blanks separate like commas; a newline ends the text. */
	{ " 1 , 3\t5 ",		64,	0,		"1,3,5" },
	{ "1\v2\f3\r4\t5",	64,	0,		"1-5" },
	{ "0-3\n",		64,	0,		"0-3" },
	{ "0-3\n5",		64,	0,		"0-3" },
	{ "\n5",		64,	0,		"" },
	/* "all" in any case, "N" for the last bit. */
	{ "all",		100,	0,		"0-99" },
	{ "ALL",		8,	0,		"0-7" },
	{ "aLl,3",		8,	0,		"0-7" },
	{ "N",			64,	0,		"63" },
	{ "0-N",		65,	0,		"0-64" },
	{ "N-N",		4097,	0,		"4096" },
	/* Groups: the first `used` bits of every `group`, cut at the end. */
	{ "0-31:4/8",		64,	0,		"0-3,8-11,16-19,24-27" },
	{ "0-1023:2/256",	1024,	0,		"0-1,256-257,512-513,768-769" },
	{ "0-9:3/4",		16,	0,		"0-2,4-6,8-9" },
	{ "2-9:1/3",		16,	0,		"2,5,8" },
	{ "0-8:1/4",		16,	0,		"0,4,8" },
	{ "all:1/2",		8,	0,		"0,2,4,6" },
	{ "0-N:1/32",		64,	0,		"0,32" },
	{ "0-3:0/4",		8,	0,		"" },
	{ "0-3:4/4",		8,	0,		"0-3" },
	{ "0-7:1/1000",		8,	0,		"0" },
	/* Syntax: -EINVAL, map unchanged. */
	{ "1-",			64,	-BM_EINVAL,	"1,5" },
	{ "-1",			64,	-BM_EINVAL,	"1,5" },
	{ "al",			64,	-BM_EINVAL,	"1,5" },
	{ "allx",		64,	-BM_EINVAL,	"1,5" },
	{ "3x",			64,	-BM_EINVAL,	"1,5" },
	{ "@ll",		64,	-BM_EINVAL,	"1,5" },	/* '@' | 0x20 is '`' */
	{ "axl",		64,	-BM_EINVAL,	"1,5" },
	{ "5N",			64,	-BM_EINVAL,	"1,5" },	/* no separator */
	{ "0-7:1/2N",		64,	-BM_EINVAL,	"1,5" },
	{ "1--2",		64,	-BM_EINVAL,	"1,5" },
	{ "1-2-3",		64,	-BM_EINVAL,	"1,5" },
	{ "0 - 3",		64,	-BM_EINVAL,	"1,5" },
	{ "+3",			64,	-BM_EINVAL,	"1,5" },
	{ "n",			64,	-BM_EINVAL,	"1,5" },
	{ "0-3:",		64,	-BM_EINVAL,	"1,5" },
	{ "0-3:1",		64,	-BM_EINVAL,	"1,5" },
	{ "0-3:1/",		64,	-BM_EINVAL,	"1,5" },
	{ "0-3:2/4x",		64,	-BM_EINVAL,	"1,5" },
	{ "5:1/2",		64,	-BM_EINVAL,	"1,5" },
	/* Bad values: reversed range, empty group, used > group. */
	{ "10-1",		64,	-BM_EINVAL,	"1,5" },
	{ "10-1",		8,	-BM_EINVAL,	"1,5" },
	{ "0-3:1/0",		64,	-BM_EINVAL,	"1,5" },
	{ "0-3:3/2",		64,	-BM_EINVAL,	"1,5" },
	/* Past the end: -ERANGE, map unchanged. */
	{ "4096",		4096,	-BM_ERANGE,	"1,5" },
	{ "0-64",		64,	-BM_ERANGE,	"1,5" },
	{ "0-31:4/8",		16,	-BM_ERANGE,	"1,5" },
	{ "18446744073709551615", 64,	-BM_ERANGE,	"1,5" },
	{ "18446744073709551616", 64,	-BM_ERANGE,	"1,5" },
	{ "99999999999999999999999", 64, -BM_ERANGE,	"1,5" },
	{ "0",			0,	-BM_ERANGE,	"" },
	{ "N",			0,	-BM_ERANGE,	"" },
	{ "all",		0,	-BM_ERANGE,	"" },
	/* Errors come region by region, after the good regions before them. */
	{ "0-3,al",		64,	-BM_EINVAL,	"1,5" },
	{ "100,al",		8,	-BM_ERANGE,	"1,5" },
	{ "al,100",		8,	-BM_EINVAL,	"1,5" },
};

KTEST(bitmap_list, parse)
{
	size_t i;

	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		int before = t->failures;

		sentinel(c->nbits);
		EXPECT_EQ(t, bm_parse_list(c->in, map, c->nbits), c->err);
		bm_print_list(text, sizeof(text), map, c->nbits);
		EXPECT_STREQ(t, text, c->out);
		if (t->failures != before)
			ktest_diag(t, "case %d: \"%s\" on %llu bits", (int)i, c->in,
				   (unsigned long long)c->nbits);
	}
}

/* A parse replaces the map: bits not listed are cleared. */
KTEST(bitmap_list, parse_replaces)
{
	bm_fill(map, 4097);
	EXPECT_EQ(t, bm_parse_list("4000-4096", map, 4097), 0);
	EXPECT_EQ(t, bm_weight(map, 4097), 97);
	EXPECT_EQ(t, bm_find_first(map, 4097), 4000);
}

KTEST(bitmap_list, print)
{
	bm_zero(map, 4097);
	EXPECT_EQ(t, bm_print_list(text, sizeof(text), map, 4097), 0);
	EXPECT_STREQ(t, text, "");
	bm_fill(map, 64);
	EXPECT_EQ(t, bm_print_list(text, sizeof(text), map, 64), 4);
	EXPECT_STREQ(t, text, "0-63");
	bm_fill(map, 4097);
	EXPECT_EQ(t, bm_print_list(text, sizeof(text), map, 4097), 6);
	EXPECT_STREQ(t, text, "0-4096");
	/* Two bits in a row print as a range, as Linux does. */
	bm_zero(map, 4097);
	bm_set_range(map, 5, 2);
	bm_set(map, 9);
	bm_set(map, 4096);
	EXPECT_EQ(t, bm_print_list(text, sizeof(text), map, 4097), 10);
	EXPECT_STREQ(t, text, "5-6,9,4096");
}

/* Tail bits are don't-care: they never print. */
KTEST(bitmap_list, print_ignores_tail)
{
	map[0] = ~(uint64_t)0;
	EXPECT_EQ(t, bm_print_list(text, sizeof(text), map, 4), 3);
	EXPECT_STREQ(t, text, "0-3");
	EXPECT_EQ(t, bm_print_list(text, sizeof(text), map, 0), 0);
	EXPECT_STREQ(t, text, "");
}

/* snprintf rules: the full length back, a NUL inside the buffer, nothing past it. */
KTEST(bitmap_list, print_truncates)
{
	char small[8];
	size_t i;

	bm_zero(map, 64);
	bm_set_range(map, 0, 4);
	bm_set(map, 7);				/* "0-3,7": 5 characters */
	for (i = 0; i < sizeof(small); i++)
		small[i] = 'x';
	EXPECT_EQ(t, bm_print_list(small, 0, map, 64), 5);
	EXPECT_EQ(t, small[0], 'x');
	EXPECT_EQ(t, bm_print_list(small, 1, map, 64), 5);
	EXPECT_STREQ(t, small, "");
	EXPECT_EQ(t, bm_print_list(small, 3, map, 64), 5);
	EXPECT_STREQ(t, small, "0-");
	EXPECT_EQ(t, small[3], 'x');
	EXPECT_EQ(t, bm_print_list(small, 5, map, 64), 5);
	EXPECT_STREQ(t, small, "0-3,");
	EXPECT_EQ(t, bm_print_list(small, 6, map, 64), 5);
	EXPECT_STREQ(t, small, "0-3,7");
	EXPECT_EQ(t, small[6], 'x');
}

static uint64_t rng_state = 12345;

/* xorshift64: enough to scatter bits. */
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* print then parse gives the map back, for sparse to dense maps at boundary sizes. */
KTEST(bitmap_list, round_trip)
{
	static const size_t sizes[] = { 1, 63, 64, 65, 4095, 4096, 4097 };
	static const unsigned int density[] = { 1, 4, 8, 12, 15 };	/* of 16 */
	size_t s, d, i;
	int len;

	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t nbits = sizes[s];

		for (d = 0; d < sizeof(density) / sizeof(density[0]); d++) {
			bm_zero(map, nbits);
			for (i = 0; i < nbits; i++)
				if ((rng() & 15) < density[d])
					bm_set(map, i);
			len = bm_print_list(text, sizeof(text), map, nbits);
			ASSERT_LT(t, len, (int)sizeof(text));
			EXPECT_EQ(t, bm_parse_list(text, copy, nbits), 0);
			EXPECT_TRUE(t, bm_equal(map, copy, nbits));
		}
	}
}

/* Linux's number rule: max_num itself is a number, max_num + 1 is -BM_EOVERFLOW. */
KTEST(bitmap_list, parse_max_takes_the_limit_itself)
{
	static const struct { const char *in; size_t max; int err; } cases[] = {
		{ "25", 25, 0 }, { "20", 25, 0 }, { "26", 25, -BM_EOVERFLOW },
		{ "30", 25, -BM_EOVERFLOW }, { "250", 25, -BM_EOVERFLOW },
		{ "5", 5, 0 }, { "6", 5, -BM_EOVERFLOW }, { "0", 0, 0 },
		{ "1", 0, -BM_EOVERFLOW }, { "0-19:1/19", 19, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int err = bm_parse_list_max(cases[i].in, map, 64, cases[i].max);

		if (err != cases[i].err)
			ktest_diag(t, "\"%s\" with max_num %llu", cases[i].in,
				   (unsigned long long)cases[i].max);
		EXPECT_EQ(t, err, cases[i].err);
	}
}
