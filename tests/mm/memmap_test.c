/* memmap: synthetic firmware maps (sorted or not, overlapping, unaligned, huge, empty) and exact totals. */

#include "harness.h"

static struct memmap m;

#define EXPECT_RANGE(t, i, s, e) do {					\
	EXPECT_EQ(t, m.usable[i].start, (uint64_t)(s));			\
	EXPECT_EQ(t, m.usable[i].end, (uint64_t)(e));			\
} while (0)

/* QEMU's BIOS map for -m 128M. */
static const struct mb2_mmap_entry qemu128[] = {
	{ 0x0, 0x9fc00, AVAIL, 0 },
	{ 0x9fc00, 0x400, RESV, 0 },
	{ 0xf0000, 0x10000, RESV, 0 },
	{ 0x100000, 0x7ee0000, AVAIL, 0 },
	{ 0x7fe0000, 0x20000, RESV, 0 },
	{ 0xfffc0000, 0x40000, RESV, 0 },
};

KTEST(memmap, qemu_bios_map)
{
	mm_build(&m, qemu128, 6);
	ASSERT_EQ(t, m.nusable, 2);
	/* The last 0xc00 bytes below the EBDA are a partial frame: not usable. */
	EXPECT_RANGE(t, 0, 0, 0x9f000);
	EXPECT_RANGE(t, 1, 0x100000, 0x7fe0000);
	EXPECT_EQ(t, m.fw_usable, 0x9f000 + 0x7ee0000ull);
	EXPECT_EQ(t, memmap_usable_bytes(&m), m.fw_usable);
	EXPECT_EQ(t, memmap_top(&m), 0x7fe0000);
	EXPECT_EQ(t, m.nregions, 4);
	EXPECT_EQ(t, m.anomalies, 1);	/* the unaligned low range */
}

KTEST(memmap, unsorted_gives_the_same_map)
{
	const struct mb2_mmap_entry shuffled[] = {
		qemu128[5], qemu128[3], qemu128[0], qemu128[4], qemu128[2], qemu128[1],
	};

	mm_build(&m, shuffled, 6);
	ASSERT_EQ(t, m.nusable, 2);
	EXPECT_RANGE(t, 0, 0, 0x9f000);
	EXPECT_RANGE(t, 1, 0x100000, 0x7fe0000);
	EXPECT_EQ(t, m.anomalies, 2);	/* unaligned, unsorted */
	EXPECT_TRUE(t, mm_cap.lines >= 2);
}

KTEST(memmap, overlapping_usable_entries_merge)
{
	static const struct mb2_mmap_entry e[] = {
		{ 0x3000, 0x6000, AVAIL, 0 },	/* [0x3000, 0x9000) */
		{ 0x1000, 0x4000, AVAIL, 0 },	/* [0x1000, 0x5000) */
		{ 0x9000, 0x1000, AVAIL, 0 },	/* touches: merges, no anomaly */
		{ 0x20000, 0x1000, AVAIL, 0 },
	};

	mm_build(&m, e, 4);
	ASSERT_EQ(t, m.nusable, 2);
	EXPECT_RANGE(t, 0, 0x1000, 0xa000);
	EXPECT_RANGE(t, 1, 0x20000, 0x21000);
	EXPECT_EQ(t, m.anomalies, 2);	/* one overlap, unsorted */
}

KTEST(memmap, reserved_wins_over_usable_in_any_order)
{
	static const struct mb2_mmap_entry e[] = {
		{ 0x20000, 0x10000, MB2_MMAP_ACPI_NVS, 0 },
		{ 0x0, 0x100000, AVAIL, 0 },
		{ 0xff000, 0x2000, MB2_MMAP_BAD, 0 },
		{ 0x50000, 0x1000, 77, 0 },	/* an unknown type is reserved */
	};

	mm_build(&m, e, 4);
	ASSERT_EQ(t, m.nusable, 3);
	EXPECT_RANGE(t, 0, 0, 0x20000);
	EXPECT_RANGE(t, 1, 0x30000, 0x50000);
	EXPECT_RANGE(t, 2, 0x51000, 0xff000);
	EXPECT_EQ(t, m.fw_usable, 0x20000 + 0x20000 + 0xae000ull);
	EXPECT_EQ(t, m.anomalies, 4);	/* three overlaps with usable RAM, unsorted */
}

KTEST(memmap, zero_length_entries_are_ignored)
{
	static const struct mb2_mmap_entry e[] = {
		{ 0x100000, 0, AVAIL, 0 },
		{ 0x200000, 0x100000, AVAIL, 0 },
		{ 0x250000, 0, RESV, 0 },
	};

	mm_build(&m, e, 3);
	ASSERT_EQ(t, m.nusable, 1);
	EXPECT_RANGE(t, 0, 0x200000, 0x300000);
	EXPECT_EQ(t, m.anomalies, 2);
	EXPECT_EQ(t, m.nregions, 0);
}

KTEST(memmap, partial_frames_are_not_usable)
{
	static const struct mb2_mmap_entry e[] = {
		{ 0x1800, 0x4000, AVAIL, 0 },		/* [0x1800, 0x5800) */
		{ 0x10000, 0x10000, AVAIL, 0 },
		{ 0x18100, 0x100, RESV, 0 },		/* inside one frame */
		{ 0x30000, 0xfff, AVAIL, 0 },		/* less than a frame */
	};

	mm_build(&m, e, 4);
	ASSERT_EQ(t, m.nusable, 3);
	EXPECT_RANGE(t, 0, 0x2000, 0x5000);
	EXPECT_RANGE(t, 1, 0x10000, 0x18000);
	EXPECT_RANGE(t, 2, 0x19000, 0x20000);
	EXPECT_EQ(t, m.fw_usable, 0x3000 + 0x8000 + 0x7000ull);
}

KTEST(memmap, physical_address_width_cuts)
{
	static const struct mb2_mmap_entry e[] = {
		{ 0x100000, 0x1000000, AVAIL, 0 },
		{ 0xf00000000ull, 0x200000000ull, AVAIL, 0 },	/* crosses 2^36 */
		{ 1ull << 40, 1ull << 30, AVAIL, 0 },		/* entirely above */
		{ 0xfffffffffffff000ull, 0x2000, AVAIL, 0 },	/* wraps past 2^64 */
	};

	mm_capture_begin(NULL);
	memmap_init(&m, 36);
	memmap_parse(&m, e, 4, sizeof(e[0]));
	mm_capture_end();
	ASSERT_EQ(t, m.nusable, 2);
	EXPECT_RANGE(t, 0, 0x100000, 0x1100000);
	EXPECT_RANGE(t, 1, 0xf00000000ull, 0x1000000000ull);
	EXPECT_EQ(t, memmap_top(&m), 1ull << 36);
	EXPECT_EQ(t, m.anomalies, 4);	/* cut, ignored, wrap + ignored */
}

KTEST(memmap, implausible_width_means_52_bits)
{
	mm_capture_begin(NULL);
	memmap_init(&m, 0);
	mm_capture_end();
	EXPECT_EQ(t, m.limit, 1ull << 52);
	EXPECT_EQ(t, m.anomalies, 1);
	EXPECT_EQ(t, mm_cap.lines, 1);
}

/* QEMU's map for -m 8G: 2 GiB... 3 GiB below the PCI hole, the rest above 4 GiB. */
KTEST(memmap, eight_gib_with_pci_hole)
{
	static const struct mb2_mmap_entry e[] = {
		{ 0x0, 0x9fc00, AVAIL, 0 },
		{ 0x9fc00, 0x400, RESV, 0 },
		{ 0xf0000, 0x10000, RESV, 0 },
		{ 0x100000, 0xbfee0000ull, AVAIL, 0 },
		{ 0xbffe0000ull, 0x20000, RESV, 0 },
		{ 0xfeffc000ull, 0x4000, RESV, 0 },
		{ 0xfffc0000ull, 0x40000, RESV, 0 },
		{ 0x100000000ull, 0x140000000ull, AVAIL, 0 },
	};

	mm_build(&m, e, 8);
	ASSERT_EQ(t, m.nusable, 3);
	EXPECT_RANGE(t, 2, 0x100000000ull, 0x240000000ull);
	EXPECT_EQ(t, memmap_top(&m), 0x240000000ull);
	EXPECT_EQ(t, m.fw_usable >> FRAME_SHIFT, 0x9full + 0xbfee0 + 0x140000);
}

KTEST(memmap, empty_and_missing_maps)
{
	mm_build(&m, NULL, 0);
	EXPECT_EQ(t, m.nusable, 0);
	EXPECT_EQ(t, memmap_top(&m), 0);
	EXPECT_EQ(t, mm_cap.lines, 1);

	mm_capture_begin(NULL);
	memmap_init(&m, 40);
	memmap_parse_none(&m);
	mm_capture_end();
	EXPECT_EQ(t, m.nusable, 0);
	EXPECT_EQ(t, m.fw_usable, 0);
	EXPECT_EQ(t, m.anomalies, 1);
}

KTEST(memmap, basic_meminfo_fallback)
{
	mm_capture_begin(NULL);
	memmap_init(&m, 40);
	memmap_parse_meminfo(&m, 639, 130048);
	mm_capture_end();
	ASSERT_EQ(t, m.nusable, 2);
	EXPECT_RANGE(t, 0, 0, 0x9f000);
	EXPECT_RANGE(t, 1, 0x100000, 0x100000 + 130048ull * 1024);
}

/* A multiboot2 memory map tag whose entries are 32 bytes apart (entry_size may grow). */
KTEST(memmap, mb2_tag_honours_entry_size)
{
	static uint64_t buf[2 + 3 * 4];
	struct mb2_tag_mmap *tag = (struct mb2_tag_mmap *)buf;
	struct mb2_mmap_entry *e;
	int i;

	tag->tag.type = MB2_TAG_MMAP;
	tag->tag.size = 16 + 3 * 32;
	tag->entry_size = 32;
	tag->entry_version = 0;
	for (i = 0; i < 3; i++) {
		e = (struct mb2_mmap_entry *)((uint8_t *)(tag + 1) + i * 32);
		e->addr = 0x100000ull * (i + 1);
		e->len = 0x80000;
		e->type = i == 1 ? RESV : AVAIL;
		e->reserved = 0;
		buf[2 + i * 4 + 3] = 0xffffffffffffffffull;	/* the extra field */
	}
	mm_capture_begin(NULL);
	memmap_init(&m, 40);
	memmap_parse_mb2(&m, tag);
	mm_capture_end();
	ASSERT_EQ(t, m.nusable, 2);
	EXPECT_RANGE(t, 0, 0x100000, 0x180000);
	EXPECT_RANGE(t, 1, 0x300000, 0x380000);

	tag->entry_size = 16;		/* smaller than an entry: no map at all */
	mm_capture_begin(NULL);
	memmap_init(&m, 40);
	memmap_parse_mb2(&m, tag);
	mm_capture_end();
	EXPECT_EQ(t, m.nusable, 0);
	EXPECT_EQ(t, m.anomalies, 1);
}

KTEST(memmap, reservations_round_out_and_add_up)
{
	mm_build(&m, qemu128, 6);
	mm_capture_begin(NULL);
	memmap_reserve(&m, 0x100000, 0x180123, "kernel image");
	memmap_reserve(&m, 0x9e800, 0x100800, "straddles a hole");
	memmap_reserve(&m, 0xa0000, 0xb0000, "inside the hole");
	mm_capture_end();
	ASSERT_EQ(t, m.nusable, 2);
	EXPECT_RANGE(t, 0, 0, 0x9e000);
	EXPECT_RANGE(t, 1, 0x181000, 0x7fe0000);
	EXPECT_EQ(t, m.reserved, 0x81000 + 0x1000ull);
	EXPECT_EQ(t, memmap_usable_bytes(&m), m.fw_usable - m.reserved);
	EXPECT_EQ(t, m.nregions, 4 + 3);
}

KTEST(memmap, reserve_splits_a_range)
{
	mm_build(&m, qemu128, 6);
	memmap_reserve(&m, 0x400000, 0x500000, "middle");
	ASSERT_EQ(t, m.nusable, 3);
	EXPECT_RANGE(t, 1, 0x100000, 0x400000);
	EXPECT_RANGE(t, 2, 0x500000, 0x7fe0000);
	EXPECT_FALSE(t, memmap_is_usable(&m, 0x400000, 0x500000));
	EXPECT_TRUE(t, memmap_is_usable(&m, 0x3ff000, 0x400001));
}

KTEST(memmap, carve_takes_the_highest_fit_below_the_limit)
{
	uint64_t a;

	mm_build(&m, qemu128, 6);
	a = memmap_carve(&m, 0x2800, 0x4000, 0x4000000, "bitmap");
	EXPECT_EQ(t, a, 0x4000000 - 0x4000);
	EXPECT_FALSE(t, memmap_is_usable(&m, a, a + 0x3000));
	EXPECT_TRUE(t, memmap_is_usable(&m, a + 0x3000, a + 0x4000));
	EXPECT_EQ(t, m.reserved, 0x3000);
	/* Only the low range lies below 0x100000. */
	EXPECT_EQ(t, memmap_carve(&m, 0x1000, 0x1000, 0x100000, "low"), 0x9e000);
	mm_capture_begin(NULL);
	EXPECT_EQ(t, memmap_carve(&m, 0x200000, 0x1000, 0x100000, "too big"), MEMMAP_NONE);
	EXPECT_EQ(t, memmap_carve(&m, 0x1000, 0x1800, ~0ull, "bad align"), MEMMAP_NONE);
	mm_capture_end();
	EXPECT_EQ(t, memmap_usable_bytes(&m), m.fw_usable - m.reserved);
}

KTEST(memmap, too_many_ranges_drop_safely)
{
	static struct mb2_mmap_entry e[MEMMAP_MAX + 40];
	size_t i;

	for (i = 0; i < MEMMAP_MAX + 40; i++) {
		e[i].addr = i * 0x10000;
		e[i].len = 0x8000;
		e[i].type = AVAIL;
	}
	mm_build(&m, e, MEMMAP_MAX + 40);
	EXPECT_EQ(t, m.nusable, MEMMAP_MAX);
	EXPECT_EQ(t, m.dropped, 40);
	EXPECT_EQ(t, m.fw_usable, MEMMAP_MAX * 0x8000ull);
	/* A split with a full table loses the upper piece, never hands out the hole. */
	mm_capture_begin(NULL);
	memmap_reserve(&m, 0x1000, 0x2000, "split");
	mm_capture_end();
	EXPECT_EQ(t, m.nusable, MEMMAP_MAX);
	EXPECT_RANGE(t, 0, 0, 0x1000);
	EXPECT_FALSE(t, memmap_is_usable(&m, 0x1000, 0x2000));
}

KTEST(memmap, print_lists_every_range)
{
	mm_build(&m, qemu128, 6);
	memmap_reserve(&m, 0x100000, 0x200000, "kernel image");
	mm_capture_begin("memmap:   ");
	memmap_print(&m);
	mm_capture_end();
	EXPECT_EQ(t, mm_cap.kept, 2 + 4 + 1);
	EXPECT_TRUE(t, mm_strstr(mm_cap.last, "usable 129532 KiB (32383 frames) = firmware 130556 KiB - reservations 1024 KiB"));
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[0], "usable   [0x000000000000, 0x00000009f000)"));
}
