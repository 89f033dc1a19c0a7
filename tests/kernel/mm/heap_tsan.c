// SPDX-License-Identifier: MIT
/* Threads allocate, free and measure objects of one heap under ThreadSanitizer; prints KTAP. */
#include <kernel/heap.h>
#include <kernel/mm.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * NTHREADS workers share one heap: small objects of every class (several
 * slabs each, so slabs come and go) and large runs of 1-3 frames. A worker
 * writes its number into each object with plain stores and checks it
 * before the free: an object handed out twice shows up as a wrong number
 * or, without the locks' release/acquire between a free and the next
 * hand-out, as a TSan race. Each worker asks heap_usable_size about its
 * own objects, and a reader thread takes heap_get_stats all the while:
 * both read maps and counters others change, so they must lock like the
 * writers (heap.h: "one lock per size class, and one for the heap's frame
 * maps").
 */

#define NTHREADS	3
#define ROUNDS		20000
#define HOLD		48
#define NFRAMES		1024

static struct {
	struct pfa pa;
	struct heap h;
	uint64_t pfa_words[HBM_STORAGE_WORDS(NFRAMES) + 3 * BM_WORDS(NFRAMES)];
	uint64_t heap_words[BM_WORDS(NFRAMES / SLAB_FRAMES + 1) + 2 * BM_WORDS(NFRAMES)];
	uint8_t *mem;
	atomic_long wrong_owner, free_errors, failed, bad_size, bad_stats, log_lines;
	atomic_int workers_left;
} w;

static void count_log(const char *fmt, va_list ap)
{
	(void)fmt;
	(void)ap;
	atomic_fetch_add(&w.log_lines, 1);
}

static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static size_t pick_size(uint64_t r)
{
	if (r % 8 == 0)
		return 2049 + (size_t)(r >> 8) % (3 * 4096 - 2049);	/* 1-3 frames */
	return 1 + (size_t)(r >> 8) % HEAP_MAX_SMALL;
}

static void *worker(void *arg)
{
	uintptr_t me = (uintptr_t)arg + 1;
	uint64_t rnd = 0x9E3779B97F4A7C15ull * me;
	uintptr_t *held[HOLD] = { 0 };

	for (int i = 0; i < ROUNDS; i++) {
		int slot = (int)(next_rand(&rnd) % HOLD);
		size_t size;

		if (held[slot]) {
			if (held[slot][0] != me || held[slot][1] != (uintptr_t)held[slot])
				atomic_fetch_add(&w.wrong_owner, 1);
			if (heap_free(&w.h, held[slot], NULL))
				atomic_fetch_add(&w.free_errors, 1);
			held[slot] = NULL;
			continue;
		}
		size = pick_size(next_rand(&rnd));
		held[slot] = heap_alloc(&w.h, size);
		if (!held[slot]) {
			atomic_fetch_add(&w.failed, 1);
			continue;
		}
		if (heap_usable_size(&w.h, held[slot]) < size)
			atomic_fetch_add(&w.bad_size, 1);
		held[slot][0] = me;
		held[slot][1] = (uintptr_t)held[slot];
	}
	for (int i = 0; i < HOLD; i++)
		if (held[i] && heap_free(&w.h, held[i], NULL))
			atomic_fetch_add(&w.free_errors, 1);
	atomic_fetch_sub(&w.workers_left, 1);
	return NULL;
}

/* Stats add up while the workers run. */
static void *reader(void *arg)
{
	struct heap_stats s;

	(void)arg;
	while (atomic_load(&w.workers_left) > 0) {
		uint64_t sum = 0;

		heap_get_stats(&w.h, &s);
		for (int i = 0; i < HEAP_CLASSES; i++)
			sum += s.class_objects[i];
		if (sum != s.objects || s.large_frames < s.large || s.large > NFRAMES)
			atomic_fetch_add(&w.bad_stats, 1);
	}
	return NULL;
}

static int report(int n, bool ok, const char *name, const char *what, long a)
{
	printf("# %s: %ld\n%s %d %s\n", what, a, ok ? "ok" : "not ok", n, name);
	return ok ? 0 : 1;
}

int main(void)
{
	pthread_t t[NTHREADS + 1];
	struct heap_stats s;
	struct pfa_stats ps;
	int failed = 0;

	mm_log_hook = count_log;
	w.mem = aligned_alloc(SLAB_SIZE, (size_t)NFRAMES * FRAME_SIZE);
	if (!w.mem) {
		printf("KTAP version 1\n1..0 # SKIP no memory for %d frames\n", NFRAMES);
		return 1;
	}
	pfa_init(&w.pa, w.pfa_words, NFRAMES, 0, 1);
	pfa_add_frames(&w.pa, 0, NFRAMES);
	pfa_set_mapping(&w.pa, (uintptr_t)w.mem, 0);
	heap_init(&w.h, &w.pa, (uintptr_t)w.mem, w.heap_words);
	atomic_store(&w.workers_left, NTHREADS);
	for (int i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)i);
	pthread_create(&t[NTHREADS], NULL, reader, NULL);
	for (int i = 0; i <= NTHREADS; i++)
		pthread_join(t[i], NULL);
	heap_get_stats(&w.h, &s);
	pfa_get_stats(&w.pa, &ps);

	printf("KTAP version 1\n1..5\n");
	failed += report(1, !atomic_load(&w.wrong_owner), "no_object_handed_out_twice",
			 "objects found changed by another thread", atomic_load(&w.wrong_owner));
	failed += report(2, !atomic_load(&w.free_errors) && !atomic_load(&w.failed) &&
			 !atomic_load(&w.log_lines), "every_alloc_and_free_succeeds_unlogged",
			 "refused frees + failed allocations + log lines",
			 atomic_load(&w.free_errors) + atomic_load(&w.failed) +
			 atomic_load(&w.log_lines));
	failed += report(3, !atomic_load(&w.bad_stats), "stats_add_up_while_others_allocate",
			 "inconsistent snapshots", atomic_load(&w.bad_stats));
	failed += report(4, !atomic_load(&w.bad_size), "usable_size_covers_each_request",
			 "objects smaller than asked for", atomic_load(&w.bad_size));
	failed += report(5, s.objects == 0 && s.large == 0 && s.large_frames == 0 &&
			 s.slabs <= HEAP_CLASSES && ps.used == s.slabs * SLAB_FRAMES,
			 "everything_back_at_the_end", "frames still used", (long)ps.used);
	printf("# heap-tsan: %d passed, %d failed\n", 5 - failed, failed);
	free(w.mem);
	return failed ? 1 : 0;
}
