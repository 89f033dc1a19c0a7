/* gdtslot: aligned pairs, the descriptor words stored as given, exhaustion, free and reuse, growth. */
#include <kernel/gdtslot.h>
#include <kernel/ktest.h>

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
	EXPECT_EQ(t, gdt_slots_init(&g, table, used, CAP, 0, 8), -GDT_EINVAL);
	EXPECT_EQ(t, gdt_slots_init(&g, table, used, CAP, 9, 8), -GDT_EINVAL);
	EXPECT_EQ(t, gdt_slots_init(&g, table, used, CAP, 6, CAP + 1), -GDT_EINVAL);
	EXPECT_EQ(t, gdt_slots_init(&g, table, used, GDT_MAX_SLOTS + 2, 6, 8), -GDT_EINVAL);
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
	EXPECT_EQ(t, alloc(0), -GDT_ENOSPC);
	EXPECT_EQ(t, gdt_slots_available(&g), 1);	/* slot 5, alone */
}

KTEST(gdtslot, exhaustion_is_an_error_and_changes_nothing)
{
	setup(t, 12);	/* room for 3 pairs */
	EXPECT_EQ(t, alloc(0x1000), 0x30);
	EXPECT_EQ(t, alloc(0x2000), 0x40);
	EXPECT_EQ(t, alloc(0x3000), 0x50);
	EXPECT_EQ(t, gdt_slots_available(&g), 0);
	EXPECT_EQ(t, alloc(0x4000), -GDT_ENOSPC);
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
	EXPECT_EQ(t, gdt_slots_free_pair(&g, 0x38), -GDT_EINVAL);	/* second half of a pair */
	EXPECT_EQ(t, gdt_slots_free_pair(&g, 0x40), -GDT_EINVAL);	/* never given out */
	EXPECT_EQ(t, gdt_slots_free_pair(&g, 0x08), -GDT_EINVAL);	/* kernel code */
	EXPECT_EQ(t, gdt_slots_free_pair(&g, 0x00), -GDT_EINVAL);
	EXPECT_EQ(t, gdt_slots_free_pair(&g, 0x1000), -GDT_EINVAL);	/* past the table */
	EXPECT_EQ(t, gdt_slots_free_pair(&g, 0x30), 0);
	EXPECT_EQ(t, gdt_slots_free_pair(&g, 0x30), -GDT_EINVAL);	/* double free */
	EXPECT_EQ(t, gdt_slots_available(&g), 6);
}

KTEST(gdtslot, grow_adds_free_zeroed_slots)
{
	setup(t, 8);
	ASSERT_EQ(t, alloc(0x1000), 0x30);
	EXPECT_EQ(t, alloc(0x2000), -GDT_ENOSPC);
	EXPECT_EQ(t, gdt_slots_grow(&g, 6), -GDT_EINVAL);	/* no shrinking */
	EXPECT_EQ(t, gdt_slots_grow(&g, CAP + 2), -GDT_EINVAL);
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
	EXPECT_EQ(t, sel, -GDT_ENOSPC);
	EXPECT_EQ(t, n, (CAP - FIXED) / 2);
	for (int i = 0; i < n; i++)
		EXPECT_EQ(t, table[FIXED + 2 * i], (uint64_t)i << 12);
	for (int i = 0; i < n; i++)
		EXPECT_EQ(t, gdt_slots_free_pair(&g, (unsigned int)(FIXED + 2 * i) * 8), 0);
	EXPECT_EQ(t, gdt_slots_available(&g), CAP - FIXED);
}
