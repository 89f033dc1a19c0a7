/* SPDX-License-Identifier: MIT */
/* Fixtures for the bitmap suites: sizes, bit patterns, guarded maps, readable failures. */
#ifndef TESTS_BITMAP_HARNESS_H
#define TESTS_BITMAP_HARNESS_H

#include <bitmap/bitmap.h>
#include <kernel/ktest.h>

#include "model.h"

/*
 * Every check runs on each "variant": a size from tb_sizes, a bit pattern
 * and a tail (the bits past nbits in the last word: all zero, all ones, or
 * random, so a leaked tail bit cannot pass for the value nbits).
 * A map lives inside guard words: tb_guards_ok() proves nothing outside
 * [0, BM_WORDS(nbits)) was written, and tb_tail_ok() that the tail was
 * left alone by functions that promise to.
 */

#define TB_MAXBITS	4097
#define TB_MAXWORDS	BM_WORDS(TB_MAXBITS)
#define TB_GUARD	0x5a5aa5a5c3c33c3cull
#define TB_NSIZES	12
#define TB_NSTARTS	24
#define TB_NTAILS	3
#define TB_VARIANTS	(TB_NSIZES * TB_NPATTERNS * TB_NTAILS)

enum tb_pattern { TB_EMPTY, TB_SPARSE, TB_HALF, TB_DENSE, TB_FULL, TB_RUNS, TB_NPATTERNS };

static const size_t tb_sizes[TB_NSIZES] = {
	0, 1, 63, 64, 65, 127, 128, 1023, 1024, 4095, 4096, 4097
};

static const char *const tb_pattern_names[TB_NPATTERNS] = {
	"empty", "sparse", "half", "dense", "full", "runs"
};

enum tb_tail { TB_TAIL_ZERO, TB_TAIL_ONES, TB_TAIL_RANDOM };

static const char *const tb_tail_names[TB_NTAILS] = { "zero", "ones", "random" };

/* A different tail kind, for a second map that must not share m's tail. */
#define TB_OTHER_TAIL(tail)	(((tail) + 1) % TB_NTAILS)

struct tb_map {
	uint64_t buf[TB_MAXWORDS + 2];	/* guard, the map's words, guards */
	uint64_t *w;			/* buf + 1 */
	size_t nbits;
	int pattern;
	int tail;			/* enum tb_tail */
	uint64_t seed;
	uint64_t last;			/* the last word as made, tail included */
};

/* splitmix64: small, fast, good enough to make test maps. */
static inline uint64_t tb_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A random value in [0, bound), bound > 0. */
static inline size_t tb_below(uint64_t *state, size_t bound)
{
	return (size_t)(tb_rand(state) % bound);
}

/* Bit value for position i of a pattern (the runs pattern keeps state). */
static inline bool tb_pattern_bit(int pattern, uint64_t *rng, size_t *run_left, bool *run_val)
{
	switch (pattern) {
	case TB_SPARSE:	return (tb_rand(rng) & 63) == 0;
	case TB_HALF:	return tb_rand(rng) & 1;
	case TB_DENSE:	return (tb_rand(rng) & 63) != 0;
	case TB_FULL:	return true;
	case TB_RUNS:
		if (*run_left == 0) {
			*run_left = 1 + tb_below(rng, 150);
			*run_val = !*run_val;
		}
		(*run_left)--;
		return *run_val;
	}
	return false;
}

/* Fill m with guards and a map of nbits bits in `pattern`, with that tail. */
static inline void tb_make(struct tb_map *m, size_t nbits, int pattern, int tail, uint64_t seed)
{
	size_t nw = BM_WORDS(nbits), run_left = 0;
	bool run_val = seed & 1;
	uint64_t rng = seed;

	for (size_t k = 0; k < TB_MAXWORDS + 2; k++)
		m->buf[k] = TB_GUARD;
	m->w = m->buf + 1;
	m->nbits = nbits;
	m->pattern = pattern;
	m->tail = tail;
	m->seed = seed;
	/* Patterns with independent, even bits come a word at a time. */
	for (size_t k = 0; k < nw; k++)
		m->w[k] = pattern == TB_FULL ? ~(uint64_t)0 : pattern == TB_HALF ? tb_rand(&rng) : 0;
	if (pattern != TB_EMPTY && pattern != TB_FULL && pattern != TB_HALF)
		for (size_t i = 0; i < nbits; i++)
			model_put(m->w, i, tb_pattern_bit(pattern, &rng, &run_left, &run_val));
	for (size_t i = nbits; i < nw * 64; i++)
		model_put(m->w, i, tail == TB_TAIL_RANDOM ? tb_rand(&rng) & 1 : tail == TB_TAIL_ONES);
	m->last = nw ? m->w[nw - 1] : 0;
}

/* Variant k of TB_VARIANTS: every size x pattern x tail. */
static inline void tb_make_variant(struct tb_map *m, size_t k)
{
	size_t size = k / (TB_NPATTERNS * TB_NTAILS), pattern = (k / TB_NTAILS) % TB_NPATTERNS;

	tb_make(m, tb_sizes[size], (int)pattern, (int)(k % TB_NTAILS), 0x5e7b17ull * (k + 1));
}

/* Are the guard words around m's map untouched? Reports the first bad one. */
static inline bool tb_guards_ok(struct ktest *t, const struct tb_map *m, const char *what)
{
	size_t nw = BM_WORDS(m->nbits);

	for (size_t k = 0; k < TB_MAXWORDS + 2; k++) {
		if (k >= 1 && k <= nw)
			continue;
		if (m->buf[k] != TB_GUARD) {
			ktest_fail_at(t, __FILE__, __LINE__,
				      "%s wrote outside the map: word %d is 0x%llx (nbits=%zu)",
				      what, (int)k - 1, (unsigned long long)m->buf[k], m->nbits);
			return false;
		}
	}
	return true;
}

/* Are m's tail bits as tb_make left them? */
static inline bool tb_tail_ok(const struct tb_map *m)
{
	size_t nw = BM_WORDS(m->nbits);

	return nw == 0 || ((m->w[nw - 1] ^ m->last) & ~BM__LAST_MASK(m->nbits)) == 0;
}

/* Query start k of TB_NSTARTS for m: the edges, then random ones. */
static inline size_t tb_start(const struct tb_map *m, unsigned k, uint64_t *rng)
{
	const size_t n = m->nbits;
	const size_t edges[] = { 0, 1, 62, 63, 64, 65, n / 2, n - 1, n, n + 1, ~(size_t)0 };

	if (k < sizeof(edges) / sizeof(edges[0]))
		return edges[k];
	return n ? tb_below(rng, n) : 0;
}

/* Stop a case after this many failures: the first few say it all. */
#define TB_MAX_FAILS	8

/*
 * TB_EQ(t, m, got, want, "start=%zu", s): compare two sizes; a failure names
 * the call, both values, the query and the map it ran on.
 */
#define TB_EQ(t, m, got, want, fmt, ...) do {					\
	size_t tb_g_ = (got), tb_w_ = (want);					\
	if (tb_g_ != tb_w_) {							\
		ktest_fail_at((t), __FILE__, __LINE__,				\
			"%s: expected %zu, got %zu (" fmt "; nbits=%zu, %s map, tail %s, seed 0x%llx)", \
			#got, tb_w_, tb_g_, __VA_ARGS__, (m)->nbits,		\
			tb_pattern_names[(m)->pattern],				\
			tb_tail_names[(m)->tail],				\
			(unsigned long long)(m)->seed);				\
		if ((t)->failures >= TB_MAX_FAILS)				\
			ktest_abort(t);						\
	}									\
} while (0)

/* After a writer: guards intact, and the first bit that differs from want. */
#define TB_MAP_EQ(t, m, want, what, fmt, ...) do {				\
	size_t tb_d_ = model_diff((m)->w, (want), (m)->nbits);			\
	if (tb_d_ < (m)->nbits)							\
		TB_EQ(t, m, model_get((m)->w, tb_d_), model_get((want), tb_d_),	\
		      "%s: first wrong bit %zu; " fmt, what, tb_d_, __VA_ARGS__);\
	if (!tb_guards_ok((t), (m), (what)) && (t)->failures >= TB_MAX_FAILS)	\
		ktest_abort(t);							\
} while (0)

#endif /* TESTS_BITMAP_HARNESS_H */
