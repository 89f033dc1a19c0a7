// SPDX-License-Identifier: MIT
/* The bitmap benchmark's workloads written against compat/linux.h, as Linux code calls them. */
#include <bitmap/compat/linux.h>

#include "bench.h"

void linux_setup(void)
{
}

uint64_t lx_next(const void *arg, size_t *ops)
{
	const struct map *m = arg;

	return BENCH_WALK(m->nbits, find_next_bit(m->w, m->nbits, p_));
}

uint64_t lx_next_zero(const void *arg, size_t *ops)
{
	const struct map *m = arg;

	return BENCH_WALK(m->nbits, find_next_zero_bit(m->w, m->nbits, p_));
}

uint64_t lx_each(const void *arg, size_t *ops)
{
	const struct map *m = arg;
	uint64_t sum = 0;
	size_t n = 0;
	unsigned long bit;

	for_each_set_bit(bit, m->w, m->nbits) {
		sum += bit;
		n++;
	}
	*ops = n;
	return sum;
}

uint64_t lx_each_zero(const void *arg, size_t *ops)
{
	const struct map *m = arg;
	uint64_t sum = 0;
	size_t n = 0;
	unsigned long bit;

	for_each_clear_bit(bit, m->w, m->nbits) {
		sum += bit;
		n++;
	}
	*ops = n;
	return sum;
}

/* Linux's test_find_last_bit: walk down, each search below the last hit. */
uint64_t lx_last(const void *arg, size_t *ops)
{
	const struct map *m = arg;
	uint64_t sum = 0;
	size_t n = 0;

	for (unsigned long len = m->nbits, l; (l = find_last_bit(m->w, len)) < len; len = l, n++)
		sum += l;
	*ops = n;
	return sum;
}

uint64_t lx_weight_last(const void *arg, size_t *ops)
{
	const struct map *m = arg;

	*ops = 1;
	return (uint64_t)bitmap_weight(m->w, (unsigned int)m->nbits) * 1000003 +
	       find_last_bit(m->w, m->nbits);
}

uint64_t lx_first(const void *arg, size_t *ops)
{
	const struct first_arg *a = arg;
	uint64_t sum = 0;
	size_t n = 0;
	unsigned long i;

	for (; (i = find_first_bit(work.w, a->nbits)) < a->nbits; n++) {
		__clear_bit(i, work.w);
		sum += i;
	}
	*ops = n;
	return sum;
}

uint64_t lx_and(const void *arg, size_t *ops)
{
	const struct pair *p = arg;

	return BENCH_WALK(p->a->nbits, find_next_and_bit(p->a->w, p->b->w, p->a->nbits, p_));
}

/* A run of n clear bits from a start: bitmap_find_next_zero_area, align_mask 0. */
uint64_t lx_run(const void *arg, size_t *ops)
{
	const struct area_arg *a = arg;

	return BENCH_STARTS(bitmap_find_next_zero_area(frag.w, RUN_BITS, p_, (unsigned)a->n, 0));
}

/* Aligned allocation of a constant n and its release, as a Linux driver writes it. */
#define LX_AREA(name, n, align_mask)						\
	uint64_t name(const void *arg, size_t *ops)				\
	{									\
		(void)arg;							\
		return BENCH_STARTS(({						\
			unsigned long pos_ = bitmap_find_next_zero_area(frag.w,	\
						RUN_BITS, p_, (n), (align_mask)); \
			if (pos_ < RUN_BITS) {					\
				bitmap_set(frag.w, (unsigned)pos_, (n));	\
				bitmap_clear(frag.w, (unsigned)pos_, (n));	\
			}							\
			pos_;							\
		}));								\
	}

LX_AREA(lx_area1, 1, 0)
LX_AREA(lx_area8, 8, 7)

/* First clear bit of the 99.9% full 2^26 map, taken and given back. */
uint64_t lx_full(const void *arg, size_t *ops)
{
	uint64_t sum = 0;

	(void)arg;
	for (int k = 0; k < FULL_REPS; k++) {
		unsigned long i = find_first_zero_bit(full.w, FULL_BITS);

		__set_bit(i, full.w);
		__clear_bit(i, full.w);
		sum += i;
	}
	*ops = FULL_REPS;
	return sum;
}

uint64_t lx_print(const void *arg, size_t *ops)
{
	(void)arg;
	*ops = 1;
	return hash_bytes(list_out, (size_t)bitmap_scnlistprintf(list_out, LIST_BUF, listmap.w,
								 LIST_BITS));
}

uint64_t lx_parse(const void *arg, size_t *ops)
{
	(void)arg;
	*ops = 1;
	if (bitmap_parselist(list_text, work.w, LIST_BITS) < 0)
		return 0;
	return hash_bytes(work.w, LIST_BITS / 8);
}
