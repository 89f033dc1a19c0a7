// SPDX-License-Identifier: MIT
/* PID alloc+free cost at several occupancies: the hbm allocator against a naive linear scan. */
#include <kernel/pid.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/*
 * Both allocators follow the same rules (cyclic from last + 1, wrap to
 * 300, one spinlock) over the same PIDs; they differ only in the search.
 * The naive one scans a flat bitmap word by word from the cursor, as a
 * first implementation would. Each operation allocates a PID and frees it
 * again, so the occupancy stays put while the cursor sweeps the map.
 */

#define PID_MAX		PID_MAX_LIMIT
#define MIN_NS		200000000.0	/* time each measurement for at least 0.2 s */

struct naive {
	struct spinlock lock;
	uint64_t bits[BM_WORDS(PID_MAX)];
	int last;
};

static struct pid_map map;
static uint64_t *storage;
static struct naive naive;

static int naive_alloc(struct naive *n)
{
	size_t pid;

	spin_lock(&n->lock);
	pid = bm_find_next_zero(n->bits, PID_MAX, (size_t)n->last + 1);
	if (pid >= PID_MAX)
		pid = bm_find_next_zero(n->bits, PID_MAX, PID_RESERVED);
	if (pid < PID_MAX) {
		bm_set(n->bits, pid);
		n->last = (int)pid;
	}
	spin_unlock(&n->lock);
	return pid < PID_MAX ? (int)pid : -EAGAIN;
}

static void naive_free(struct naive *n, int pid)
{
	spin_lock(&n->lock);
	bm_clear(n->bits, (size_t)pid);
	spin_unlock(&n->lock);
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Take `taken` random PIDs in both allocators; with hole, all but that one PID. */
static void fill(long taken, int hole)
{
	uint64_t rng = 1;

	pid_map_init(&map, storage, PID_MAX);
	bm_zero(naive.bits, PID_MAX);
	bm_set(naive.bits, 0);
	naive.last = 0;
	if (hole) {
		for (int pid = 1; pid < PID_MAX; pid++)
			if (pid != hole)
				pid_map_alloc_specific(&map, pid), bm_set(naive.bits, (size_t)pid);
		return;
	}
	while (pid_map_count(&map) < taken) {
		int pid = 1 + (int)(splitmix(&rng) % (PID_MAX - 1));

		if (pid_map_alloc_specific(&map, pid) == pid)
			bm_set(naive.bits, (size_t)pid);
	}
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* ns per alloc+free pair, doubling the count until a run lasts MIN_NS. */
static double time_hbm(void)
{
	for (long n = 1024;; n *= 2) {
		double t0 = now_ns(), dt;

		for (long i = 0; i < n; i++)
			pid_map_free(&map, pid_map_alloc(&map));
		dt = now_ns() - t0;
		if (dt >= MIN_NS)
			return dt / n;
	}
}

static double time_naive(void)
{
	for (long n = 16;; n *= 2) {
		double t0 = now_ns(), dt;

		for (long i = 0; i < n; i++)
			naive_free(&naive, naive_alloc(&naive));
		dt = now_ns() - t0;
		if (dt >= MIN_NS)
			return dt / n;
	}
}

/* Both allocators must hand out the same PIDs, or the comparison means nothing. */
static bool agree(void)
{
	for (int i = 0; i < 10000; i++) {
		int a = pid_map_alloc(&map), b = naive_alloc(&naive);

		if (a != b)
			return false;
		pid_map_free(&map, a);
		naive_free(&naive, b);
	}
	return true;
}

static void row(const char *name, long taken, int hole)
{
	double h, n;

	fill(taken, hole);
	if (!agree())
		printf("# %s: the allocators disagree\n", name);
	h = time_hbm();
	n = time_naive();
	if (pid_map_count(&map) != (hole ? PID_MAX - 2 : taken))
		printf("# %s: the map did not keep its occupancy\n", name);
	printf("  %-22s %10.1f %12.1f %9.1fx\n", name, h, n, n / h);
}

int main(void)
{
	const long usable = PID_MAX - 1;

	storage = calloc(pid_map_storage_words(PID_MAX), sizeof(*storage));
	if (!storage)
		return 1;
	printf("pid alloc+free, pid_max %d: ns per pair\n", PID_MAX);
	printf("  %-22s %10s %12s %10s\n", "occupancy", "hbm", "linear scan", "speedup");
	row("0%", 0, 0);
	row("50%", usable / 2, 0);
	row("90%", usable * 9 / 10, 0);
	row("99.9%", usable * 999 / 1000, 0);
	/* The worst case for a scan: one free PID, just behind the cursor. */
	row("all but one", 0, PID_MAX / 2);
	free(storage);
	return 0;
}
