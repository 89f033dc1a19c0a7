/* SPDX-License-Identifier: MIT */
/*
 * CPU masks: one bit per logical CPU, over lib/bitmap. Portable.
 *
 * The idle mask is shared by every CPU without a lock, so the functions
 * that touch it are the _atomic ones: a CPU going idle sets its own bit
 * (release: everything it did before is visible to whoever claims it), and
 * a dispatcher takes a CPU with an atomic test-and-clear, so exactly one
 * of several racing dispatchers wins each idle CPU.
 */
#ifndef KERNEL_CPUMASK_H
#define KERNEL_CPUMASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bitmap/bitmap.h>

#define NR_CPUS		256

struct cpumask {
	BM_DECLARE(bits, NR_CPUS);
};

/* Set cpu's bit (release). */
static inline void cpumask_set_atomic(struct cpumask *m, unsigned int cpu)
{
	bm_set_atomic(m->bits, cpu);
}

/* Is cpu's bit set? (acquire) */
static inline bool cpumask_test_atomic(const struct cpumask *m, unsigned int cpu)
{
	return bm_test_atomic(m->bits, cpu);
}

/* Clear cpu's bit; was it set? Whoever sees true owns the CPU. */
static inline bool cpumask_test_and_clear_atomic(struct cpumask *m, unsigned int cpu)
{
	return bm_test_and_clear_atomic(m->bits, cpu);
}

/* Bits set in m among the first ncpus (of a snapshot: others may be changing it). */
unsigned int cpumask_weight(const struct cpumask *m, unsigned int ncpus);

/*
 * Claim a CPU that is set in idle and in affinity, searching from `from`
 * and wrapping: its number, with its idle bit now clear; or ncpus when no
 * such CPU is idle. A lost race (another claimer cleared the bit between
 * the search and the test-and-clear) is retried and counted in *lost (may
 * be NULL).
 */
unsigned int cpumask_claim_idle_atomic(struct cpumask *idle, const struct cpumask *affinity,
				       unsigned int ncpus, unsigned int from,
				       unsigned int *lost);

/* Print m's first ncpus bits as a list ("1-3,5"); as bm_print_list. */
int cpumask_print(char *buf, size_t size, const struct cpumask *m, unsigned int ncpus);

#endif /* KERNEL_CPUMASK_H */
