// SPDX-License-Identifier: MIT
/* Threads claim and release bits and runs of one bitmap under ThreadSanitizer; prints KTAP. */
#include <bitmap/bitmap.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

/*
 * Each claimed bit guards a slot: the winner checks that nobody else holds
 * it (an atomic owner count), then updates the slot's plain counter with
 * ordinary loads and stores. If claiming were not acquire, or releasing not
 * release, TSan would report those plain accesses as a race; if a bit were
 * ever handed out twice, the owner count would show it.
 *
 * Two kinds of map: an ID pool (a set bit is held: bm_claim*, test-and-set,
 * runs taken with bm_set_range_if_clear_atomic and given back with
 * bm_clear_range_atomic) and an idle mask (a set bit is free: the claim
 * over idle & allow, test-and-clear, runs taken with
 * bm_clear_range_if_set_atomic and given back with bm_set_range_atomic).
 * Runs and single bits race on the same words.
 */

#define NTHREADS	4
#define ROUNDS		30000
#define MAXBITS		130
#define MAXRUN		70	/* runs up to this long: across a word boundary */

struct world {
	uint64_t map[BM_WORDS(MAXBITS)];
	uint64_t allow[BM_WORDS(MAXBITS)];	/* the idle mask's affinity */
	size_t nbits;
	bool idle;			/* set bits are free, not held */
	atomic_int owners[MAXBITS];
	unsigned long slot[MAXBITS];	/* plain: only the bit's holder touches it */
	atomic_long double_owned;
	atomic_long bad_index;
	atomic_long bad_return;		/* a range op's result contradicting ownership */
	atomic_long full;		/* claims that found the map full */
	atomic_long claims;		/* bits held, runs counting each bit */
	atomic_long takes;		/* attempts that took a bit or a run */
	atomic_long lost;		/* races lost by bm_claim_and_atomic */
};

static struct world world;

static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Is bit i held now, as this world reads its bits? */
static bool held(const struct world *w, size_t i)
{
	return bm_test_atomic(w->map, i) != w->idle;
}

/* Hold bits [i, i + n) for a moment: prove sole ownership, touch the slots. */
static void use(struct world *w, size_t i, size_t n)
{
	for (size_t b = i; b < i + n; b++) {
		if (atomic_fetch_add_explicit(&w->owners[b], 1, memory_order_relaxed) != 0)
			atomic_fetch_add(&w->double_owned, 1);
		w->slot[b]++;
	}
	/* Linger so that a second owner, if the library made one, overlaps us. */
	for (int k = 0; k < 64; k++)
		for (size_t b = i; b < i + n; b++)
			if (atomic_load_explicit(&w->owners[b], memory_order_relaxed) != 1 ||
			    !held(w, b))
				atomic_fetch_add(&w->double_owned, 1);
	for (size_t b = i; b < i + n; b++)
		atomic_fetch_sub_explicit(&w->owners[b], 1, memory_order_relaxed);
	atomic_fetch_add(&w->claims, (long)n);
	atomic_fetch_add(&w->takes, 1);
}

/* Give back bit i. */
static void release(struct world *w, size_t i)
{
	if (w->idle)
		bm_set_atomic(w->map, i);
	else
		bm_release_atomic(w->map, i);
}

/* Give back the run [i, i + n), which this thread holds whole. */
static void release_run(struct world *w, size_t i, size_t n)
{
	bool ok = w->idle ? bm_set_range_atomic(w->map, i, n) : bm_clear_range_atomic(w->map, i, n);

	if (!ok)
		atomic_fetch_add(&w->bad_return, 1);
}

/* Try to take a run, all or nothing; a refusal must name a bit of the run. */
static bool take_run(struct world *w, size_t i, size_t n)
{
	size_t at = ~(size_t)0;
	int err = w->idle ? bm_clear_range_if_set_atomic(w->map, w->nbits, i, n, &at)
			  : bm_set_range_if_clear_atomic(w->map, w->nbits, i, n, &at);

	if (err == 0)
		return true;
	if (err != (w->idle ? -BM_EINVAL : -BM_EBUSY) || at < i || at >= i + n)
		atomic_fetch_add(&w->bad_return, 1);
	return false;
}

/* i from a claim over idle & allow: count it if allow does not have it. */
static size_t allowed(struct world *w, size_t i)
{
	if (i < w->nbits && !bm_test(w->allow, i))
		atomic_fetch_add(&w->bad_index, 1);
	return i;
}

/* One attempt at a single bit, the way the world's users take one: its index or nbits. */
static size_t take_one(struct world *w, uint64_t *rng)
{
	size_t i, lost = 0;

	switch (next_rand(rng) % 3) {
	case 0:
		if (w->idle) {
			i = bm_claim_and_atomic(w->map, w->allow, w->nbits,
						next_rand(rng) % (w->nbits + 2), &lost);
			atomic_fetch_add(&w->lost, (long)lost);
			return allowed(w, i);
		}
		return bm_claim_atomic(w->map, w->nbits);
	case 1:
		if (w->idle)
			return allowed(w, bm_claim_and_atomic(w->map, w->allow, w->nbits, 0, NULL));
		return bm_claim_from_atomic(w->map, w->nbits, next_rand(rng) % (w->nbits + 2));
	default:
		/* The lock idiom: test-and-set (or -clear) on one chosen bit. */
		i = next_rand(rng) % w->nbits;
		if (w->idle ? !bm_test_and_clear_atomic(w->map, i) : bm_test_and_set_atomic(w->map, i))
			return w->nbits;
		return i;
	}
}

static void *claimer(void *arg)
{
	uint64_t rng = 0x9e3779b97f4a7c15ull * ((uintptr_t)arg + 1);
	struct world *w = &world;

	for (int r = 0; r < ROUNDS; r++) {
		size_t i;

		if (next_rand(&rng) % 4 == 0) {
			size_t n = 1 + next_rand(&rng) % (w->nbits < MAXRUN ? w->nbits : MAXRUN);

			i = next_rand(&rng) % (w->nbits - n + 1);
			if (!take_run(w, i, n)) {
				atomic_fetch_add(&w->full, 1);
				continue;
			}
			use(w, i, n);
			release_run(w, i, n);
			continue;
		}
		i = take_one(w, &rng);
		if (i == w->nbits) {
			atomic_fetch_add(&w->full, 1);
			continue;
		}
		if (i > w->nbits) {
			atomic_fetch_add(&w->bad_index, 1);
			continue;
		}
		use(w, i, 1);
		release(w, i);
	}
	return NULL;
}

/* Bits held forever: the first `preset`, and with an allow mask the bits it leaves out. */
static void setup(size_t nbits, size_t preset, bool idle)
{
	world = (struct world){ .nbits = nbits, .idle = idle };
	bm_init(world.map, nbits);
	bm_fill(world.allow, nbits);
	if (idle) {
		bm_fill(world.map, nbits);
		bm_clear_range(world.map, 0, preset);
		/* Every fifth bit is outside the affinity: claims never take it, the lock idiom may. */
		for (size_t i = 4; i < nbits; i += 5)
			bm_clear(world.allow, i);
	} else {
		bm_set_range(world.map, 0, preset);
	}
}

/* Run the threads over a map of nbits with `preset` bits held forever; 0 on success. */
static int run(const char *name, int number, size_t nbits, size_t preset, bool idle)
{
	pthread_t threads[NTHREADS];
	unsigned long total = 0;
	size_t left;
	int bad = 0;

	setup(nbits, preset, idle);
	for (uintptr_t k = 0; k < NTHREADS; k++)
		pthread_create(&threads[k], NULL, claimer, (void *)k);
	for (int k = 0; k < NTHREADS; k++)
		pthread_join(threads[k], NULL);
	for (size_t i = 0; i < nbits; i++)
		total += world.slot[i];
	left = idle ? nbits - bm_weight(world.map, nbits) : bm_weight(world.map, nbits);
	bad |= world.double_owned != 0 || world.bad_index != 0 || world.bad_return != 0;
	bad |= total != (unsigned long)world.claims;
	bad |= left != preset;
	bad |= world.takes + world.full != NTHREADS * ROUNDS;
	bad |= world.lost < 0;		/* a count of races: each adds one */
	bad |= preset && !(idle ? bm_range_is_clear : bm_range_is_set)(world.map, nbits, 0, preset);
	if (bad)
		printf("# %s: double-owned %ld, bad index %ld, bad returns %ld, claims %ld, "
		       "slot total %lu, bits held at the end %zu (want %zu)\n", name,
		       (long)world.double_owned, (long)world.bad_index, (long)world.bad_return,
		       (long)world.claims, total, left, preset);
	printf("# %s: %ld bits held, %ld attempts refused, %ld claim_and races lost\n", name,
	       (long)world.claims, (long)world.full, (long)world.lost);
	printf("%sok %d %s\n", bad ? "not " : "", number, name);
	return bad;
}

int main(void)
{
	int failed = 0;

	printf("KTAP version 1\n1..6\n");
	failed += run("claim_release_roomy_map", 1, MAXBITS, 0, false);
	/* Three free bits for four threads: claims often find the map full. */
	failed += run("claim_release_crowded_map", 2, 67, 64, false);
	failed += run("claim_release_one_bit", 3, 1, 0, false);
	failed += run("idle_claim_and_roomy_mask", 4, MAXBITS, 0, true);
	failed += run("idle_claim_and_crowded_mask", 5, 67, 64, true);
	failed += run("idle_claim_and_one_bit", 6, 1, 0, true);
	printf("# ktest: %d passed, %d failed, 0 skipped\n", 6 - failed, failed);
	return failed != 0;
}
