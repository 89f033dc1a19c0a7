// SPDX-License-Identifier: MIT
/* Tests of the Linux dialect: each expected value from Linux's own sources, cited beside it. */
#include <bitmap/compat/linux.h>
#include <kernel/ktest.h>

/*
 * Sources (torvalds/linux): lib/test_bitmap.c (its cases and tables),
 * include/linux/bitmap.h, include/linux/find.h, lib/bitmap.c,
 * lib/bitmap-str.c, lib/find_bit.c, lib/vsprintf.c (%*pb, %*pbl).
 * "setbit:" marks the few places where the dialect deliberately differs
 * (listed in compat/linux.h's contract).
 */

/* The map as Linux's "%*pbl" list, so a failure reads "expected "0-63", got "0-34"". */
static const char *pbl(const unsigned long *map, unsigned int nbits)
{
	static char buf[512];

	bitmap_scnlistprintf(buf, sizeof(buf), map, (int)nbits);
	return buf;
}

/* A map of 1024 bits, every byte 0xff or 0: test_bitmap.c's memset start. */
static void fill_bytes(unsigned long *map, unsigned int words, unsigned long v)
{
	for (unsigned int k = 0; k < words; k++)
		map[k] = v;
}

/* ------------------------------------------------ whole words */

KTEST(compat_linux, zero_clears_whole_words)
{
	DECLARE_BITMAP(bmap, 1024);

	fill_bytes(bmap, 16, ~0ul);
	bitmap_clear(bmap, 0, 9);
	EXPECT_STREQ(t, pbl(bmap, 1024), "9-1023");	/* Linux: lib/test_bitmap.c test_zero_clear */
	bitmap_zero(bmap, 35);
	EXPECT_STREQ(t, pbl(bmap, 1024), "64-1023");	/* Linux: test_zero_clear */
	EXPECT_EQ(t, bmap[0], 0ul);			/* Linux: bitmap.h bitmap_zero, whole words */
	EXPECT_EQ(t, find_first_bit(bmap, 1024), 64ul);	/* Linux: "64-1023" above */
	EXPECT_EQ(t, find_first_zero_bit(bmap, 1024), 0ul);
	bitmap_clear(bmap, 79, 19);
	EXPECT_STREQ(t, pbl(bmap, 1024), "64-78,98-1023");	/* Linux: test_zero_clear */
	bitmap_zero(bmap, 115);
	EXPECT_STREQ(t, pbl(bmap, 1024), "128-1023");	/* Linux: test_zero_clear */
	bitmap_zero(bmap, 1024);
	EXPECT_STREQ(t, pbl(bmap, 1024), "");		/* Linux: test_zero_clear */
}

KTEST(compat_linux, fill_sets_whole_words)
{
	DECLARE_BITMAP(bmap, 1024);

	fill_bytes(bmap, 16, 0);
	bitmap_set(bmap, 0, 9);
	EXPECT_STREQ(t, pbl(bmap, 1024), "0-8");	/* Linux: lib/test_bitmap.c test_fill_set */
	bitmap_fill(bmap, 35);
	EXPECT_STREQ(t, pbl(bmap, 1024), "0-63");	/* Linux: test_fill_set */
	bitmap_set(bmap, 79, 19);
	EXPECT_STREQ(t, pbl(bmap, 1024), "0-63,79-97");	/* Linux: test_fill_set */
	bitmap_fill(bmap, 115);
	EXPECT_STREQ(t, pbl(bmap, 1024), "0-127");	/* Linux: test_fill_set */
	EXPECT_EQ(t, bmap[1], ~0ul);			/* Linux: bitmap.h bitmap_fill, memset 0xff */
	EXPECT_EQ(t, bmap[2], 0ul);			/* nothing past BITS_TO_LONGS(115) */
	bitmap_fill(bmap, 1024);
	EXPECT_STREQ(t, pbl(bmap, 1024), "0-1023");	/* Linux: test_fill_set */
}

KTEST(compat_linux, copy_takes_whole_words)
{
	DECLARE_BITMAP(bmap1, 1024);
	DECLARE_BITMAP(bmap2, 1024);

	bitmap_zero(bmap1, 1024);
	bitmap_zero(bmap2, 1024);
	bitmap_set(bmap1, 0, 19);
	bitmap_set(bmap2, 0, 23);
	bitmap_copy(bmap2, bmap1, 23);
	EXPECT_STREQ(t, pbl(bmap2, 1024), "0-18");	/* Linux: lib/test_bitmap.c test_copy */
	bitmap_set(bmap1, 0, 109);
	bitmap_fill(bmap2, 1024);
	bitmap_copy(bmap2, bmap1, 109);
	EXPECT_STREQ(t, pbl(bmap2, 1024), "0-108,128-1023");	/* Linux: test_copy */
	bitmap_fill(bmap2, 1024);
	bitmap_copy(bmap2, bmap1, 97);
	EXPECT_STREQ(t, pbl(bmap2, 1024), "0-108,128-1023");	/* Linux: test_copy */
}

KTEST(compat_linux, zero_bits_write_nothing)
{
	unsigned long map[2] = { 0x5a5aul, 0xa5a5ul }, src[2] = { 0, 0 };
	volatile unsigned int none = 0;

	/* Linux: bitmap.h, BITS_TO_LONGS(0) * sizeof(long) == 0 bytes */
	bitmap_zero(map, 0);
	bitmap_fill(map, 0);
	bitmap_copy(map, src, 0);
	bitmap_zero(map, none);
	bitmap_fill(map, none);
	bitmap_copy(map, src, none);
	EXPECT_EQ(t, map[0], 0x5a5aul);
	EXPECT_EQ(t, map[1], 0xa5a5ul);
}

KTEST(compat_linux, one_word_maps_fold_to_constants)
{
	DECLARE_BITMAP(bitmap, BITS_PER_LONG);
	unsigned long bitopvar = 0, var = 0;
	int weight, bit18, full;

	/* Linux: lib/test_bitmap.c test_bitmap_const_eval, its values */
	bitmap_clear(bitmap, 0, BITS_PER_LONG);
	if (!test_bit(7, bitmap))
		bitmap_set(bitmap, 5, 2);
	__change_bit(31, &bitopvar);
	bitmap_shift_right(&bitopvar, &bitopvar, 11, BITS_PER_LONG);
	var |= 1ul << 25;
	weight = (int)bitmap_weight(bitmap, 20);
	bit18 = !test_bit(18, &bitopvar);
	bitmap_complement(&var, &var, BITS_PER_LONG);
	__assign_bit(25, &var, true);
	full = bitmap_full(&var, BITS_PER_LONG);
#ifdef SETBIT_KERNEL
	/* Folded at -O2 as Linux requires (the host's sanitizers get in the way). */
	EXPECT_TRUE(t, __builtin_constant_p(weight) && __builtin_constant_p(bit18) &&
		       __builtin_constant_p(full));
#endif
	EXPECT_EQ(t, weight, 2);			/* GENMASK(6, 5) */
	EXPECT_EQ(t, bitopvar, 1ul << 20);		/* BIT(31) >> 11 */
	EXPECT_EQ(t, bit18, 1);
	EXPECT_EQ(t, full, 1);
	EXPECT_EQ(t, var, ~0ul);
}

/* ------------------------------------------------ lists */

/* bitmap_parselist(in, map, nbits) and its result, as a Linux table row. */
struct parse_case {
	const char *in;
	int nbits;
	int err;
	unsigned long want;
};

/* Linux: lib/test_bitmap.c parselist_tests (the exp1[] values) */
static const struct parse_case parselist_cases[] = {
	{ "0-31:1/4,32-63:2/4",			64, 0, 0x3333333311111111ul },
	{ "  ,,  0-31:3/4  ,, 32-63:4/4  ,,  ",	64, 0, 0xffffffff77777777ul },
	{ "1-10:8/12,8-31:24/29,0-31:0/3",	32, 0, 0xfffffffeul },
	{ "0-N:1/3,1-N:1/3,2-N:1/3",		32, 0, 0xfffffffful },
	{ "N-N:N/N",				32, 0, 0x80000000ul },
	{ "15-N:1/N",				32, 0, 0x00008000ul },
	{ "0-0:0/1",				32, 0, 0 },
	{ "ALL:1/2",				32, 0, 0x55555555ul },
	{ "0, 1, all,  ",			32, 0, 0xfffffffful },
	{ " ,  ,,  , ,   \n",			8, 0, 0 },
	{ "al",					8, -EINVAL, 0 },
	{ "alll",				8, -EINVAL, 0 },
	{ "-1",					8, -EINVAL, 0 },
	{ "10-1",				8, -EINVAL, 0 },
	{ "8-8",				8, -ERANGE, 0 },
	{ "0-31",				8, -ERANGE, 0 },
	{ "0-31:",				32, -EINVAL, 0 },
	{ "0-31:0/0",				32, -EINVAL, 0 },
	{ "0-31:10/1",				32, -EINVAL, 0 },
	{ "0-98765432123456789:10/1",		8, -EOVERFLOW, 0 },
	{ "0-a1",				8, -EINVAL, 0 },
	{ "0-\n",				8, -EINVAL, 0 },
};

/*
 * Linux: lib/bitmap-str.c bitmap_getnum: a number that does not fit in
 * unsigned int is -EOVERFLOW as soon as it is read; regions are parsed
 * and checked one by one, so an earlier region's error comes first.
 */
static const struct parse_case overflow_cases[] = {
	{ "4294967296",				8, -EOVERFLOW, 0 },
	{ "1,4294967296",			8, -EOVERFLOW, 0 },
	{ "4294967296-1",			8, -EOVERFLOW, 0 },
	{ "0-7:1/4294967296",			8, -EOVERFLOW, 0 },
	{ "10-1,4294967296",			8, -EINVAL, 0 },
	{ "9,4294967296",			8, -ERANGE, 0 },
	{ "4294967296,9",			8, -EOVERFLOW, 0 },
	{ "99999999999999999999999",		8, -EOVERFLOW, 0 },
};

/* Each case's error and bits; a failure names the row and Linux's expected value. */
static void check_parselist(struct ktest *t, const struct parse_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned long map[2] = { 0x1234ul, 0 };
		int err = bitmap_parselist(c[i].in, map, c[i].nbits);
		unsigned long got = map[0] & BITMAP_LAST_WORD_MASK(c[i].nbits);

		if (err != c[i].err)
			ktest_fail_at(t, __FILE__, __LINE__,
				      "row %zu (nbits %d): expected %d (Linux), got %d",
				      i, c[i].nbits, c[i].err, err);
		else if (err == 0 && got != c[i].want)
			ktest_fail_at(t, __FILE__, __LINE__,
				      "row %zu (nbits %d): expected 0x%lx (Linux), got 0x%lx",
				      i, c[i].nbits, c[i].want, got);
		else if (err != 0 && map[0] != 0x1234ul)	/* setbit: unchanged on error */
			ktest_fail_at(t, __FILE__, __LINE__, "row %zu: the map changed on error", i);
	}
}

KTEST(compat_linux, parselist_follows_linux_tables)
{
	check_parselist(t, parselist_cases, sizeof(parselist_cases) / sizeof(parselist_cases[0]));
}

KTEST(compat_linux, parselist_overflow_is_eoverflow)
{
	check_parselist(t, overflow_cases, sizeof(overflow_cases) / sizeof(overflow_cases[0]));
}

KTEST(compat_linux, parse_hex_chunks)
{
	unsigned long map[4];

	/* Linux: lib/test_bitmap.c parse_tests / parse_test2 */
	EXPECT_EQ(t, bitmap_parse("deadbeef,1,0", 12, map, 96), 0);
	EXPECT_EQ(t, map[0], 0x100000000ul);
	EXPECT_EQ(t, map[1] & 0xfffffffful, 0xdeadbeeful);
	EXPECT_EQ(t, bitmap_parse(" , badf00d, ,, ,,deadbeef,1,0 , ", 33, map, 124), 0);
	EXPECT_EQ(t, map[0], 0x100000000ul);
	EXPECT_EQ(t, map[1], 0x0badf00ddeadbeeful);
	EXPECT_EQ(t, bitmap_parse("1,0", 3, map, 33), 0);
	EXPECT_EQ(t, map[0] & BITMAP_LAST_WORD_MASK(33), 0x100000000ul);
	EXPECT_EQ(t, bitmap_parse("0\n", 2, map, 32), 0);
	EXPECT_EQ(t, map[0] & 0xfffffffful, 0ul);
	EXPECT_EQ(t, bitmap_parse("goodfood,deadbeef,1,0", 21, map, 128), -EINVAL);
	EXPECT_EQ(t, bitmap_parse("3,0", 3, map, 33), -EOVERFLOW);
	EXPECT_EQ(t, bitmap_parse("123badf00d,deadbeef,1,0", 23, map, 128), -EOVERFLOW);
	EXPECT_EQ(t, bitmap_parse("badf00d,deadbeef,1,0", 20, map, 90), -EOVERFLOW);
	EXPECT_EQ(t, bitmap_parse("fbadf00d,deadbeef,1,0", 21, map, 95), -EOVERFLOW);
}

/* A 40-word map of 0x3333333311111111: test_bitmap.c's large_bitmap. */
static unsigned long large_bitmap[40];
static char print_buf[8192];

KTEST(compat_linux, print_to_buf_and_pagebuf)
{
	static unsigned long ones[4096 / sizeof(unsigned long)];
	static char page[4096] __attribute__((aligned(4096)));
	const unsigned long small = 0x3333333311111111ul;
	int n;

	/* Linux: lib/test_bitmap.c small_mask / small_list, test_bitmap_print_buf */
	n = bitmap_print_bitmask_to_buf(print_buf, &small, 64, 0, sizeof(print_buf));
	EXPECT_EQ(t, n, 19);
	EXPECT_STREQ(t, print_buf, "33333333,11111111\n");
	n = bitmap_print_list_to_buf(print_buf, &small, 64, 0, sizeof(print_buf));
	EXPECT_EQ(t, n, 70);
	EXPECT_STREQ(t, print_buf,
		     "0,4,8,12,16,20,24,28,32-33,36-37,40-41,44-45,48-49,52-53,56-57,60-61\n");
	/* Linux: test_bitmap_print_buf, large_list from PAGE_SIZE: strlen + 1 - 4096 */
	for (unsigned int k = 0; k < 40; k++)
		large_bitmap[k] = small;
	n = bitmap_print_list_to_buf(print_buf, large_bitmap, 40 * 64, 4096, 4096);
	EXPECT_EQ(t, n, 4391 + 1 - 4096);
	print_buf[40] = '\0';
	EXPECT_STREQ(t, print_buf, "2409,2412-2413,2416-2417,2420-2421,2424-");
	/* Linux: lib/test_bitmap.c test_bitmap_printlist */
	for (unsigned int k = 0; k < sizeof(ones) / sizeof(ones[0]); k++)
		ones[k] = ~0ul;
	EXPECT_EQ(t, bitmap_print_to_pagebuf(true, page, ones, 4096 * 8), 8);
	EXPECT_STREQ(t, page, "0-32767\n");
	/* Linux: lib/vsprintf.c bitmap_string, the top chunk (124 % 32 = 28 bits) in 7 digits */
	large_bitmap[0] = 0x100000000ul;
	large_bitmap[1] = 0x0badf00ddeadbeeful;
	EXPECT_EQ(t, bitmap_print_to_pagebuf(false, page, large_bitmap, 124), 35);
	EXPECT_STREQ(t, page, "badf00d,deadbeef,00000001,00000000\n");
}

/* ------------------------------------------------ newer names */

KTEST(compat_linux, replace_gather_scatter)
{
	/* Linux: lib/test_bitmap.c exp2, exp2_to_exp3_mask, exp3_0_1 / exp3_1_0 */
	const unsigned long exp2[2] = { 0x3333333311111111ul, 0xffffffff77777777ul };
	const unsigned long mask = 0x008000020020212eul;
	/* Linux: test_bitmap_sg sg_mask, sg_src, sg_gather_exp, sg_scatter_exp */
	const unsigned long sg_mask = 0x35aul, sg_src = 0x667ul;
	DECLARE_BITMAP(bmap, 1024);
	unsigned long g[2], s[2];

	bitmap_fill(bmap, 1024);
	bitmap_replace(bmap, &exp2[0], &exp2[1], &mask, 64);
	EXPECT_EQ(t, bmap[0], 0x33b3333311313137ul);
	bitmap_replace(bmap, &exp2[1], &exp2[0], &mask, 64);
	EXPECT_EQ(t, bmap[0], 0xff7fffff77575751ul);
	EXPECT_EQ(t, bmap[1], ~0ul);
	bitmap_gather(g, &sg_src, &sg_mask, 64);
	EXPECT_EQ(t, g[0], 0x29ul);
	bitmap_scatter(s, &sg_src, &sg_mask, 64);
	EXPECT_EQ(t, s[0], 0x21aul);
}

KTEST(compat_linux, cut_moves_down_and_overlaps)
{
	unsigned long b[5], *in = &b[1], *out = &b[0];

	/* Linux: lib/test_bitmap.c test_cut rows, with its partial overlap */
	in[0] = 0xaaul;
	bitmap_cut(out, in, 3, 3, 8);
	EXPECT_EQ(t, out[0] & 0xff, 0x12ul);
	in[0] = 0xa5a5a5a5ul;
	bitmap_cut(out, in, 0, 1, 32);
	EXPECT_EQ(t, out[0] & 0xfffffffful, 0x52d2d2d2ul);
	in[0] = 0xa5a5a5a5ul;
	bitmap_cut(out, in, 15, 15, 32);
	EXPECT_EQ(t, out[0] & 0xfffffffful, 0x000125a5ul);
	in[0] = 0xa5a5a5a5ul;
	in[1] = 0xa5a5a5a5ul;
	bitmap_cut(out, in, 1, 63, 64);
	EXPECT_EQ(t, out[0], 1ul);
	in[0] = 0x0000fffful;
	in[1] = in[2] = in[3] = 0x5a5a5a5aul;
	bitmap_cut(out, in, 16, 129, 145);
	EXPECT_EQ(t, out[0] & 0xfffffffful, 0x2d2dfffful);	/* the tail moves down too */
}

KTEST(compat_linux, arrays_of_u32_and_u64)
{
	const unsigned long src[2] = { 0x3333333311111111ul, 0xffffffff77777777ul };
	uint32_t arr[4] = { 0xa5a5a5a5u, 0xa5a5a5a5u, 0xa5a5a5a5u, 0xa5a5a5a5u };
	uint64_t arr64[2] = { 0, 0xa5a5a5a5a5a5a5a5ul };
	unsigned long back[2] = { ~0ul, ~0ul };

	/* Linux: lib/bitmap.c bitmap_to_arr32, the last u32's tail cleared; test_bitmap_arr32 */
	bitmap_to_arr32(arr, src, 40);
	EXPECT_EQ(t, arr[0], 0x11111111u);
	EXPECT_EQ(t, arr[1], 0x33u);
	EXPECT_EQ(t, arr[2], 0xa5a5a5a5u);		/* nothing past DIV_ROUND_UP(40, 32) */
	/* Linux: bitmap_from_arr32, the last word's tail cleared */
	bitmap_from_arr32(back, arr, 40);
	EXPECT_EQ(t, back[0], 0x3311111111ul);
	EXPECT_EQ(t, back[1], ~0ul);
	/* Linux: bitmap.h bitmap_to_arr64 = bitmap_copy_clear_tail on LP64; test_bitmap_arr64 */
	bitmap_to_arr64(arr64, src, 70);
	EXPECT_EQ(t, arr64[0], 0x3333333311111111ul);
	EXPECT_EQ(t, arr64[1], 0x37ul);
}

KTEST(compat_linux, read_write_up_to_a_word)
{
	DECLARE_BITMAP(map, 1000);

	/* Linux: lib/test_bitmap.c test_bitmap_read_write */
	for (unsigned long i = 0; i < 1000 - 7; i += 61) {
		bitmap_zero(map, 1000);
		bitmap_write(map, 0x15ul, i, 5);
		EXPECT_EQ(t, bitmap_read(map, i, 5), 0x15ul);
		bitmap_write(map, 0x5ul, i + 5, 3);
		EXPECT_EQ(t, bitmap_read(map, i + 5, 3), 0x5ul);
		EXPECT_EQ(t, bitmap_read(map, i, 8), 0xb5ul);
		EXPECT_EQ(t, bitmap_weight(map, 1000), 5u);
	}
	/* Zero bits or more than BITS_PER_LONG: nothing written, map not touched. */
	bitmap_write(NULL, 0, 0, 0);
	bitmap_write(NULL, 0, 0, BITS_PER_LONG + 1);
	/* Linux: test_bitmap_write_helper, a word across a word boundary */
	bitmap_zero(map, 1000);
	bitmap_write(map, 0xdeadbeefdeadbeeful, 100, 64);
	EXPECT_EQ(t, bitmap_read(map, 100, 64), 0xdeadbeefdeadbeeful);
	EXPECT_EQ(t, map[1] >> 36, 0xdeadbeefdeadbeeful & 0xfffffff);
}

KTEST(compat_linux, clump8_wrap_and_clear_bitranges)
{
	/* Linux: lib/test_bitmap.c test_for_each_set_clump8, clump_exp[] */
	static const unsigned char clump_exp[8] = { 0x01, 0x02, 0x00, 0x38, 0x38, 0x0f, 0xff, 0x05 };
	DECLARE_BITMAP(bits, 64);
	DECLARE_BITMAP(orig, 500);
	unsigned int start, bit, s, e, n = 0, first = 0, last = 0;
	unsigned long clump;

	bitmap_zero(bits, 64);
	bitmap_set(bits, 0, 1);
	bitmap_set(bits, 9, 1);
	bitmap_set(bits, 27, 3);
	bitmap_set(bits, 35, 3);
	bitmap_set(bits, 40, 4);
	bitmap_set(bits, 48, 8);
	bitmap_set(bits, 56, 1);
	bitmap_set(bits, 58, 1);
	for_each_set_clump8(start, clump, bits, 64) {
		EXPECT_NE(t, start, 16u);			/* the zero clump is skipped */
		EXPECT_EQ(t, clump, (unsigned long)clump_exp[start / 8]);
		n++;
	}
	EXPECT_EQ(t, n, 7u);
	/* Linux: include/linux/find.h for_each_set_bit_wrap: from start up, then from 0 */
	bitmap_zero(orig, 500);
	for (bit = 0; bit < 500; bit += 10)
		bitmap_set(orig, bit, 1);
	bitmap_set(orig, 100, 50);
	n = 0;
	for_each_set_bit_wrap(bit, orig, 500, 255) {
		if (n++ == 0)
			first = bit;
		last = bit;
	}
	EXPECT_EQ(t, first, 260u);
	EXPECT_EQ(t, last, 250u);
	EXPECT_EQ(t, n, bitmap_weight(orig, 500));
	/* Linux: test_for_each_clear_bitrange: [s, e) runs of clear bits */
	n = 0;
	for_each_clear_bitrange(s, e, orig, 500)
		n += e - s;
	EXPECT_EQ(t, n, 500 - bitmap_weight(orig, 500));
	s = 148;
	for_each_clear_bitrange_from(s, e, orig, 500)
		break;
	EXPECT_EQ(t, s, 151u);
	EXPECT_EQ(t, e, 160u);
}

/* ------------------------------------------------ searches, iterators, regions */

KTEST(compat_linux, searches_return_size_when_not_found)
{
	/* Linux: include/linux/find.h: "If no bits are set, returns @size"; tail bits past size ignored */
	unsigned long map[2] = { 0, ~0ul << 6 }, ones[2] = { ~0ul, ~0ul };

	EXPECT_EQ(t, find_first_bit(map, 70), 70ul);
	EXPECT_EQ(t, find_next_bit(map, 70, 5), 70ul);
	EXPECT_EQ(t, find_last_bit(map, 70), 70ul);
	EXPECT_EQ(t, find_nth_bit(map, 70, 0), 70ul);
	EXPECT_EQ(t, find_first_zero_bit(ones, 70), 70ul);
	EXPECT_EQ(t, find_next_zero_bit(ones, 70, 3), 70ul);
	EXPECT_EQ(t, find_next_and_bit(map, ones, 70, 0), 70ul);
	EXPECT_EQ(t, find_next_andnot_bit(map, ones, 70, 0), 70ul);
	EXPECT_EQ(t, find_next_bit_wrap(map, 70, 30), 70ul);
	/* Linux: lib/find_bit.c, offset >= size returns size */
	EXPECT_EQ(t, find_next_bit(ones, 70, 70), 70ul);
	EXPECT_EQ(t, find_next_bit(ones, 70, 1000), 70ul);
	EXPECT_EQ(t, find_next_zero_bit(map, 70, 71), 70ul);
	EXPECT_EQ(t, find_first_bit(ones, 0), 0ul);
}

KTEST(compat_linux, find_nth_bit_table)
{
	DECLARE_BITMAP(bmap, 64 * 3);
	const unsigned long want[8] = { 10, 20, 30, 40, 50, 60, 80, 123 };

	/* Linux: lib/test_bitmap.c test_find_nth_bit */
	bitmap_zero(bmap, 64 * 3);
	for (unsigned int i = 0; i < 8; i++)
		__set_bit(want[i], bmap);
	for (unsigned int i = 0; i < 8; i++) {
		EXPECT_EQ(t, find_nth_bit(bmap, 64 * 3, i), want[i]);
		EXPECT_EQ(t, find_nth_bit(bmap, 64 * 3 - 1, i), want[i]);
	}
	EXPECT_GE(t, find_nth_bit(bmap, 64 * 3, 8), 64ul * 3);
	EXPECT_GE(t, find_nth_bit(bmap, 64 * 3 - 1, 8), 64ul * 3 - 1);
}

KTEST(compat_linux, iterators_take_from_and_ranges)
{
	DECLARE_BITMAP(orig, 500);
	unsigned int bit, s, e, n = 0, sum = 0;

	/* Linux: lib/test_bitmap.c test_for_each_* maps: every 10th bit and 100-149 */
	bitmap_zero(orig, 500);
	for (bit = 0; bit < 500; bit += 10)
		bitmap_set(orig, bit, 1);
	bitmap_set(orig, 100, 50);
	EXPECT_STREQ(t, pbl(orig, 160), "0,10,20,30,40,50,60,70,80,90,100-150");
	bit = 145;
	for_each_set_bit_from(bit, orig, 500)
		n++;
	EXPECT_EQ(t, n, 6u + 34u);			/* 145-150, then 160..490 step 10 */
	for_each_set_bitrange(s, e, orig, 500)
		sum += e - s;
	EXPECT_EQ(t, sum, bitmap_weight(orig, 500));
	s = 120;
	for_each_set_bitrange_from(s, e, orig, 500)
		break;
	EXPECT_EQ(t, s, 120u);				/* a run may start mid-way */
	EXPECT_EQ(t, e, 151u);
	n = 0;
	bit = 495;
	for_each_clear_bit_from(bit, orig, 500)
		n++;
	EXPECT_EQ(t, n, 5u);
}

KTEST(compat_linux, regions_are_all_or_nothing)
{
	DECLARE_BITMAP(bmap, 1000);
	int order;

	/* Linux: lib/test_bitmap.c test_bitmap_region */
	bitmap_zero(bmap, 1000);
	for (order = 0; order < 10; order++) {
		int pos = bitmap_find_free_region(bmap, 1000, order);

		EXPECT_EQ(t, pos, order == 0 ? 0 : order < 9 ? 1 << order : -ENOMEM);
	}
	bitmap_release_region(bmap, 0, 0);
	for (order = 1; order < 9; order++)
		bitmap_release_region(bmap, 1u << order, order);
	EXPECT_EQ(t, bitmap_weight(bmap, 1000), 0u);
	/* Linux: lib/bitmap.c bitmap_allocate_region: -EBUSY if any bit is taken */
	EXPECT_EQ(t, bitmap_allocate_region(bmap, 16, 4), 0);
	EXPECT_EQ(t, bitmap_allocate_region(bmap, 16, 2), -EBUSY);
	EXPECT_STREQ(t, pbl(bmap, 64), "16-31");
	/* setbit: a misaligned pos is -EINVAL (Linux would take it) */
	EXPECT_EQ(t, bitmap_allocate_region(bmap, 6, 2), -EINVAL);
}

KTEST(compat_linux, mem_optimisations_agree)
{
	DECLARE_BITMAP(bmap1, 1024);
	DECLARE_BITMAP(bmap2, 1024);

	/* Linux: lib/test_bitmap.c test_mem_optimisations: bitmap_set == __bitmap_set */
	for (unsigned int start = 0; start < 1024; start += 56) {
		for (unsigned int nbits = 0; nbits < 1024 - start; nbits += 72) {
			fill_bytes(bmap1, 16, 0x5a5a5a5a5a5a5a5aul);
			fill_bytes(bmap2, 16, 0x5a5a5a5a5a5a5a5aul);
			bitmap_set(bmap1, start, nbits);
			__bitmap_set(bmap2, start, nbits);
			ASSERT_TRUE(t, __bitmap_equal(bmap1, bmap2, 1024));
			EXPECT_EQ(t, bitmap_weight(bmap1, start + nbits) -
				     bitmap_weight(bmap1, start), nbits);
			bitmap_clear(bmap1, start, nbits);
			__bitmap_clear(bmap2, start, nbits);
			ASSERT_TRUE(t, bitmap_equal(bmap1, bmap2, 1024));
		}
	}
}

KTEST(compat_linux, atomic_tests_return_the_old_bit)
{
	DECLARE_BITMAP(map, 128) = { 0 };

	/* Linux: include/asm-generic/bitops: test_and_* return the old value */
	EXPECT_FALSE(t, test_and_set_bit(100, map));
	EXPECT_TRUE(t, test_and_set_bit(100, map));
	EXPECT_TRUE(t, test_and_change_bit(100, map));
	EXPECT_FALSE(t, test_and_change_bit(100, map));
	EXPECT_TRUE(t, test_and_clear_bit(100, map));
	EXPECT_FALSE(t, __test_and_set_bit(5, map));
	EXPECT_TRUE(t, __test_and_change_bit(5, map));
	EXPECT_FALSE(t, __test_and_clear_bit(5, map));
	EXPECT_FALSE(t, test_and_set_bit_lock(7, map));
	EXPECT_TRUE(t, test_and_set_bit_lock(7, map));
	clear_bit_unlock(7, map);
	EXPECT_FALSE(t, test_and_set_bit_lock(7, map));
	EXPECT_STREQ(t, pbl(map, 128), "7");
}
