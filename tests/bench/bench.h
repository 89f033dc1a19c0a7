/* SPDX-License-Identifier: MIT */
/* What bench_bitmap.c shares with the files that time setbit through each compat dialect. */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <stddef.h>
#include <stdint.h>

/*
 * The maps live in bench_bitmap.c; each dialect file (bench_linux.c,
 * bench_rtl.c, bench_nanos.c) includes only its own compat header (linux.h
 * and nanos.h both define bitmap_set) and hangs its handle for a map on
 * the map (rtl: an RTL_BITMAP over the same bytes; nanos: a wrapped bitmap).
 */
struct map {
	uint64_t *w;
	size_t nbits;
	void *rtl;		/* PRTL_BITMAP over w (bench_rtl.c) */
	void *nanos;		/* nanos bitmap wrapping w (bench_nanos.c) */
	void *hbm;		/* struct hbm with the same bits, or NULL */
};

#define LINUX_BITS	327680u
#define SPARSE_BITS	655
#define RUN_BITS	(1u << 20)
#define FULL_BITS	(1u << 26)
#define LIST_BITS	(1u << 16)
#define NSTARTS		1024		/* random starts per run / area pass */
#define FULL_REPS	2		/* first-clear allocations per 2^26 run */
#define LIST_BUF	(1 << 20)

extern struct map dense, dense2, sparse, sparse2, frag, full, listmap, work;
/* Random starts in [0, RUN_BITS) for the run and area searches. */
extern size_t starts[NSTARTS];
extern char list_text[LIST_BUF], list_out[LIST_BUF];

/* find_first_bit + clear: consumes `work`, a copy of src cut to nbits. */
struct first_arg {
	const struct map *src;
	size_t nbits;
};

/* find_next_and_bit over two maps. */
struct pair {
	const struct map *a, *b;
};

/*
 * n clear bits in a row from each start. The aligned alloc+free workloads
 * take n and the alignment as constants instead (fixed-size allocators
 * are written that way, and every line may fold them): *_area1 is 1 bit,
 * *_area8 is 8 bits aligned to 8.
 */
struct area_arg {
	size_t n;
	size_t align_mask;
};

typedef uint64_t bench_fn(const void *arg, size_t *ops);

uint64_t hash_bytes(const void *p, size_t len);

/* bench_linux.c: setbit through compat/linux.h. */
void linux_setup(void);
bench_fn lx_next, lx_next_zero, lx_each, lx_each_zero, lx_last, lx_weight_last, lx_first,
	lx_and, lx_run, lx_area1, lx_area8, lx_full, lx_print, lx_parse;

/* bench_rtl.c: setbit through compat/rtl.h. */
void rtl_setup(void);
bench_fn rtl_next, rtl_next_zero, rtl_weight_last, rtl_first, rtl_run, rtl_run_forward,
	rtl_area1, rtl_full;

/* bench_nanos.c: setbit through compat/nanos.h. */
void nanos_setup(void);
bench_fn nanos_next, nanos_each, nanos_area1, nanos_area8, nanos_full;

/*
 * The walks every implementation of a workload shares, around a search
 * expression in p_ (the position searched from): one search call per
 * answer, the answers summed.
 */

/* Every set (or clear) bit: FIND(from) is the next one at or after from, or >= nbits. */
#define BENCH_WALK(nbits_, FIND) ({						\
	uint64_t sum_ = 0;							\
	size_t n_ = 0, nb_ = (nbits_);						\
	for (size_t p_ = 0, i_; (i_ = (FIND)) < nb_; p_ = i_ + 1, n_++)		\
		sum_ += i_;							\
	*ops = n_;								\
	sum_;									\
})

/* One search from each random start (a miss counts as RUN_BITS). */
#define BENCH_STARTS(FIND) ({							\
	uint64_t sum_ = 0;							\
	for (size_t k_ = 0; k_ < NSTARTS; k_++) {				\
		size_t p_ = starts[k_], i_ = (FIND);				\
		sum_ += (i_ < RUN_BITS ? i_ : RUN_BITS) ^ k_;			\
	}									\
	*ops = NSTARTS;								\
	sum_;									\
})

#endif /* BENCH_BENCH_H */
