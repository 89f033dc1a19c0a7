// SPDX-License-Identifier: MIT
/* Tests of run searches, run listings, aligned areas, regions and claiming against the model. */
#include <bitmap/bitmap.h>
#include <bitmap/hbitmap.h>
#include <kernel/ktest.h>

#include "harness.h"
#include "model.h"

static struct tb_map m;
static uint64_t want[TB_MAXWORDS];
/* len[v][i]: how many bits equal to v start at i, from the model. */
static size_t len[2][TB_MAXBITS + 1];

#define NLENS	9

/* Run length k of NLENS for m: small, word edges, the whole map and more. */
static size_t len_for(const struct tb_map *mp, unsigned k)
{
	const size_t lens[NLENS] = { 0, 1, 3, 63, 64, 65, 130, mp->nbits, mp->nbits + 1 };

	return lens[k];
}

static size_t starts[TB_NSTARTS];
/* fit[s]: the model's answer to a run search from s; see build_fit(). */
static size_t fit[TB_MAXBITS + 1];

static void make(size_t v)
{
	uint64_t rng = v;

	tb_make_variant(&m, v);
	model_run_lengths(m.w, m.nbits, false, len[0]);
	model_run_lengths(m.w, m.nbits, true, len[1]);
	for (size_t k = 0; k < BM_WORDS(m.nbits); k++)
		want[k] = m.w[k];
	for (unsigned k = 0; k < TB_NSTARTS; k++)
		starts[k] = tb_start(&m, k, &rng);
}

/*
 * fit[s] = the lowest s' >= s where n bits equal to `value` begin and
 * (s' + offset) & mask == 0, else nbits: every query answered in one pass.
 */
static void build_fit(bool value, size_t n, size_t mask, size_t offset)
{
	fit[m.nbits] = m.nbits;
	for (size_t s = m.nbits; s-- > 0;)
		fit[s] = n && len[value][s] >= n && ((s + offset) & mask) == 0 ? s : fit[s + 1];
}

/* The model of a search from s, no wrap. */
static size_t fit_from(size_t s)
{
	return s < m.nbits ? fit[s] : m.nbits;
}

/* The model of bm_find_*_run_wrap: from hint, else a run starting below it. */
static size_t fit_wrap(size_t hint)
{
	if (hint >= m.nbits)
		hint = 0;
	if (fit_from(hint) < m.nbits)
		return fit[hint];
	return fit_from(0) < hint ? fit[0] : m.nbits;
}

KTEST_SLOW(bitmap_runs, find_run_with_and_without_wrap)
{
	for (size_t v = 0; v < TB_VARIANTS; v++) {
		uint64_t rng = v;

		make(v);
		for (unsigned l = 0; l < NLENS; l++) {
			size_t n = len_for(&m, l);

			for (int value = 0; value < 2; value++) {
				const char *what = value ? "set" : "zero";

				build_fit(value, n, 0, 0);
				for (unsigned k = 0; k < 14; k++) {
					size_t s = starts[k], got;

					got = value ? bm_find_set_run(m.w, m.nbits, s, n)
						    : bm_find_zero_run(m.w, m.nbits, s, n);
					TB_EQ(t, &m, got, fit_from(s), "%s run, start=%zu n=%zu", what, s, n);
					got = value ? bm_find_set_run_wrap(m.w, m.nbits, s, n)
						    : bm_find_zero_run_wrap(m.w, m.nbits, s, n);
					TB_EQ(t, &m, got, fit_wrap(s), "%s run wrap, hint=%zu n=%zu", what, s, n);
				}
			}
		}
		/* The modifying forms: a run of each kind, then the map must match. */
		for (unsigned l = 1; l < NLENS; l += 2) {
			size_t n = len_for(&m, l), hint = m.nbits ? tb_below(&rng, m.nbits) : 0, w;

			build_fit(false, n, 0, 0);
			w = fit_wrap(hint);
			TB_EQ(t, &m, bm_find_zero_run_and_set(m.w, m.nbits, hint, n), w,
			      "and_set hint=%zu n=%zu", hint, n);
			if (w < m.nbits)
				model_fill(want, w, n, true);
			TB_MAP_EQ(t, &m, want, "find_zero_run_and_set", "hint=%zu n=%zu", hint, n);
			model_run_lengths(m.w, m.nbits, false, len[0]);
			model_run_lengths(m.w, m.nbits, true, len[1]);

			build_fit(true, n, 0, 0);
			w = fit_wrap(hint);
			TB_EQ(t, &m, bm_find_set_run_and_clear(m.w, m.nbits, hint, n), w,
			      "and_clear hint=%zu n=%zu", hint, n);
			if (w < m.nbits)
				model_fill(want, w, n, false);
			TB_MAP_EQ(t, &m, want, "find_set_run_and_clear", "hint=%zu n=%zu", hint, n);
			model_run_lengths(m.w, m.nbits, false, len[0]);
			model_run_lengths(m.w, m.nbits, true, len[1]);
		}
		TB_EQ(t, &m, tb_tail_ok(&m), true, "tail%s", "");
	}
}

/* Allocation-style searches form their own suite, so each stays quick under QEMU. */

KTEST(bitmap_alloc, zero_area_alignment)
{
	/* Mask 0 is the plain run search, tested above. */
	const size_t masks[] = { 1, 7, 63, 127 }, offsets[] = { 0, 5, 67, 3 };

	for (size_t v = 0; v < TB_VARIANTS; v++) {
		make(v);
		for (unsigned l = 0; l < NLENS; l += 2) {
			size_t n = len_for(&m, l);

			for (unsigned a = 0; a < 4; a++) {
				build_fit(false, n, masks[a], offsets[a]);
				for (unsigned k = 0; k < TB_NSTARTS; k++) {
					size_t s = starts[k];

					TB_EQ(t, &m,
					      bm_find_zero_area(m.w, m.nbits, s, n, masks[a], offsets[a]),
					      fit_from(s), "start=%zu n=%zu mask=%zu offset=%zu",
					      s, n, masks[a], offsets[a]);
				}
			}
		}
	}
}

/* The model of bm_alloc_pow2's search: aligned relative to start, inside [start, end). */
static size_t model_pow2(size_t start, size_t end, size_t n)
{
	size_t p = 1;

	while (p < n)
		p *= 2;
	if (end > m.nbits)
		end = m.nbits;
	for (size_t s = start; s < end; s += p)
		if (n && len[0][s] >= n && s + n <= end)
			return s;
	return m.nbits;
}

KTEST(bitmap_alloc, alloc_pow2)
{
	for (size_t v = 0; v < TB_VARIANTS; v++) {
		uint64_t rng = v;

		make(v);
		for (unsigned k = 0; k < 40; k++) {
			size_t start = k < 4 ? k : tb_start(&m, k % TB_NSTARTS, &rng);
			size_t end = k % 3 == 0 ? m.nbits + k : start + tb_below(&rng, 300);
			size_t n = k % 5 == 0 ? len_for(&m, k % NLENS) : 1 + tb_below(&rng, 20);
			size_t w = model_pow2(start, end, n);

			TB_EQ(t, &m, bm_alloc_pow2(m.w, m.nbits, start, end, n), w,
			      "start=%zu end=%zu n=%zu", start, end, n);
			if (w < m.nbits) {
				model_fill(want, w, n, true);
				model_run_lengths(m.w, m.nbits, false, len[0]);
			}
			TB_MAP_EQ(t, &m, want, "alloc_pow2", "start=%zu end=%zu n=%zu", start, end, n);
		}
		TB_EQ(t, &m, tb_tail_ok(&m), true, "tail%s", "");
	}
}

KTEST(bitmap_alloc, regions)
{
	for (size_t v = 0; v < TB_VARIANTS; v++) {
		uint64_t rng = v;

		make(v);
		for (unsigned order = 0; order < 9; order++) {
			size_t size = (size_t)1 << order, w = m.nbits, pos;
			int err;

			for (size_t s = 0; s + size <= m.nbits && w == m.nbits; s += size)
				if (len[0][s] >= size)
					w = s;
			TB_EQ(t, &m, bm_find_region(m.w, m.nbits, order), w, "order=%u", order);
			if (w < m.nbits)
				model_fill(want, w, size, true);
			TB_MAP_EQ(t, &m, want, "find_region", "order=%u", order);

			/* A random aligned block: busy unless all clear; then give it back. */
			pos = m.nbits ? tb_below(&rng, m.nbits) & ~(size - 1) : 0;
			err = -BM_EINVAL;
			if (pos + size <= m.nbits)
				err = model_all(m.w, pos, size, false) ? 0 : -BM_EBUSY;
			TB_EQ(t, &m, (size_t)-bm_alloc_region(m.w, m.nbits, pos, order), (size_t)-err,
			      "alloc pos=%zu order=%u", pos, order);
			if (err == 0)
				model_fill(want, pos, size, true);
			TB_MAP_EQ(t, &m, want, "alloc_region", "pos=%zu order=%u", pos, order);
			if (err != -BM_EINVAL) {
				TB_EQ(t, &m, (size_t)-bm_release_region(m.w, m.nbits, pos, order), 0,
				      "release pos=%zu order=%u", pos, order);
				model_fill(want, pos, size, false);
			}
			TB_MAP_EQ(t, &m, want, "release_region", "pos=%zu order=%u", pos, order);
			model_run_lengths(m.w, m.nbits, false, len[0]);
		}
		/* Misaligned, outside and absurd orders are refused and change nothing. */
		TB_EQ(t, &m, (size_t)-bm_alloc_region(m.w, m.nbits, 1, 1), BM_EINVAL, "%s", "misaligned");
		TB_EQ(t, &m, (size_t)-bm_release_region(m.w, m.nbits, m.nbits, 0), BM_EINVAL, "%s", "outside");
		TB_EQ(t, &m, (size_t)-bm_alloc_region(m.w, m.nbits, 0, 64), BM_EINVAL, "%s", "order 64");
		TB_EQ(t, &m, bm_find_region(m.w, m.nbits, 200), m.nbits, "%s", "order 200");
		TB_MAP_EQ(t, &m, want, "refused regions", "%s", "");
	}
}

KTEST(bitmap_alloc, release_if_set)
{
	for (size_t v = 0; v < TB_VARIANTS; v++) {
		uint64_t rng = v;

		make(v);
		for (unsigned k = 0; k < TB_NSTARTS; k++) {
			size_t s = tb_start(&m, k, &rng), n = len_for(&m, k % NLENS);
			size_t err = BM_ERANGE;

			if (bm__range_ok(m.nbits, s, n))
				err = model_all(m.w, s, n, true) ? 0 : BM_EINVAL;
			/* Half the time make the range all set, so the success path runs. */
			if (err == BM_EINVAL && (k & 1)) {
				bm_set_range(m.w, s, n);
				model_fill(want, s, n, true);
				err = 0;
			}
			TB_EQ(t, &m, (size_t)-bm_release_if_set(m.w, m.nbits, s, n), err,
			      "start=%zu n=%zu", s, n);
			if (err == 0)
				model_fill(want, s, n, false);
			TB_MAP_EQ(t, &m, want, "release_if_set", "start=%zu n=%zu", s, n);
		}
	}
}

KTEST(bitmap_runs, longest_next_prev)
{
	for (size_t v = 0; v < TB_VARIANTS; v++) {
		uint64_t rng = v;
		size_t best = 0, at, got_at;

		make(v);
		at = m.nbits;
		for (size_t s = 0; s < m.nbits; s++)
			if (len[0][s] > best && (s == 0 || model_get(m.w, s - 1))) {
				best = len[0][s];
				at = s;
			}
		TB_EQ(t, &m, bm_longest_zero_run(m.w, m.nbits, &got_at), best, "%s", "length");
		TB_EQ(t, &m, got_at, at, "%s", "start");
		for (unsigned k = 0; k < TB_NSTARTS; k++) {
			size_t from = tb_start(&m, k, &rng), s, e, n;

			s = model_next(m.w, m.nbits, from < m.nbits ? from : m.nbits, false);
			n = bm_next_zero_run(m.w, m.nbits, from, &got_at);
			TB_EQ(t, &m, n, s < m.nbits ? len[0][s] : 0, "next from=%zu", from);
			TB_EQ(t, &m, got_at, s, "next from=%zu", from);

			e = model_prev(m.w, m.nbits, from, false);
			for (s = e; s < m.nbits && s > 0 && !model_get(m.w, s - 1);)
				s--;
			n = bm_prev_zero_run(m.w, m.nbits, from, &got_at);
			TB_EQ(t, &m, n, e < m.nbits ? e + 1 - s : 0, "prev from=%zu", from);
			TB_EQ(t, &m, got_at, e < m.nbits ? s : m.nbits, "prev from=%zu", from);
		}
	}
}

/* The model's clear runs, in index order; returns how many. */
static size_t model_runs(struct bm_run *runs)
{
	size_t count = 0;

	for (size_t s = 0; s < m.nbits; s++)
		if (len[0][s] && (s == 0 || model_get(m.w, s - 1)))
			runs[count++] = (struct bm_run){ s, len[0][s] };
	return count;
}

KTEST(bitmap_runs, zero_runs_first_and_longest)
{
	static struct bm_run all[TB_MAXBITS], got[TB_MAXBITS];
	const size_t ns[] = { 1, 3, 100, TB_MAXBITS };

	for (size_t v = 0; v < TB_VARIANTS; v++) {
		size_t total;

		make(v);
		total = model_runs(all);
		for (unsigned k = 0; k < 4; k++) {
			size_t n = ns[k], c, want_c = n < total ? n : total;
			size_t last_len = ~(size_t)0, last_start = 0, longer = 0;

			c = bm_zero_runs(m.w, m.nbits, got, n, false);
			TB_EQ(t, &m, c, want_c, "first n=%zu", n);
			for (size_t r = 0; r < c && r < want_c; r++) {
				TB_EQ(t, &m, got[r].start, all[r].start, "first n=%zu run %zu", n, r);
				TB_EQ(t, &m, got[r].len, all[r].len, "first n=%zu run %zu", n, r);
			}

			/*
			 * Longest: sorted by length (ties by index), each a real run, and no
			 * left-out run longer than the shortest kept.
			 */
			c = bm_zero_runs(m.w, m.nbits, got, n, true);
			TB_EQ(t, &m, c, want_c, "longest n=%zu", n);
			for (size_t r = 0; r < c; r++) {
				bool sorted = got[r].len < last_len ||
					      (got[r].len == last_len && got[r].start > last_start);

				TB_EQ(t, &m, sorted, true, "longest n=%zu run %zu", n, r);
				TB_EQ(t, &m, got[r].start < m.nbits ? len[0][got[r].start] : 0, got[r].len,
				      "longest n=%zu run %zu at %zu", n, r, got[r].start);
				last_len = got[r].len;
				last_start = got[r].start;
			}
			for (size_t r = 0; r < total && c; r++)
				longer += all[r].len > got[c - 1].len;
			TB_EQ(t, &m, c ? longer < c : total == 0, true, "longest n=%zu: runs longer than the last kept", n);
		}
	}
}

KTEST(bitmap_alloc, claim_single_thread_matches_model)
{
	static size_t order[TB_MAXBITS];

	for (size_t v = 0; v < TB_VARIANTS; v++) {
		uint64_t rng = v;
		size_t hint, n;

		make(v);
		hint = m.nbits ? tb_below(&rng, m.nbits) : 0;
		/* From a fixed hint: the clear bits of [hint, nbits), then of [0, hint). */
		n = 0;
		for (size_t i = hint; i < m.nbits; i++)
			if (!model_get(m.w, i))
				order[n++] = i;
		for (size_t i = 0; i < hint; i++)
			if (!model_get(m.w, i))
				order[n++] = i;
		for (size_t k = 0; k <= n; k++) {
			size_t w = k < n ? order[k] : m.nbits;

			TB_EQ(t, &m, bm_claim_from_atomic(m.w, m.nbits, hint), w,
			      "claim #%zu from hint=%zu", k, hint);
			if (w < m.nbits)
				model_put(want, w, true);
		}
		TB_MAP_EQ(t, &m, want, "claims", "hint=%zu", hint);
		if (m.nbits) {
			size_t i = tb_below(&rng, m.nbits);

			bm_release_atomic(m.w, i);
			TB_EQ(t, &m, bm_claim_atomic(m.w, m.nbits), i, "reclaim after release of %zu", i);
		}
		TB_EQ(t, &m, bm_claim_atomic(m.w, m.nbits), m.nbits, "claim on a full map%s", "");
		TB_EQ(t, &m, tb_tail_ok(&m), true, "tail%s", "");
	}
}

/* Hints at the edges: just past bit 0, and past the end of a full map. */
KTEST(bitmap_alloc, claim_from_edge_hints)
{
	uint64_t w[2];

	w[0] = ~(uint64_t)1 & ((1ull << 10) - 1);	/* 10 bits, only bit 0 clear */
	EXPECT_EQ(t, bm_claim_from_atomic(w, 10, 1), 0);	/* wraps round to bit 0 */
	EXPECT_EQ(t, w[0], (1ull << 10) - 1);
	/* Full: a hint past the end searches [0, nbits) only, the tail stays clear. */
	EXPECT_EQ(t, bm_claim_from_atomic(w, 10, 20), 10);
	EXPECT_EQ(t, bm_claim_from_atomic(w, 10, 10), 10);
	EXPECT_EQ(t, w[0], (1ull << 10) - 1);
	w[0] = 0;
	w[1] = 0;
	EXPECT_EQ(t, bm_claim_from_atomic(w, 100, 64), 64);
	EXPECT_EQ(t, bm_claim_from_atomic(w, 100, 1000), 0);
	EXPECT_EQ(t, bm_claim_atomic(w, 100), 1);
	EXPECT_EQ(t, bm_claim_atomic(w, 0), 0);
}

/*
 * bm_claim_and_atomic against the model: from a hint, each claim takes the
 * next bit set in both maps, [hint, nbits) before [0, hint), until none is
 * left. allow's tail is all ones, so a claim reaching into the tail shows.
 */
KTEST(bitmap_alloc, claim_and_single_thread_matches_model)
{
	static size_t order[TB_MAXBITS];
	static struct tb_map allow;

	for (size_t v = 0; v < TB_VARIANTS; v++) {
		uint64_t rng = v, allow_want[TB_MAXWORDS];
		size_t hint, from, n = 0, lost = 0;

		make(v);
		tb_make(&allow, m.nbits, (int)(v % TB_NPATTERNS), TB_TAIL_ONES, v + 1);
		for (size_t k = 0; k < BM_WORDS(m.nbits); k++)
			allow_want[k] = allow.w[k];
		hint = tb_below(&rng, m.nbits + 2);
		from = hint < m.nbits ? hint : 0;	/* nbits and nbits + 1: from 0 */
		for (size_t i = from; i < m.nbits; i++)
			if (model_get(m.w, i) && model_get(allow.w, i))
				order[n++] = i;
		for (size_t i = 0; i < from; i++)
			if (model_get(m.w, i) && model_get(allow.w, i))
				order[n++] = i;
		for (size_t k = 0; k <= n; k++) {
			size_t w = k < n ? order[k] : m.nbits;

			TB_EQ(t, &m, bm_claim_and_atomic(m.w, allow.w, m.nbits, hint, &lost), w,
			      "claim_and #%zu from hint=%zu", k, hint);
			if (w < m.nbits)
				model_put(want, w, false);
		}
		TB_EQ(t, &m, lost, 0, "lost races, one thread%s", "");
		TB_MAP_EQ(t, &m, want, "claim_and", "hint=%zu", hint);
		TB_EQ(t, &m, tb_tail_ok(&m), true, "tail%s", "");
		TB_EQ(t, &allow, model_diff(allow.w, allow_want, BM_WORDS(m.nbits) * 64),
		      BM_WORDS(m.nbits) * 64, "allow is only read%s", "");
	}
}

/* Only bits set in both: a bit set in one map alone is never taken; NULL lost is allowed. */
KTEST(bitmap_alloc, claim_and_takes_only_common_bits)
{
	uint64_t idle[2] = { 0x2e, 1ull << 6 }, aff[2] = { 0x28, ~(uint64_t)0 };

	EXPECT_EQ(t, bm_claim_and_atomic(idle, aff, 128, 0, NULL), 3);
	EXPECT_EQ(t, bm_claim_and_atomic(idle, aff, 128, 4, NULL), 5);
	EXPECT_EQ(t, bm_claim_and_atomic(idle, aff, 128, 100, NULL), 70);
	EXPECT_EQ(t, bm_claim_and_atomic(idle, aff, 128, 0, NULL), 128);
	EXPECT_EQ(t, idle[0], 0x06);		/* 1 and 2: not in aff */
	EXPECT_EQ(t, idle[1], 0);
	EXPECT_EQ(t, bm_claim_and_atomic(idle, aff, 0, 0, NULL), 0);
}

/* Orders of 64 and more name no block a 64-bit index can reach: nbits, map unchanged. */
KTEST(bitmap_alloc, region_of_order_64_is_refused)
{
	uint64_t w[2] = { 0, 0 };

	EXPECT_EQ(t, bm_find_region(w, 128, 64), 128);
	EXPECT_EQ(t, bm_find_region(w, 128, 200), 128);
	EXPECT_EQ(t, w[0], 0);
	EXPECT_EQ(t, bm_find_region(w, 128, 6), 0);
	EXPECT_EQ(t, w[0], ~(uint64_t)0);
}

/*
 * The n longest runs, longest first and equal lengths by index: with room
 * for one, the first of two equal runs stays. An array of exactly n is
 * enough, and n = 0 writes nothing.
 */
KTEST(bitmap_runs, longest_runs_keep_index_order_in_exact_arrays)
{
	/* clear runs: [1,3) [4,6) [7,10) [11,64) */
	uint64_t w[1] = { (1ull << 0) | (1ull << 3) | (1ull << 6) | (1ull << 10) };
	struct bm_run one[1], two[2];

	ASSERT_EQ(t, bm_zero_runs(w, 10, one, 1, true), 1);
	EXPECT_EQ(t, one[0].start, 7);
	EXPECT_EQ(t, one[0].len, 3);
	ASSERT_EQ(t, bm_zero_runs(w, 7, one, 1, true), 1);	/* 1-2 and 4-5 tie */
	EXPECT_EQ(t, one[0].start, 1);
	ASSERT_EQ(t, bm_zero_runs(w, 64, two, 2, true), 2);
	EXPECT_EQ(t, two[0].start, 11);
	EXPECT_EQ(t, two[0].len, 53);
	EXPECT_EQ(t, two[1].start, 7);
	ASSERT_EQ(t, bm_zero_runs(w, 10, two, 2, true), 2);
	EXPECT_EQ(t, two[0].start, 7);
	EXPECT_EQ(t, two[1].start, 1);			/* the first of the two 2-bit runs */
	EXPECT_EQ(t, two[1].len, 2);
	EXPECT_EQ(t, bm_zero_runs(w, 64, NULL, 0, true), 0);
	EXPECT_EQ(t, bm_zero_runs(w, 64, NULL, 0, false), 0);
}

/*
 * Run searches on maps made of runs with lengths at the word edges of the
 * word-at-a-time passes (the carried run, the in-word and-shifts, the
 * whole-word probes): runs crossing one or several word boundaries, runs
 * ending exactly at nbits, n around 64 and 128, every start (so starts in
 * the middle of runs too). The answers come from a bit-by-bit loop over
 * the words written here, not from the library.
 */
#define EDGE_MAXBITS	1600

static uint64_t edge_map[BM_WORDS(EDGE_MAXBITS)];
static uint64_t edge_hstore[HBM_STORAGE_WORDS(EDGE_MAXBITS)];
/* edge_len[i]: clear bits (or set ones) starting at bit i, counted bit by bit. */
static size_t edge_len[EDGE_MAXBITS + 1];
static size_t edge_fit[EDGE_MAXBITS + 1];

static const size_t edge_runs[] = {
	1, 2, 7, 8, 9, 31, 33, 62, 63, 64, 65, 66, 126, 127, 128, 129, 130, 190, 191, 192, 193,
	257,
};
#define EDGE_NRUNS	(sizeof(edge_runs) / sizeof(edge_runs[0]))

/* Map k: alternating clear runs from edge_runs and short set runs, in an order drawn from k. */
static size_t edge_make(unsigned k)
{
	uint64_t rng = 0x5eed0000 + k;
	size_t nbits = 700 + tb_rand(&rng) % 900, i = 0;
	bool clear = k & 1;

	for (size_t w = 0; w < BM_WORDS(nbits); w++)
		edge_map[w] = ~(uint64_t)0;
	while (i < nbits) {
		size_t len = clear ? edge_runs[tb_rand(&rng) % EDGE_NRUNS] : 1 + tb_rand(&rng) % 3;

		if (!clear && tb_rand(&rng) % 4 == 0)
			len = 63 + tb_rand(&rng) % 3;
		if (len > nbits - i)
			len = nbits - i;
		for (size_t b = i; clear && b < i + len; b++)
			edge_map[b / 64] &= ~((uint64_t)1 << (b % 64));
		i += len;
		clear = !clear;
	}
	/* Every other map ends in a clear run reaching nbits exactly. */
	if (k & 2)
		for (size_t b = nbits - 1 - tb_rand(&rng) % 200; b < nbits; b++)
			edge_map[b / 64] &= ~((uint64_t)1 << (b % 64));
	/* The tail is set: a search must not take it for clear. */
	if (nbits % 64)
		edge_map[nbits / 64] |= ~(uint64_t)0 << (nbits % 64);
	return nbits;
}

/* edge_fit[s] = lowest i >= s with n bits equal to value from i and (i + off) & mask == 0, else nbits. */
static void edge_model(size_t nbits, bool value, size_t n, size_t mask, size_t off)
{
	edge_len[nbits] = 0;
	for (size_t i = nbits; i-- > 0;)
		edge_len[i] = ((edge_map[i / 64] >> (i % 64) & 1) == value) ? edge_len[i + 1] + 1 : 0;
	edge_fit[nbits] = nbits;
	for (size_t i = nbits; i-- > 0;)
		edge_fit[i] = edge_len[i] >= n && ((i + off) & mask) == 0 ? i : edge_fit[i + 1];
}

#define EDGE_EQ(t, got, want, what, k, nbits, s, n, mask) do {				\
	size_t edge_g_ = (got), edge_w_ = (want);					\
	if (edge_g_ != edge_w_) {							\
		ktest_fail_at((t), __FILE__, __LINE__,					\
			      "%s: expected %zu, got %zu (map %u, nbits=%zu, start=%zu, n=%zu, mask=%zu)", \
			      (what), edge_w_, edge_g_, (k), (nbits), (s), (n), (size_t)(mask)); \
		return;									\
	}										\
} while (0)

KTEST(bitmap_runs, run_search_word_edges)
{
	static const size_t ns[] = {
		1, 2, 8, 9, 62, 63, 64, 65, 126, 127, 128, 129, 190, 191, 192, 193, 256,
	};
	static const size_t masks[] = { 0, 1, 7, 63 };
	struct hbm h;

	for (unsigned k = 0; k < 8; k++) {
		size_t nbits = edge_make(k);

		hbm_init(&h, edge_hstore, nbits);
		for (size_t w = 0; w < BM_WORDS(nbits); w++)
			edge_hstore[w] = edge_map[w];
		hbm_rebuild(&h);
		for (unsigned a = 0; a < sizeof(ns) / sizeof(ns[0]); a++) {
			size_t n = ns[a];

			for (unsigned b = 0; b < sizeof(masks) / sizeof(masks[0]); b++) {
				size_t mask = masks[b], off = mask ? (k * 5 + a) & mask : 0;

				edge_model(nbits, false, n, mask, off);
				for (size_t s = 0; s <= nbits; s += 1 + (mask != 0)) {
					size_t want = edge_fit[s];

					EDGE_EQ(t, bm_find_zero_area(edge_map, nbits, s, n, mask, off), want,
						"bm_find_zero_area", k, nbits, s, n, mask);
					EDGE_EQ(t, hbm_find_zero_area(&h, s, n, mask, off), want,
						"hbm_find_zero_area", k, nbits, s, n, mask);
					if (mask)
						continue;
					EDGE_EQ(t, bm_find_zero_run(edge_map, nbits, s, n), want,
						"bm_find_zero_run", k, nbits, s, n, mask);
					EDGE_EQ(t, hbm_find_zero_run(&h, s, n), want,
						"hbm_find_zero_run", k, nbits, s, n, mask);
				}
			}
			/* Set runs: the same map inverted (the tail too, so now it is clear). */
			for (size_t w = 0; w < BM_WORDS(nbits); w++)
				edge_map[w] = ~edge_map[w];
			edge_model(nbits, true, n, 0, 0);
			for (size_t s = 0; s <= nbits; s++)
				EDGE_EQ(t, bm_find_set_run(edge_map, nbits, s, n), edge_fit[s],
					"bm_find_set_run", k, nbits, s, n, 0);
			for (size_t w = 0; w < BM_WORDS(nbits); w++)
				edge_map[w] = ~edge_map[w];
		}
	}
}

/*
 * bm_find_zero_area with a constant n <= 64 and a constant align_mask
 * searches start's word inline: each (n, mask) pair below is its own
 * inline copy. Every start of the edge maps, with the tail set (it must
 * not count as clear) and with it clear (a run found there lies past
 * nbits), against edge_model.
 */
#define AREA_CONST(N, MASK) do {							\
	size_t off_ = (MASK) ? (k * 3 + (N)) & (MASK) : 0;				\
	edge_model(nbits, false, (N), (MASK), off_);					\
	for (size_t s_ = 0; s_ <= nbits + 1; s_++)					\
		EDGE_EQ(t, bm_find_zero_area(edge_map, nbits, s_, (N), (MASK), off_),	\
			edge_fit[s_ < nbits ? s_ : nbits], "bm_find_zero_area (constant)",	\
			k, nbits, s_, (size_t)(N), (MASK));				\
	for (size_t s_ = 0; s_ <= nbits + 1; s_++)					\
		EDGE_EQ(t, hbm_find_zero_area(&h, s_, (N), (MASK), off_),		\
			edge_fit[s_ < nbits ? s_ : nbits], "hbm_find_zero_area (constant)", \
			k, nbits, s_, (size_t)(N), (MASK));				\
} while (0)

KTEST(bitmap_runs, constant_area_search_edges)
{
	for (unsigned k = 0; k < 16; k++) {
		size_t nbits = edge_make(k / 2);

		struct hbm h;

		if (k & 1 && nbits % 64)
			edge_map[nbits / 64] &= BM__LAST_MASK(nbits);
		/* The same bits in an hbm (which keeps its tail clear). */
		hbm_init(&h, edge_hstore, nbits);
		for (size_t w = 0; w < BM_WORDS(nbits); w++)
			edge_hstore[w] = edge_map[w];
		hbm_rebuild(&h);
		AREA_CONST(1, 0);
		AREA_CONST(1, 1);
		AREA_CONST(1, 63);
		AREA_CONST(2, 0);
		AREA_CONST(3, 3);
		AREA_CONST(8, 0);
		AREA_CONST(8, 7);
		AREA_CONST(9, 15);
		AREA_CONST(16, 15);
		AREA_CONST(63, 0);
		AREA_CONST(64, 0);
		AREA_CONST(64, 63);
		AREA_CONST(65, 0);
	}
}

/*
 * hbm_set_range / hbm_clear_range with a constant n: inline inside one
 * leaf word (n = 1 through hbm__write_bit), out of line across words. At
 * every start of the edge maps, set and clear alternating, the leaf words
 * match the flat map written bit by bit and hbm_check holds (summaries,
 * weight, tail).
 */
#define HBM_CONST_RANGES(N) do {							\
	for (size_t s_ = 0; s_ + (N) <= nbits; s_ += 1 + s_ % 3) {			\
		for (size_t b_ = s_; b_ < s_ + (N); b_++)				\
			edge_map[b_ / 64] = s_ & 1 ? edge_map[b_ / 64] | (uint64_t)1 << (b_ % 64) \
						   : edge_map[b_ / 64] & ~((uint64_t)1 << (b_ % 64)); \
		if (s_ & 1)								\
			hbm_set_range(&h, s_, (N));					\
		else									\
			hbm_clear_range(&h, s_, (N));					\
		for (size_t w_ = 0; w_ < BM_WORDS(nbits); w_++)				\
			EDGE_EQ(t, hbm__words(&h)[w_], edge_map[w_] & (w_ == BM_WORDS(nbits) - 1 ? BM__LAST_MASK(nbits) : ~(uint64_t)0), \
				"hbm constant range, leaf word", k, nbits, s_, (size_t)(N), 0); \
		EDGE_EQ(t, hbm_check(&h), true, "hbm constant range, hbm_check", k, nbits, s_, \
			(size_t)(N), 0);						\
	}										\
} while (0)

KTEST(bitmap_runs, hbm_constant_ranges)
{
	for (unsigned k = 0; k < 4; k++) {
		size_t nbits = edge_make(k);
		struct hbm h;

		hbm_init(&h, edge_hstore, nbits);
		for (size_t w = 0; w < BM_WORDS(nbits); w++)
			edge_hstore[w] = edge_map[w];
		hbm_rebuild(&h);
		HBM_CONST_RANGES(1);
		HBM_CONST_RANGES(3);
		HBM_CONST_RANGES(8);
		HBM_CONST_RANGES(64);
		HBM_CONST_RANGES(70);
	}
}

/*
 * bm_alloc_pow2 and bm_release_if_set with a constant n (inline for n <=
 * 64) against model_pow2 and a bit-by-bit check of the range.
 */
#define POW2_CONST(N) do {								\
	size_t st_ = k < 4 ? k : tb_start(&m, k % TB_NSTARTS, &rng);			\
	size_t en_ = k % 3 == 0 ? m.nbits + k : st_ + tb_below(&rng, 300);		\
	size_t w_ = model_pow2(st_, en_, (N)), r_ = tb_below(&rng, m.nbits + 2), e_;	\
	bool all_ = true;								\
	TB_EQ(t, &m, bm_alloc_pow2(m.w, m.nbits, st_, en_, (N)), w_,			\
	      "constant: start=%zu end=%zu n=%d", st_, en_, (N));			\
	if (w_ < m.nbits) {								\
		model_fill(want, w_, (N), true);					\
		model_run_lengths(m.w, m.nbits, false, len[0]);				\
	}										\
	TB_MAP_EQ(t, &m, want, "alloc_pow2 (constant)", "start=%zu n=%d", st_, (N));	\
	for (size_t b_ = r_; b_ < r_ + (N) && b_ < m.nbits; b_++)			\
		all_ &= model_get(want, b_);						\
	e_ = !bm__range_ok(m.nbits, r_, (N)) ? BM_ERANGE : !all_ ? BM_EINVAL : 0;	\
	TB_EQ(t, &m, (size_t)-bm_release_if_set(m.w, m.nbits, r_, (N)), e_,		\
	      "constant release: start=%zu n=%d", r_, (N));				\
	if (!e_) {									\
		model_fill(want, r_, (N), false);					\
		model_run_lengths(m.w, m.nbits, false, len[0]);				\
	}										\
	TB_MAP_EQ(t, &m, want, "release_if_set (constant)", "start=%zu n=%d", r_, (N));	\
} while (0)

KTEST(bitmap_alloc, constant_alloc_pow2_and_release)
{
	for (size_t v = 0; v < TB_VARIANTS; v++) {
		uint64_t rng = v;

		make(v);
		for (unsigned k = 0; k < 40; k++) {
			POW2_CONST(1);
			POW2_CONST(2);
			POW2_CONST(3);
			POW2_CONST(8);
			POW2_CONST(33);
			POW2_CONST(64);
		}
		TB_EQ(t, &m, tb_tail_ok(&m), true, "tail%s", "");
	}
}

/* Hand-worked: a full 100-bit hbm has no clear bit; its tail (bits 100-127) is clear but not free. */
KTEST(bitmap_runs, hbm_constant_area_full_map)
{
	static uint64_t store[HBM_STORAGE_WORDS(100)];
	struct hbm h;

	hbm_init_full(&h, store, 100);
	EXPECT_EQ(t, hbm_find_zero_area(&h, 10, 1, 0, 0), 100);
	EXPECT_EQ(t, hbm_find_zero_area(&h, 70, 1, 0, 0), 100);
	EXPECT_EQ(t, hbm_find_zero_area(&h, 10, 8, 7, 0), 100);
	hbm_clear(&h, 99);
	EXPECT_EQ(t, hbm_find_zero_area(&h, 10, 1, 0, 0), 99);
	EXPECT_EQ(t, hbm_find_zero_area(&h, 99, 1, 0, 0), 99);
	EXPECT_EQ(t, hbm_find_zero_area(&h, 99, 2, 0, 0), 100);
	hbm_clear(&h, 64);
	EXPECT_EQ(t, hbm_find_zero_area(&h, 10, 1, 0, 0), 64);
	EXPECT_EQ(t, hbm_find_zero_area(&h, 10, 1, 1, 1), 99);
}

/*
 * A wide alignment (mask 127) whose first candidate fails at the bit just
 * below the next aligned index: the search must resume right after that
 * bit. Worked by hand: bit 127 set, 200 clear bits needed, so [0, 200)
 * fails at 127 and the answer is 128 ([128, 328) is clear).
 */
KTEST(bitmap_alloc, wide_alignment_resumes_after_the_blocking_bit)
{
	static uint64_t map[BM_WORDS(1024)];
	static uint64_t store[HBM_STORAGE_WORDS(1024)];
	struct hbm h;

	bm_zero(map, 1024);
	bm_set(map, 127);
	EXPECT_EQ(t, bm_find_zero_area(map, 1024, 0, 200, 127, 0), 128);
	hbm_init(&h, store, 1024);
	hbm_set(&h, 127);
	EXPECT_EQ(t, hbm_find_zero_area(&h, 0, 200, 127, 0), 128);
}

/*
 * n = 190 fits a run holding a single whole word: 63 + 64 + 63 bits, here
 * [129, 319) with word 3 whole. A search may skip no word there. Worked
 * by hand: 190 bits are found at 129, 191 nowhere.
 */
KTEST(bitmap_runs, run_of_190_holds_one_whole_word)
{
	static uint64_t map[BM_WORDS(1024)];
	static uint64_t store[HBM_STORAGE_WORDS(1024)];
	struct hbm h;

	bm_fill(map, 1024);
	bm_clear_range(map, 129, 190);
	EXPECT_EQ(t, bm_find_zero_run(map, 1024, 0, 190), 129);
	EXPECT_EQ(t, bm_find_zero_run(map, 1024, 0, 191), 1024);
	hbm_init_full(&h, store, 1024);
	hbm_clear_range(&h, 129, 190);
	EXPECT_EQ(t, hbm_find_zero_run(&h, 0, 190), 129);
	EXPECT_EQ(t, hbm_find_zero_run(&h, 0, 191), 1024);
}
