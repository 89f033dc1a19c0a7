/* SPDX-License-Identifier: MIT */
/*
 * The kernel backend's leak check: frames and heap objects in use before a
 * suite and after it. A suite that ends holding more than it started with
 * fails, with "# leak: suite NAME: F frames, H heap objects".
 *
 * Counted: frames of kernel_pfa not given back; heap objects (kmalloc's
 * small objects and large runs) not freed.
 * Not counted, and why:
 *  - frames in the per-CPU caches: they are free (pfa_stats counts them
 *    so) whichever CPU's cache they wait in, so nothing needs draining;
 *  - the heap's own frames (its slabs, the empty slab each class keeps for
 *    reuse, large runs): a slab is the heap's cache, not a leak, and a
 *    leaked object is counted as a heap object instead;
 *  - work other CPUs are still finishing: both marks are taken after every
 *    other CPU is idle again (smp_wait_idle), so a task's stack, freed on
 *    the CPU it ran on after its waiter woke, is back by then;
 *  - less in use after a suite than before (state an earlier suite made
 *    lazily, now freed): no leak.
 * Kernel only.
 */
#ifndef KERNEL_KTEST_LEAK_H
#define KERNEL_KTEST_LEAK_H

#include <stdbool.h>
#include <stdint.h>

/* What was in use at one moment. */
struct ktest_leak_mark {
	uint64_t used_frames;	/* frames not free, the heap's own included */
	uint64_t heap_frames;	/* frames the heap holds: slabs and large runs */
	uint64_t heap_objects;	/* small objects and large allocations */
};

/* Wait for the other CPUs to go idle, then take the counts. */
void ktest_leak_mark(struct ktest_leak_mark *m);
/*
 * Mark again and compare with before: true if suite gave everything back;
 * else print the leak as a diagnostic of the suite and return false.
 */
bool ktest_leak_check(const char *suite, const struct ktest_leak_mark *before);

#endif /* KERNEL_KTEST_LEAK_H */
