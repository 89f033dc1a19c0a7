// SPDX-License-Identifier: MIT
/* pfa core: a private allocator over synthetic maps: totals, exhaustion, constraints, bad frees, caches, poison, dump. */

#include <kernel/pfa.h>

#include "harness.h"

#define NFRAMES		(64 * 1024)	/* 256 MiB of synthetic frames */
#define FLOOR		256		/* the kernel keeps the first MiB out of general use */

static struct pfa pa;
static struct memmap mmap;
static uint64_t storage[HBM_STORAGE_WORDS(NFRAMES) + 3 * BM_WORDS(NFRAMES)];
static uint64_t seen[BM_WORDS(NFRAMES)];	/* frames handed out so far */

/* A pfa over m's usable frames (at most NFRAMES), as the kernel builds its own. */
static void pfa_from_map(const struct memmap *m, uint64_t floor, unsigned int ncpus)
{
	uint64_t nframes = memmap_top(m) >> FRAME_SHIFT;
	size_t i;

	if (nframes > NFRAMES)
		nframes = NFRAMES;
	pfa_init(&pa, storage, nframes, floor, ncpus);
	for (i = 0; i < m->nusable; i++)
		pfa_add_frames(&pa, m->usable[i].start >> FRAME_SHIFT,
			       (m->usable[i].end - m->usable[i].start) >> FRAME_SHIFT);
}

/* Every frame of [0, n) free, nothing reserved. */
static void pfa_flat(uint64_t n, uint64_t floor, unsigned int ncpus)
{
	pfa_init(&pa, storage, n, floor, ncpus);
	pfa_add_frames(&pa, 0, n);
}

static const struct memmap_entry qemu128[] = {
	{ 0x0, 0x9fc00, AVAIL, 0 },
	{ 0x9fc00, 0x400, RESV, 0 },
	{ 0xf0000, 0x10000, RESV, 0 },
	{ 0x100000, 0x7ee0000, AVAIL, 0 },
	{ 0x7fe0000, 0x20000, RESV, 0 },
	{ 0xfffc0000, 0x40000, RESV, 0 },
};

static void zero(uint64_t *w, size_t n)
{
	while (n--)
		w[n] = 0;
}

KTEST(pfa, totals_match_the_memory_map)
{
	struct pfa_stats s;

	mm_build(&mmap, qemu128, 6);
	memmap_reserve(&mmap, 0x100000, 0x300000, "kernel");
	pfa_from_map(&mmap, FLOOR, 2);
	pfa_get_stats(&pa, &s);
	EXPECT_EQ(t, s.total, 0x7fe0);
	EXPECT_EQ(t, s.usable, memmap_usable_bytes(&mmap) >> FRAME_SHIFT);
	EXPECT_EQ(t, s.usable, 0x9f + 0x7ee0 - 0x200);
	EXPECT_EQ(t, s.free, s.usable);
	EXPECT_EQ(t, s.reserved, s.total - s.usable);
	EXPECT_EQ(t, s.used, 0);
	EXPECT_TRUE(t, pfa_check(&pa));
}

/*
 * Everything, one frame at a time: no frame twice, none reserved or below
 * the floor; then exhaustion is an error, and freeing it all restores the
 * count exactly.
 */
KTEST(pfa, alloc_everything_then_free_everything)
{
	struct pfa_stats before, after;
	uint64_t f, n = 0, dup = 0, bad = 0;

	mm_build(&mmap, qemu128, 6);
	pfa_from_map(&mmap, FLOOR, 4);
	pfa_get_stats(&pa, &before);
	zero(seen, BM_WORDS(NFRAMES));
	while ((f = pfa_alloc_frame(&pa, (unsigned int)n % 4)) != PFA_NONE) {
		if (f >= pa.nframes || bm_test_and_set(seen, f))
			dup++;
		if (f < FLOOR || pfa_frame_reserved(&pa, f) ||
		    memmap_is_usable(&mmap, f << FRAME_SHIFT, (f << FRAME_SHIFT) + 1) == false)
			bad++;
		n++;
	}
	EXPECT_EQ(t, dup, 0);
	EXPECT_EQ(t, bad, 0);
	/* The 0x9f usable frames below the floor are never handed out in general. */
	EXPECT_EQ(t, n, before.free - 0x9f);
	mm_capture_begin("out of memory");
	EXPECT_EQ(t, pfa_alloc_frame(&pa, 0), PFA_NONE);
	mm_capture_end();
	EXPECT_EQ(t, mm_cap.kept, 1);
	EXPECT_TRUE(t, pfa_check(&pa));

	bm_for_each_set(f, seen, NFRAMES)
		EXPECT_EQ(t, pfa_free_frame(&pa, (unsigned int)f % 4, f, NULL), 0);
	pfa_get_stats(&pa, &after);
	EXPECT_EQ(t, after.free, before.free);
	EXPECT_EQ(t, after.used, 0);
	EXPECT_EQ(t, after.failed, 2);	/* the loop's last try, and the one above */
	EXPECT_EQ(t, after.bad_frees, 0);
	EXPECT_TRUE(t, pfa_check(&pa));
}

KTEST(pfa, single_frames_come_lowest_first_from_the_hint)
{
	pfa_flat(4096, 16, 1);
	EXPECT_EQ(t, pfa_alloc_frame(&pa, 0), 16);
	EXPECT_EQ(t, pfa_alloc_frame(&pa, 0), 17);
	EXPECT_EQ(t, pfa_alloc_frame(&pa, 0), 18);
	/* A freed frame is reused first: it is hot in the CPU's cache. */
	EXPECT_EQ(t, pfa_free_frame(&pa, 0, 17, NULL), 0);
	EXPECT_EQ(t, pfa_alloc_frame(&pa, 0), 17);
	EXPECT_TRUE(t, pfa_check(&pa));
}

KTEST(pfa, contiguous_runs_honour_alignment_and_limit)
{
	uint64_t f, g, i;

	pfa_flat(NFRAMES, FLOOR, 2);
	f = pfa_alloc_frames(&pa, 512, 512, PFA_NONE);
	EXPECT_EQ(t, f, 512);			/* the first 2 MiB boundary above the floor */
	for (i = 0; i < 512; i++)
		EXPECT_TRUE(t, pfa_frame_in_use(&pa, f + i));
	g = pfa_alloc_frames(&pa, 3, 4, PFA_NONE);
	EXPECT_EQ(t, g, 256);
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 1, 0, PFA_NONE), 259);
	/* Below 16 MiB (frame 4096): the run must end there. */
	f = pfa_alloc_frames(&pa, 4096 - 1024, 1, 4096);
	EXPECT_EQ(t, f, 1024);
	mm_capture_begin(NULL);
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 300, 1, 4096), PFA_NONE);
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 4, 3, PFA_NONE), PFA_NONE);	/* not a power of two */
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 0, 1, PFA_NONE), PFA_NONE);
	EXPECT_EQ(t, pfa_alloc_frames(&pa, NFRAMES, 1, PFA_NONE), PFA_NONE);
	mm_capture_end();
	EXPECT_EQ(t, mm_cap.lines, 4);
	EXPECT_TRUE(t, pfa_check(&pa));
}

/* An unaligned free run must not satisfy an aligned request it cannot hold. */
KTEST(pfa, aligned_search_skips_misaligned_runs)
{
	pfa_flat(4096, 0, 1);
	ASSERT_EQ(t, pfa_alloc_frames(&pa, 4096, 1, PFA_NONE), 0);
	ASSERT_EQ(t, pfa_free_frames(&pa, 100, 600, NULL), 0);	/* [100, 700) */
	mm_capture_begin(NULL);
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 512, 256, PFA_NONE), PFA_NONE);
	mm_capture_end();
	ASSERT_EQ(t, pfa_free_frames(&pa, 700, 100, NULL), 0);	/* [100, 800) */
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 512, 256, PFA_NONE), 256);
	/* Left: [100, 256) and [768, 800). */
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 100, 4, PFA_NONE), 100);
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 32, 4, PFA_NONE), 200);
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 32, 4, PFA_NONE), 768);
	mm_capture_begin(NULL);
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 25, 1, PFA_NONE), PFA_NONE);
	mm_capture_end();
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 24, 1, PFA_NONE), 232);
	EXPECT_TRUE(t, pfa_check(&pa));
}

/* Limits at or below the floor reach the frames under it: the AP trampoline's page. */
KTEST(pfa, below_the_floor_only_on_request)
{
	uint64_t f;

	pfa_init(&pa, storage, 1024, FLOOR, 1);
	pfa_add_frames(&pa, 8, 1);
	pfa_add_frames(&pa, FLOOR, 4);
	EXPECT_EQ(t, pfa_alloc_frame(&pa, 0), FLOOR);
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 3, 1, PFA_NONE), FLOOR + 1);
	mm_capture_begin(NULL);
	EXPECT_EQ(t, pfa_alloc_frame(&pa, 0), PFA_NONE);
	mm_capture_end();
	f = pfa_alloc_frames(&pa, 1, 1, FLOOR);
	EXPECT_EQ(t, f, 8);
	EXPECT_TRUE(t, pfa_check(&pa));
}

/*
 * Issue 15, defect 1: a frame from under the floor, freed singly (as the
 * kernel frees its AP trampoline page with page_free), goes back to the
 * pool, never into a CPU cache where pfa_alloc_frame would hand it out.
 * On every CPU: the cache of the freeing CPU and of the others.
 */
KTEST(pfa, a_low_frame_freed_singly_never_reaches_general_requests)
{
	unsigned int cpu;
	uint64_t f;

	for (cpu = 0; cpu < 2; cpu++) {
		pfa_init(&pa, storage, 1024, FLOOR, 2);
		pfa_add_frames(&pa, 8, 1);
		pfa_add_frames(&pa, FLOOR, 2);
		EXPECT_EQ(t, pfa_alloc_frames(&pa, 1, 1, FLOOR), 8);
		EXPECT_EQ(t, pfa_free_frame(&pa, cpu, 8, NULL), 0);
		EXPECT_TRUE(t, pfa_check(&pa));
		EXPECT_EQ(t, pfa_alloc_frame(&pa, cpu), FLOOR);
		EXPECT_EQ(t, pfa_alloc_frame(&pa, cpu), FLOOR + 1);
		mm_capture_begin(NULL);
		f = pfa_alloc_frame(&pa, cpu);
		mm_capture_end();
		EXPECT_EQ(t, f, PFA_NONE);
		/* Not lost either: a request below the floor finds it again. */
		EXPECT_EQ(t, pfa_alloc_frames(&pa, 1, 1, FLOOR), 8);
		EXPECT_TRUE(t, pfa_check(&pa));
	}
}

KTEST(pfa, bad_frees_are_refused_logged_and_counted)
{
	struct pfa_stats s;
	uint64_t f, run;
	int caller;

	mm_build(&mmap, qemu128, 6);
	pfa_from_map(&mmap, FLOOR, 1);
	f = pfa_alloc_frame(&pa, 0);
	run = pfa_alloc_frames(&pa, 8, 8, PFA_NONE);
	mm_capture_begin("refused");
	EXPECT_EQ(t, pfa_free_frame(&pa, 0, pa.nframes, &caller), -1);	/* out of range */
	EXPECT_EQ(t, pfa_free_frame(&pa, 0, 0xa0, &caller), -1);	/* reserved (the VGA hole) */
	EXPECT_EQ(t, pfa_free_frame(&pa, 0, f + 1000, &caller), -1);	/* never allocated */
	EXPECT_EQ(t, pfa_free_frame(&pa, 0, f, &caller), 0);
	EXPECT_EQ(t, pfa_free_frame(&pa, 0, f, &caller), -1);		/* double free */
	/* A run with one frame not in use is refused whole. */
	EXPECT_EQ(t, pfa_free_frame(&pa, 0, run + 5, &caller), 0);
	EXPECT_EQ(t, pfa_free_frames(&pa, run, 8, &caller), -1);
	EXPECT_TRUE(t, pfa_frame_in_use(&pa, run));
	EXPECT_TRUE(t, pfa_frame_in_use(&pa, run + 4));
	EXPECT_TRUE(t, pfa_frame_in_use(&pa, run + 7));
	EXPECT_EQ(t, pfa_free_frames(&pa, 0x9e, 4, &caller), -1);	/* crosses reserved */
	EXPECT_EQ(t, pfa_free_frames(&pa, pa.nframes - 2, 4, &caller), -1);
	mm_capture_end();
	EXPECT_EQ(t, mm_cap.kept, 7);
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[0], "out of range"));
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[1], "frame 0xa0 (phys 0xa0000): reserved; caller 0x"));
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[3], "not in use (double free?)"));
	pfa_get_stats(&pa, &s);
	EXPECT_EQ(t, s.bad_frees, 7);
	EXPECT_EQ(t, s.used, 7);
	EXPECT_EQ(t, pfa_free_frames(&pa, run, 5, NULL), 0);
	EXPECT_EQ(t, pfa_free_frames(&pa, run + 6, 2, NULL), 0);
	pfa_get_stats(&pa, &s);
	EXPECT_EQ(t, s.used, 0);
	EXPECT_TRUE(t, pfa_check(&pa));
}

/* Frames left in another CPU's cache are drained when they are all that is left. */
KTEST(pfa, cached_frames_are_never_stranded)
{
	struct pfa_stats s;
	uint64_t f[40], n = 0, g;
	int i;

	pfa_flat(64, 0, 2);
	for (i = 0; i < 40; i++)
		f[i] = pfa_alloc_frame(&pa, 1);
	for (i = 0; i < 40; i++)
		EXPECT_EQ(t, pfa_free_frame(&pa, 1, f[i], NULL), 0);
	pfa_get_stats(&pa, &s);
	EXPECT_EQ(t, s.free, 64);
	EXPECT_GE(t, s.cached, 40);
	while ((g = pfa_alloc_frame(&pa, 0)) != PFA_NONE)
		n++;
	EXPECT_EQ(t, n, 64);
	for (g = 0; g < 64; g++)
		pfa_free_frame(&pa, 0, g, NULL);
	/* A full cache spills to the pool, and runs see through the caches. */
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 64, 64, PFA_NONE), 0);
	EXPECT_EQ(t, pfa_free_frames(&pa, 0, 64, NULL), 0);
	EXPECT_TRUE(t, pfa_check(&pa));
}

static uint8_t arena[16 * 4096] __attribute__((aligned(4096)));

KTEST(pfa, poison_catches_writes_to_free_frames)
{
	struct pfa_stats s;
	uint32_t *w;
	uint64_t f;

	pfa_flat(16, 0, 1);
	pfa_set_mapping(&pa, (uintptr_t)arena, PFA_POISON | PFA_CHECK_POISON);
	f = pfa_alloc_frame(&pa, 0);
	w = (uint32_t *)(arena + f * FRAME_SIZE);
	w[5] = 1234;
	ASSERT_EQ(t, pfa_free_frame(&pa, 0, f, NULL), 0);
	EXPECT_EQ(t, w[0], PFA_POISON_WORD);
	EXPECT_EQ(t, w[5], PFA_POISON_WORD);
	EXPECT_EQ(t, w[1023], PFA_POISON_WORD);
	EXPECT_EQ(t, pfa_alloc_frame(&pa, 0), f);	/* clean: no report */
	ASSERT_EQ(t, pfa_free_frame(&pa, 0, f, NULL), 0);
	w[700] = 0;					/* a write after free */
	mm_capture_begin("written while free");
	EXPECT_EQ(t, pfa_alloc_frame(&pa, 0), f);
	mm_capture_end();
	EXPECT_EQ(t, mm_cap.kept, 1);
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[0], "offset 0xaf0"));
	pfa_get_stats(&pa, &s);
	EXPECT_EQ(t, s.poison_errors, 1);
	pfa_free_frame(&pa, 0, f, NULL);
}

KTEST(pfa, empty_allocator_fails_cleanly)
{
	struct pfa_stats s;

	pfa_init(&pa, storage, 0, FLOOR, 1);
	mm_capture_begin(NULL);
	EXPECT_EQ(t, pfa_alloc_frame(&pa, 0), PFA_NONE);
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 1, 1, PFA_NONE), PFA_NONE);
	EXPECT_EQ(t, pfa_free_frame(&pa, 0, 0, NULL), -1);
	mm_capture_end();
	pfa_get_stats(&pa, &s);
	EXPECT_EQ(t, s.total, 0);
	EXPECT_EQ(t, s.failed, 2);
	EXPECT_EQ(t, s.bad_frees, 1);
	EXPECT_TRUE(t, pfa_check(&pa));
}

KTEST(pfa, check_notices_a_corrupt_map)
{
	uint64_t f;

	pfa_flat(256, 0, 1);
	f = pfa_alloc_frame(&pa, 0);
	bm_set(pa.reserved, f);		/* in use and reserved at once */
	mm_capture_begin(NULL);
	EXPECT_FALSE(t, pfa_check(&pa));
	mm_capture_end();
	bm_clear(pa.reserved, f);
	EXPECT_TRUE(t, pfa_check(&pa));
}

/* 256 frames, one char each: the first 64 reserved, then 32 used and 32 free. */
/*
 * A frame cached twice, or cached from under the floor (what pfa_free_frame
 * did before issue 15), fails the check, naming the frame; a failed check
 * leaves the maps as they were, so the next one passes once it is undone.
 */
KTEST(pfa, check_notices_misplaced_cached_frames)
{
	struct pfa_cache *c = &pa.cache[0];
	uint64_t f, low;

	pfa_init(&pa, storage, 1024, FLOOR, 1);
	pfa_add_frames(&pa, 8, 1);
	pfa_add_frames(&pa, FLOOR, 64);
	f = pfa_alloc_frame(&pa, 0);
	EXPECT_EQ(t, pfa_free_frame(&pa, 0, f, NULL), 0);
	EXPECT_TRUE(t, pfa_check(&pa));
	c->frames[c->count++] = f;
	mm_capture_begin(NULL);
	EXPECT_FALSE(t, pfa_check(&pa));
	mm_capture_end();
	EXPECT_TRUE(t, mm_strstr(mm_cap.last, "cached twice (frame 0x100)"));
	c->count--;
	EXPECT_TRUE(t, pfa_check(&pa));

	low = pfa_alloc_frames(&pa, 1, 1, FLOOR);
	EXPECT_EQ(t, low, 8);
	bm_clear(pa.inuse, low);
	c->frames[c->count++] = low;
	mm_capture_begin(NULL);
	EXPECT_FALSE(t, pfa_check(&pa));
	mm_capture_end();
	EXPECT_TRUE(t, mm_strstr(mm_cap.last, "(frame 0x8)"));
	c->count--;
	bm_set(pa.inuse, low);
	EXPECT_TRUE(t, pfa_check(&pa));
	EXPECT_EQ(t, pfa_free_frames(&pa, low, 1, NULL), 0);
	EXPECT_EQ(t, pfa_alloc_frame(&pa, 0), f);
	EXPECT_TRUE(t, pfa_check(&pa));
}

KTEST(pfa, dump_draws_a_density_map)
{
	int i;

	pfa_init(&pa, storage, 256, 0, 1);
	pfa_add_frames(&pa, 64, 192);
	for (i = 0; i < 32; i++)
		pfa_alloc_frame(&pa, 0);
	pfa_drain(&pa, 0);
	mm_capture_begin("pfa: 0x");
	pfa_dump_frames(&pa, 4);
	mm_capture_end();
	ASSERT_EQ(t, mm_cap.kept, 4);
	EXPECT_STREQ(t, mm_cap.keep[0],
		     "pfa: 0x000000000000 |----------------------------------------------------------------|");
	EXPECT_STREQ(t, mm_cap.keep[1],
		     "pfa: 0x000000040000 |################################                                |");
	EXPECT_STREQ(t, mm_cap.keep[3],
		     "pfa: 0x0000000c0000 |                                                                |");
}

KTEST(pfa, dump_blocks_show_partial_use)
{
	uint64_t i;

	pfa_flat(NFRAMES, 0, 1);	/* 64 frames per char, 16 lines */
	pfa_alloc_frames(&pa, 64, 1, PFA_NONE);			/* full */
	pfa_alloc_frames(&pa, 8, 1, PFA_NONE);			/* 8/64 */
	for (i = 0; i < 3; i++)
		pfa_alloc_frames(&pa, 24, 64, PFA_NONE);	/* 24/64 each */
	pfa_alloc_frames(&pa, 40, 64, PFA_NONE);		/* 40/64 */
	pfa_alloc_frames(&pa, 63, 64, PFA_NONE);		/* 63/64 */
	mm_capture_begin("pfa: 0x");
	pfa_dump_frames(&pa, 0);
	mm_capture_end();
	ASSERT_EQ(t, mm_cap.kept, 16);
	EXPECT_STREQ(t, mm_cap.keep[0],
		     "pfa: 0x000000000000 |#.:::+*                                                         |");
	EXPECT_STREQ(t, mm_cap.keep[15],
		     "pfa: 0x00000f000000 |                                                                |");
}

/* Frames [first, first + n) all in use (want true) or all not (want false). */
static bool all_in_use(uint64_t first, uint64_t n, bool want)
{
	uint64_t f;

	for (f = first; f < first + n; f++)
		if (pfa_frame_in_use(&pa, f) != want)
			return false;
	return true;
}

/*
 * A run free refused at a frame three words in undoes the frames it had
 * already taken back, in every word, names that exact frame, and leaves the
 * frames after the run alone; the run then frees in two parts.
 */
KTEST(pfa, a_refused_run_free_restores_every_word)
{
	struct pfa_stats s;
	uint64_t run;

	pfa_flat(1024, 0, 1);
	run = pfa_alloc_frames(&pa, 320, 64, PFA_NONE);
	ASSERT_EQ(t, run, 0);
	EXPECT_EQ(t, pfa_free_frames(&pa, 197, 1, NULL), 0);
	mm_capture_begin("refused");
	EXPECT_EQ(t, pfa_free_frames(&pa, 10, 300, NULL), -1);
	mm_capture_end();
	EXPECT_EQ(t, mm_cap.kept, 1);
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[0], "frame 0xc5 (phys 0xc5000): not in use"));
	EXPECT_TRUE(t, all_in_use(0, 197, true));
	EXPECT_TRUE(t, all_in_use(198, 122, true));
	EXPECT_FALSE(t, pfa_frame_in_use(&pa, 197));
	EXPECT_TRUE(t, all_in_use(320, 704, false));
	EXPECT_TRUE(t, pfa_check(&pa));
	pfa_get_stats(&pa, &s);
	EXPECT_EQ(t, s.used, 319);
	EXPECT_EQ(t, s.bad_frees, 1);
	EXPECT_EQ(t, pfa_free_frames(&pa, 0, 197, NULL), 0);
	EXPECT_EQ(t, pfa_free_frames(&pa, 198, 122, NULL), 0);
	pfa_get_stats(&pa, &s);
	EXPECT_EQ(t, s.used, 0);
	EXPECT_TRUE(t, pfa_check(&pa));
}

/* Runs past the end are refused as out of range, whatever their start; nothing changes. */
KTEST(pfa, runs_past_the_end_are_out_of_range)
{
	struct pfa_stats s;

	pfa_flat(100, 0, 1);
	mm_capture_begin("refused");
	EXPECT_EQ(t, pfa_free_frames(&pa, 98, 4, NULL), -1);
	EXPECT_EQ(t, pfa_free_frames(&pa, 100, 1, NULL), -1);
	EXPECT_EQ(t, pfa_free_frames(&pa, ~0ull - 1, 4, NULL), -1);
	mm_capture_end();
	EXPECT_EQ(t, mm_cap.kept, 3);
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[0], "frame 0x62 (phys 0x62000): run out of range"));
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[1], "frame 0x64 (phys 0x64000): run out of range"));
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[2], "run out of range"));
	pfa_get_stats(&pa, &s);
	EXPECT_EQ(t, s.bad_frees, 3);
	EXPECT_EQ(t, s.free, 100);
	EXPECT_TRUE(t, pfa_check(&pa));
}

/*
 * Handing out marks exactly the frames handed out in use, a run across
 * words and a single frame, and logs nothing. (A frame already marked
 * when handed out is a broken invariant: it asserts, see
 * tests/host/assert_test.c and the ktest.selftest=assert boot.)
 */
KTEST(pfa, handing_out_marks_exactly_those_frames_in_use)
{
	uint64_t f;

	pfa_flat(256, 0, 1);
	mm_capture_begin(NULL);
	f = pfa_alloc_frames(&pa, 100, 1, PFA_NONE);
	EXPECT_EQ(t, f, 0);
	EXPECT_TRUE(t, all_in_use(0, 100, true));
	EXPECT_TRUE(t, all_in_use(100, 156, false));
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 80, 1, PFA_NONE), 100);	/* frames 100-179: two words */
	EXPECT_TRUE(t, all_in_use(100, 80, true));
	EXPECT_FALSE(t, pfa_frame_in_use(&pa, 180));
	EXPECT_EQ(t, pfa_alloc_frame(&pa, 0), 180);
	EXPECT_TRUE(t, pfa_frame_in_use(&pa, 180));
	EXPECT_TRUE(t, all_in_use(181, 75, false));
	mm_capture_end();
	EXPECT_EQ(t, mm_cap.lines, 0);
}

/* Each broken invariant gets its own line from pfa_check, naming the frame. */
static void expect_check_fails(struct ktest *t, const char *why)
{
	mm_capture_begin(NULL);
	EXPECT_FALSE(t, pfa_check(&pa));
	mm_capture_end();
	EXPECT_TRUE(t, mm_strstr(mm_cap.last, why));
}

KTEST(pfa, check_names_each_broken_invariant)
{
	uint64_t *leaf;

	pfa_flat(256, 0, 1);
	EXPECT_TRUE(t, pfa_check(&pa));
	pa.nreserved++;
	expect_check_fails(t, "reserved count (frame 0x1)");
	bm_set(pa.reserved, 0);
	expect_check_fails(t, "reserved frame in the pool (frame 0x0)");
	bm_clear(pa.reserved, 0);
	pa.nreserved--;
	bm_set(pa.inuse, 0);
	expect_check_fails(t, "frame in use and in the pool (frame 0x0)");
	bm_clear(pa.inuse, 0);
	EXPECT_TRUE(t, pfa_check(&pa));

	EXPECT_EQ(t, pfa_alloc_frames(&pa, 1, 1, PFA_NONE), 0);
	bm_set(pa.reserved, 0);
	pa.nreserved++;
	expect_check_fails(t, "reserved frame in use (frame 0x0)");
	bm_clear(pa.reserved, 0);
	pa.nreserved--;
	EXPECT_TRUE(t, pfa_check(&pa));

	hbm_set(&pa.free, 7);				/* out of the pool, yet nowhere else */
	expect_check_fails(t, "nor reserved (frame 0x0)");
	hbm_clear(&pa.free, 7);
	EXPECT_TRUE(t, pfa_check(&pa));

	leaf = (uint64_t *)hbm__words(&pa.free);
	leaf[2] = ~0ull;				/* a full leaf its summary does not know */
	expect_check_fails(t, "hbm summaries disagree with the leaves (frame 0x0)");
	leaf[2] = 0;
	EXPECT_TRUE(t, pfa_check(&pa));
}

/* A run freed with poisoning on is poisoned frame by frame, its neighbours untouched, then pooled. */
KTEST(pfa, poisoned_runs_are_checked_when_handed_out)
{
	struct pfa_stats s;
	uint32_t *w = (uint32_t *)arena;
	uint64_t f;

	pfa_flat(16, 0, 1);
	pfa_set_mapping(&pa, (uintptr_t)arena, PFA_POISON | PFA_CHECK_POISON);
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 16, 1, PFA_NONE), 0);
	for (f = 0; f < 16; f++)
		w[f * 1024] = w[f * 1024 + 1023] = 0x5eed;
	EXPECT_EQ(t, pfa_free_frames(&pa, 5, 3, NULL), 0);
	for (f = 5; f < 8; f++) {
		EXPECT_EQ(t, w[f * 1024], PFA_POISON_WORD);
		EXPECT_EQ(t, w[f * 1024 + 1023], PFA_POISON_WORD);
	}
	EXPECT_EQ(t, w[4 * 1024 + 1023], 0x5eed);
	EXPECT_EQ(t, w[8 * 1024], 0x5eed);
	pfa_get_stats(&pa, &s);
	EXPECT_EQ(t, s.free, 3);
	EXPECT_TRUE(t, pfa_check(&pa));
	w[7 * 1024 + 9] = 1;				/* the run's last frame, written while free */
	mm_capture_begin("written while free");
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 3, 1, PFA_NONE), 5);
	mm_capture_end();
	EXPECT_EQ(t, mm_cap.kept, 1);
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[0], "frame 0x7 was written while free: offset 0x24"));
	pfa_get_stats(&pa, &s);
	EXPECT_EQ(t, s.poison_errors, 1);
	EXPECT_EQ(t, s.free, 0);
	EXPECT_EQ(t, pfa_free_frames(&pa, 0, 16, NULL), 0);
	pfa_set_mapping(&pa, 0, 0);
}

/*
 * CPU k's refills start at floor + (nframes - floor) * k / ncpus, rounded
 * down to a multiple of 512 frames (a 64-byte line of the inuse map): two
 * CPUs each allocating and freeing its own frames change bits of inuse
 * words far apart (pfa.h).
 */
KTEST(pfa, each_cpu_refills_from_its_own_part_of_the_map)
{
	/* 256 + 65280 k / 4 = 256, 16576, 32896, 49216: lines at 0, 16384, 32768, 49152. */
	static const uint64_t first[4] = { FLOOR, 16384, 32768, 49152 };
	uint64_t f[4];
	unsigned int k;

	pfa_flat(NFRAMES, FLOOR, 4);
	for (k = 0; k < 4; k++) {
		f[k] = pfa_alloc_frame(&pa, k);
		EXPECT_EQ(t, f[k], first[k]);
	}
	/* Each CPU's next frame is the next one up in its own part. */
	for (k = 0; k < 4; k++)
		EXPECT_EQ(t, pfa_alloc_frame(&pa, k), first[k] + 1);
	/* Freed and taken again: the hot frame stays where it was. */
	for (k = 0; k < 4; k++) {
		EXPECT_EQ(t, pfa_free_frame(&pa, k, f[k], NULL), 0);
		EXPECT_EQ(t, pfa_alloc_frame(&pa, k), f[k]);
	}
	EXPECT_TRUE(t, pfa_check(&pa));
}

/* A CPU's part used up, its refills go on above it and wrap to the floor; no start is below the floor. */
KTEST(pfa, a_cpus_refills_wrap_to_the_floor_and_never_start_below_it)
{
	/* CPU 1 of 2 starts at 256 + 3840 / 2 = 2176, line 2048; [2048, 4096) taken first. */
	pfa_flat(4096, FLOOR, 2);
	ASSERT_EQ(t, pfa_alloc_frames(&pa, 2048, 2048, PFA_NONE), 2048);
	EXPECT_EQ(t, pfa_alloc_frame(&pa, 1), FLOOR);
	EXPECT_EQ(t, pfa_alloc_frame(&pa, 0), FLOOR + PFA_CACHE_BATCH);
	EXPECT_TRUE(t, pfa_check(&pa));

	/* 400 + 624 / 8 = 478 rounds down to 0, under the floor: CPU 1 starts at the floor too. */
	pfa_flat(1024, 400, 8);
	EXPECT_EQ(t, pfa_alloc_frame(&pa, 0), 400);
	EXPECT_EQ(t, pfa_alloc_frame(&pa, 1), 400 + PFA_CACHE_BATCH);
	/* CPU 2: 400 + 624 * 2 / 8 = 556, line 512. */
	EXPECT_EQ(t, pfa_alloc_frame(&pa, 2), 512);
	EXPECT_TRUE(t, pfa_check(&pa));

	/* An odd start, 1027 / 2 = 513, rounds down to 512 too. */
	pfa_flat(1027, 0, 2);
	EXPECT_EQ(t, pfa_alloc_frame(&pa, 1), 512);
}

/* ncpus 0 means one CPU, more than PFA_MAX_CPUS means PFA_MAX_CPUS; a CPU number wraps. */
KTEST(pfa, cpu_counts_are_clamped_and_cpus_wrap)
{
	uint64_t f;
	unsigned int i;

	pfa_flat(4096, 0, 0);
	EXPECT_EQ(t, pa.ncpus, 1);
	f = pfa_alloc_frame(&pa, 5);
	EXPECT_EQ(t, pfa_free_frame(&pa, 7, f, NULL), 0);
	EXPECT_EQ(t, pa.cache[0].count, PFA_CACHE_BATCH);

	pfa_flat(4096, 0, PFA_MAX_CPUS + 3);
	EXPECT_EQ(t, pa.ncpus, PFA_MAX_CPUS);
	/*
	 * 32 CPUs share 4096 frames: CPU i starts at 4096 * i / 32 = 128 i
	 * rounded down to a 512-frame line, so CPUs 4k..4k+3 start at 512 k
	 * and take one batch after another there.
	 */
	for (i = 0; i < PFA_MAX_CPUS; i++)
		EXPECT_EQ(t, pfa_alloc_frame(&pa, i), 512 * (i / 4) + PFA_CACHE_BATCH * (i % 4));
	f = pfa_alloc_frame(&pa, PFA_MAX_CPUS);		/* wraps to CPU 0's cache */
	EXPECT_EQ(t, f, 1);
	EXPECT_TRUE(t, pfa_check(&pa));
	for (i = 0; i < PFA_MAX_CPUS; i++)
		pfa_free_frame(&pa, i, 512 * (i / 4) + PFA_CACHE_BATCH * (i % 4), NULL);
	pfa_free_frame(&pa, 0, 1, NULL);
	/* Every cache drains into a run of all the frames. */
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 4096, 1, PFA_NONE), 0);
	EXPECT_EQ(t, pfa_free_frames(&pa, 0, 4096, NULL), 0);
	EXPECT_TRUE(t, pfa_check(&pa));

	pfa_flat(64, 0, 2);
	f = pfa_alloc_frame(&pa, 0);
	EXPECT_EQ(t, pfa_free_frame(&pa, 2, f, NULL), 0);	/* CPU 2 of 2 is CPU 0 */
	EXPECT_EQ(t, pa.cache[1].count, 0);
}

/* A fresh allocator over dirty storage and a dirty struct: nothing stale survives init. */
KTEST(pfa, init_forgets_earlier_state)
{
	struct pfa_stats s;
	size_t i;

	for (i = 0; i < sizeof(storage) / sizeof(storage[0]); i++)
		storage[i] = ~0ull;
	pa.poisoning = 5;
	pa.virt_base = 0x1000;
	pfa_flat(256, 0, 1);
	EXPECT_TRUE(t, pfa_check(&pa));
	pfa_get_stats(&pa, &s);
	EXPECT_EQ(t, s.free, 256);
	EXPECT_EQ(t, pa.virt_base, 0);
	/* The pool's hbm, then three one-bit-a-frame maps: reserved, inuse, poisoned. */
	EXPECT_EQ(t, pfa_storage_words(64), hbm_storage_words(64) + 3);
	EXPECT_EQ(t, pfa_storage_words(NFRAMES), hbm_storage_words(NFRAMES) + 3 * 1024);
}

/* The frame queries are false past the end, true only for what they name. */
KTEST(pfa, frame_queries_stop_at_the_end)
{
	pfa_init(&pa, storage, 64, 0, 1);
	pfa_add_frames(&pa, 0, 32);
	EXPECT_TRUE(t, pfa_frame_reserved(&pa, 40));
	EXPECT_TRUE(t, pfa_frame_reserved(&pa, 63));
	EXPECT_FALSE(t, pfa_frame_reserved(&pa, 0));
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 1, 1, PFA_NONE), 0);
	EXPECT_TRUE(t, pfa_frame_in_use(&pa, 0));
	EXPECT_FALSE(t, pfa_frame_in_use(&pa, 1));
	EXPECT_FALSE(t, pfa_frame_reserved(&pa, 64));	/* storage after the map is not the map */
	EXPECT_FALSE(t, pfa_frame_in_use(&pa, 64));
	EXPECT_FALSE(t, pfa_frame_in_use(&pa, ~0ull));
}

/*
 * Poison marks left from before pfa_set_mapping are forgotten; with
 * PFA_POISON alone freed frames are filled but never checked, and a frame
 * handed out no longer counts as holding the pattern.
 */
KTEST(pfa, poison_without_check_fills_but_never_reports)
{
	struct pfa_stats s;
	uint32_t *w = (uint32_t *)arena;
	uint64_t f;

	pfa_flat(16, 0, 1);
	bm_fill(pa.poisoned, 16);			/* stale marks */
	pfa_set_mapping(&pa, (uintptr_t)arena, PFA_POISON | PFA_CHECK_POISON);
	w[0] = 0;
	mm_capture_begin("written while free");
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 2, 1, PFA_NONE), 0);
	mm_capture_end();
	EXPECT_EQ(t, mm_cap.kept, 0);
	EXPECT_EQ(t, pfa_free_frames(&pa, 0, 2, NULL), 0);

	pfa_set_mapping(&pa, (uintptr_t)arena, PFA_POISON);
	f = pfa_alloc_frame(&pa, 0);
	EXPECT_EQ(t, pfa_free_frame(&pa, 0, f, NULL), 0);
	EXPECT_TRUE(t, bm_test(pa.poisoned, f));
	EXPECT_EQ(t, w[f * 1024 + 1023], PFA_POISON_WORD);
	w[f * 1024] = 7;
	mm_capture_begin("written while free");
	EXPECT_EQ(t, pfa_alloc_frame(&pa, 0), f);
	mm_capture_end();
	EXPECT_EQ(t, mm_cap.kept, 0);
	EXPECT_FALSE(t, bm_test(pa.poisoned, f));
	pfa_get_stats(&pa, &s);
	EXPECT_EQ(t, s.poison_errors, 0);

	/* No mapping: flags are ignored, nothing is written anywhere. */
	pfa_set_mapping(&pa, 0, PFA_POISON | PFA_CHECK_POISON);
	EXPECT_EQ(t, pfa_free_frame(&pa, 0, f, NULL), 0);
	EXPECT_EQ(t, pfa_alloc_frame(&pa, 0), f);
	EXPECT_EQ(t, pfa_free_frame(&pa, 0, f, NULL), 0);
}

/* The first word of a frame is checked too. */
KTEST(pfa, poison_check_starts_at_word_zero)
{
	uint32_t *w = (uint32_t *)arena;
	uint64_t f;

	pfa_flat(16, 0, 1);
	pfa_set_mapping(&pa, (uintptr_t)arena, PFA_POISON | PFA_CHECK_POISON);
	f = pfa_alloc_frame(&pa, 0);
	EXPECT_EQ(t, pfa_free_frame(&pa, 0, f, NULL), 0);
	w[f * 1024] = 0;
	mm_capture_begin("written while free");
	EXPECT_EQ(t, pfa_alloc_frame(&pa, 0), f);
	mm_capture_end();
	EXPECT_EQ(t, mm_cap.kept, 1);
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[0], "offset 0x0 holds 0x00000000"));
	pfa_set_mapping(&pa, 0, 0);
}

/* The last CPU's cache fills and spills like the others. */
KTEST(pfa, the_last_cpus_cache_spills)
{
	struct pfa_stats s;
	uint64_t f[PFA_CACHE_MAX + 1];
	unsigned int i, cpu = PFA_MAX_CPUS - 1;

	pfa_flat(4096, 0, PFA_MAX_CPUS);
	ASSERT_EQ(t, pfa_alloc_frames(&pa, PFA_CACHE_MAX + 1, 1, PFA_NONE), 0);
	for (i = 0; i <= PFA_CACHE_MAX; i++)
		f[i] = i;
	for (i = 0; i <= PFA_CACHE_MAX; i++)
		EXPECT_EQ(t, pfa_free_frame(&pa, cpu, f[i], NULL), 0);
	EXPECT_EQ(t, pa.cache[cpu].count, PFA_CACHE_MAX - PFA_CACHE_BATCH + 1);
	EXPECT_EQ(t, pfa_alloc_frame(&pa, cpu), PFA_CACHE_MAX);
	pfa_get_stats(&pa, &s);
	EXPECT_EQ(t, s.used, 1);
	EXPECT_TRUE(t, pfa_check(&pa));
}

/* Next-fit: after a drain, single frames continue above the last batch, not from its freed start. */
KTEST(pfa, the_hint_moves_past_each_batch)
{
	pfa_flat(256, 0, 1);
	EXPECT_EQ(t, pfa_alloc_frame(&pa, 0), 0);
	pfa_drain(&pa, 0);
	EXPECT_EQ(t, pfa_alloc_frame(&pa, 0), PFA_CACHE_BATCH);
}

/* pfa_init leaves every lock free, whatever state the struct was in; pfa_lock_all takes every one. */
KTEST(pfa, init_frees_the_locks_and_lock_all_takes_them)
{
	unsigned int i;

	spin_lock(&pa.lock);
	spin_lock(&pa.cache[PFA_MAX_CPUS - 1].lock);
	pfa_flat(64, 0, PFA_MAX_CPUS);
	EXPECT_TRUE(t, spin_trylock(&pa.lock));
	spin_unlock(&pa.lock);
	EXPECT_TRUE(t, spin_trylock(&pa.cache[PFA_MAX_CPUS - 1].lock));
	spin_unlock(&pa.cache[PFA_MAX_CPUS - 1].lock);

	pfa_lock_all(&pa);
	EXPECT_FALSE(t, spin_trylock(&pa.lock));
	for (i = 0; i < PFA_MAX_CPUS; i++)
		EXPECT_FALSE(t, spin_trylock(&pa.cache[i].lock));
	pfa_unlock_all(&pa);
	EXPECT_TRUE(t, spin_trylock(&pa.lock));
	spin_unlock(&pa.lock);
	for (i = 0; i < PFA_MAX_CPUS; i++) {
		EXPECT_TRUE(t, spin_trylock(&pa.cache[i].lock));
		spin_unlock(&pa.cache[i].lock);
	}
}

/* A refused run free inside one word names the first frame not in use, not the word's start. */
KTEST(pfa, a_refused_run_free_names_the_frame_inside_a_word)
{
	pfa_flat(128, 0, 1);
	ASSERT_EQ(t, pfa_alloc_frames(&pa, 64, 64, PFA_NONE), 0);
	EXPECT_EQ(t, pfa_free_frames(&pa, 13, 1, NULL), 0);
	EXPECT_EQ(t, pfa_free_frames(&pa, 40, 1, NULL), 0);
	mm_capture_begin("refused");
	EXPECT_EQ(t, pfa_free_frames(&pa, 10, 20, NULL), -1);
	mm_capture_end();
	EXPECT_EQ(t, mm_cap.kept, 1);
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[0], "frame 0xd (phys 0xd000): not in use"));
	EXPECT_TRUE(t, all_in_use(0, 13, true));
	EXPECT_TRUE(t, all_in_use(14, 26, true));
	EXPECT_TRUE(t, pfa_check(&pa));
}

/* Below-floor requests may have frame 0; frame numbers past the map are never in use. */
KTEST(pfa, frame_zero_and_the_frame_past_the_map)
{
	pfa_flat(64, 8, 1);
	pfa_set_mapping(&pa, (uintptr_t)arena, PFA_POISON);
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 1, 1, 8), 0);
	EXPECT_EQ(t, pfa_free_frame(&pa, 0, 0, NULL), 0);	/* poisoned: its mark is set */
	EXPECT_FALSE(t, pfa_frame_in_use(&pa, 64));
	EXPECT_FALSE(t, pfa_frame_in_use(&pa, 0));
	pfa_set_mapping(&pa, 0, 0);
}

/* A run ending one frame before a word's end marks no frame past it. */
KTEST(pfa, a_run_ending_inside_a_word_marks_only_itself)
{
	pfa_flat(128, 0, 1);
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 63, 1, PFA_NONE), 0);
	EXPECT_TRUE(t, all_in_use(0, 63, true));
	EXPECT_FALSE(t, pfa_frame_in_use(&pa, 63));
	EXPECT_TRUE(t, pfa_check(&pa));
}

/* Undoing a refused run free that starts late in one word, high in the map, restores the next word too. */
KTEST(pfa, a_refused_run_free_high_in_the_map_restores_both_words)
{
	pfa_flat(8192, 0, 1);
	ASSERT_EQ(t, pfa_alloc_frames(&pa, 256, 1, PFA_NONE), 0);
	ASSERT_EQ(t, pfa_alloc_frames(&pa, 256, 64, PFA_NONE), 256);
	ASSERT_EQ(t, pfa_alloc_frames(&pa, 256, 4096, PFA_NONE), 4096);
	EXPECT_EQ(t, pfa_free_frames(&pa, 4096 + 130, 1, NULL), 0);
	mm_capture_begin("refused");
	EXPECT_EQ(t, pfa_free_frames(&pa, 4096 + 40, 200, NULL), -1);
	mm_capture_end();
	EXPECT_EQ(t, mm_cap.kept, 1);
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[0], "frame 0x1082 (phys 0x1082000): not in use"));
	EXPECT_TRUE(t, all_in_use(4096, 130, true));
	EXPECT_TRUE(t, all_in_use(4096 + 131, 125, true));
	EXPECT_TRUE(t, pfa_check(&pa));
}

/* Each kind of misplaced cached frame, in the second CPU's cache, is named; a failed check changes nothing. */
KTEST(pfa, check_names_misplaced_frames_in_any_cache)
{
	struct pfa_cache *c = &pa.cache[1];
	uint64_t f, used, bad[3];
	int i;

	pfa_flat(128, 0, 2);
	f = pfa_alloc_frame(&pa, 1);
	EXPECT_EQ(t, pfa_free_frame(&pa, 1, f, NULL), 0);	/* cache 1 holds 0..31 */
	used = pfa_alloc_frames(&pa, 1, 1, PFA_NONE);		/* in use, out of the pool */
	bad[0] = 100;						/* still in the pool */
	bad[1] = used;
	bad[2] = 128;						/* past the map */
	for (i = 0; i < 3; i++) {
		c->frames[c->count++] = bad[i];
		mm_capture_begin(NULL);
		EXPECT_FALSE(t, pfa_check(&pa));
		mm_capture_end();
		EXPECT_TRUE(t, mm_strstr(mm_cap.last, "cached frame misplaced or cached twice"));
		EXPECT_EQ(t, mm_cap.lines, 1);
		c->count--;
		EXPECT_TRUE(t, pfa_check(&pa));
	}
	EXPECT_TRUE(t, mm_strstr(mm_cap.last, "(frame 0x80)"));
	EXPECT_FALSE(t, pfa_frame_in_use(&pa, 100));
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 1, 1, 101), 33);
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 68, 1, PFA_NONE), 34);
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 26, 1, PFA_NONE), 102);
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 1, 1, PFA_NONE), 0);	/* the caches drained; 100 was free */
}

/* Failed and empty requests: the failure counter, and an empty free is a no-op that succeeds. */
KTEST(pfa, failures_are_counted_and_empty_frees_succeed)
{
	struct pfa_stats s;

	pfa_flat(64, 0, 1);
	mm_capture_begin("pfa:");
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 0, 1, PFA_NONE), PFA_NONE);
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 2, 3, PFA_NONE), PFA_NONE);
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 65, 1, PFA_NONE), PFA_NONE);
	mm_capture_end();
	EXPECT_EQ(t, mm_cap.kept, 3);
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[0], "bad request: 0 frames aligned to 1"));
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[1], "bad request: 2 frames aligned to 3"));
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[2], "no run of 65 free frames"));
	pfa_get_stats(&pa, &s);
	EXPECT_EQ(t, s.failed, 3);
	EXPECT_EQ(t, pfa_free_frames(&pa, 5, 0, NULL), 0);
	pfa_get_stats(&pa, &s);
	EXPECT_EQ(t, s.bad_frees, 0);
	EXPECT_EQ(t, s.free, 64);
}

/* A poisoned run handed out checks its own frames only, not the written free frame after it. */
KTEST(pfa, a_run_handed_out_checks_only_its_frames)
{
	struct pfa_stats s;
	uint32_t *w = (uint32_t *)arena;

	pfa_flat(16, 0, 1);
	pfa_set_mapping(&pa, (uintptr_t)arena, PFA_POISON | PFA_CHECK_POISON);
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 16, 1, PFA_NONE), 0);
	EXPECT_EQ(t, pfa_free_frames(&pa, 5, 4, NULL), 0);
	w[8 * 1024 + 3] = 0;
	mm_capture_begin("written while free");
	EXPECT_EQ(t, pfa_alloc_frames(&pa, 3, 1, PFA_NONE), 5);
	mm_capture_end();
	EXPECT_EQ(t, mm_cap.kept, 0);
	pfa_get_stats(&pa, &s);
	EXPECT_EQ(t, s.poison_errors, 0);
	pfa_set_mapping(&pa, 0, 0);
}
