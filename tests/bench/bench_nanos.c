// SPDX-License-Identifier: MIT
/* The bitmap benchmark's workloads written against compat/nanos.h, as NanoVMs code calls them. */
#include <bitmap/compat/nanos.h>

#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

/* Each map wrapped (its words, not copied) in a nanos bitmap handle on the default heap. */
static void wrap(struct map *m)
{
	m->nanos = bitmap_wrap(NULL, m->w, m->nbits);
	if (!m->nanos) {
		fprintf(stderr, "bench_bitmap: bitmap_wrap failed\n");
		exit(1);
	}
}

void nanos_setup(void)
{
	wrap(&dense);
	wrap(&sparse);
	wrap(&frag);
	wrap(&full);
}

/* The next set bit: the first in [from, end of map), INVALID_PHYSICAL when none. */
uint64_t nanos_next(const void *arg, size_t *ops)
{
	const struct map *m = arg;
	bitmap b = m->nanos;

	return BENCH_WALK(m->nbits, bitmap_range_get_first(b, p_, b->maxbits - p_));
}

uint64_t nanos_each(const void *arg, size_t *ops)
{
	const struct map *m = arg;
	bitmap b = m->nanos;
	uint64_t sum = 0;
	size_t n = 0;

	bitmap_foreach_set(b, i) {
		sum += i;
		n++;
	}
	*ops = n;
	return sum;
}

/*
 * Aligned allocation of a constant n and its release:
 * bitmap_alloc_within_range aligns to the next power of two >= n counted
 * from its start, so a start rounded up to that power finds Linux's
 * align_mask = n - 1 answer.
 */
#define NANOS_AREA(name, n)							\
	uint64_t name(const void *arg, size_t *ops)				\
	{									\
		bitmap b = frag.nanos;						\
		(void)arg;							\
		return BENCH_STARTS(({						\
			u64 from_ = (p_ + (n) - 1) & ~(u64)((n) - 1);		\
			u64 pos_ = bitmap_alloc_within_range(b, (n), from_, RUN_BITS); \
			if (pos_ != INVALID_PHYSICAL)				\
				bitmap_dealloc(b, pos_, (n));			\
			(size_t)(pos_ != INVALID_PHYSICAL ? pos_ : RUN_BITS);	\
		}));								\
	}

NANOS_AREA(nanos_area1, 1)
NANOS_AREA(nanos_area8, 8)

uint64_t nanos_full(const void *arg, size_t *ops)
{
	bitmap b = full.nanos;
	uint64_t sum = 0;

	(void)arg;
	for (int k = 0; k < FULL_REPS; k++) {
		u64 i = bitmap_alloc(b, 1);

		bitmap_dealloc(b, i, 1);
		sum += i;
	}
	*ops = FULL_REPS;
	return sum;
}
