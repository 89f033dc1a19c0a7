// SPDX-License-Identifier: MIT
/* PID alloc+free cost at several occupancies: the hbm allocator against a naive linear scan. */
#include <kernel/pid.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/*
 * Both allocators follow the same rules (cyclic from last + 1, wrap to
 * 300, one spinlock, the same checks and answers on free) over the same
 * PIDs, and both are called out of line, as pid_map_* are from another
 * file; they differ only in the map and its search. The naive one scans a
 * flat bitmap word by word from the cursor, as a first implementation
 * would. Each operation allocates a PID and frees it again, so the
 * occupancy stays put while the cursor sweeps the map.
 */

#define PID_MAX		PID_MAX_LIMIT
#define ROUNDS		15		/* timed rounds per allocator, alternating */
#define ROUND_NS	10000000.0	/* each round lasts about 10 ms */

struct naive {
	struct spinlock lock;
	uint64_t bits[BM_WORDS(PID_MAX)];
	int last;
	unsigned long bad_frees;
};

static struct pid_map map;
static uint64_t *storage;
static struct naive naive;

static __attribute__((noinline)) int naive_alloc(struct naive *n)
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

static __attribute__((noinline)) int naive_free(struct naive *n, int pid)
{
	bool was_set;

	if (pid <= 0 || pid >= PID_MAX)
		return -EINVAL;
	spin_lock(&n->lock);
	was_set = bm_test_and_clear(n->bits, (size_t)pid);
	spin_unlock(&n->lock);
	if (was_set)
		return 0;
	__atomic_fetch_add(&n->bad_frees, 1, __ATOMIC_RELAXED);
	return -ENOENT;
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

/* ns per alloc+free pair over n pairs. */
static double run_hbm(long n)
{
	double t0 = now_ns();

	for (long i = 0; i < n; i++)
		pid_map_free(&map, pid_map_alloc(&map));
	return (now_ns() - t0) / n;
}

static double run_naive(long n)
{
	double t0 = now_ns();

	for (long i = 0; i < n; i++)
		naive_free(&naive, naive_alloc(&naive));
	return (now_ns() - t0) / n;
}

/* Pairs per round: doubling until a run lasts ROUND_NS. */
static long round_pairs(double (*run)(long))
{
	long n = 16;

	while (run(n) * n < ROUND_NS)
		n *= 2;
	return n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Both allocators must hand out the same PIDs, or the comparison means nothing. */
static bool agree(void)
{
	for (int i = 0; i < 10000; i++) {
		int a = pid_map_alloc(&map), b = naive_alloc(&naive);

		if (a != b || pid_map_free(&map, a) != naive_free(&naive, b))
			return false;
		/* A second free of the same PID: refused by both. */
		if (i % 1000 == 0 && pid_map_free(&map, a) != naive_free(&naive, b))
			return false;
	}
	return true;
}

/*
 * Round-robin: ROUNDS rounds of each allocator, alternating which goes
 * first, so a busy neighbour slows both alike; medians and minima.
 */
static void row(const char *name, long taken, int hole)
{
	double h[ROUNDS], n[ROUNDS];
	long hn, nn;

	fill(taken, hole);
	if (!agree())
		printf("# %s: the allocators disagree\n", name);
	hn = round_pairs(run_hbm);
	nn = round_pairs(run_naive);
	for (int r = 0; r < ROUNDS; r++) {
		if (r & 1) {
			h[r] = run_hbm(hn);
			n[r] = run_naive(nn);
		} else {
			n[r] = run_naive(nn);
			h[r] = run_hbm(hn);
		}
	}
	qsort(h, ROUNDS, sizeof(h[0]), cmp_double);
	qsort(n, ROUNDS, sizeof(n[0]), cmp_double);
	if (pid_map_count(&map) != (hole ? PID_MAX - 2 : taken))
		printf("# %s: the map did not keep its occupancy\n", name);
	printf("  %-12s %9.1f %9.1f %12.1f %9.1f %8.2fx\n", name, h[ROUNDS / 2], h[0],
	       n[ROUNDS / 2], n[0], n[ROUNDS / 2] / h[ROUNDS / 2]);
}

int main(void)
{
	const long usable = PID_MAX - 1;

	storage = calloc(pid_map_storage_words(PID_MAX), sizeof(*storage));
	if (!storage)
		return 1;
	printf("pid alloc+free, pid_max %d: ns per pair, median and minimum of %d rounds\n",
	       PID_MAX, ROUNDS);
	printf("  %-12s %9s %9s %12s %9s %9s\n", "occupancy", "hbm", "(min)", "linear scan",
	       "(min)", "speedup");
	row("0%", 0, 0);
	row("50%", usable / 2, 0);
	row("90%", usable * 9 / 10, 0);
	row("99.9%", usable * 999 / 1000, 0);
	/* The worst case for a scan: one free PID, just behind the cursor. */
	row("all but one", 0, PID_MAX / 2);
	free(storage);
	return 0;
}
