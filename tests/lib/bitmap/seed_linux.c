// SPDX-License-Identifier: MIT
/* The Linux seed articles' code (shared/seeds/001, 002) as written, against compat/linux.h, checked against what they state. */
#include <bitmap/compat/linux.h>
#include <kernel/ktest.h>
#include <stdarg.h>

#ifdef SETBIT_KERNEL
#include <kernel/printk.h>
typedef long ssize_t;
#else
#include <stdio.h>
#endif

/*
 * The snippets below are the articles' text, character for character,
 * minus their #include lines (compat/linux.h stands in for <linux/bitmap.h>,
 * <linux/bitops.h> and <asm/types.h>). What the kernel or libc would
 * provide around them is stubbed here: printf/printk/sscanf write to and
 * read from strings the cases check, and each main() gets a name.
 */

static char seed_out[256];

/* printf and printk: format into seed_out, for the cases to read. */
static int seed_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(seed_out, sizeof(seed_out), fmt, ap);
	va_end(ap);
	return n;
}

/* sscanf for the one format the articles use, "%u%u". */
static int seed_sscanf(const char *s, const char *fmt, unsigned int *a, unsigned int *b)
{
	unsigned int *out[2] = { a, b };
	int got = 0;

	(void)fmt;
	for (; got < 2; got++) {
		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (*s < '0' || *s > '9')
			break;
		for (*out[got] = 0; *s >= '0' && *s <= '9'; s++)
			*out[got] = *out[got] * 10 + (unsigned int)(*s - '0');
	}
	return got;
}

#define printf seed_printf
#define printk seed_printf
#define sscanf seed_sscanf

/* The types the articles' kernel snippets take for granted. */
typedef uint16_t uint16;
typedef uint32_t uint32;
struct device { int id; };
struct device_attribute { int id; };
struct list_head { struct list_head *next, *prev; };

/* ------------------------------------------------ seed 001 (Deepin Linux), as written */

#define main seed_001_set_bit_main
int main() {
volatile unsigned long my_bitmap = 0;
set_bit(2, &my_bitmap); // set third bit
printf("The bitmap after setting bit: 0x%lx\n", my_bitmap);
return 0;
}
#undef main

#define main seed_001_test_bit_main
int main() {
volatile unsigned long process_bitmap = 0x10; // bit 4 set
int result = test_bit(4, &process_bitmap);
if (result) printf("The bit is set (value is 1).\n");
else printf("The bit is not set (value is 0).\n");
return 0;
}
#undef main

#define PID_BITMAP_LEN 1024
DECLARE_BITMAP(pid_bitmap, PID_BITMAP_LEN);
int allocate_pid() {
int index = find_first_zero_bit(pid_bitmap, PID_BITMAP_LEN);
if (index < PID_BITMAP_LEN) {
__set_bit(index, pid_bitmap);
return index;
}
return -1;
}
void release_pid(int pid) {
if (pid >= 0 && pid < PID_BITMAP_LEN) __clear_bit(pid, pid_bitmap);
}

/*
 * The buddy snippet passes an unsigned int * to test_bit, which takes
 * const volatile unsigned long * in Linux as here: real Linux warns too
 * (-Wincompatible-pointer-types). It is built as written with that one
 * warning silenced; the map it reads is 64-bit aligned and long enough.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wincompatible-pointer-types"
typedef struct free_area_struct {
struct list_head free_list;
unsigned int *map; // bitmap of buddy blocks
} free_area_t;
int can_merge_buddies(free_area_t *area, int index) {
int bit_status = test_bit(index, area->map);
return bit_status == 0;
}
#pragma GCC diagnostic pop

/*
 * The sysfs handlers ignore some parameters and never read `old`, which
 * -Wextra and -Wall report; Linux builds without those two warnings
 * (scripts/Makefile.extrawarn), so they are silenced for these lines only.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#define BITMAP_LEN 128
DECLARE_BITMAP(Test, BITMAP_LEN);
static ssize_t bitmap_debug_get_usable_index(struct device *dev,
struct device_attribute *attr,
char *buf) {
uint16 index = find_first_zero_bit(Test, 128);
printk("\n index:%d\r\n", index);
return 0;
}
static ssize_t bitmap_debug_set_used_index(struct device *dev,
struct device_attribute *attr,
const char *buf, size_t count) {
uint32 start, end, index, old;
sscanf(buf, "%u%u", &start, &end);
for (index = start; index <= end; index++)
old = test_and_set_bit(index, Test);
return count;
}
#pragma GCC diagnostic pop

KTEST(seed_linux, set_bit_sets_the_third_bit)
{
	EXPECT_EQ(t, seed_001_set_bit_main(), 0);
	/* 001 §4.1: bit 2 of 0 is 0x4. */
	EXPECT_STREQ(t, seed_out, "The bitmap after setting bit: 0x4\n");
}

KTEST(seed_linux, test_bit_sees_bit_four_of_0x10)
{
	EXPECT_EQ(t, seed_001_test_bit_main(), 0);
	/* 001 §4.2: 0x10 has bit 4 set. */
	EXPECT_STREQ(t, seed_out, "The bit is set (value is 1).\n");
}

KTEST(seed_linux, pid_allocation_takes_the_first_zero_bit)
{
	bitmap_zero(pid_bitmap, PID_BITMAP_LEN);
	/* 001 §6.1: find the first zero bit and set it. */
	EXPECT_EQ(t, allocate_pid(), 0);
	EXPECT_EQ(t, allocate_pid(), 1);
	EXPECT_EQ(t, allocate_pid(), 2);
	release_pid(1);
	EXPECT_EQ(t, allocate_pid(), 1);
	for (int i = 3; i < PID_BITMAP_LEN; i++)
		ASSERT_EQ(t, allocate_pid(), i);
	/* All 1024 taken: -1. Out-of-range releases change nothing. */
	EXPECT_EQ(t, allocate_pid(), -1);
	release_pid(-1);
	release_pid(PID_BITMAP_LEN);
	EXPECT_EQ(t, allocate_pid(), -1);
	release_pid(700);
	EXPECT_EQ(t, allocate_pid(), 700);
}

KTEST(seed_linux, a_zero_bit_means_the_buddy_can_merge)
{
	unsigned long words[1] = { 1ul << 3 };
	free_area_t area = { { NULL, NULL }, (unsigned int *)words };

	/* 001 §6.2: a zero bit is a free block that can merge. */
	EXPECT_EQ(t, can_merge_buddies(&area, 2), 1);
	EXPECT_EQ(t, can_merge_buddies(&area, 3), 0);
}

KTEST(seed_linux, debug_interface_marks_and_reports)
{
	bitmap_zero(Test, BITMAP_LEN);
	bitmap_debug_get_usable_index(NULL, NULL, NULL);
	EXPECT_STREQ(t, seed_out, "\n index:0\r\n");
	/* 001 §6.3: "start end" marks start..end inclusive as used. */
	EXPECT_EQ(t, (long)bitmap_debug_set_used_index(NULL, NULL, "0 9", 3), 3l);
	bitmap_debug_get_usable_index(NULL, NULL, NULL);
	EXPECT_STREQ(t, seed_out, "\n index:10\r\n");
	EXPECT_EQ(t, bitmap_weight(Test, BITMAP_LEN), 10u);
}

KTEST(seed_linux, data_center_ports_and_blocks)
{
	/* 001 §7: set_bit marks busy, clear_bit frees, find_first_zero_bit finds idle. */
	DECLARE_BITMAP(servers, 100) = { 0 };

	set_bit(0, servers);
	set_bit(1, servers);
	EXPECT_EQ(t, find_first_zero_bit(servers, 100), 2ul);
	clear_bit(0, servers);
	EXPECT_EQ(t, find_first_zero_bit(servers, 100), 0ul);
	/* Ports: testing and clearing reports a disconnection once. */
	EXPECT_TRUE(t, test_and_clear_bit(1, servers));
	EXPECT_FALSE(t, test_and_clear_bit(1, servers));
}

/* ------------------------------------------------ seed 002 (linux-insides), as written */

/*
 * The article's definitions: the compiler rejects a redefinition that
 * differs from compat/linux.h's, so these lines prove they match.
 */
#define DECLARE_BITMAP(name,bits) \
unsigned long name[BITS_TO_LONGS(bits)]
#define BITS_PER_BYTE 8
#define DIV_ROUND_UP(n,d) (((n) + (d) - 1) / (d))
#define BITS_TO_LONGS(nr) DIV_ROUND_UP(nr, BITS_PER_BYTE * sizeof(long))

KTEST(seed_linux, declare_bitmap_of_64_is_one_long)
{
	unsigned long my_bitmap[8];
	unsigned long *first = my_bitmap;

	EXPECT_EQ(t, sizeof(my_bitmap), 64ul);
	(void)first;
	{
		DECLARE_BITMAP(my_bitmap, 64);

		/* 002: "will produce: unsigned long my_bitmap[1];" */
		EXPECT_EQ(t, sizeof(my_bitmap), sizeof(unsigned long[1]));
		EXPECT_EQ(t, (unsigned long)(((64) + (64) - 1) / (64)), 1ul);
		(void)my_bitmap;
	}
}

KTEST(seed_linux, bit_nine_lives_in_the_next_byte)
{
	DECLARE_BITMAP(map, 64) = { 0 };
	const unsigned char *bytes = (const unsigned char *)map;
	volatile unsigned long nr = 0x9;

	/* 002: bit 0x9 is in byte addr + 1, as the mask 0b10. */
	set_bit(0x9, map);
	EXPECT_EQ(t, bytes[0x9 >> 3], 1 << (0x9 & 7));
	EXPECT_EQ(t, bytes[1], 0x2);
	__clear_bit(0x9, map);
	EXPECT_EQ(t, map[0], 0ul);
	/* The constant and the variable paths (constant_test_bit / variable_test_bit) agree. */
	__set_bit(nr, map);
	EXPECT_TRUE(t, test_bit(0x9, map));
	EXPECT_TRUE(t, test_bit(nr, map));
	change_bit(nr, map);
	EXPECT_FALSE(t, test_bit(0x9, map));
	__change_bit(0x9, map);
	clear_bit(nr, map);
	EXPECT_EQ(t, map[0], 0ul);
}

KTEST(seed_linux, for_each_set_bit_walks_from_the_first_set_bit)
{
	DECLARE_BITMAP(map, 200) = { 0 };
	unsigned long bit, seen[8], n = 0;

	__set_bit(3, map);
	__set_bit(64, map);
	__set_bit(199, map);
	/* 002: from find_first_bit while bit < size. */
	for_each_set_bit(bit, map, 200)
		if (n < 8)
			seen[n++] = bit;
	EXPECT_EQ(t, n, 3ul);
	EXPECT_EQ(t, seen[0], 3ul);
	EXPECT_EQ(t, seen[1], 64ul);
	EXPECT_EQ(t, seen[2], 199ul);
	bit = 65;
	n = 0;
	for_each_set_bit_from(bit, map, 200)
		n++;
	EXPECT_EQ(t, n, 1ul);
	n = 0;
	for_each_clear_bit(bit, map, 200)
		n++;
	EXPECT_EQ(t, n, 197ul);
}

KTEST(seed_linux, bitmap_zero_and_fill)
{
	DECLARE_BITMAP(map, 100);

	/*
	 * 002: bitmap_fill fills with ones, bitmap_zero with zeros. The
	 * article quotes an older bitmap_fill that masked the last word;
	 * current Linux fills whole words (lib/test_bitmap.c test_fill_set),
	 * and so does setbit: the bits [0, nbits) the article promises hold.
	 */
	bitmap_fill(map, 100);
	EXPECT_TRUE(t, bitmap_full(map, 100));
	EXPECT_EQ(t, bitmap_weight(map, 100), 100u);
	bitmap_zero(map, 100);
	EXPECT_TRUE(t, bitmap_empty(map, 100));
	EXPECT_EQ(t, map[1], 0ul);
}
