// SPDX-License-Identifier: MIT
/* Threads playing CPUs allocate, free, drain and check one frame allocator under ThreadSanitizer; prints KTAP. */
#include <kernel/mm.h>
#include <kernel/pfa.h>

#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * NCPUS workers, each on its own CPU number: single frames (through the
 * per-CPU caches), runs, frames from under the floor (freed singly, as the
 * kernel frees its AP trampoline page), frees and drains of any CPU's
 * cache. One more thread runs pfa_check, pfa_get_stats and
 * pfa_dump_frames all the while: each check must pass, since the header
 * promises a consistent view, and nothing they do may disturb the others.
 *
 * Taking a frame, a worker swaps its number into the frame's owner slot:
 * anyone else there means the frame was handed out twice. The frames are
 * real memory, poisoned when freed and checked when handed out again
 * (PFA_POISON | PFA_CHECK_POISON): the holder reads and writes the frame
 * with plain accesses, so without a release/acquire between the free, the
 * poisoning and the next hand-out, TSan reports a race; a write that
 * landed while the frame was free shows up as a poison error.
 */

#define NCPUS		3
#define NFRAMES		4096
#define FLOOR		256
#define HOLE		2000		/* [HOLE, HOLE + 16) stays reserved */
#define ROUNDS		10000
#define CHECK_EVERY	4		/* worker rounds between two checks */
#define HOLD		48

struct run {
	uint64_t first, n;
};

struct world {
	struct pfa pa;
	uint64_t storage[HBM_STORAGE_WORDS(NFRAMES) + 3 * BM_WORDS(NFRAMES)];
	atomic_int owner[NFRAMES];	/* worker number + 1, or 0 */
	uint32_t *mem;			/* NFRAMES frames, frame 0 mapped at mem */
	atomic_int workers_left;
	atomic_long rounds;		/* done by all workers so far */
	atomic_long held_twice;		/* handed out while someone held it */
	atomic_long misplaced;		/* below the floor, misaligned, reserved, over the limit */
	atomic_long free_errors;	/* a free of a held frame refused */
	atomic_long out_of_frames;	/* single-frame requests that failed (never should) */
	atomic_long checks, check_failures;
	atomic_long stats_taken, stats_wrong;
	atomic_long not_poisoned;	/* a frame handed out without the poison pattern */
	atomic_long bug_lines;		/* "check failed" in the allocator's log (a double hand-out asserts) */
};

static struct world w;

static void count_log(const char *fmt, va_list ap)
{
	char line[200];

	vsnprintf(line, sizeof(line), fmt, ap);
	if (strstr(line, "check failed"))
		atomic_fetch_add(&w.bug_lines, 1);
}

static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Run [first, first + n) is ours now: nobody else holds it; leave a note for the next holder. */
static void take(int me, struct run r)
{
	uint64_t f;

	for (f = r.first; f < r.first + r.n; f++) {
		uint32_t *words = w.mem + f * (FRAME_SIZE / sizeof(uint32_t));

		if (atomic_exchange_explicit(&w.owner[f], me + 1, memory_order_relaxed) != 0)
			atomic_fetch_add(&w.held_twice, 1);
		if (words[0] != PFA_POISON_WORD && words[0] != 0)
			atomic_fetch_add(&w.not_poisoned, 1);
		words[0] = (uint32_t)me;
		words[FRAME_SIZE / sizeof(uint32_t) - 1] = (uint32_t)me;
	}
}

static void give_back(int me, struct run r)
{
	uint64_t f;
	int rc;

	for (f = r.first; f < r.first + r.n; f++)
		if (atomic_exchange_explicit(&w.owner[f], 0, memory_order_relaxed) != me + 1)
			atomic_fetch_add(&w.held_twice, 1);
	if (r.n == 1)
		rc = pfa_free_frame(&w.pa, (unsigned int)me, r.first, NULL);
	else
		rc = pfa_free_frames(&w.pa, r.first, r.n, NULL);
	if (rc != 0)
		atomic_fetch_add(&w.free_errors, 1);
}

/* A run as the contract describes it: inside the map, not reserved, aligned, within its limit. */
static bool placed_right(struct run r, uint64_t align, uint64_t limit)
{
	if (r.first % align || r.first + r.n > limit || r.first + r.n > NFRAMES)
		return false;
	if (limit > FLOOR && r.first < FLOOR)
		return false;
	return r.first + r.n <= HOLE || r.first >= HOLE + 16;
}

/* One allocation of a kind picked by x: 0 if the allocator had nothing to give. */
static int alloc_one(int me, uint64_t x, struct run *r)
{
	uint64_t align = 1, limit = PFA_NONE;
	unsigned int kind = (unsigned int)(x % 16);

	r->n = 1;
	if (kind < 11) {
		r->first = pfa_alloc_frame(&w.pa, (unsigned int)me);
		if (r->first == PFA_NONE)
			atomic_fetch_add(&w.out_of_frames, 1);
	} else if (kind < 14) {
		r->n = (x >> 8) % 8 + 2;
		align = 1ull << ((x >> 12) % 4);
		r->first = pfa_alloc_frames(&w.pa, r->n, align, limit);
	} else {
		limit = FLOOR;		/* the AP trampoline's kind of request */
		r->first = pfa_alloc_frames(&w.pa, 1, 1, limit);
	}
	if (r->first == PFA_NONE)
		return 0;
	if (!placed_right(*r, align, limit))
		atomic_fetch_add(&w.misplaced, 1);
	return 1;
}

static void *worker(void *arg)
{
	int me = (int)(uintptr_t)arg;
	uint64_t rng = 0x9e3779b97f4a7c15ull * (uint64_t)(me + 1);
	struct run held[HOLD];
	int n = 0;

	for (int round = 0; round < ROUNDS; round++) {
		uint64_t x = next_rand(&rng);

		if (x % 64 == 0) {
			pfa_drain(&w.pa, (unsigned int)((x >> 6) % NCPUS));
		} else if (n == HOLD || (n > 0 && x % 2)) {
			int k = (int)((x >> 8) % (uint64_t)n);

			give_back(me, held[k]);
			held[k] = held[--n];
		} else if (alloc_one(me, x >> 1, &held[n])) {
			take(me, held[n++]);
		}
		atomic_fetch_add_explicit(&w.rounds, 1, memory_order_relaxed);
	}
	while (n)
		give_back(me, held[--n]);
	atomic_fetch_sub(&w.workers_left, 1);
	return NULL;
}

/* Until the workers have done CHECK_EVERY more rounds, or finished: every lock held hinders them. */
static void wait_for_rounds(long since)
{
	while (atomic_load(&w.workers_left) > 0 &&
	       atomic_load_explicit(&w.rounds, memory_order_relaxed) - since < CHECK_EVERY)
		sched_yield();
}

/* While the workers run: every check passes, every snapshot adds up. */
static void *checker(void *arg)
{
	struct pfa_stats s;
	long i = 0;

	(void)arg;
	while (atomic_load(&w.workers_left) > 0) {
		wait_for_rounds(atomic_load_explicit(&w.rounds, memory_order_relaxed));
		atomic_fetch_add(&w.checks, 1);
		if (!pfa_check(&w.pa))
			atomic_fetch_add(&w.check_failures, 1);
		pfa_get_stats(&w.pa, &s);
		atomic_fetch_add(&w.stats_taken, 1);
		if (s.usable != NFRAMES - 1 - 16 || s.free > s.usable ||
		    s.cached > s.free || s.cached > NCPUS * PFA_CACHE_MAX || s.bad_frees != 0)
			atomic_fetch_add(&w.stats_wrong, 1);
		if (++i % 64 == 0)
			pfa_dump_frames(&w.pa, 4);
	}
	return NULL;
}

static int report(int n, bool ok, const char *name, const char *fmt, long a, long b)
{
	printf("# ");
	printf(fmt, a, b);
	printf("\n%s %d %s\n", ok ? "ok" : "not ok", n, name);
	return ok ? 0 : 1;
}

int main(void)
{
	pthread_t t[NCPUS + 1];
	struct pfa_stats s;
	int failed = 0;
	bool final_check;

	mm_log_hook = count_log;
	w.mem = calloc(NFRAMES, FRAME_SIZE);
	if (!w.mem) {
		printf("KTAP version 1\n1..0 # SKIP no memory for %d frames\n", NFRAMES);
		return 1;
	}
	pfa_init(&w.pa, w.storage, NFRAMES, FLOOR, NCPUS);
	pfa_add_frames(&w.pa, 1, HOLE - 1);		/* frame 0 stays reserved, as in the kernel */
	pfa_add_frames(&w.pa, HOLE + 16, NFRAMES - HOLE - 16);
	pfa_set_mapping(&w.pa, (uintptr_t)w.mem, PFA_POISON | PFA_CHECK_POISON);
	atomic_store(&w.workers_left, NCPUS);
	for (int i = 0; i < NCPUS; i++)
		pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)i);
	pthread_create(&t[NCPUS], NULL, checker, NULL);
	for (int i = 0; i <= NCPUS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < NCPUS; i++)
		pfa_drain(&w.pa, (unsigned int)i);
	final_check = pfa_check(&w.pa);
	pfa_get_stats(&w.pa, &s);

	printf("KTAP version 1\n1..8\n");
	failed += report(1, !atomic_load(&w.held_twice), "no_frame_handed_out_twice",
			 "%ld frames found held twice (%ld)", atomic_load(&w.held_twice), 0);
	failed += report(2, !atomic_load(&w.misplaced), "frames_honour_floor_alignment_and_limit",
			 "%ld runs misplaced (%ld)", atomic_load(&w.misplaced), 0);
	failed += report(3, !atomic_load(&w.free_errors) && !atomic_load(&w.out_of_frames),
			 "frees_of_held_frames_and_single_allocations_succeed",
			 "%ld frees refused, %ld single frames not found",
			 atomic_load(&w.free_errors), atomic_load(&w.out_of_frames));
	failed += report(4, atomic_load(&w.checks) > 0 && !atomic_load(&w.check_failures),
			 "pfa_check_passes_while_others_allocate", "%ld of %ld checks failed",
			 atomic_load(&w.check_failures), atomic_load(&w.checks));
	failed += report(5, atomic_load(&w.stats_taken) > 0 && !atomic_load(&w.stats_wrong),
			 "stats_add_up_while_others_allocate", "%ld of %ld snapshots wrong",
			 atomic_load(&w.stats_wrong), atomic_load(&w.stats_taken));
	failed += report(6, !atomic_load(&w.bug_lines), "allocator_logs_no_bug",
			 "%ld check-failed lines (%ld)", atomic_load(&w.bug_lines), 0);
	failed += report(7, !atomic_load(&w.not_poisoned) && !s.poison_errors,
			 "freed_frames_poisoned_and_untouched_until_handed_out",
			 "%ld frames without the pattern, %ld poison errors",
			 atomic_load(&w.not_poisoned), (long)s.poison_errors);
	failed += report(8, final_check && s.used == 0 && s.free == s.usable && s.cached == 0,
			 "everything_back_in_the_pool_at_the_end",
			 "%ld frames still used, %ld free", (long)s.used, (long)s.free);
	printf("# pfa-tsan: %d passed, %d failed\n", 8 - failed, failed);
	return failed ? 1 : 0;
}
