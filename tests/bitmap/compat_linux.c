/* Tests of the Linux dialect: the seed articles' examples, then Linux's contract case by case. */
#include <bitmap/compat/linux.h>
#include <kernel/ktest.h>

/* The map as a Linux list ("0-3,7"), for failures that read at a glance. */
static const char *list(const unsigned long *map, unsigned int nbits)
{
	static char buf[256];

	bitmap_scnlistprintf(buf, sizeof(buf), map, (int)nbits);
	return buf;
}

/* ------------------------------------------------ seed 001 (Deepin Linux) */

KTEST(compat_linux, seed_set_bit_on_a_single_long)
{
	volatile unsigned long my_bitmap = 0;

	set_bit(2, &my_bitmap);
	EXPECT_EQ(t, my_bitmap, 0x4ul);
}

KTEST(compat_linux, seed_test_bit_reads_bit_four)
{
	volatile unsigned long process_bitmap = 0x10;

	EXPECT_TRUE(t, test_bit(4, &process_bitmap));
	EXPECT_FALSE(t, test_bit(3, &process_bitmap));
	EXPECT_FALSE(t, test_bit(5, &process_bitmap));
}

#define PID_BITMAP_LEN 1024
static DECLARE_BITMAP(pid_bitmap, PID_BITMAP_LEN);

/* The seed's allocate_pid(): first zero bit, taken with __set_bit. */
static int allocate_pid(void)
{
	unsigned long index = find_first_zero_bit(pid_bitmap, PID_BITMAP_LEN);

	if (index < PID_BITMAP_LEN) {
		__set_bit(index, pid_bitmap);
		return (int)index;
	}
	return -1;
}

static void release_pid(int pid)
{
	if (pid >= 0 && pid < PID_BITMAP_LEN)
		__clear_bit((unsigned long)pid, pid_bitmap);
}

KTEST(compat_linux, seed_pid_allocation)
{
	bitmap_zero(pid_bitmap, PID_BITMAP_LEN);
	EXPECT_EQ(t, allocate_pid(), 0);
	EXPECT_EQ(t, allocate_pid(), 1);
	EXPECT_EQ(t, allocate_pid(), 2);
	release_pid(1);
	EXPECT_EQ(t, allocate_pid(), 1);
	EXPECT_EQ(t, allocate_pid(), 3);
	for (int i = 4; i < PID_BITMAP_LEN; i++)
		ASSERT_EQ(t, allocate_pid(), i);
	EXPECT_EQ(t, allocate_pid(), -1);
	release_pid(700);
	release_pid(-1);
	release_pid(PID_BITMAP_LEN);
	EXPECT_EQ(t, allocate_pid(), 700);
	EXPECT_TRUE(t, bitmap_full(pid_bitmap, PID_BITMAP_LEN));
}

/* The seed's buddy check: a clear bit means the block can merge with its buddy. */
static int can_merge_buddies(const unsigned long *map, int index)
{
	return test_bit((unsigned long)index, map) == 0;
}

KTEST(compat_linux, seed_buddy_merge_test)
{
	DECLARE_BITMAP(map, 16) = { 0 };

	__set_bit(3, map);
	EXPECT_TRUE(t, can_merge_buddies(map, 2));
	EXPECT_FALSE(t, can_merge_buddies(map, 3));
}

KTEST(compat_linux, seed_debug_interface)
{
	DECLARE_BITMAP(Test, 128);
	unsigned int old = 0;

	bitmap_zero(Test, 128);
	EXPECT_EQ(t, find_first_zero_bit(Test, 128), 0ul);
	/* "echo 0 9 > set_used_index": mark 0..9 inclusive. */
	for (unsigned int index = 0; index <= 9; index++)
		old |= test_and_set_bit(index, Test);
	EXPECT_EQ(t, old, 0u);
	EXPECT_EQ(t, find_first_zero_bit(Test, 128), 10ul);
	EXPECT_TRUE(t, test_and_set_bit(5, Test));
	EXPECT_STREQ(t, list(Test, 128), "0-9");
}

KTEST(compat_linux, seed_data_center_servers)
{
	DECLARE_BITMAP(servers, 100) = { 0 };

	set_bit(0, servers);
	set_bit(1, servers);
	set_bit(2, servers);
	EXPECT_EQ(t, find_first_zero_bit(servers, 100), 3ul);
	clear_bit(1, servers);
	EXPECT_EQ(t, find_first_zero_bit(servers, 100), 1ul);
	bitmap_fill(servers, 100);
	EXPECT_EQ(t, find_first_zero_bit(servers, 100), 100ul);
}

KTEST(compat_linux, seed_port_monitoring)
{
	DECLARE_BITMAP(ports, 65536);

	bitmap_zero(ports, 65536);
	set_bit(443, ports);
	set_bit(65535, ports);
	EXPECT_EQ(t, bitmap_weight(ports, 65536), 2u);
	/* A disconnect is seen once: the first test-and-clear reports it. */
	EXPECT_TRUE(t, test_and_clear_bit(443, ports));
	EXPECT_FALSE(t, test_and_clear_bit(443, ports));
	EXPECT_EQ(t, find_first_bit(ports, 65536), 65535ul);
}

KTEST(compat_linux, seed_ext2_block_allocation)
{
	DECLARE_BITMAP(blocks, 8192) = { 0 };
	unsigned long goal = 1000, blk;

	bitmap_set(blocks, 0, 1003);
	blk = find_next_zero_bit(blocks, 8192, goal);
	EXPECT_EQ(t, blk, 1003ul);
	/* Eight contiguous blocks, 8-aligned, for a new file. */
	blk = bitmap_find_next_zero_area(blocks, 8192, goal, 8, 7);
	EXPECT_EQ(t, blk, 1008ul);
	bitmap_set(blocks, (unsigned)blk, 8);
	EXPECT_STREQ(t, list(blocks, 8192), "0-1002,1008-1015");
}

/* ------------------------------------------------ seed 002 (linux-insides) */

KTEST(compat_linux, seed_declare_bitmap_sizes)
{
	DECLARE_BITMAP(my_bitmap, 64);
	DECLARE_BITMAP(two, 65);

	EXPECT_EQ(t, sizeof(my_bitmap), 8ul);
	EXPECT_EQ(t, sizeof(two), 16ul);
	EXPECT_EQ(t, BITS_TO_LONGS(64), 1ul);
	EXPECT_EQ(t, BITS_TO_LONGS(65), 2ul);
	EXPECT_EQ(t, BITS_TO_LONGS(0), 0ul);
	EXPECT_EQ(t, BITS_TO_LONGS(1), 1ul);
	(void)my_bitmap;
	(void)two;
}

KTEST(compat_linux, seed_bit_nine_is_in_byte_one)
{
	DECLARE_BITMAP(map, 64) = { 0 };
	unsigned long nr = 0x9;

	set_bit(0x9, map);
	EXPECT_EQ(t, ((const unsigned char *)map)[1], 0x2);
	EXPECT_EQ(t, map[0], 0x200ul);
	clear_bit(nr, map);
	EXPECT_EQ(t, map[0], 0ul);
}

KTEST(compat_linux, seed_plain_and_atomic_bitops_agree)
{
	DECLARE_BITMAP(a, 130) = { 0 };
	DECLARE_BITMAP(b, 130) = { 0 };
	volatile unsigned long nr = 129;

	__set_bit(nr, a);
	set_bit(nr, b);
	__set_bit(64, a);
	set_bit(64, b);
	__change_bit(0, a);
	change_bit(0, b);
	__change_bit(64, a);
	change_bit(64, b);
	__clear_bit(nr, a);
	clear_bit(nr, b);
	EXPECT_TRUE(t, bitmap_equal(a, b, 130));
	EXPECT_STREQ(t, list(a, 130), "0");
	/* test_bit on a constant and a variable index (the seed's two paths). */
	EXPECT_TRUE(t, test_bit(0, a));
	EXPECT_FALSE(t, test_bit(nr, a));
}

KTEST(compat_linux, seed_for_each_set_bit)
{
	DECLARE_BITMAP(map, 200) = { 0 };
	unsigned long bit, want[] = { 0, 63, 64, 150, 199 };
	unsigned int n = 0;

	for (unsigned i = 0; i < 5; i++)
		__set_bit(want[i], map);
	for_each_set_bit(bit, map, 200) {
		ASSERT_LT(t, n, 5u);
		EXPECT_EQ(t, bit, want[n]);
		n++;
	}
	EXPECT_EQ(t, n, 5u);
}

KTEST(compat_linux, seed_zero_fill_copy)
{
	DECLARE_BITMAP(map, 100);
	DECLARE_BITMAP(copy, 100);

	bitmap_fill(map, 100);
	EXPECT_EQ(t, map[0], ~0ul);
	/* Linux: include/linux/bitmap.h bitmap_fill, whole words (memset 0xff) */
	EXPECT_EQ(t, map[1], ~0ul);
	bitmap_copy(copy, map, 100);
	EXPECT_TRUE(t, bitmap_full(copy, 100));
	bitmap_zero(map, 100);
	EXPECT_EQ(t, map[0], 0ul);
	EXPECT_EQ(t, map[1], 0ul);
}

KTEST(compat_linux, seed_and_or_xor)
{
	unsigned long a[2] = { 0xf0f0ul, 1 }, b[2] = { 0xff00ul, 3 }, d[2];

	EXPECT_TRUE(t, bitmap_and(d, a, b, 66));
	EXPECT_EQ(t, d[0], 0xf000ul);
	bitmap_or(d, a, b, 66);
	EXPECT_EQ(t, d[0], 0xfff0ul);
	EXPECT_EQ(t, d[1] & 3, 3ul);
	bitmap_xor(d, a, b, 66);
	EXPECT_EQ(t, d[0], 0x0ff0ul);
	EXPECT_EQ(t, d[1] & 3, 2ul);
	EXPECT_FALSE(t, bitmap_andnot(d, a, a, 66));
}

/* ------------------------------------------------ Linux's contract */

KTEST(compat_linux, searches_return_size_when_not_found)
{
	/* Tail bits past size are ones: none may leak into a result. */
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
	/* offset >= size */
	EXPECT_EQ(t, find_next_bit(ones, 70, 70), 70ul);
	EXPECT_EQ(t, find_next_bit(ones, 70, 1000), 70ul);
	EXPECT_EQ(t, find_next_zero_bit(map, 70, 71), 70ul);
	EXPECT_EQ(t, find_first_bit(ones, 0), 0ul);
}

KTEST(compat_linux, searches_find_the_right_bit)
{
	unsigned long a[3] = { 0x8000000000000001ul, 0x10ul, 0x4ul };
	unsigned long b[3] = { 0x1ul, 0x0ul, 0x4ul };

	EXPECT_EQ(t, find_first_bit(a, 192), 0ul);
	EXPECT_EQ(t, find_next_bit(a, 192, 1), 63ul);
	EXPECT_EQ(t, find_next_bit(a, 192, 64), 68ul);
	EXPECT_EQ(t, find_last_bit(a, 192), 130ul);
	EXPECT_EQ(t, find_last_bit(a, 130), 68ul);
	EXPECT_EQ(t, find_next_zero_bit(a, 192, 63), 64ul);
	EXPECT_EQ(t, find_nth_bit(a, 192, 0), 0ul);
	EXPECT_EQ(t, find_nth_bit(a, 192, 2), 68ul);
	EXPECT_EQ(t, find_nth_bit(a, 192, 3), 130ul);
	EXPECT_EQ(t, find_nth_bit(a, 192, 4), 192ul);
	EXPECT_EQ(t, find_next_and_bit(a, b, 192, 1), 130ul);
	EXPECT_EQ(t, find_next_andnot_bit(a, b, 192, 0), 63ul);
	EXPECT_EQ(t, find_next_or_bit(a, b, 192, 69), 130ul);
	EXPECT_EQ(t, find_next_bit_wrap(a, 192, 131), 0ul);
	EXPECT_EQ(t, find_next_bit_wrap(a, 192, 64), 68ul);
}

KTEST(compat_linux, iterators_visit_clear_bits_and_ranges)
{
	DECLARE_BITMAP(map, 70) = { 0 };
	unsigned long bit, b, e, sum = 0, n = 0;
	char ranges[64];
	int len = 0;

	bitmap_fill(map, 70);
	__clear_bit(3, map);
	__clear_bit(64, map);
	for_each_clear_bit(bit, map, 70)
		sum += bit;
	EXPECT_EQ(t, sum, 67ul);
	bit = 10;
	for_each_clear_bit_from(bit, map, 70)
		n++;
	EXPECT_EQ(t, n, 1ul);
	bit = 65;
	n = 0;
	for_each_set_bit_from(bit, map, 70)
		n++;
	EXPECT_EQ(t, n, 5ul);
	/* Runs [0,3) [4,64) [65,70), spelled out as "b-e;". */
	for_each_set_bitrange(b, e, map, 70) {
		ranges[len++] = (char)('A' + b / 4);
		ranges[len++] = (char)('A' + e / 4);
	}
	ranges[len] = '\0';
	EXPECT_STREQ(t, ranges, "AABQQR");
}

KTEST(compat_linux, whole_map_predicates_ignore_the_tail)
{
	unsigned long a[2] = { ~0ul, 0xfful }, b[2] = { ~0ul, 0x3ful | (1ul << 40) };
	unsigned long e[2] = { 0, ~0ul << 6 };

	EXPECT_TRUE(t, bitmap_full(a, 70));
	EXPECT_TRUE(t, bitmap_equal(a, b, 70));
	EXPECT_FALSE(t, bitmap_equal(a, b, 71));
	EXPECT_TRUE(t, bitmap_empty(e, 70));
	EXPECT_FALSE(t, bitmap_intersects(e, a, 70));
	EXPECT_TRUE(t, bitmap_subset(e, a, 70));
	EXPECT_EQ(t, bitmap_weight(a, 70), 70u);
	EXPECT_EQ(t, bitmap_weight(e, 70), 0u);
	EXPECT_TRUE(t, bitmap_empty(e, 0));
}

KTEST(compat_linux, ranges_complement_and_shifts)
{
	DECLARE_BITMAP(map, 100) = { 0 };
	DECLARE_BITMAP(d, 100);

	bitmap_set(map, 60, 10);
	EXPECT_STREQ(t, list(map, 100), "60-69");
	bitmap_clear(map, 62, 3);
	EXPECT_STREQ(t, list(map, 100), "60-61,65-69");
	bitmap_complement(d, map, 100);
	EXPECT_STREQ(t, list(d, 100), "0-59,62-64,70-99");
	bitmap_shift_left(d, map, 35, 100);
	EXPECT_STREQ(t, list(d, 100), "95-96");
	bitmap_shift_right(d, map, 60, 100);
	EXPECT_STREQ(t, list(d, 100), "0-1,5-9");
}

KTEST(compat_linux, zero_area_alignment_and_failure)
{
	DECLARE_BITMAP(map, 64) = { 0 };
	unsigned long i;

	bitmap_set(map, 0, 5);
	EXPECT_EQ(t, bitmap_find_next_zero_area(map, 64, 0, 4, 0), 5ul);
	EXPECT_EQ(t, bitmap_find_next_zero_area(map, 64, 0, 4, 7), 8ul);
	/* (index + 3) % 8 == 0: the first such index >= 5 is 5. */
	EXPECT_EQ(t, bitmap_find_next_zero_area_off(map, 64, 0, 4, 7, 3), 5ul);
	i = bitmap_find_next_zero_area(map, 64, 0, 60, 0);
	EXPECT_GT(t, i, 64ul - 60);
	EXPECT_GE(t, i, 64ul);
	EXPECT_GE(t, bitmap_find_next_zero_area(map, 64, 0, 65, 0), 64ul);
}

KTEST(compat_linux, regions_are_all_or_nothing)
{
	DECLARE_BITMAP(map, 32) = { 0 };

	EXPECT_EQ(t, bitmap_find_free_region(map, 32, 3), 0);
	EXPECT_EQ(t, bitmap_find_free_region(map, 32, 2), 8);
	EXPECT_EQ(t, bitmap_allocate_region(map, 16, 4), 0);
	EXPECT_EQ(t, bitmap_allocate_region(map, 16, 2), -EBUSY);
	EXPECT_EQ(t, bitmap_allocate_region(map, 12, 2), 0);
	EXPECT_EQ(t, bitmap_allocate_region(map, 6, 2), -EINVAL);
	EXPECT_STREQ(t, list(map, 32), "0-31");
	EXPECT_EQ(t, bitmap_find_free_region(map, 32, 0), -ENOMEM);
	bitmap_release_region(map, 8, 2);
	EXPECT_STREQ(t, list(map, 32), "0-7,12-31");
	EXPECT_EQ(t, bitmap_find_free_region(map, 32, 3), -ENOMEM);
	EXPECT_EQ(t, bitmap_find_free_region(map, 32, 2), 8);
}

KTEST(compat_linux, parselist_and_print)
{
	DECLARE_BITMAP(map, 64) = { 0 };
	char small[6];

	EXPECT_EQ(t, bitmap_parselist("0-3,7,10-31:4/8", map, 64), 0);
	EXPECT_STREQ(t, list(map, 64), "0-3,7,10-13,18-21,26-29");
	EXPECT_EQ(t, bitmap_parselist("10-1", map, 64), -EINVAL);
	EXPECT_EQ(t, bitmap_parselist("al", map, 64), -EINVAL);
	EXPECT_EQ(t, bitmap_parselist("64", map, 64), -ERANGE);
	/* Linux: lib/test_bitmap.c parselist_tests */
	EXPECT_EQ(t, bitmap_parselist("0-98765432123456789:10/1", map, 8), -EOVERFLOW);
	/* Errors leave the map as it was. */
	EXPECT_STREQ(t, list(map, 64), "0-3,7,10-13,18-21,26-29");
	EXPECT_EQ(t, bitmap_parselist("all", map, 64), 0);
	EXPECT_STREQ(t, list(map, 64), "0-63");
	EXPECT_EQ(t, bitmap_parselist("", map, 64), 0);
	EXPECT_STREQ(t, list(map, 64), "");
	/* scnprintf semantics: what fits, NUL-terminated, and its length. */
	bitmap_parselist("0-3,7", map, 64);
	EXPECT_EQ(t, bitmap_scnlistprintf(small, sizeof(small), map, 64), 5);
	EXPECT_STREQ(t, small, "0-3,7");
	EXPECT_EQ(t, bitmap_scnlistprintf(small, 4, map, 64), 3);
	EXPECT_STREQ(t, small, "0-3");
	EXPECT_EQ(t, bitmap_scnlistprintf(small, 0, map, 64), 0);
}

KTEST(compat_linux, atomic_tests_return_the_old_bit)
{
	DECLARE_BITMAP(map, 128) = { 0 };

	EXPECT_FALSE(t, test_and_set_bit(100, map));
	EXPECT_TRUE(t, test_and_set_bit(100, map));
	EXPECT_TRUE(t, test_and_change_bit(100, map));
	EXPECT_FALSE(t, test_and_change_bit(100, map));
	EXPECT_TRUE(t, test_and_clear_bit(100, map));
	EXPECT_FALSE(t, __test_and_set_bit(5, map));
	EXPECT_TRUE(t, __test_and_change_bit(5, map));
	EXPECT_FALSE(t, __test_and_clear_bit(5, map));
	/* A bit lock: the second taker sees it held until the unlock. */
	EXPECT_FALSE(t, test_and_set_bit_lock(7, map));
	EXPECT_TRUE(t, test_and_set_bit_lock(7, map));
	clear_bit_unlock(7, map);
	EXPECT_FALSE(t, test_and_set_bit_lock(7, map));
	EXPECT_STREQ(t, list(map, 128), "7");
}
