// SPDX-License-Identifier: MIT
/* Claiming idle CPUs (lib/bitmap's claim over idle & affinity), counting and printing masks. */
#include <bitmap/list.h>
#include <kernel/cpumask.h>

unsigned int cpumask_claim_idle_atomic(struct cpumask *idle, const struct cpumask *affinity,
				       unsigned int ncpus, unsigned int from,
				       unsigned int *lost)
{
	size_t lost_here = 0;
	size_t cpu = bm_claim_and_atomic(idle->bits, affinity->bits, ncpus, from, &lost_here);

	if (lost)
		*lost += (unsigned int)lost_here;
	return (unsigned int)cpu;
}

unsigned int cpumask_weight(const struct cpumask *m, unsigned int ncpus)
{
	struct cpumask now;

	/* Other CPUs flip idle bits meanwhile: count a copy read with atomic loads. */
	bm_snapshot_atomic(now.bits, m->bits, ncpus);
	return (unsigned int)bm_weight(now.bits, ncpus);
}

int cpumask_print(char *buf, size_t size, const struct cpumask *m, unsigned int ncpus)
{
	return bm_print_list(buf, size, m->bits, ncpus);
}
