// SPDX-License-Identifier: MIT
/*
 * paging: the walker on fake frames, checked entry by entry against the
 * 4-level format (Intel SDM vol. 3, 4.5): P bit 0, R/W bit 1, PS bit 7,
 * G bit 8, XD bit 63, address bits 51..12; indices va[47:39], [38:30],
 * [29:21], [20:12]. Every expected entry below is written out by hand.
 */
#include <arch/paging.h>
#include <kernel/ktest.h>

#define NFRAMES		8
#define FAKE_BASE	0x7000000ull	/* the "physical address" of frames[0] */
#define JUNK		0xA5A5A5A5A5A5A5A5ull
#define FRAME(i)	(FAKE_BASE + (uint64_t)(i) * 0x1000)

static uint64_t frames[NFRAMES][512] __attribute__((aligned(4096)));
static unsigned int next_frame, frame_limit;
static struct pt pt;

/* Frames come dirty: the walker must zero its tables. */
static uint64_t fake_alloc(void)
{
	if (next_frame >= frame_limit)
		return 0;
	for (unsigned int i = 0; i < 512; i++)
		frames[next_frame][i] = JUNK;
	return FRAME(next_frame++);
}

static uint64_t *fake_table(uint64_t phys)
{
	return frames[(phys - FAKE_BASE) / 0x1000];
}

/* An empty root in frames[0]; `limit` frames in all for it and the tables. */
static void setup(bool nx, unsigned int limit)
{
	for (unsigned int i = 0; i < 512; i++)
		frames[0][i] = 0;
	next_frame = 1;
	frame_limit = limit;
	pt = (struct pt){ FRAME(0), fake_alloc, fake_table, nx, 0 };
}

/* Entries in frames[f] that are not zero. */
static unsigned int used_entries(unsigned int f)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < 512; i++)
		n += frames[f][i] != 0;
	return n;
}

KTEST(paging, one_4k_page_builds_three_zeroed_tables)
{
	setup(true, NFRAMES);
	/* va 0xFFFF900000403000: PML4 0x120, PDPT 0, PD 2, PT 3. */
	EXPECT_EQ(t, pt_map(&pt, 0xFFFF900000403000ull, 0x12345000, 0x1000, PAGE_4K,
			    PTE_WRITE | PTE_NX), 1);
	EXPECT_EQ(t, frames[0][0x120], FRAME(1) | 0x3);
	EXPECT_EQ(t, frames[1][0], FRAME(2) | 0x3);
	EXPECT_EQ(t, frames[2][2], FRAME(3) | 0x3);
	EXPECT_EQ(t, frames[3][3], 0x8000000012345003ull);
	EXPECT_EQ(t, used_entries(0), 1);
	EXPECT_EQ(t, used_entries(1), 1);
	EXPECT_EQ(t, used_entries(2), 1);
	EXPECT_EQ(t, used_entries(3), 1);
	EXPECT_EQ(t, pt.tables, 3);
}

KTEST(paging, large_pages_set_the_size_bit_one_level_up)
{
	setup(true, NFRAMES);
	/* 2 MiB at 0xFFFF800040200000 (PML4 256, PDPT 1, PD 1): P R/W PS G = 0x183. */
	EXPECT_EQ(t, pt_map(&pt, 0xFFFF800040200000ull, 0x40200000, PAGE_2M, PAGE_2M,
			    PTE_WRITE | PTE_GLOBAL), 1);
	EXPECT_EQ(t, frames[0][256], FRAME(1) | 0x3);
	EXPECT_EQ(t, frames[1][1], FRAME(2) | 0x3);
	EXPECT_EQ(t, frames[2][1], 0x40200183ull);
	/* 1 GiB at 0xFFFF800080000000 (PDPT 2): P R/W PS XD, in the PDPT itself. */
	EXPECT_EQ(t, pt_map(&pt, 0xFFFF800080000000ull, 0x80000000, PAGE_1G, PAGE_1G,
			    PTE_WRITE | PTE_NX), 1);
	EXPECT_EQ(t, frames[1][2], 0x8000000080000083ull);
	EXPECT_EQ(t, pt.tables, 2);
}

KTEST(paging, nx_is_dropped_where_the_cpu_has_it_off)
{
	setup(false, NFRAMES);
	EXPECT_EQ(t, pt_map(&pt, 0xFFFF900000403000ull, 0x12345000, 0x1000, PAGE_4K,
			    PTE_WRITE | PTE_NX), 1);
	EXPECT_EQ(t, frames[3][3], 0x0000000012345003ull);
}

KTEST(paging, a_range_spans_page_tables)
{
	setup(true, NFRAMES);
	/* 0xFFFF9000005FE000: PD 2, PT 510; four pages end at PD 3, PT 1. */
	EXPECT_EQ(t, pt_map(&pt, 0xFFFF9000005FE000ull, 0x100000, 0x4000, PAGE_4K, PTE_WRITE), 4);
	EXPECT_EQ(t, frames[3][510], 0x100003ull);
	EXPECT_EQ(t, frames[3][511], 0x101003ull);
	EXPECT_EQ(t, frames[2][3], FRAME(4) | 0x3);
	EXPECT_EQ(t, frames[4][0], 0x102003ull);
	EXPECT_EQ(t, frames[4][1], 0x103003ull);
	EXPECT_EQ(t, pt.tables, 4);
}

KTEST(paging, entries_in_use_are_kept)
{
	setup(true, NFRAMES);
	ASSERT_EQ(t, pt_map(&pt, 0xFFFF900000403000ull, 0x12345000, 0x1000, PAGE_4K, 0), 1);
	EXPECT_EQ(t, pt_map(&pt, 0xFFFF900000403000ull, 0x55555000, 0x1000, PAGE_4K, 0), 0);
	EXPECT_EQ(t, frames[3][3], 0x12345001ull);
	/* A 2 MiB page where a page table is: kept. A 1 GiB page over that PD: kept. */
	EXPECT_EQ(t, pt_map(&pt, 0xFFFF900000400000ull, 0x200000, PAGE_2M, PAGE_2M, 0), 0);
	EXPECT_EQ(t, frames[2][2], FRAME(3) | 0x3);
	EXPECT_EQ(t, pt_map(&pt, 0xFFFF900000000000ull, 0, PAGE_1G, PAGE_1G, 0), 0);
	EXPECT_EQ(t, frames[1][0], FRAME(2) | 0x3);
	/* Inside a 1 GiB page, a 2 MiB or 4 KiB mapping builds nothing. */
	ASSERT_EQ(t, pt_map(&pt, 0xFFFF900040000000ull, 0x40000000, PAGE_1G, PAGE_1G, 0), 1);
	EXPECT_EQ(t, pt_map(&pt, 0xFFFF900040200000ull, 0x800000, PAGE_2M, PAGE_2M, 0), 0);
	EXPECT_EQ(t, pt_map(&pt, 0xFFFF900040001000ull, 0x800000, 0x1000, PAGE_4K, 0), 0);
	EXPECT_EQ(t, frames[1][1], 0x40000081ull);
	EXPECT_EQ(t, pt.tables, 3);
}

KTEST(paging, lookup_finds_the_page_and_its_size)
{
	uint64_t page = 0;

	setup(true, NFRAMES);
	ASSERT_EQ(t, pt_map(&pt, 0xFFFF900000403000ull, 0x12345000, 0x1000, PAGE_4K, 0), 1);
	ASSERT_EQ(t, pt_map(&pt, 0xFFFF900000600000ull, 0x200000, PAGE_2M, PAGE_2M, 0), 1);
	ASSERT_EQ(t, pt_map(&pt, 0xFFFF900040000000ull, 0x40000000, PAGE_1G, PAGE_1G, 0), 1);
	EXPECT_PTR_EQ(t, pt_lookup(&pt, 0xFFFF900000403ABCull, &page), &frames[3][3]);
	EXPECT_EQ(t, page, 0x1000);
	EXPECT_PTR_EQ(t, pt_lookup(&pt, 0xFFFF9000007FFFFFull, &page), &frames[2][3]);
	EXPECT_EQ(t, page, 0x200000);
	EXPECT_PTR_EQ(t, pt_lookup(&pt, 0xFFFF90007FFFF000ull, &page), &frames[1][1]);
	EXPECT_EQ(t, page, 0x40000000);
	EXPECT_NULL(t, pt_lookup(&pt, 0xFFFF900000404000ull, NULL));	/* same PT, empty */
	EXPECT_NULL(t, pt_lookup(&pt, 0xFFFFA00000000000ull, NULL));	/* no PDPT there */
	EXPECT_EQ(t, pt.tables, 3);
}

KTEST(paging, unmap_returns_the_old_entry)
{
	setup(true, NFRAMES);
	ASSERT_EQ(t, pt_map(&pt, 0xFFFF900000403000ull, 0x12345000, 0x2000, PAGE_4K,
			    PTE_WRITE | PTE_NX), 2);
	EXPECT_EQ(t, pt_unmap(&pt, 0xFFFF900000403000ull), 0x8000000012345003ull);
	EXPECT_EQ(t, frames[3][3], 0);
	EXPECT_EQ(t, frames[3][4], 0x8000000012346003ull);
	EXPECT_NULL(t, pt_lookup(&pt, 0xFFFF900000403000ull, NULL));
	EXPECT_EQ(t, pt_unmap(&pt, 0xFFFF900000403000ull), 0);		/* twice */
	EXPECT_EQ(t, pt_unmap(&pt, 0xFFFFA00000000000ull), 0);		/* no tables */
	ASSERT_EQ(t, pt_map(&pt, 0xFFFF900000600000ull, 0x200000, PAGE_2M, PAGE_2M, 0), 1);
	EXPECT_EQ(t, pt_unmap(&pt, 0xFFFF900000601000ull), 0);		/* in a 2 MiB page */
	EXPECT_EQ(t, frames[2][3], 0x200081ull);
	EXPECT_EQ(t, pt.tables, 3);	/* tables stay */
}

KTEST(paging, bad_arguments_change_nothing)
{
	setup(true, NFRAMES);
	EXPECT_EQ(t, pt_map(&pt, 0xFFFF900000001000ull, 0, PAGE_2M, PAGE_2M, 0), -PT_EINVAL);
	EXPECT_EQ(t, pt_map(&pt, 0xFFFF900000000000ull, 0x1000, PAGE_2M, PAGE_2M, 0), -PT_EINVAL);
	EXPECT_EQ(t, pt_map(&pt, 0xFFFF900000000000ull, 0, 0x1800, PAGE_4K, 0), -PT_EINVAL);
	EXPECT_EQ(t, pt_map(&pt, 0xFFFF900000000000ull, 0, 0x2000, 0x2000, 0), -PT_EINVAL);
	EXPECT_EQ(t, pt_map(&pt, 0xFFFF900000000000ull, 0, 0x1000, PAGE_4K, PTE_HUGE), -PT_EINVAL);
	EXPECT_EQ(t, pt_map(&pt, 0xFFFF900000000000ull, 0, 0x1000, PAGE_4K, 1ull << 2), -PT_EINVAL);
	EXPECT_EQ(t, pt_map(&pt, 0xFFFF900000000000ull, 0, 0x1000, PAGE_4K, 0x5000), -PT_EINVAL);
	EXPECT_EQ(t, pt_map(&pt, 0x0000800000000000ull, 0, 0x1000, PAGE_4K, 0), -PT_EINVAL);
	EXPECT_EQ(t, pt_map(&pt, 0x00007FFFFFFFF000ull, 0, 0x2000, PAGE_4K, 0), -PT_EINVAL);
	EXPECT_EQ(t, pt_map(&pt, 0xFFFFFFFFFFFFF000ull, 0, 0x2000, PAGE_4K, 0), -PT_EINVAL);
	EXPECT_EQ(t, pt_map(&pt, 0xFFFF900000000000ull, 1ull << 52, 0x1000, PAGE_4K, 0),
		  -PT_EINVAL);
	EXPECT_EQ(t, pt_prepare(&pt, 0xFFFF900000000800ull, 0x1000, PAGE_4K), -PT_EINVAL);
	EXPECT_EQ(t, used_entries(0), 0);
	EXPECT_EQ(t, pt.tables, 0);
	/* len 0 maps nothing and builds nothing. */
	EXPECT_EQ(t, pt_map(&pt, 0xFFFF900000000000ull, 0, 0, PAGE_4K, 0), 0);
	EXPECT_EQ(t, pt.tables, 0);
}

KTEST(paging, out_of_frames_keeps_what_was_mapped)
{
	setup(true, 4);		/* the root and three tables: one page table */
	EXPECT_EQ(t, pt_map(&pt, 0xFFFF9000005FF000ull, 0x100000, 0x2000, PAGE_4K, 0),
		  -PT_ENOMEM);
	EXPECT_EQ(t, frames[3][511], 0x100001ull);	/* the first page, in the first PT */
	EXPECT_EQ(t, frames[2][3], 0);			/* no second PT linked */
	EXPECT_EQ(t, pt.tables, 3);
	frame_limit = 5;
	EXPECT_EQ(t, pt_map(&pt, 0xFFFF9000005FF000ull, 0x100000, 0x2000, PAGE_4K, 0), 1);
	EXPECT_EQ(t, frames[4][0], 0x101001ull);
}

KTEST(paging, prepare_builds_tables_and_maps_nothing)
{
	setup(true, NFRAMES);
	/* 4 KiB entries for [PD 2 PT 510, PD 3 PT 1]: a PDPT, a PD and two PTs. */
	EXPECT_EQ(t, pt_prepare(&pt, 0xFFFF9000005FE000ull, 0x4000, PAGE_4K), 0);
	EXPECT_EQ(t, pt.tables, 4);
	EXPECT_EQ(t, used_entries(3), 0);
	EXPECT_EQ(t, used_entries(4), 0);
	EXPECT_NULL(t, pt_lookup(&pt, 0xFFFF9000005FE000ull, NULL));
	EXPECT_EQ(t, pt_map(&pt, 0xFFFF9000005FE000ull, 0x100000, 0x4000, PAGE_4K, 0), 4);
	EXPECT_EQ(t, pt.tables, 4);
	EXPECT_EQ(t, pt_prepare(&pt, 0xFFFF900000000000ull, PAGE_1G, PAGE_1G), 0);
	EXPECT_EQ(t, pt.tables, 4);	/* 1 GiB entries live in the PDPT: nothing to build */
}

struct seen {
	unsigned int n;
	uint64_t va[4], entry[4], page[4];
};

static void record(void *ctx, uint64_t va, uint64_t entry, uint64_t page)
{
	struct seen *s = ctx;

	if (s->n < 4) {
		s->va[s->n] = va;
		s->entry[s->n] = entry;
		s->page[s->n] = page;
	}
	s->n++;
}

KTEST(paging, visit_reports_each_page_with_the_rights_the_cpu_applies)
{
	struct seen s = { 0 };

	setup(true, NFRAMES);
	ASSERT_EQ(t, pt_map(&pt, 0xFFFF900000403000ull, 0x12345000, 0x1000, PAGE_4K,
			    PTE_WRITE | PTE_NX), 1);
	ASSERT_EQ(t, pt_map(&pt, 0xFFFF900000600000ull, 0x200000, PAGE_2M, PAGE_2M, 0), 1);
	ASSERT_EQ(t, pt_map(&pt, 0x40000000, 0x40000000, PAGE_1G, PAGE_1G, PTE_WRITE), 1);
	/* Lower half first; the upper half's addresses come back sign-extended. */
	EXPECT_EQ(t, pt_for_each_page(&pt, record, &s), 3);
	EXPECT_EQ(t, s.n, 3);
	EXPECT_EQ(t, s.va[0], 0x40000000);
	EXPECT_EQ(t, s.entry[0], 0x40000083ull);
	EXPECT_EQ(t, s.page[0], 0x40000000);
	EXPECT_EQ(t, s.va[1], 0xFFFF900000403000ull);
	EXPECT_EQ(t, s.entry[1], 0x8000000012345003ull);
	EXPECT_EQ(t, s.page[1], 0x1000);
	EXPECT_EQ(t, s.va[2], 0xFFFF900000600000ull);
	EXPECT_EQ(t, s.entry[2], 0x200081ull);
	EXPECT_EQ(t, s.page[2], 0x200000);
	/* A read-only PDPT entry makes its pages read-only; XD in the PML4 entry, no-execute. */
	frames[1][0] &= ~PTE_WRITE;
	frames[0][0] |= 1ull << 63;
	s.n = 0;
	EXPECT_EQ(t, pt_for_each_page(&pt, record, &s), 3);
	EXPECT_EQ(t, s.entry[0], 0x8000000040000083ull);
	EXPECT_EQ(t, s.entry[1], 0x8000000012345001ull);
	EXPECT_EQ(t, s.entry[2], 0x200081ull);
	EXPECT_EQ(t, pt.tables, 4);
}

KTEST(paging, visit_of_an_empty_tree_reports_nothing)
{
	struct seen s = { 0 };

	setup(true, NFRAMES);
	EXPECT_EQ(t, pt_prepare(&pt, 0xFFFF900000000000ull, 0x4000, PAGE_4K), 0);
	EXPECT_EQ(t, pt_for_each_page(&pt, record, &s), 0);
	EXPECT_EQ(t, s.n, 0);
}
