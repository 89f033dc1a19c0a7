/* gdtslot: TSS descriptors field by field, aligned pairs, exhaustion, free and reuse, growth. */
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

KTEST(gdtslot, encode_known_descriptor)
{
	uint64_t d[2];

	/* base 0xFFFFFFFF80123456, limit 103: bytes from the SDM layout, by hand. */
	gdt_encode_tss(d, 0xFFFFFFFF80123456ull, 103);
	EXPECT_EQ(t, d[0], 0x8000891234560067ull);
	EXPECT_EQ(t, d[1], 0x00000000FFFFFFFFull);
}

KTEST(gdtslot, decode_round_trip_field_by_field)
{
	static const uint64_t bases[] = {
		0, 0x1000, 0xFFFFFFFF80123456ull, 0x0000123456789ABCull, ~0ull,
	};
	static const uint32_t limits[] = { 0, 103, 0xFFFF, 0x10000, 0xFFFFF };
	uint64_t d[2];

	for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
		for (size_t l = 0; l < sizeof(limits) / sizeof(limits[0]); l++) {
			gdt_encode_tss(d, bases[b], limits[l]);
			struct gdt_tss_desc x = gdt_decode_tss(d);

			EXPECT_EQ(t, x.base, bases[b]);
			EXPECT_EQ(t, x.limit, limits[l]);
			EXPECT_EQ(t, x.type, GDT_TYPE_TSS_AVAIL);
			EXPECT_EQ(t, x.dpl, 0);
			EXPECT_TRUE(t, x.present);
			EXPECT_FALSE(t, x.granularity);
			EXPECT_TRUE(t, x.system);
			EXPECT_EQ(t, d[1] >> 32, 0);	/* reserved, must be zero */
		}
	}
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
	EXPECT_EQ(t, gdt_tss_alloc(&g, 0x1000, 103), 0x30);
	EXPECT_EQ(t, table[6] & 0xFFFF, 103);
	EXPECT_EQ(t, table[5], 0x5A5A5A5A5A5A5A5Aull);	/* fixed slots untouched */
	EXPECT_EQ(t, gdt_slots_limit(&g), 16 * 8 - 1);
}

KTEST(gdtslot, pairs_are_aligned_with_an_odd_fixed_count)
{
	ASSERT_EQ(t, gdt_slots_init(&g, table, used, CAP, 5, 12), 0);
	/* Slot 5 is free but a pair may not start there: 6, 8, 10. */
	EXPECT_EQ(t, gdt_tss_alloc(&g, 0, 103), 6 * 8);
	EXPECT_EQ(t, gdt_tss_alloc(&g, 0, 103), 8 * 8);
	EXPECT_EQ(t, gdt_tss_alloc(&g, 0, 103), 10 * 8);
	EXPECT_EQ(t, gdt_tss_alloc(&g, 0, 103), -GDT_ENOSPC);
	EXPECT_EQ(t, gdt_slots_free(&g), 1);	/* slot 5, alone */
}

KTEST(gdtslot, exhaustion_is_an_error_and_changes_nothing)
{
	setup(t, 12);	/* room for 3 pairs */
	EXPECT_EQ(t, gdt_tss_alloc(&g, 0x1000, 103), 0x30);
	EXPECT_EQ(t, gdt_tss_alloc(&g, 0x2000, 103), 0x40);
	EXPECT_EQ(t, gdt_tss_alloc(&g, 0x3000, 103), 0x50);
	EXPECT_EQ(t, gdt_slots_free(&g), 0);
	EXPECT_EQ(t, gdt_tss_alloc(&g, 0x4000, 103), -GDT_ENOSPC);
	EXPECT_EQ(t, gdt_decode_tss(&table[10]).base, 0x3000);
}

KTEST(gdtslot, free_and_reuse)
{
	setup(t, 12);
	ASSERT_EQ(t, gdt_tss_alloc(&g, 0x1000, 103), 0x30);
	ASSERT_EQ(t, gdt_tss_alloc(&g, 0x2000, 103), 0x40);
	ASSERT_EQ(t, gdt_tss_alloc(&g, 0x3000, 103), 0x50);
	EXPECT_EQ(t, gdt_tss_free(&g, 0x40), 0);
	EXPECT_EQ(t, table[8], 0);
	EXPECT_EQ(t, table[9], 0);
	EXPECT_EQ(t, gdt_slots_free(&g), 2);
	/* The hint is past the end: the search wraps and finds the hole. */
	EXPECT_EQ(t, gdt_tss_alloc(&g, 0x5000, 103), 0x40);
	EXPECT_EQ(t, gdt_decode_tss(&table[8]).base, 0x5000);
}

KTEST(gdtslot, bad_frees_are_refused)
{
	setup(t, 12);
	ASSERT_EQ(t, gdt_tss_alloc(&g, 0x1000, 103), 0x30);
	EXPECT_EQ(t, gdt_tss_free(&g, 0x38), -GDT_EINVAL);	/* second half of a pair */
	EXPECT_EQ(t, gdt_tss_free(&g, 0x40), -GDT_EINVAL);	/* never given out */
	EXPECT_EQ(t, gdt_tss_free(&g, 0x08), -GDT_EINVAL);	/* kernel code */
	EXPECT_EQ(t, gdt_tss_free(&g, 0x00), -GDT_EINVAL);
	EXPECT_EQ(t, gdt_tss_free(&g, 0x1000), -GDT_EINVAL);	/* past the table */
	EXPECT_EQ(t, gdt_tss_free(&g, 0x30), 0);
	EXPECT_EQ(t, gdt_tss_free(&g, 0x30), -GDT_EINVAL);	/* double free */
	EXPECT_EQ(t, gdt_slots_free(&g), 6);
}

KTEST(gdtslot, grow_adds_free_zeroed_slots)
{
	setup(t, 8);
	ASSERT_EQ(t, gdt_tss_alloc(&g, 0x1000, 103), 0x30);
	EXPECT_EQ(t, gdt_tss_alloc(&g, 0x2000, 103), -GDT_ENOSPC);
	EXPECT_EQ(t, gdt_slots_grow(&g, 6), -GDT_EINVAL);	/* no shrinking */
	EXPECT_EQ(t, gdt_slots_grow(&g, CAP + 2), -GDT_EINVAL);
	ASSERT_EQ(t, gdt_slots_grow(&g, 10), 0);
	EXPECT_EQ(t, table[8], 0);
	EXPECT_EQ(t, gdt_tss_alloc(&g, 0x2000, 103), 0x40);
	EXPECT_EQ(t, gdt_slots_limit(&g), 79);
}

KTEST(gdtslot, fill_the_whole_capacity)
{
	int n = 0, sel;

	setup(t, CAP);
	while ((sel = gdt_tss_alloc(&g, (uint64_t)n << 12, 103)) >= 0) {
		EXPECT_EQ(t, sel, (FIXED + 2 * n) * 8);
		n++;
	}
	EXPECT_EQ(t, sel, -GDT_ENOSPC);
	EXPECT_EQ(t, n, (CAP - FIXED) / 2);
	for (int i = 0; i < n; i++)
		EXPECT_EQ(t, gdt_decode_tss(&table[FIXED + 2 * i]).base, (uint64_t)i << 12);
	for (int i = 0; i < n; i++)
		EXPECT_EQ(t, gdt_tss_free(&g, (unsigned int)(FIXED + 2 * i) * 8), 0);
	EXPECT_EQ(t, gdt_slots_free(&g), CAP - FIXED);
}
