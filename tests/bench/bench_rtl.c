// SPDX-License-Identifier: MIT
/* The bitmap benchmark's workloads written against compat/rtl.h, as Windows driver code calls them. */
#include <bitmap/compat/rtl.h>

#include "bench.h"

/*
 * An RTL buffer is an array of 32-bit ULONGs, bit i in bit i % 32 of
 * Buffer[i / 32]: on little-endian x86-64 the same bytes as the uint64_t
 * maps, so each header describes a map's own words (rtl.c reads the
 * 8-byte-aligned middle of a buffer as uint64_t words: see rtl.h).
 */
static RTL_BITMAP h_dense, h_sparse, h_frag, h_full;

static void describe(RTL_BITMAP *h, struct map *m)
{
	RtlInitializeBitMap(h, (PULONG)(void *)m->w, (ULONG)m->nbits);
	m->rtl = h;
}

void rtl_setup(void)
{
	describe(&h_dense, &dense);
	describe(&h_sparse, &sparse);
	describe(&h_frag, &frag);
	describe(&h_full, &full);
}

/*
 * RtlFind{Set,Clear}Bits(h, 1, hint) wrap to 0 when nothing is left
 * after the hint: an answer below the hint is the end of the walk.
 */
static inline size_t no_wrap(ULONG r, size_t from, size_t nbits)
{
	return r == RTL_BITMAP_NOT_FOUND || r < from ? nbits : r;
}

uint64_t rtl_next(const void *arg, size_t *ops)
{
	const struct map *m = arg;
	PRTL_BITMAP h = m->rtl;

	return BENCH_WALK(m->nbits, no_wrap(RtlFindSetBits(h, 1, (ULONG)p_), p_, m->nbits));
}

uint64_t rtl_next_zero(const void *arg, size_t *ops)
{
	const struct map *m = arg;
	PRTL_BITMAP h = m->rtl;

	return BENCH_WALK(m->nbits, no_wrap(RtlFindClearBits(h, 1, (ULONG)p_), p_, m->nbits));
}

/* The weight, and the last set bit as the end of the last set run at or before the end. */
uint64_t rtl_weight_last(const void *arg, size_t *ops)
{
	const struct map *m = arg;
	PRTL_BITMAP h = m->rtl;
	ULONG start, len = RtlFindLastBackwardRunSet(h, (ULONG)m->nbits - 1, &start);

	*ops = 1;
	return (uint64_t)RtlNumberOfSetBits(h) * 1000003 + (len ? start + len - 1 : m->nbits);
}

/* find_first_bit + clear as one call: RtlFindSetBitsAndClear(h, 1, 0). */
uint64_t rtl_first(const void *arg, size_t *ops)
{
	const struct first_arg *a = arg;
	RTL_BITMAP h;
	uint64_t sum = 0;
	size_t n = 0;
	ULONG i;

	RtlInitializeBitMap(&h, (PULONG)(void *)work.w, (ULONG)a->nbits);
	for (; (i = RtlFindSetBitsAndClear(&h, 1, 0)) != RTL_BITMAP_NOT_FOUND; n++)
		sum += i;
	*ops = n;
	return sum;
}

/* A run of n clear bits from a start: RtlFindClearBits(h, n, start), no wrap. */
uint64_t rtl_run(const void *arg, size_t *ops)
{
	const struct area_arg *a = arg;

	return BENCH_STARTS(no_wrap(RtlFindClearBits(&h_frag, (ULONG)a->n, (ULONG)p_), p_,
				    RUN_BITS));
}

/*
 * RtlFindNextForwardRunClear until a run is long enough: for n = 1 its
 * first call answers (the run of 1 workload's line).
 */
static size_t forward_run(size_t from, size_t n)
{
	for (;;) {
		ULONG idx, len = RtlFindNextForwardRunClear(&h_frag, (ULONG)from, &idx);

		if (len == 0)
			return RUN_BITS;
		if (len >= n)
			return idx;
		from = (size_t)idx + len;
	}
}

uint64_t rtl_run_forward(const void *arg, size_t *ops)
{
	const struct area_arg *a = arg;

	return BENCH_STARTS(forward_run(p_, a->n));
}

/* Allocation of 1 bit (RTL has no aligned search) and its release. */
uint64_t rtl_area1(const void *arg, size_t *ops)
{
	(void)arg;
	return BENCH_STARTS(({
		ULONG pos_ = RtlFindClearBitsAndSet(&h_frag, 1, (ULONG)p_);
		if (pos_ != RTL_BITMAP_NOT_FOUND)
			RtlClearBit(&h_frag, pos_);
		no_wrap(pos_, p_, RUN_BITS);
	}));
}

uint64_t rtl_full(const void *arg, size_t *ops)
{
	uint64_t sum = 0;

	(void)arg;
	for (int k = 0; k < FULL_REPS; k++) {
		ULONG i = RtlFindClearBitsAndSet(&h_full, 1, 0);

		RtlClearBit(&h_full, i);
		sum += i;
	}
	*ops = FULL_REPS;
	return sum;
}
