/* Claiming idle CPUs: search idle & affinity, then win the bit with test-and-clear. */
#include <bitmap/list.h>
#include <kernel/cpumask.h>

/* The first CPU at or after from set in both masks, wrapping once; ncpus if none. */
static unsigned int next_candidate(const struct cpumask *idle, const struct cpumask *affinity,
				   unsigned int ncpus, unsigned int from)
{
	struct cpumask now;
	size_t cpu;

	/* Other CPUs flip idle bits meanwhile: search a copy read with atomic loads. */
	for (size_t w = 0; w < BM_WORDS(ncpus); w++)
		now.bits[w] = bm__load_word_relaxed(idle->bits, w);
	idle = &now;
	cpu = bm_find_next_and(idle->bits, affinity->bits, ncpus, from);

	if (cpu < ncpus)
		return (unsigned int)cpu;
	/* Searching [0, from) as a map of `from` bits: not found is `from`. */
	cpu = bm_find_next_and(idle->bits, affinity->bits, from, 0);
	return cpu < from ? (unsigned int)cpu : ncpus;
}

unsigned int cpumask_claim_idle_atomic(struct cpumask *idle, const struct cpumask *affinity,
				       unsigned int ncpus, unsigned int from,
				       unsigned int *lost)
{
	if (from >= ncpus)
		from = 0;
	for (;;) {
		unsigned int cpu = next_candidate(idle, affinity, ncpus, from);

		if (cpu >= ncpus)
			return ncpus;
		if (cpumask_test_and_clear_atomic(idle, cpu))
			return cpu;
		if (lost)
			(*lost)++;
	}
}

int cpumask_print(char *buf, size_t size, const struct cpumask *m, unsigned int ncpus)
{
	return bm_print_list(buf, size, m->bits, ncpus);
}
