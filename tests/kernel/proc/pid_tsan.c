// SPDX-License-Identifier: MIT
/* Threads allocate and free PIDs from one map under ThreadSanitizer; prints KTAP. */
#include <kernel/pid.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * Each thread holds up to HOLD PIDs at a time. Taking a PID, it swaps its
 * own number into the PID's owner slot: finding anyone else there means
 * the PID was handed out twice. It also writes the PID's plain `note`
 * field, which the next holder reads: without the lock's release/acquire
 * between a free and the next allocation, TSan reports that as a race.
 * Now and then a thread also reads the map (in_use, count, check, walk), which
 * must take the lock like the writers: TSan reports a reader that does not.
 */

#define NTHREADS	4
#define ROUNDS		40000
#define HOLD		64

struct world {
	struct pid_map map;
	uint64_t *storage;
	int pid_max;
	atomic_int *owner;		/* [pid_max]: thread number + 1, or 0 */
	unsigned int *note;		/* [pid_max]: plain, the holder's alone */
	atomic_long held_twice;
	atomic_long bad_pid;		/* outside [1, pid_max), or below 300 after a wrap */
	atomic_long free_errors;
	atomic_long allocs;
	atomic_long full;		/* allocations that got -EAGAIN */
	atomic_long misread;		/* a reader saw something impossible */
};

static struct world world;

static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The PID is ours now: prove nobody else has it, leave a note for the next holder. */
static void take(struct world *w, int me, int pid)
{
	if (pid <= 0 || pid >= w->pid_max) {
		atomic_fetch_add(&w->bad_pid, 1);
		return;
	}
	if (atomic_exchange_explicit(&w->owner[pid], me + 1, memory_order_relaxed) != 0)
		atomic_fetch_add(&w->held_twice, 1);
	w->note[pid] = w->note[pid] + 1;
}

static void give_back(struct world *w, int me, int pid)
{
	if (atomic_exchange_explicit(&w->owner[pid], 0, memory_order_relaxed) != me + 1)
		atomic_fetch_add(&w->held_twice, 1);
	if (pid_map_free(&w->map, pid) != 0)
		atomic_fetch_add(&w->free_errors, 1);
}

/* pid_map_walk's runs: inside the map, ascending, apart, and adding up to its count. */
struct walk {
	int pid_max, prev_end, total;
	bool bad;
};

static void check_run(void *arg, int first, int end)
{
	struct walk *k = arg;

	if (first <= k->prev_end || end <= first || end > k->pid_max)
		k->bad = true;
	k->prev_end = end;
	k->total += end - first;
}

static bool walk_is_sound(struct world *w)
{
	struct walk k = { .pid_max = w->pid_max };
	int last, count = pid_map_walk(&w->map, &last, check_run, &k);

	return !k.bad && count == k.total && last >= 0 && last < w->pid_max;
}

/* The readers, while others write: a PID we hold is in use, the count in range, the map sound. */
static void read_map(struct world *w, uint64_t x, const int *held, int n)
{
	int count = pid_map_count(&w->map);

	if ((x >> 14) % 16 == 0 && !walk_is_sound(w))
		atomic_fetch_add(&w->misread, 1);

	if (n > 0 && !pid_map_in_use(&w->map, held[(x >> 8) % (uint64_t)n]))
		atomic_fetch_add(&w->misread, 1);
	if (count < n || count >= w->pid_max)
		atomic_fetch_add(&w->misread, 1);
	if ((x >> 20) % 64 == 0 && !pid_map_check(&w->map))
		atomic_fetch_add(&w->misread, 1);
}

static void *worker(void *arg)
{
	int me = (int)(uintptr_t)arg;
	uint64_t rng = 0x9e3779b97f4a7c15ull * (uint64_t)(me + 1);
	struct world *w = &world;
	int held[HOLD];
	int n = 0;

	for (int r = 0; r < ROUNDS; r++) {
		uint64_t x = next_rand(&rng);
		int pid;

		if (x % 64 == 1)
			read_map(w, x, held, n);
		if (n == HOLD || (n > 0 && x % 2)) {
			int k = (int)((x >> 8) % (uint64_t)n);

			give_back(w, me, held[k]);
			held[k] = held[--n];
			continue;
		}
		if (x % 16 == 2)
			pid = pid_map_alloc_specific(&w->map, 1 + (int)((x >> 8) % (uint64_t)(w->pid_max - 1)));
		else
			pid = pid_map_alloc(&w->map);
		if (pid == -EAGAIN || pid == -EEXIST) {
			atomic_fetch_add(&w->full, pid == -EAGAIN);
			continue;
		}
		atomic_fetch_add(&w->allocs, 1);
		take(w, me, pid);
		if (pid > 0 && pid < w->pid_max)
			held[n++] = pid;
	}
	while (n > 0)
		give_back(w, me, held[--n]);
	return NULL;
}

/* Run the threads over a map of pid_max (expecting it to fill up at times, or not); 0 on success. */
static int run(const char *name, int number, int pid_max, bool fills)
{
	pthread_t threads[NTHREADS];
	struct world *w = &world;
	int bad = 0;

	*w = (struct world){ .pid_max = pid_max };
	w->storage = calloc(pid_map_storage_words(pid_max), sizeof(uint64_t));
	w->owner = calloc((size_t)pid_max, sizeof(*w->owner));
	w->note = calloc((size_t)pid_max, sizeof(*w->note));
	if (!w->storage || !w->owner || !w->note || pid_map_init(&w->map, w->storage, pid_max)) {
		printf("# %s: setup failed\nnot ok %d %s\n", name, number, name);
		return 1;
	}
	for (uintptr_t k = 0; k < NTHREADS; k++)
		pthread_create(&threads[k], NULL, worker, (void *)k);
	for (int k = 0; k < NTHREADS; k++)
		pthread_join(threads[k], NULL);

	bad |= w->held_twice != 0 || w->bad_pid != 0 || w->free_errors != 0 || w->misread != 0;
	bad |= pid_map_count(&w->map) != 0 || pid_map_bad_frees(&w->map) != 0;
	bad |= !pid_map_check(&w->map);
	/* The run went where it was meant to: many allocations, and full maps or none. */
	bad |= w->allocs < NTHREADS * ROUNDS / 8;
	bad |= fills != (w->full != 0);
	printf("# %s: %ld allocations, %ld found the map full\n", name,
	       (long)w->allocs, (long)w->full);
	if (bad)
		printf("# %s: held twice %ld, bad pids %ld, free errors %ld, misreads %ld, "
		       "left %d, bad frees %lu, consistent %d\n", name, (long)w->held_twice,
		       (long)w->bad_pid, (long)w->free_errors, (long)w->misread,
		       pid_map_count(&w->map),
		       pid_map_bad_frees(&w->map), pid_map_check(&w->map));
	printf("%sok %d %s\n", bad ? "not " : "", number, name);
	free(w->storage);
	free(w->owner);
	free(w->note);
	return bad;
}

int main(void)
{
	int failed = 0;

	printf("KTAP version 1\n1..3\n");
	failed += run("alloc_free_roomy_map", 1, 4096, false);
	/* Up to 256 held; after the wrap only PID 300 and specific PIDs below it are left. */
	failed += run("alloc_free_crowded_map", 2, PID_MAX_MIN, true);
	failed += run("alloc_free_largest_map", 3, PID_MAX_LIMIT, false);
	printf("# pid-tsan: %d passed, %d failed\n", 3 - failed, failed);
	return failed != 0;
}
