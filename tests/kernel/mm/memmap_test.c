// SPDX-License-Identifier: MIT
/* memmap: synthetic firmware maps (sorted or not, overlapping, unaligned, huge, empty) and exact totals. */

#include "harness.h"

static struct memmap m;

#define EXPECT_RANGE(t, i, s, e) do {					\
	EXPECT_EQ(t, m.usable[i].start, (uint64_t)(s));			\
	EXPECT_EQ(t, m.usable[i].end, (uint64_t)(e));			\
} while (0)

/* QEMU's BIOS map for -m 128M. */
static const struct memmap_entry qemu128[] = {
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
	const struct memmap_entry shuffled[] = {
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
	static const struct memmap_entry e[] = {
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
	static const struct memmap_entry e[] = {
		{ 0x20000, 0x10000, MEMMAP_ACPI_NVS, 0 },
		{ 0x0, 0x100000, AVAIL, 0 },
		{ 0xff000, 0x2000, MEMMAP_BAD, 0 },
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
	static const struct memmap_entry e[] = {
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
	static const struct memmap_entry e[] = {
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
	static const struct memmap_entry e[] = {
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
	static const struct memmap_entry e[] = {
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

/*
 * Entries 32 bytes apart (multiboot2's entry_size may grow past 24): each
 * read at its stride, the extra field ignored. A bad entry size never gets
 * here: the boot information parser refuses it (bootinfo_test.c).
 */
KTEST(memmap, entries_are_read_at_their_stride)
{
	static uint64_t buf[3 * 4];
	struct memmap_entry *e;
	int i;

	for (i = 0; i < 3; i++) {
		e = (struct memmap_entry *)((uint8_t *)buf + i * 32);
		e->addr = 0x100000ull * (i + 1);
		e->len = 0x80000;
		e->type = i == 1 ? RESV : AVAIL;
		e->reserved = 0;
		buf[i * 4 + 3] = 0xffffffffffffffffull;	/* the extra field */
	}
	mm_capture_begin(NULL);
	memmap_init(&m, 40);
	memmap_parse(&m, buf, 3, 32);
	mm_capture_end();
	ASSERT_EQ(t, m.nusable, 2);
	EXPECT_RANGE(t, 0, 0x100000, 0x180000);
	EXPECT_RANGE(t, 1, 0x300000, 0x380000);
	EXPECT_EQ(t, m.anomalies, 0);
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
	static struct memmap_entry e[MEMMAP_MAX + 40];
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
	EXPECT_EQ(t, mm_cap.lines, 40);
	EXPECT_STREQ(t, mm_cap.last, "memmap: too many ranges, [0xa70000, 0xa78000) dropped");
	/* A split with a full table loses the upper piece, never hands out the hole. */
	mm_capture_begin(NULL);
	memmap_reserve(&m, 0x1000, 0x2000, "split");
	mm_capture_end();
	EXPECT_STREQ(t, mm_cap.last, "memmap: too many ranges, [0x2000, 0x8000) dropped");
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

/*
 * Edge cases below: expected values are worked out by hand from the
 * multiboot2 memory-map rules (REFERENCE.md §2) and the header's contract.
 */

/* Run memmap_parse with a physical address width of bits, keeping every log line. */
static void mm_build_bits(const struct memmap_entry *e, size_t n, unsigned int bits)
{
	mm_capture_begin("memmap: ");
	memmap_init(&m, bits);
	memmap_parse(&m, e, n, sizeof(*e));
	mm_capture_end();
}

KTEST(memmap, init_clears_state_and_checks_width_bounds)
{
	m.nusable = 3;
	m.nregions = 4;
	m.fw_usable = 7;
	m.reserved = 8;
	m.anomalies = 9;
	m.dropped = 5;
	mm_capture_begin(NULL);
	memmap_init(&m, 32);		/* the narrowest plausible CPU */
	mm_capture_end();
	EXPECT_EQ(t, m.nusable, 0);
	EXPECT_EQ(t, m.nregions, 0);
	EXPECT_EQ(t, m.fw_usable, 0);
	EXPECT_EQ(t, m.reserved, 0);
	EXPECT_EQ(t, m.anomalies, 0);
	EXPECT_EQ(t, m.dropped, 0);
	EXPECT_EQ(t, m.limit, 1ull << 32);
	EXPECT_EQ(t, mm_cap.lines, 0);

	mm_capture_begin(NULL);
	memmap_init(&m, 52);		/* the x86-64 maximum */
	mm_capture_end();
	EXPECT_EQ(t, m.limit, 1ull << 52);
	EXPECT_EQ(t, m.anomalies, 0);

	mm_capture_begin(NULL);
	memmap_init(&m, 31);
	mm_capture_end();
	EXPECT_EQ(t, m.limit, 1ull << 52);
	EXPECT_EQ(t, m.anomalies, 1);
	EXPECT_TRUE(t, mm_strstr(mm_cap.last, "implausible physical address width 31 bits, using 52"));

	mm_capture_begin(NULL);
	memmap_init(&m, 53);
	mm_capture_end();
	EXPECT_EQ(t, m.limit, 1ull << 52);
	EXPECT_EQ(t, m.anomalies, 1);
}

KTEST(memmap, entries_at_the_limit_zero_length_and_wrapping)
{
	static const struct memmap_entry e[] = {
		{ 0x5000, 0, RESV, 0 },				/* zero length */
		{ 0xff0000000ull, 0x10000000, AVAIL, 0 },	/* ends exactly at 2^36 */
		{ 1ull << 36, 0x1000, AVAIL, 0 },		/* starts exactly at 2^36 */
		{ 0xfffffffffffff000ull, 0x2000, RESV, 0 },	/* wraps past 2^64 */
	};

	mm_build_bits(e, 4, 36);
	ASSERT_EQ(t, m.nusable, 1);
	EXPECT_RANGE(t, 0, 0xff0000000ull, 1ull << 36);
	EXPECT_EQ(t, m.anomalies, 3);	/* at the limit, zero length, wrap */
	ASSERT_EQ(t, mm_cap.kept, 3);
	EXPECT_STREQ(t, mm_cap.keep[0],
		     "memmap: usable [0x1000000000, 0x1000001000) beyond the 0x1000000000 physical limit: ignored");
	EXPECT_STREQ(t, mm_cap.keep[1], "memmap: zero-length entry at 0x5000 (type 2) ignored");
	EXPECT_STREQ(t, mm_cap.keep[2],
		     "memmap: entry at 0xfffffffffffff000 length 0x2000 wraps past 2^64: cut");
	ASSERT_EQ(t, m.nregions, 1);
	EXPECT_EQ(t, m.region[0].start, 0xfffffffffffff000ull);
	EXPECT_EQ(t, m.region[0].end, UINT64_MAX);
}

KTEST(memmap, ignored_entries_take_no_slot_in_a_full_table)
{
	static struct memmap_entry e[MEMMAP_MAX + 2];
	size_t i;

	for (i = 0; i < MEMMAP_MAX; i++) {
		e[i].addr = i * 0x10000;
		e[i].len = 0x8000;
		e[i].type = AVAIL;
	}
	e[MEMMAP_MAX] = (struct memmap_entry){ 1ull << 36, 0x1000, AVAIL, 0 };
	e[MEMMAP_MAX + 1] = (struct memmap_entry){ 1ull << 37, 0x1000, AVAIL, 0 };
	mm_build_bits(e, MEMMAP_MAX + 2, 36);
	EXPECT_EQ(t, m.nusable, MEMMAP_MAX);
	EXPECT_EQ(t, m.dropped, 0);
	EXPECT_EQ(t, m.anomalies, 2);
	EXPECT_TRUE(t, mm_strstr(mm_cap.last, "[0x2000000000, 0x2000001000) beyond the 0x1000000000 physical limit: ignored"));
}

KTEST(memmap, usable_ranges_touching_from_above_merge_quietly)
{
	static const struct memmap_entry e[] = {
		{ 0x5000, 0x1000, AVAIL, 0 },
		{ 0x4000, 0x1000, AVAIL, 0 },	/* ends where the first starts */
	};

	mm_build_bits(e, 2, 40);
	ASSERT_EQ(t, m.nusable, 1);
	EXPECT_RANGE(t, 0, 0x4000, 0x6000);
	EXPECT_EQ(t, m.anomalies, 1);	/* unsorted only: touching is not overlapping */
	EXPECT_EQ(t, mm_cap.kept, 1);
	EXPECT_STREQ(t, mm_cap.last, "memmap: entries are not sorted by address");
}

KTEST(memmap, one_usable_entry_swallows_several)
{
	static const struct memmap_entry e[] = {
		{ 0x1000, 0x1000, AVAIL, 0 },
		{ 0x3000, 0x1000, AVAIL, 0 },
		{ 0x5000, 0x1000, AVAIL, 0 },
		{ 0x10000, 0x1000, AVAIL, 0 },
		{ 0x20000, 0x1000, AVAIL, 0 },
		{ 0x1000, 0x5000, AVAIL, 0 },	/* [0x1000, 0x6000) covers the first three */
	};

	mm_build_bits(e, 6, 40);
	ASSERT_EQ(t, m.nusable, 3);
	EXPECT_RANGE(t, 0, 0x1000, 0x6000);
	EXPECT_RANGE(t, 1, 0x10000, 0x11000);
	EXPECT_RANGE(t, 2, 0x20000, 0x21000);
	EXPECT_EQ(t, m.anomalies, 3 + 1);	/* three overlaps, unsorted */
	EXPECT_STREQ(t, mm_cap.keep[0],
		     "memmap: usable [0x1000, 0x6000) overlaps usable [0x1000, 0x2000): merged");
}

KTEST(memmap, same_address_is_sorted_and_reserved_wins)
{
	static const struct memmap_entry e[] = {
		{ 0x100000, 0x100000, AVAIL, 0 },
		{ 0x100000, 0x1000, MEMMAP_ACPI_NVS, 0 },	/* same start: still sorted */
	};

	mm_build_bits(e, 2, 40);
	ASSERT_EQ(t, m.nusable, 1);
	EXPECT_RANGE(t, 0, 0x101000, 0x200000);
	EXPECT_EQ(t, m.anomalies, 1);	/* the overlap */
	EXPECT_STREQ(t, mm_cap.last,
		     "memmap: ACPI NVS [0x100000, 0x101000) overlaps usable RAM: reserved");
	ASSERT_EQ(t, m.nregions, 1);
	EXPECT_EQ(t, m.region[0].start, 0x100000);
	EXPECT_EQ(t, m.region[0].end, 0x101000);
	EXPECT_EQ(t, m.region[0].taken, 0);	/* firmware regions take nothing from the kernel */
	EXPECT_EQ(t, m.region[0].type, MEMMAP_ACPI_NVS);
	EXPECT_STREQ(t, m.region[0].name, "ACPI NVS");
}

KTEST(memmap, reserved_entry_covering_a_whole_range_removes_it)
{
	static const struct memmap_entry e[] = {
		{ 0x1000, 0x1000, AVAIL, 0 },
		{ 0x3000, 0x1000, AVAIL, 0 },
		{ 0x5000, 0x1000, AVAIL, 0 },
		{ 0x7000, 0x1000, AVAIL, 0 },
		{ 0x3000, 0x1000, MEMMAP_BAD, 0 },	/* exactly the second range */
	};

	mm_build_bits(e, 5, 40);
	ASSERT_EQ(t, m.nusable, 3);
	EXPECT_RANGE(t, 0, 0x1000, 0x2000);
	EXPECT_RANGE(t, 1, 0x5000, 0x6000);
	EXPECT_RANGE(t, 2, 0x7000, 0x8000);
	EXPECT_STREQ(t, mm_cap.last, "memmap: bad RAM [0x3000, 0x4000) overlaps usable RAM: reserved");

	/* A reservation over the first two: the last one moves down. */
	memmap_reserve(&m, 0x1000, 0x6000, "two");
	ASSERT_EQ(t, m.nusable, 1);
	EXPECT_RANGE(t, 0, 0x7000, 0x8000);
	EXPECT_EQ(t, m.reserved, 0x2000);
	ASSERT_EQ(t, m.nregions, 2);
	EXPECT_EQ(t, m.region[1].taken, 0x2000);
	EXPECT_EQ(t, m.region[1].type, MEMMAP_KERNEL);
	EXPECT_STREQ(t, m.region[1].name, "two");
}

KTEST(memmap, reserve_empty_beyond_limit_and_unnamed)
{
	static const struct memmap_entry e[] = {
		{ 0x0, 0x100000, AVAIL, 0 },
	};

	mm_build_bits(e, 1, 40);
	memmap_reserve(&m, 0x5000, 0x5000, "empty");
	EXPECT_EQ(t, m.nregions, 0);
	memmap_reserve(&m, 0xfffff000ull, 1ull << 41, NULL);
	ASSERT_EQ(t, m.nregions, 1);
	EXPECT_EQ(t, m.region[0].start, 0xfffff000ull);
	EXPECT_EQ(t, m.region[0].end, 1ull << 40);	/* cut at the physical limit */
	EXPECT_STREQ(t, m.region[0].name, "kernel");
	EXPECT_EQ(t, m.reserved, 0);
}

KTEST(memmap, region_table_full_counts_drops)
{
	static struct memmap_entry e[MEMMAP_MAX_REGIONS + 3];
	size_t i;

	for (i = 0; i < MEMMAP_MAX_REGIONS + 3; i++) {
		e[i].addr = i * 0x10000;
		e[i].len = 0x1000;
		e[i].type = RESV;
	}
	mm_build_bits(e, MEMMAP_MAX_REGIONS + 3, 40);
	EXPECT_EQ(t, m.nregions, MEMMAP_MAX_REGIONS);
	EXPECT_EQ(t, m.dropped, 3);
	EXPECT_EQ(t, m.region[MEMMAP_MAX_REGIONS - 1].start, (MEMMAP_MAX_REGIONS - 1) * 0x10000ull);
}

KTEST(memmap, carve_exact_fits_and_bad_requests)
{
	static const struct memmap_entry e[] = {
		{ 0x0, 0x9f000, AVAIL, 0 },
		{ 0x100000, 0x100000, AVAIL, 0 },
	};

	mm_build_bits(e, 2, 40);
	/* The whole low range, starting at 0: fits exactly. */
	EXPECT_EQ(t, memmap_carve(&m, 0x9f000, 0x1000, 0x100000, "all low"), 0);
	EXPECT_EQ(t, m.reserved, 0x9f000);
	EXPECT_EQ(t, memmap_carve(&m, 0, 0x1000, ~0ull, "nothing"), MEMMAP_NONE);
	EXPECT_EQ(t, m.nregions, 1);
	/* Exactly the high range, whose start is 0x100000-aligned. */
	EXPECT_EQ(t, memmap_carve(&m, 0x100000, 0x100000, ~0ull, "all high"), 0x100000);
	EXPECT_EQ(t, m.nusable, 0);
	mm_capture_begin(NULL);
	EXPECT_EQ(t, memmap_carve(&m, 0x2800, 0x1000, 0x1000, "big"), MEMMAP_NONE);
	mm_capture_end();
	EXPECT_STREQ(t, mm_cap.last, "memmap: no room for big (12 KiB below 0x1000)");
}

/* One entry of exactly 24 bytes, and a map with no entries: empty, not broken. */
KTEST(memmap, one_entry_and_an_empty_map)
{
	static const struct memmap_entry e = { 0x100000, 0x100000, AVAIL, 0 };

	mm_capture_begin(NULL);
	memmap_init(&m, 40);
	memmap_parse(&m, &e, 1, sizeof(e));
	mm_capture_end();
	ASSERT_EQ(t, m.nusable, 1);
	EXPECT_RANGE(t, 0, 0x100000, 0x200000);
	EXPECT_EQ(t, m.anomalies, 0);

	mm_capture_begin(NULL);
	memmap_init(&m, 40);
	memmap_parse(&m, &e, 0, sizeof(e));
	mm_capture_end();
	EXPECT_EQ(t, m.nusable, 0);
	EXPECT_EQ(t, m.anomalies, 0);
	EXPECT_STREQ(t, mm_cap.last, "memmap: the memory map is empty: no usable RAM");
}

KTEST(memmap, meminfo_clamps_low_memory_at_640k)
{
	mm_capture_begin("memmap: ");
	memmap_init(&m, 40);
	memmap_parse_meminfo(&m, 641, 1024);
	mm_capture_end();
	ASSERT_EQ(t, m.nusable, 2);
	EXPECT_RANGE(t, 0, 0, 0xa0000);
	EXPECT_RANGE(t, 1, 0x100000, 0x200000);
	EXPECT_EQ(t, m.anomalies, 1);	/* the fallback itself; 640 KiB is frame-aligned */
	EXPECT_EQ(t, mm_cap.kept, 1);
	EXPECT_STREQ(t, mm_cap.keep[0],
		     "memmap: no memory map, using basic meminfo: 641 KiB low, 1024 KiB high");

	mm_capture_begin(NULL);
	memmap_init(&m, 40);
	memmap_parse_meminfo(&m, 1000, 1024);
	mm_capture_end();
	ASSERT_EQ(t, m.nusable, 2);
	EXPECT_RANGE(t, 0, 0, 0xa0000);
	EXPECT_RANGE(t, 1, 0x100000, 0x200000);
	EXPECT_EQ(t, m.anomalies, 1);
}

KTEST(memmap, no_map_logs_both_lines)
{
	mm_capture_begin("memmap: ");
	memmap_init(&m, 40);
	memmap_parse_none(&m);
	mm_capture_end();
	ASSERT_EQ(t, mm_cap.kept, 2);
	EXPECT_STREQ(t, mm_cap.keep[0], "memmap: no memory map and no meminfo: no usable RAM");
	EXPECT_STREQ(t, mm_cap.keep[1], "memmap: the memory map is empty: no usable RAM");
}

KTEST(memmap, trim_says_what_it_did_to_each_range)
{
	static const struct memmap_entry e[] = {
		{ 0x1800, 0x1000, AVAIL, 0 },		/* no whole frame inside */
		{ 0x10000, 0x1000, AVAIL, 0 },
		{ 0x20800, 0x3000, AVAIL, 0 },		/* one whole frame inside */
	};

	mm_build_bits(e, 3, 40);
	ASSERT_EQ(t, m.nusable, 2);
	EXPECT_RANGE(t, 0, 0x10000, 0x11000);
	EXPECT_RANGE(t, 1, 0x21000, 0x23000);
	ASSERT_EQ(t, mm_cap.kept, 2);
	EXPECT_STREQ(t, mm_cap.keep[0], "memmap: usable [0x1800, 0x2800) is not frame-aligned: ignored");
	EXPECT_STREQ(t, mm_cap.keep[1],
		     "memmap: usable [0x20800, 0x23800) is not frame-aligned: partial frames dropped");
}

/* Sizes either side of the KiB/MiB switch at 10 MiB, every type's name, regions sorted stably. */
KTEST(memmap, print_formats_sizes_names_and_order)
{
	static const struct memmap_entry e[] = {
		{ 0x0, 0x9f000, AVAIL, 0 },				/* 636 KiB */
		{ 0x2000000, 0xa00000, RESV, 0 },			/* 10240 KiB */
		{ 0x1000000, 0x9ffc00, MEMMAP_ACPI_NVS, 0 },		/* 10239 KiB */
		{ 0x3000000, 0xa19c00, MEMMAP_ACPI_RECLAIM, 0 },	/* 10343 KiB */
		{ 0xf0000, 0x1000, MEMMAP_BAD, 0 },
		{ 0xf0000, 0x10000, 99, 0 },				/* same start, later */
		{ 0x4000000, 0x7de0000, AVAIL, 0 },			/* 128896 KiB */
	};

	mm_build_bits(e, 7, 40);
	memmap_reserve(&m, 0x200000, 0x300000, NULL);
	mm_capture_begin("memmap: ");
	memmap_print(&m);
	mm_capture_end();
	ASSERT_EQ(t, mm_cap.kept, 10);
	EXPECT_STREQ(t, mm_cap.keep[0], "memmap: physical memory (addresses below 0x10000000000):");
	EXPECT_STREQ(t, mm_cap.keep[1], "memmap:   usable   [0x000000000000, 0x00000009f000)      636 KiB  ");
	/* 128896 KiB = 125 MiB + 896 KiB; 896 * 10 / 1024 = 8.75: one decimal, truncated */
	EXPECT_STREQ(t, mm_cap.keep[2], "memmap:   usable   [0x000004000000, 0x00000bde0000)    125.8 MiB  ");
	EXPECT_STREQ(t, mm_cap.keep[3], "memmap:   firmware [0x0000000f0000, 0x0000000f1000)        4 KiB  bad RAM");
	EXPECT_STREQ(t, mm_cap.keep[4], "memmap:   firmware [0x0000000f0000, 0x000000100000)       64 KiB  unknown type");
	EXPECT_STREQ(t, mm_cap.keep[5], "memmap:   kernel   [0x000000200000, 0x000000300000)     1024 KiB  kernel");
	EXPECT_STREQ(t, mm_cap.keep[6], "memmap:   firmware [0x000001000000, 0x0000019ffc00)    10239 KiB  ACPI NVS");
	EXPECT_STREQ(t, mm_cap.keep[7], "memmap:   firmware [0x000002000000, 0x000002a00000)     10.0 MiB  reserved");
	/* 10343 KiB = 10 MiB + 103 KiB; 103 * 10 / 1024 = 1.006 */
	EXPECT_STREQ(t, mm_cap.keep[8], "memmap:   firmware [0x000003000000, 0x000003a19c00)     10.1 MiB  ACPI reclaimable");
	EXPECT_STREQ(t, mm_cap.last,
		     "memmap: usable 129532 KiB (32383 frames) = firmware 129532 KiB - reservations 0 KiB; 1 anomalies");
}
