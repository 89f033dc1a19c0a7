// SPDX-License-Identifier: MIT
/* gdtslot: aligned pairs, the descriptor words stored as given, exhaustion, free and reuse, growth. */
#include <stdarg.h>

#include <kernel/gdtslot.h>
#include <kernel/ktest.h>
#include <kernel/vsprintf.h>

#define FIXED	6	/* null, kernel CS/DS, user CS32/DS/CS64 */
#define CAP	64

static uint64_t table[CAP];
static BM_DECLARE(used, CAP);
static struct gdt_slots g;

static void setup(struct ktest *t, size_t nslots)
{
	for (size_t i = 0; i < CAP; i++)
		table[i] = 0x5A5A5A5A5A5A5A5Aull;	/* init must not touch the table */
	ASSERT_EQ(t, gdt_slots_init(&g, table, used, CAP, FIXED, nslots), 0);
}

/* Allocate a pair holding {tag, ~tag}: the allocator stores the words, it does not read them. */
static int alloc(uint64_t tag)
{
	const uint64_t desc[2] = { tag, ~tag };

	return gdt_slots_alloc_pair(&g, desc);
}

KTEST(gdtslot, init_checks_its_arguments)
{
	EXPECT_EQ(t, gdt_slots_init(&g, table, used, CAP, 0, 8), -EINVAL);
	EXPECT_EQ(t, gdt_slots_init(&g, table, used, CAP, 9, 8), -EINVAL);
	EXPECT_EQ(t, gdt_slots_init(&g, table, used, CAP, 6, CAP + 1), -EINVAL);
	EXPECT_EQ(t, gdt_slots_init(&g, table, used, GDT_MAX_SLOTS + 2, 6, 8), -EINVAL);
}

KTEST(gdtslot, first_pair_follows_the_fixed_segments)
{
	setup(t, 16);
	EXPECT_EQ(t, alloc(0x1000), 0x30);
	EXPECT_EQ(t, table[6], 0x1000);
	EXPECT_EQ(t, table[7], ~0x1000ull);
	EXPECT_EQ(t, table[5], 0x5A5A5A5A5A5A5A5Aull);	/* fixed slots untouched */
	EXPECT_EQ(t, gdt_slots_limit(&g), 16 * 8 - 1);
}

KTEST(gdtslot, pairs_are_aligned_with_an_odd_fixed_count)
{
	ASSERT_EQ(t, gdt_slots_init(&g, table, used, CAP, 5, 12), 0);
	/* Slot 5 is free but a pair may not start there: 6, 8, 10. */
	EXPECT_EQ(t, alloc(0), 6 * 8);
	EXPECT_EQ(t, alloc(0), 8 * 8);
	EXPECT_EQ(t, alloc(0), 10 * 8);
	EXPECT_EQ(t, alloc(0), -ENOSPC);
	EXPECT_EQ(t, gdt_slots_available(&g), 1);	/* slot 5, alone */
}

KTEST(gdtslot, exhaustion_is_an_error_and_changes_nothing)
{
	setup(t, 12);	/* room for 3 pairs */
	EXPECT_EQ(t, alloc(0x1000), 0x30);
	EXPECT_EQ(t, alloc(0x2000), 0x40);
	EXPECT_EQ(t, alloc(0x3000), 0x50);
	EXPECT_EQ(t, gdt_slots_available(&g), 0);
	EXPECT_EQ(t, alloc(0x4000), -ENOSPC);
	EXPECT_EQ(t, table[10], 0x3000);
}

KTEST(gdtslot, free_and_reuse)
{
	setup(t, 12);
	ASSERT_EQ(t, alloc(0x1000), 0x30);
	ASSERT_EQ(t, alloc(0x2000), 0x40);
	ASSERT_EQ(t, alloc(0x3000), 0x50);
	EXPECT_EQ(t, gdt_slots_free_pair(&g, 0x40), 0);
	EXPECT_EQ(t, table[8], 0);
	EXPECT_EQ(t, table[9], 0);
	EXPECT_EQ(t, gdt_slots_available(&g), 2);
	/* The hint is past the end: the search wraps and finds the hole. */
	EXPECT_EQ(t, alloc(0x5000), 0x40);
	EXPECT_EQ(t, table[8], 0x5000);
}

KTEST(gdtslot, bad_frees_are_refused)
{
	setup(t, 12);
	ASSERT_EQ(t, alloc(0x1000), 0x30);
	EXPECT_EQ(t, gdt_slots_free_pair(&g, 0x38), -EINVAL);	/* second half of a pair */
	EXPECT_EQ(t, gdt_slots_free_pair(&g, 0x40), -EINVAL);	/* never given out */
	EXPECT_EQ(t, gdt_slots_free_pair(&g, 0x08), -EINVAL);	/* kernel code */
	EXPECT_EQ(t, gdt_slots_free_pair(&g, 0x00), -EINVAL);
	EXPECT_EQ(t, gdt_slots_free_pair(&g, 0x1000), -EINVAL);	/* past the table */
	EXPECT_EQ(t, gdt_slots_free_pair(&g, 0x30), 0);
	EXPECT_EQ(t, gdt_slots_free_pair(&g, 0x30), -EINVAL);	/* double free */
	EXPECT_EQ(t, gdt_slots_available(&g), 6);
}

KTEST(gdtslot, grow_adds_free_zeroed_slots)
{
	setup(t, 8);
	ASSERT_EQ(t, alloc(0x1000), 0x30);
	EXPECT_EQ(t, alloc(0x2000), -ENOSPC);
	EXPECT_EQ(t, gdt_slots_grow(&g, 6), -EINVAL);	/* no shrinking */
	EXPECT_EQ(t, gdt_slots_grow(&g, CAP + 2), -EINVAL);
	ASSERT_EQ(t, gdt_slots_grow(&g, 10), 0);
	EXPECT_EQ(t, table[8], 0);
	EXPECT_EQ(t, alloc(0x2000), 0x40);
	EXPECT_EQ(t, gdt_slots_limit(&g), 79);
}

KTEST(gdtslot, fill_the_whole_capacity)
{
	int n = 0, sel;

	setup(t, CAP);
	while ((sel = alloc((uint64_t)n << 12)) >= 0) {
		EXPECT_EQ(t, sel, (FIXED + 2 * n) * 8);
		n++;
	}
	EXPECT_EQ(t, sel, -ENOSPC);
	EXPECT_EQ(t, n, (CAP - FIXED) / 2);
	for (int i = 0; i < n; i++)
		EXPECT_EQ(t, table[FIXED + 2 * i], (uint64_t)i << 12);
	for (int i = 0; i < n; i++)
		EXPECT_EQ(t, gdt_slots_free_pair(&g, (unsigned int)(FIXED + 2 * i) * 8), 0);
	EXPECT_EQ(t, gdt_slots_available(&g), CAP - FIXED);
}

/* ---------------------------------------------------------------- print */


static struct {
	char text[1024];
	size_t len;
} printed;

static void print_into(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(printed.text + printed.len, sizeof(printed.text) - printed.len, fmt, ap);
	va_end(ap);
	if (n > 0)
		printed.len += (size_t)n;
}

/* What the kernel would say of a pair: here, its first word in hex. */
static const char *first_word(const uint64_t desc[2])
{
	static char buf[32];

	for (int i = 0; i < 16; i++)
		buf[i] = "0123456789abcdef"[desc[0] >> (60 - 4 * i) & 0xF];
	buf[16] = '\0';
	return buf;
}

KTEST(gdtslot, print_shows_slots_owners_and_counts)
{
	int a, b, c;

	static const uint64_t da[2] = { 0xA1, 0 }, db[2] = { 0xB2, 0 }, dc[2] = { 0xC3, 0 };

	setup(t, 12);
	a = gdt_slots_alloc_pair(&g, da);
	b = gdt_slots_alloc_pair(&g, db);
	c = gdt_slots_alloc_pair(&g, dc);
	ASSERT_EQ(t, a, 6 * 8);
	ASSERT_EQ(t, b, 8 * 8);
	ASSERT_EQ(t, c, 10 * 8);
	ASSERT_EQ(t, gdt_slots_free_pair(&g, (unsigned int)b), 0);
	printed.len = 0;
	gdt_slots_print(&g, print_into, first_word);
	/* 12 slots of 8 bytes: limit 95; pairs at 6-7 and 10-11, 8-9 freed. */
	EXPECT_STREQ(t, printed.text,
		     "12 slots (6 fixed), limit 0x5f:\n"
		     "  FFFFFFTt..Tt\n"
		     "  fixed: 0-5 (null, kernel and user segments)\n"
		     "  0x30: 00000000000000a1\n"
		     "  0x50: 00000000000000c3\n"
		     "  10 of 12 slots used, 2 free\n");
}

KTEST(gdtslot, print_wraps_the_map_every_64_slots)
{
	static uint64_t big[130];
	static BM_DECLARE(big_used, 130);
	static struct gdt_slots w;

	ASSERT_EQ(t, gdt_slots_init(&w, big, big_used, 130, FIXED, 130), 0);
	printed.len = 0;
	gdt_slots_print(&w, print_into, first_word);
	EXPECT_STREQ(t, printed.text,
		     "130 slots (6 fixed), limit 0x40f:\n"
		     "  FFFFFF..........................................................\n"
		     "  ................................................................\n"
		     "  ..\n"
		     "  fixed: 0-5 (null, kernel and user segments)\n"
		     "  6 of 130 slots used, 124 free\n");
}
