// SPDX-License-Identifier: MIT
/* mm in the running kernel: the boot totals, every frame once, constraints, bad frees, the direct map, kmalloc. */

#include <arch/layout.h>
#include <arch/smp.h>
#include <arch/tsc.h>
#include <kernel/heap.h>
#include <kernel/kmalloc.h>
#include <kernel/memmap.h>
#include <kernel/mm.h>
#include <kernel/page.h>
#include <kernel/smp.h>

#include "harness.h"

/* A bitmap of one bit per frame, from the allocator itself; freed by the caller. */
static uint64_t *frame_bitmap(uint64_t *phys, uint64_t *nframes_out)
{
	uint64_t nframes = kernel_pfa.nframes;
	uint64_t bytes = BM_WORDS(nframes) * sizeof(uint64_t);
	uint64_t n = (bytes + FRAME_SIZE - 1) >> FRAME_SHIFT;

	*phys = page_alloc_contig(n, 1);
	*nframes_out = n;
	if (!*phys)
		return NULL;
	bm_zero(phys_to_virt(*phys), nframes);
	return phys_to_virt(*phys);
}

KTEST(mm_kernel, free_frames_match_the_memory_map)
{
	struct pfa_stats s;
	uint64_t usable = memmap_usable_bytes(&kernel_memmap) >> FRAME_SHIFT;

	page_stats(&s);
	ktest_diag(t, "memory map: %llu usable frames = %llu from firmware - %llu reserved by the kernel",
		   (unsigned long long)usable,
		   (unsigned long long)(kernel_memmap.fw_usable >> FRAME_SHIFT),
		   (unsigned long long)(kernel_memmap.reserved >> FRAME_SHIFT));
	ktest_diag(t, "allocator: %llu usable = %llu free + %llu used (page tables, heap); %llu reserved of %llu",
		   (unsigned long long)s.usable, (unsigned long long)s.free,
		   (unsigned long long)s.used, (unsigned long long)s.reserved,
		   (unsigned long long)s.total);
	EXPECT_EQ(t, s.usable, usable);
	EXPECT_EQ(t, s.free + s.used, usable);
	EXPECT_EQ(t, kernel_memmap.fw_usable - kernel_memmap.reserved,
		  memmap_usable_bytes(&kernel_memmap));
	/* Boot allocations are small, plus each CPU's stacks (and a page-table share). */
	EXPECT_LT(t, s.used, 1024 + smp_cpus_online() *
		  ((KERNEL_STACK_SIZE + 3 * IST_STACK_SIZE) / FRAME_SIZE + 1));
	EXPECT_TRUE(t, pfa_check(&kernel_pfa));
}

/*
 * Every frame one at a time: none twice (a second bitmap), none reserved
 * or outside usable RAM; exhaustion returns 0; freeing all restores the
 * count exactly.
 */
KTEST(mm_kernel, alloc_every_frame_then_free_every_frame)
{
	struct pfa_stats before, after;
	uint64_t *seen, seen_phys, seen_frames, a, f, n = 0, dup = 0, bad = 0;

	seen = frame_bitmap(&seen_phys, &seen_frames);
	ASSERT_NOT_NULL(t, seen);
	page_stats(&before);
	while ((a = page_alloc()) != 0) {
		f = a >> FRAME_SHIFT;
		if (bm_test_and_set(seen, f))
			dup++;
		if (pfa_frame_reserved(&kernel_pfa, f) || a < MIB ||
		    !memmap_is_usable(&kernel_memmap, a, a + FRAME_SIZE))
			bad++;
		n++;
	}
	ktest_diag(t, "allocated %llu frames one at a time", (unsigned long long)n);
	EXPECT_EQ(t, dup, 0);
	EXPECT_EQ(t, bad, 0);
	/* All but the trampoline page below 1 MiB, which only page_alloc_below hands out. */
	EXPECT_EQ(t, n, before.free - 1);
	EXPECT_EQ(t, page_alloc_contig(1, 1), 0);
	bm_for_each_set(f, seen, kernel_pfa.nframes)
		if (page_free(f << FRAME_SHIFT) != 0)
			bad++;
	EXPECT_EQ(t, bad, 0);
	page_stats(&after);
	EXPECT_EQ(t, after.free, before.free);
	EXPECT_EQ(t, after.failed, before.failed + 2);
	EXPECT_EQ(t, page_free_range(seen_phys, seen_frames), 0);
	EXPECT_TRUE(t, pfa_check(&kernel_pfa));
}

KTEST(mm_kernel, constraints_are_honoured)
{
	struct pfa_stats before, after;
	uint64_t a, b, c, low;

	page_stats(&before);
	a = page_alloc_contig(512, 512);
	ASSERT_NE(t, a, 0);
	EXPECT_EQ(t, a % (2 * MIB), 0);
	EXPECT_TRUE(t, pfa_frame_in_use(&kernel_pfa, (a >> FRAME_SHIFT) + 511));
	b = page_alloc_below(16 * MIB, 16, 4);
	ASSERT_NE(t, b, 0);
	EXPECT_LE(t, b + 16 * FRAME_SIZE, 16 * MIB);
	EXPECT_EQ(t, b % (4 * FRAME_SIZE), 0);
	c = page_alloc_below(4 * GIB, 1, 1);
	ASSERT_NE(t, c, 0);
	EXPECT_LT(t, c, 4 * GIB);
	low = page_alloc_below(MIB, 1, 1);
	ktest_diag(t, "2 MiB run at 0x%llx, ISA DMA at 0x%llx, AP trampoline page 0x%llx",
		   (unsigned long long)a, (unsigned long long)b, (unsigned long long)low);
	EXPECT_NE(t, low, 0);
	EXPECT_LT(t, low, MIB);
	mm_capture_begin(NULL);
	EXPECT_EQ(t, page_alloc_below(MIB, 1, 1), 0);	/* the only one */
	mm_capture_end();
	EXPECT_EQ(t, page_free_range(a, 512), 0);
	EXPECT_EQ(t, page_free_range(b, 16), 0);
	EXPECT_EQ(t, page_free(c), 0);
	EXPECT_EQ(t, page_free(low), 0);
	page_stats(&after);
	EXPECT_EQ(t, after.free, before.free);
}

/*
 * Issue 15, defect 1: the page below 1 MiB freed with page_free, as any
 * caller may, goes back to the pool: more ordinary allocations than a CPU
 * cache holds are all at or above 1 MiB, and page_alloc_below finds the
 * page again. (It used to stay on this CPU's cache and be the very next
 * page_alloc, so a second `test mm_kernel` failed.)
 */
KTEST(mm_kernel, a_low_page_freed_singly_stays_out_of_general_use)
{
	uint64_t got[PFA_CACHE_MAX + 1], low, below = 0, failed = 0, refused = 0;
	unsigned int i;

	low = page_alloc_below(MIB, 1, 1);
	ASSERT_NE(t, low, 0);
	EXPECT_EQ(t, page_free(low), 0);
	for (i = 0; i < sizeof(got) / sizeof(got[0]); i++) {
		got[i] = page_alloc();
		failed += got[i] == 0;
		below += got[i] != 0 && got[i] < MIB;
	}
	for (i = 0; i < sizeof(got) / sizeof(got[0]); i++)
		refused += got[i] != 0 && page_free(got[i]) != 0;
	EXPECT_EQ(t, below, 0);
	EXPECT_EQ(t, failed, 0);
	EXPECT_EQ(t, refused, 0);
	EXPECT_EQ(t, page_alloc_below(MIB, 1, 1), low);
	EXPECT_EQ(t, page_free(low), 0);
	EXPECT_TRUE(t, pfa_check(&kernel_pfa));
}

/* ------------------------------------------------ checks while other CPUs allocate */

#define CHURN_HOLD	16
#define CHURN_CHECKS	16
#define CHURN_STEP	8		/* allocations and frees by the others between two checks */
#define CHURN_WAIT_NS	2000000000ull	/* at most, for them to get that far */

struct churn {
	unsigned int checker;		/* the CPU that checks; the others allocate */
	int done;			/* atomic: the checker has finished */
	uint64_t ops;			/* atomic: allocations and frees by the others */
	uint64_t check_failures, bad_stats, free_errors, alloc_errors;	/* atomic */
	uint64_t ops_during;		/* by the others while the checks ran */
};

static void churn_count(uint64_t *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

/* Until the others have done CHURN_STEP more operations since `since`, or CHURN_WAIT_NS passed. */
static uint64_t churn_wait(struct churn *c, uint64_t since)
{
	uint64_t start = tsc_ns_since_boot(), now;

	while ((now = __atomic_load_n(&c->ops, __ATOMIC_RELAXED)) - since < CHURN_STEP &&
	       tsc_ns_since_boot() - start < CHURN_WAIT_NS)
		cpu_relax();
	return now;
}

/* The checker: pfa_check and the stats, CHURN_CHECKS times, each after the others moved on. */
static void churn_check(struct churn *c)
{
	uint64_t before = churn_wait(c, 0), seen = before;
	struct pfa_stats s;
	int i;

	for (i = 0; i < CHURN_CHECKS; i++) {
		seen = churn_wait(c, seen);
		if (!pfa_check(&kernel_pfa))
			churn_count(&c->check_failures);
		page_stats(&s);
		if (s.free > s.usable || s.cached > s.free ||
		    s.cached > (uint64_t)smp_cpus_online() * PFA_CACHE_MAX)
			churn_count(&c->bad_stats);
	}
	c->ops_during = __atomic_load_n(&c->ops, __ATOMIC_RELAXED) - before;
	__atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
}

/* The others: single frames through their CPU's cache, and 4-frame runs, until the checker is done. */
static void churn_alloc(struct churn *c)
{
	uint64_t held[CHURN_HOLD], len[CHURN_HOLD], x = 0x9e3779b97f4a7c15ull * (smp_cpu_id() + 1);
	int n = 0;

	while (!__atomic_load_n(&c->done, __ATOMIC_ACQUIRE)) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		if (n == CHURN_HOLD || (n > 0 && x % 2)) {
			n--;
			if ((len[n] == 1 ? page_free(held[n]) : page_free_range(held[n], len[n])) != 0)
				churn_count(&c->free_errors);
		} else {
			len[n] = x % 8 == 0 ? 4 : 1;
			held[n] = len[n] == 1 ? page_alloc() : page_alloc_contig(len[n], 1);
			if (held[n] == 0 || held[n] < MIB)
				churn_count(&c->alloc_errors);
			else
				n++;
		}
		churn_count(&c->ops);
	}
	while (n--)
		if ((len[n] == 1 ? page_free(held[n]) : page_free_range(held[n], len[n])) != 0)
			churn_count(&c->free_errors);
}

static void churn(void *arg)
{
	struct churn *c = arg;

	if (smp_cpu_id() == c->checker)
		churn_check(c);
	else
		churn_alloc(c);
}

/*
 * Issue 15, defect 3: pfa_check and the stats on one CPU while every other
 * CPU allocates and frees. Every check passes (a frame is never seen
 * between two states), nothing the others do is refused or lost, and the
 * counts come back to where they were.
 */
KTEST_SLOW(mm_kernel, check_and_stats_hold_while_other_cpus_allocate)
{
	struct churn c = { .checker = smp_cpu_id() };
	struct pfa_stats before, after;

	if (smp_cpus_online() < 2)
		ktest_skip(t, "needs a second CPU to allocate while this one checks");
	page_stats(&before);
	smp_call_all(churn, &c);
	page_stats(&after);
	ktest_diag(t, "%d checks on CPU %u while %u CPUs did %llu allocations and frees (%llu in all)",
		   CHURN_CHECKS, c.checker, smp_cpus_online() - 1,
		   (unsigned long long)c.ops_during, (unsigned long long)c.ops);
	EXPECT_EQ(t, c.check_failures, 0);
	EXPECT_EQ(t, c.bad_stats, 0);
	EXPECT_EQ(t, c.free_errors, 0);
	EXPECT_EQ(t, c.alloc_errors, 0);
	EXPECT_GT(t, c.ops_during, 0);
	EXPECT_EQ(t, after.free, before.free);
	EXPECT_EQ(t, after.bad_frees, before.bad_frees);
	EXPECT_TRUE(t, pfa_check(&kernel_pfa));
}

KTEST(mm_kernel, bad_frees_are_refused)
{
	struct pfa_stats before, after;
	uint64_t a = page_alloc();

	ASSERT_NE(t, a, 0);
	page_stats(&before);
	mm_capture_begin("refused");
	EXPECT_EQ(t, page_free(a + 8), -1);			/* unaligned */
	EXPECT_EQ(t, page_free(0), -1);				/* frame 0 */
	EXPECT_EQ(t, page_free(2 * MIB), -1);			/* the kernel image */
	EXPECT_EQ(t, page_free(1ull << 50), -1);			/* beyond RAM */
	EXPECT_EQ(t, page_free(a), 0);
	EXPECT_EQ(t, page_free(a), -1);				/* double */
	EXPECT_EQ(t, page_free_range(a, 2), -1);
	mm_capture_end();
	EXPECT_EQ(t, mm_cap.kept, 6);
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[0], "not frame-aligned; caller 0x"));
	page_stats(&after);
	EXPECT_EQ(t, after.bad_frees, before.bad_frees + 6);
	EXPECT_EQ(t, after.free, before.free + 1);
}

KTEST(mm_kernel, zeroed_frames_are_zero)
{
	uint64_t a = page_alloc(), b, i, nonzero = 0;
	uint64_t *w;

	ASSERT_NE(t, a, 0);
	w = phys_to_virt(a);
	for (i = 0; i < FRAME_SIZE / 8; i++)
		w[i] = ~i;
	page_free(a);
	b = page_alloc_zeroed();
	EXPECT_EQ(t, b, a);			/* the hot frame comes back first */
	w = phys_to_virt(b);
	for (i = 0; i < FRAME_SIZE / 8; i++)
		nonzero += w[i] != 0;
	EXPECT_EQ(t, nonzero, 0);
	page_free(b);
}

/* A read at both ends of every usable range: an unmapped one would fault and fail the case. */
KTEST(mm_kernel, direct_map_reaches_all_ram)
{
	const struct memmap *m = &kernel_memmap;
	uint64_t top = 0, sum = 0;
	size_t i;

	for (i = 0; i < m->nusable; i++) {
		sum += *(volatile uint64_t *)phys_to_virt(m->usable[i].start);
		sum += *(volatile uint64_t *)phys_to_virt(m->usable[i].end - 8);
		top = m->usable[i].end;
	}
	ktest_diag(t, "read RAM through the direct map up to 0x%llx (checksum %llx)",
		   (unsigned long long)top, (unsigned long long)sum);
	/* The kernel image reads the same through both of its mappings. */
	EXPECT_EQ(t, *(volatile uint64_t *)phys_to_virt((uintptr_t)&kernel_pfa - 0xFFFFFFFF80000000ull),
		  *(volatile uint64_t *)&kernel_pfa);
}

KTEST(mm_kernel, kmalloc_classes_and_bad_kfree)
{
	struct heap_stats before, after;
	void *p[9];
	int i, local;

	heap_get_stats(&kernel_heap, &before);
	for (i = 0; i < 9; i++) {
		p[i] = kmalloc((size_t)8 << i);		/* 8 B .. 2 KiB */
		ASSERT_NOT_NULL(t, p[i]);
		EXPECT_EQ(t, (uintptr_t)p[i] % (i < 2 ? 16 : (8u << i)), 0);
	}
	mm_capture_begin("heap: refused");
	kfree(&local);
	kfree((uint8_t *)p[3] + 1);
	mm_capture_end();
	EXPECT_EQ(t, mm_cap.kept, 2);
	for (i = 0; i < 9; i++)
		kfree(p[i]);
	heap_get_stats(&kernel_heap, &after);
	EXPECT_EQ(t, after.objects, before.objects);
	EXPECT_EQ(t, after.bad_frees, before.bad_frees + 2);
}

KTEST(mm_kernel, dynamic_bitmaps_use_kmalloc)
{
	struct heap_stats before, mid, after;
	struct bm_dyn *d;

	heap_get_stats(&kernel_heap, &before);
	d = bm_dyn_create(&kmalloc_bm_alloc, 10);
	ASSERT_NOT_NULL(t, d);
	EXPECT_EQ(t, bm_dyn_assign(d, 100000, true), 0);
	EXPECT_TRUE(t, bm_dyn_test(d, 100000));
	heap_get_stats(&kernel_heap, &mid);
	EXPECT_EQ(t, mid.objects + mid.large, before.objects + before.large + 2);
	bm_dyn_free(d);
	heap_get_stats(&kernel_heap, &after);
	EXPECT_EQ(t, after.objects, before.objects);
	EXPECT_EQ(t, after.large, before.large);
}

KTEST(mm_kernel, dump_is_readable)
{
	mm_capture_begin("pfa: 0x");
	page_dump();
	mm_capture_end();
	EXPECT_GE(t, mm_cap.kept, 1);
	EXPECT_LE(t, mm_cap.kept, 16);
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[0], "pfa: 0x000000000000 |"));
}
