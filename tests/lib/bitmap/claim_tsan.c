/* Threads claim and release bits of one bitmap under ThreadSanitizer; prints KTAP. */
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
 */

#define NTHREADS	4
#define ROUNDS		30000
#define MAXBITS		130

struct world {
	uint64_t map[BM_WORDS(MAXBITS)];
	size_t nbits;
	atomic_int owners[MAXBITS];
	unsigned long slot[MAXBITS];	/* plain: only the bit's holder touches it */
	atomic_long double_owned;
	atomic_long bad_index;
	atomic_long full;		/* claims that found the map full */
	atomic_long claims;
};

static struct world world;

static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Hold bit i for a moment: prove sole ownership, touch the slot, let go. */
static void hold(struct world *w, size_t i)
{
	if (i >= w->nbits) {
		atomic_fetch_add(&w->bad_index, 1);
		return;
	}
	if (atomic_fetch_add_explicit(&w->owners[i], 1, memory_order_relaxed) != 0)
		atomic_fetch_add(&w->double_owned, 1);
	w->slot[i]++;
	/* Linger so that a second owner, if the library made one, overlaps us. */
	for (int k = 0; k < 64; k++)
		if (atomic_load_explicit(&w->owners[i], memory_order_relaxed) != 1 ||
		    !bm_test_atomic(w->map, i))
			atomic_fetch_add(&w->double_owned, 1);
	atomic_fetch_sub_explicit(&w->owners[i], 1, memory_order_relaxed);
	bm_release_atomic(w->map, i);
}

static void *claimer(void *arg)
{
	uint64_t rng = 0x9e3779b97f4a7c15ull * ((uintptr_t)arg + 1);
	struct world *w = &world;

	for (int r = 0; r < ROUNDS; r++) {
		size_t i;

		switch (next_rand(&rng) % 3) {
		case 0:
			i = bm_claim_atomic(w->map, w->nbits);
			break;
		case 1:
			i = bm_claim_from_atomic(w->map, w->nbits, next_rand(&rng) % (w->nbits + 2));
			break;
		default:
			/* The lock idiom: test_and_set on one chosen bit. */
			i = next_rand(&rng) % w->nbits;
			if (bm_test_and_set_atomic(w->map, i))
				i = w->nbits;
			break;
		}
		if (i == w->nbits) {
			atomic_fetch_add(&w->full, 1);
			continue;
		}
		atomic_fetch_add(&w->claims, 1);
		hold(w, i);
	}
	return NULL;
}

/* Run the threads over a map of nbits with `preset` bits held forever; 0 on success. */
static int run(const char *name, int number, size_t nbits, size_t preset)
{
	pthread_t threads[NTHREADS];
	unsigned long total = 0;
	int bad = 0;

	world = (struct world){ .nbits = nbits };
	bm_init(world.map, nbits);
	bm_set_range(world.map, 0, preset);
	for (uintptr_t k = 0; k < NTHREADS; k++)
		pthread_create(&threads[k], NULL, claimer, (void *)k);
	for (int k = 0; k < NTHREADS; k++)
		pthread_join(threads[k], NULL);
	for (size_t i = 0; i < nbits; i++)
		total += world.slot[i];
	bad |= world.double_owned != 0 || world.bad_index != 0;
	bad |= total != (unsigned long)world.claims;
	bad |= bm_weight(world.map, nbits) != preset;
	bad |= preset && !bm_range_is_set(world.map, nbits, 0, preset);
	bad |= world.claims + world.full != NTHREADS * ROUNDS;
	if (bad)
		printf("# %s: double-owned %ld, bad index %ld, claims %ld, slot total %lu, "
		       "bits left %zu (want %zu)\n", name, (long)world.double_owned,
		       (long)world.bad_index, (long)world.claims, total,
		       bm_weight(world.map, nbits), preset);
	printf("%sok %d %s\n", bad ? "not " : "", number, name);
	return bad;
}

int main(void)
{
	int failed = 0;

	printf("KTAP version 1\n1..3\n");
	failed += run("claim_release_roomy_map", 1, MAXBITS, 0);
	/* Three free bits for four threads: claims often find the map full. */
	failed += run("claim_release_crowded_map", 2, 67, 64);
	failed += run("claim_release_one_bit", 3, 1, 0);
	printf("# ktest: %d passed, %d failed, 0 skipped\n", 3 - failed, failed);
	return failed != 0;
}
