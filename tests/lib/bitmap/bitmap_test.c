// SPDX-License-Identifier: MIT
/* Tests of single-bit, atomic, range, atomic range, snapshot, count, predicate, logic and shift operations. */
#include <bitmap/bitmap.h>
#include <kernel/ktest.h>

#include "harness.h"
#include "model.h"

static struct tb_map m, m2, m3;
static uint64_t want[TB_MAXWORDS];

/* want = m's words, so writers can be replayed on the model. */
static void want_from(const struct tb_map *src)
{
	for (size_t k = 0; k < BM_WORDS(src->nbits); k++)
		want[k] = src->w[k];
}

/* An index in [0, nbits) from start k, or nbits when k names none. */
static size_t index_for(const struct tb_map *mp, unsigned k, uint64_t *rng)
{
	size_t i = tb_start(mp, k, rng);

	return i < mp->nbits ? i : mp->nbits;
}

KTEST(bitmap, single_bits_match_model)
{
	for (size_t v = 0; v < TB_VARIANTS; v++) {
		uint64_t rng = v;

		tb_make_variant(&m, v);
		want_from(&m);
		for (unsigned k = 0; k < TB_NSTARTS; k++) {
			size_t i = index_for(&m, k, &rng);
			bool old;

			if (i >= m.nbits)
				continue;
			old = model_get(want, i);
			TB_EQ(t, &m, bm_test(m.w, i), old, "i=%zu", i);
			TB_EQ(t, &m, bm_test_checked(m.w, m.nbits, i), old, "i=%zu", i);
			TB_EQ(t, &m, bm_test_and_change(m.w, i), old, "i=%zu", i);
			TB_EQ(t, &m, bm_test(m.w, i), !old, "after change, i=%zu", i);
			bm_change(m.w, i);
			TB_EQ(t, &m, bm_test_and_set(m.w, i), old, "i=%zu", i);
			TB_EQ(t, &m, bm_test_and_clear(m.w, i), true, "i=%zu", i);
			bm_set(m.w, i);
			TB_EQ(t, &m, bm_test(m.w, i), true, "after set, i=%zu", i);
			bm_clear(m.w, i);
			TB_EQ(t, &m, bm_test(m.w, i), false, "after clear, i=%zu", i);
			bm_assign(m.w, i, old);
			TB_MAP_EQ(t, &m, want, "single-bit round trip", "i=%zu", i);
		}
		TB_EQ(t, &m, tb_tail_ok(&m), true, "tail after single bits%s", "");
	}
}

KTEST(bitmap, single_bits_flip_only_their_bit)
{
	for (size_t v = 0; v < TB_VARIANTS; v++) {
		uint64_t rng = v;

		tb_make_variant(&m, v);
		for (unsigned k = 0; k < TB_NSTARTS; k++) {
			size_t i = index_for(&m, k, &rng);

			if (i >= m.nbits)
				continue;
			want_from(&m);
			model_put(want, i, !model_get(want, i));
			bm_change(m.w, i);
			TB_MAP_EQ(t, &m, want, "bm_change", "i=%zu", i);
			model_put(want, i, true);
			bm_set(m.w, i);
			TB_MAP_EQ(t, &m, want, "bm_set", "i=%zu", i);
			model_put(want, i, false);
			bm_assign(m.w, i, false);
			TB_MAP_EQ(t, &m, want, "bm_assign", "i=%zu", i);
		}
		TB_EQ(t, &m, tb_tail_ok(&m), true, "tail after single bits%s", "");
	}
}

KTEST(bitmap, checked_bits_refuse_out_of_range)
{
	const size_t bad[] = { 0, 1, 64, 4096, ~(size_t)0 };

	for (size_t v = 0; v < TB_VARIANTS; v++) {
		tb_make_variant(&m, v);
		want_from(&m);
		for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
			size_t i = m.nbits + bad[k];

			if (i < m.nbits)
				i = ~(size_t)0;
			TB_EQ(t, &m, bm_test_checked(m.w, m.nbits, i), false, "i=%zu", i);
			TB_EQ(t, &m, (size_t)-bm_set_checked(m.w, m.nbits, i), BM_ERANGE, "i=%zu", i);
			TB_EQ(t, &m, (size_t)-bm_clear_checked(m.w, m.nbits, i), BM_ERANGE, "i=%zu", i);
		}
		TB_MAP_EQ(t, &m, want, "refused checked ops", "%s", "");
		TB_EQ(t, &m, tb_tail_ok(&m), true, "tail%s", "");
	}
}

KTEST(bitmap, atomic_bits_match_model)
{
	for (size_t v = 0; v < TB_VARIANTS; v++) {
		uint64_t rng = v;

		tb_make_variant(&m, v);
		want_from(&m);
		for (unsigned k = 0; k < TB_NSTARTS; k++) {
			size_t i = index_for(&m, k, &rng);
			bool old;

			if (i >= m.nbits)
				continue;
			old = model_get(want, i);
			TB_EQ(t, &m, bm_test_atomic(m.w, i), old, "i=%zu", i);
			TB_EQ(t, &m, bm_test_and_change_atomic(m.w, i), old, "i=%zu", i);
			TB_EQ(t, &m, bm_test_atomic(m.w, i), !old, "i=%zu", i);
			bm_change_atomic(m.w, i);
			TB_EQ(t, &m, bm_test_and_set_atomic(m.w, i), old, "i=%zu", i);
			TB_EQ(t, &m, bm_test_and_set_atomic(m.w, i), true, "i=%zu", i);
			TB_EQ(t, &m, bm_test_and_clear_atomic(m.w, i), true, "i=%zu", i);
			TB_EQ(t, &m, bm_test_and_clear_atomic(m.w, i), false, "i=%zu", i);
			bm_set_atomic(m.w, i);
			TB_EQ(t, &m, bm_test(m.w, i), true, "after set_atomic, i=%zu", i);
			bm_clear_atomic(m.w, i);
			TB_EQ(t, &m, bm_test(m.w, i), false, "after clear_atomic, i=%zu", i);
			if (old)
				bm_set_atomic(m.w, i);
			TB_MAP_EQ(t, &m, want, "atomic round trip", "i=%zu", i);
		}
		TB_EQ(t, &m, tb_tail_ok(&m), true, "tail after atomics%s", "");
	}
}

KTEST(bitmap, zero_fill_copy_init)
{
	for (size_t v = 0; v < TB_VARIANTS; v++) {
		size_t nw;

		tb_make_variant(&m, v);
		nw = BM_WORDS(m.nbits);
		bm_fill(m.w, m.nbits);
		TB_EQ(t, &m, model_count(m.w, 0, nw * 64, true), m.nbits, "fill: ones, tail zero%s", "");
		tb_guards_ok(t, &m, "bm_fill");
		bm_zero(m.w, m.nbits);
		TB_EQ(t, &m, model_count(m.w, 0, nw * 64, true), 0, "zero: no ones, tail zero%s", "");
		tb_guards_ok(t, &m, "bm_zero");
		tb_make_variant(&m, v);
		bm_init(m.w, m.nbits);
		TB_EQ(t, &m, model_count(m.w, 0, nw * 64, true), 0, "init%s", "");
		tb_guards_ok(t, &m, "bm_init");

		tb_make_variant(&m, v);
		tb_make(&m2, m.nbits, TB_HALF, TB_OTHER_TAIL(m.tail), 99);
		bm_copy(m2.w, m.w, m.nbits);
		/* Whole words: the tail comes along too. */
		TB_EQ(t, &m, model_diff(m2.w, m.w, nw * 64), nw * 64, "copy%s", "");
		tb_guards_ok(t, &m2, "bm_copy");
	}
}

/* (start, n) pair k for m: edge lengths from each edge start, then random. */
static void range_for(const struct tb_map *mp, unsigned k, uint64_t *rng, size_t *start, size_t *n)
{
	const size_t lens[] = { 0, 1, 2, 63, 64, 65, 130, 1000 };
	const unsigned nlens = sizeof(lens) / sizeof(lens[0]);

	*start = tb_start(mp, k / nlens, rng);
	*n = lens[k % nlens];
	if (k % nlens == nlens - 1 && *start < mp->nbits)
		*n = mp->nbits - *start;	/* up to the very end */
}

/* Every length from the edge starts and three random ones. */
#define NRANGES	(14 * 8)

KTEST(bitmap, set_and_clear_ranges)
{
	for (size_t v = 0; v < TB_VARIANTS; v++) {
		uint64_t rng = v;

		tb_make_variant(&m, v);
		for (unsigned k = 0; k < NRANGES; k++) {
			size_t s, n;
			bool ok;

			range_for(&m, k, &rng, &s, &n);
			ok = bm__range_ok(m.nbits, s, n);
			want_from(&m);
			if (ok)
				model_fill(want, s, n, k & 1);
			if (k & 1)
				TB_EQ(t, &m, (size_t)-bm_set_range_checked(m.w, m.nbits, s, n),
				      ok ? 0 : BM_ERANGE, "start=%zu n=%zu", s, n);
			else
				TB_EQ(t, &m, (size_t)-bm_clear_range_checked(m.w, m.nbits, s, n),
				      ok ? 0 : BM_ERANGE, "start=%zu n=%zu", s, n);
			TB_MAP_EQ(t, &m, want, "checked range", "start=%zu n=%zu", s, n);
			if (!ok)
				continue;
			model_fill(want, s, n, !(k & 1));
			if (k & 1)
				bm_clear_range(m.w, s, n);
			else
				bm_set_range(m.w, s, n);
			TB_MAP_EQ(t, &m, want, "range", "start=%zu n=%zu", s, n);
		}
		TB_EQ(t, &m, tb_tail_ok(&m), true, "tail after ranges%s", "");
	}
}

/*
 * A constant n takes bm_set_range / bm_clear_range's inline path when the
 * range stays in start's word, the call otherwise: every start of a
 * 4-word map (ranges inside a word, ending at a word's top bit, crossing
 * one, ending at nbits), set and clear alternating, against model_fill.
 */
#define CONST_RANGES(N) do {								\
	for (size_t s_ = 0; s_ + (N) <= m.nbits; s_++) {				\
		want_from(&m);								\
		model_fill(want, s_, (N), s_ & 1);					\
		if (s_ & 1)								\
			bm_set_range(m.w, s_, (N));					\
		else									\
			bm_clear_range(m.w, s_, (N));					\
		TB_MAP_EQ(t, &m, want, "constant range", "start=%zu n=%d", s_, (N));	\
	}										\
} while (0)

KTEST(bitmap, constant_ranges_at_every_start)
{
	tb_make(&m, 253, TB_HALF, 1, 11);
	CONST_RANGES(1);
	CONST_RANGES(2);
	CONST_RANGES(7);
	CONST_RANGES(8);
	CONST_RANGES(63);
	CONST_RANGES(64);
	CONST_RANGES(65);
	TB_EQ(t, &m, tb_tail_ok(&m), true, "tail after constant ranges%s", "");
	/* A constant range wrapping past SIZE_MAX writes nothing, as a variable one. */
	want_from(&m);
	bm_set_range(m.w, ~(size_t)0 - 1, 2);
	bm_clear_range(m.w, ~(size_t)0 - 62, 63);
	TB_MAP_EQ(t, &m, want, "wrapping constant ranges", "%s", "");
}

KTEST(bitmap, unchecked_ranges_ignore_empty_and_overflowing)
{
	tb_make(&m, 128, TB_HALF, false, 7);
	want_from(&m);
	bm_set_range(m.w, 5, 0);
	bm_clear_range(m.w, ~(size_t)0 - 1, 5);
	bm_set_range(m.w, ~(size_t)0, ~(size_t)0);
	EXPECT_EQ(t, bm_weight_range(m.w, ~(size_t)0 - 1, 5), 0);
	EXPECT_EQ(t, bm_weight_range(m.w, 3, 0), 0);
	EXPECT_EQ(t, bm_weight_range(m.w, 0, 0), 0);	/* no word at all, not word 0 to the end */
	EXPECT_EQ(t, bm_weight_range(m.w, 64, 0), 0);
	TB_MAP_EQ(t, &m, want, "empty/overflowing ranges", "%s", "");
}

/* ------------------------------------------------------------ atomic ranges and snapshots */

/*
 * Range k's bits before an atomic range write: as made (k % 4 == 0), all
 * the other value so an all-or-nothing write succeeds (1), or that with
 * one bit of the written value planted at a random place (2) or at the
 * range's last bit (3), so a conflict lands past earlier words it must undo.
 */
static void prepare_range(struct tb_map *mp, unsigned k, uint64_t *rng, size_t s, size_t n,
			  bool set)
{
	size_t plant;

	if (k % 4 == 0)
		return;
	model_fill(mp->w, s, n, !set);
	if (k % 4 == 1)
		return;
	plant = k % 4 == 2 ? s + tb_below(rng, n) : s + n - 1;
	model_put(mp->w, plant, set);
}

KTEST(bitmap_atomic, range_atomics_match_model)
{
	for (size_t v = 0; v < TB_VARIANTS; v++) {
		uint64_t rng = v;

		tb_make_variant(&m, v);
		for (unsigned k = 0; k < NRANGES; k++) {
			size_t s, n;
			bool set = k & 1, none_had;

			range_for(&m, k, &rng, &s, &n);
			if (!bm__range_ok(m.nbits, s, n))
				continue;
			prepare_range(&m, k / 2, &rng, s, n, set);
			want_from(&m);
			/* No bit of the range held the value written: the model's search finds none. */
			none_had = model_next(want, s + n, s, set) == s + n;
			model_fill(want, s, n, set);
			if (set)
				TB_EQ(t, &m, bm_set_range_atomic(m.w, s, n), none_had, "start=%zu n=%zu", s, n);
			else
				TB_EQ(t, &m, bm_clear_range_atomic(m.w, s, n), none_had, "start=%zu n=%zu", s, n);
			TB_MAP_EQ(t, &m, want, set ? "set_range_atomic" : "clear_range_atomic",
				  "start=%zu n=%zu", s, n);
		}
		TB_EQ(t, &m, tb_tail_ok(&m), true, "tail after range atomics%s", "");
	}
}

KTEST(bitmap_atomic, range_atomics_ignore_empty_and_overflowing)
{
	tb_make(&m, 128, TB_HALF, false, 7);
	want_from(&m);
	EXPECT_TRUE(t, bm_set_range_atomic(m.w, 5, 0));
	EXPECT_TRUE(t, bm_clear_range_atomic(m.w, 64, 0));
	EXPECT_TRUE(t, bm_clear_range_atomic(m.w, ~(size_t)0 - 1, 5));
	EXPECT_TRUE(t, bm_set_range_atomic(m.w, ~(size_t)0, ~(size_t)0));
	TB_MAP_EQ(t, &m, want, "empty/overflowing atomic ranges", "%s", "");
}

/* The all-or-nothing writers against the model: done whole, or refused with the map as it was. */
KTEST(bitmap_atomic, all_or_nothing_ranges_match_model)
{
	for (size_t v = 0; v < TB_VARIANTS; v++) {
		uint64_t rng = v;

		tb_make_variant(&m, v);
		for (unsigned k = 0; k < NRANGES; k++) {
			size_t s, n, at = 0, conflict = 12345, want_conflict = 12345, want_err = 0;
			bool set = k & 1, ok;
			int err;

			range_for(&m, k, &rng, &s, &n);
			ok = bm__range_ok(m.nbits, s, n);
			if (ok)
				prepare_range(&m, k / 2, &rng, s, n, set);
			want_from(&m);
			if (!ok)
				want_err = BM_ERANGE;
			else if ((at = model_next(want, s + n, s, set)) < s + n) {
				want_err = set ? BM_EBUSY : BM_EINVAL;
				want_conflict = at;
			} else {
				model_fill(want, s, n, set);
			}
			err = set ? bm_set_range_if_clear_atomic(m.w, m.nbits, s, n, &conflict)
				  : bm_clear_range_if_set_atomic(m.w, m.nbits, s, n, &conflict);
			TB_EQ(t, &m, (size_t)-err, want_err, "%s start=%zu n=%zu",
			      set ? "set_if_clear" : "clear_if_set", s, n);
			TB_EQ(t, &m, conflict, want_conflict, "conflict: start=%zu n=%zu", s, n);
			TB_MAP_EQ(t, &m, want, set ? "set_range_if_clear" : "clear_range_if_set",
				  "start=%zu n=%zu", s, n);
		}
		TB_EQ(t, &m, tb_tail_ok(&m), true, "tail after all-or-nothing ranges%s", "");
	}
}

/* A conflict in the last word undoes the words before it, and only the bits this call wrote. */
KTEST(bitmap_atomic, all_or_nothing_undoes_earlier_words)
{
	uint64_t w[4] = { 0, 0, 0, 0 };
	size_t at = 0;

	w[0] = 1ull << 3;			/* outside the range: kept */
	w[2] = 1ull << 9;			/* bit 137: the conflict */
	EXPECT_EQ(t, bm_set_range_if_clear_atomic(w, 256, 10, 200, &at), -BM_EBUSY);
	EXPECT_EQ(t, at, 137);
	EXPECT_EQ(t, w[0], 1ull << 3);
	EXPECT_EQ(t, w[1], 0);
	EXPECT_EQ(t, w[2], 1ull << 9);
	EXPECT_EQ(t, w[3], 0);
	w[0] = w[1] = w[2] = w[3] = ~(uint64_t)0;
	w[3] &= ~(1ull << 63);			/* bit 255 clear: the last bit of the range */
	EXPECT_EQ(t, bm_clear_range_if_set_atomic(w, 256, 1, 255, &at), -BM_EINVAL);
	EXPECT_EQ(t, at, 255);
	EXPECT_EQ(t, w[0], ~(uint64_t)0);
	EXPECT_EQ(t, w[1], ~(uint64_t)0);
	EXPECT_EQ(t, w[3], ~(uint64_t)0 >> 1);
	EXPECT_EQ(t, bm_clear_range_if_set_atomic(w, 256, 1, 254, &at), 0);
	EXPECT_EQ(t, w[0], 1);
	EXPECT_EQ(t, w[3], 0);
	EXPECT_EQ(t, bm_clear_range_if_set_atomic(w, 256, 0, 257, &at), -BM_ERANGE);
	EXPECT_EQ(t, bm_set_range_if_clear_atomic(w, 256, 256, 1, &at), -BM_ERANGE);
	EXPECT_EQ(t, bm_set_range_if_clear_atomic(w, 256, 3, 0, &at), -BM_ERANGE);
	EXPECT_EQ(t, w[0], 1);
}

KTEST(bitmap_atomic, snapshot_copies_whole_words)
{
	for (size_t v = 0; v < TB_VARIANTS; v++) {
		size_t nw;

		tb_make_variant(&m, v);
		want_from(&m);
		nw = BM_WORDS(m.nbits);
		tb_make(&m2, m.nbits, TB_HALF, TB_OTHER_TAIL(m.tail), 99);
		/* The word after the source differs from m2's guard: copying one word more shows. */
		m.w[nw] = ~TB_GUARD;
		bm_snapshot_atomic(m2.w, m.w, m.nbits);
		m.w[nw] = TB_GUARD;
		/* As bm_copy: whole words, the tail included, and the source untouched. */
		TB_EQ(t, &m, model_diff(m2.w, m.w, nw * 64), nw * 64, "snapshot%s", "");
		tb_guards_ok(t, &m2, "bm_snapshot_atomic");
		TB_MAP_EQ(t, &m, want, "snapshot source", "%s", "");
	}
}

/* Whole-map predicates read BM_WORDS(nbits) words and not one more. */
KTEST(bitmap, predicates_stop_at_the_last_word)
{
	struct { uint64_t w[1]; uint64_t after; } a = { { 0 }, ~(uint64_t)0 };
	struct { uint64_t w[1]; uint64_t after; } b = { { 0 }, 0 };

	EXPECT_TRUE(t, bm_subset(a.w, b.w, 64));
	EXPECT_TRUE(t, bm_equal(a.w, b.w, 64));
	EXPECT_FALSE(t, bm_intersects(a.w, a.w, 64));
	EXPECT_EQ(t, bm_weight(a.w, 64), 0);
	EXPECT_TRUE(t, bm_empty(a.w, 64));
}

KTEST(bitmap, weights)
{
	for (size_t v = 0; v < TB_VARIANTS; v++) {
		uint64_t rng = v;

		tb_make_variant(&m, v);
		TB_EQ(t, &m, bm_weight(m.w, m.nbits), model_count(m.w, 0, m.nbits, true), "%s", "");
		for (unsigned k = 0; k < NRANGES; k++) {
			size_t s, n;

			range_for(&m, k, &rng, &s, &n);
			if (!bm__range_ok(m.nbits, s, n))
				continue;
			TB_EQ(t, &m, bm_weight_range(m.w, s, n), model_count(m.w, s, s + n, true),
			      "start=%zu n=%zu", s, n);
		}
	}
}

KTEST(bitmap, range_predicates)
{
	for (size_t v = 0; v < TB_VARIANTS; v++) {
		uint64_t rng = v;

		tb_make_variant(&m, v);
		for (unsigned k = 0; k < NRANGES; k++) {
			size_t s, n;
			bool ok;

			range_for(&m, k, &rng, &s, &n);
			ok = bm__range_ok(m.nbits, s, n);
			TB_EQ(t, &m, bm_range_is_set(m.w, m.nbits, s, n), ok && model_all(m.w, s, n, true),
			      "start=%zu n=%zu", s, n);
			TB_EQ(t, &m, bm_range_is_clear(m.w, m.nbits, s, n),
			      ok && model_all(m.w, s, n, false), "start=%zu n=%zu", s, n);
		}
		/* Make the asked range uniform so "true" answers get exercised too. */
		if (m.nbits > 2) {
			size_t s = tb_below(&rng, m.nbits - 1), n = 1 + tb_below(&rng, m.nbits - s);

			bm_set_range(m.w, s, n);
			TB_EQ(t, &m, bm_range_is_set(m.w, m.nbits, s, n), true, "start=%zu n=%zu", s, n);
			bm_clear_range(m.w, s, n);
			TB_EQ(t, &m, bm_range_is_clear(m.w, m.nbits, s, n), true, "start=%zu n=%zu", s, n);
		}
	}
}

/* m2 = m's bits with the opposite tail, and bit `flip` changed if < nbits. */
static void twin(size_t flip)
{
	tb_make(&m2, m.nbits, TB_EMPTY, TB_OTHER_TAIL(m.tail), 1);
	for (size_t i = 0; i < m.nbits; i++)
		model_put(m2.w, i, model_get(m.w, i) ^ (i == flip));
}

KTEST(bitmap, map_predicates)
{
	for (size_t v = 0; v < TB_VARIANTS; v++) {
		uint64_t rng = v;
		size_t flip, w;

		tb_make_variant(&m, v);
		w = model_count(m.w, 0, m.nbits, true);
		TB_EQ(t, &m, bm_empty(m.w, m.nbits), w == 0, "%s", "");
		TB_EQ(t, &m, bm_full(m.w, m.nbits), w == m.nbits, "%s", "");
		twin(m.nbits);
		TB_EQ(t, &m, bm_equal(m.w, m2.w, m.nbits), true, "same bits, other tail%s", "");
		TB_EQ(t, &m, bm_subset(m.w, m2.w, m.nbits), true, "%s", "");
		TB_EQ(t, &m, bm_intersects(m.w, m2.w, m.nbits), w != 0, "%s", "");
		if (m.nbits == 0)
			continue;
		flip = tb_below(&rng, m.nbits);
		twin(flip);
		TB_EQ(t, &m, bm_equal(m.w, m2.w, m.nbits), false, "flip=%zu", flip);
		/* m2 gained flip if it was clear in m: then m is a subset of m2. */
		TB_EQ(t, &m, bm_subset(m.w, m2.w, m.nbits), !model_get(m.w, flip), "flip=%zu", flip);
		TB_EQ(t, &m, bm_subset(m2.w, m.w, m.nbits), model_get(m.w, flip), "flip=%zu", flip);
		/* A single bit intersects iff m has it. */
		tb_make(&m2, m.nbits, TB_EMPTY, true, 2);
		model_put(m2.w, flip, true);
		TB_EQ(t, &m, bm_intersects(m.w, m2.w, m.nbits), model_get(m.w, flip), "bit=%zu", flip);
		tb_guards_ok(t, &m, "predicates");
	}
}

/* Logic and shifts form their own suite, so each suite stays quick under QEMU. */

enum op { AND, OR, XOR, ANDNOT, COMPLEMENT };

static bool model_op(enum op op, bool a, bool b)
{
	switch (op) {
	case AND:	return a && b;
	case OR:	return a || b;
	case XOR:	return a != b;
	case ANDNOT:	return a && !b;
	case COMPLEMENT: return !a;
	}
	return false;
}

/* m3 = op(m, m2) by the library; dst may alias a source. Returns its bool result. */
static bool run_op(enum op op, uint64_t *dst, const uint64_t *a, const uint64_t *b, size_t nbits)
{
	switch (op) {
	case AND:	return bm_and(dst, a, b, nbits);
	case OR:	bm_or(dst, a, b, nbits); break;
	case XOR:	bm_xor(dst, a, b, nbits); break;
	case ANDNOT:	return bm_andnot(dst, a, b, nbits);
	case COMPLEMENT: bm_complement(dst, a, nbits); break;
	}
	return false;
}

/* Odd variants run in place (dst == a), even ones into a third map. */
static void check_op(struct ktest *t, enum op op)
{
	static const char *const names[] = { "and", "or", "xor", "andnot", "complement" };

	for (size_t v = 0; v < TB_VARIANTS; v++) {
		size_t nw, any = 0;
		bool ret, alias = v & 1;

		tb_make_variant(&m, v);
		tb_make(&m2, m.nbits, (int)(v % TB_NPATTERNS), TB_OTHER_TAIL(m.tail), v * 31 + 5);
		tb_make(&m3, m.nbits, TB_FULL, TB_TAIL_ONES, 3);
		nw = BM_WORDS(m.nbits);
		for (size_t i = 0; i < nw * 64; i++) {
			bool r = model_op(op, model_get(m.w, i), model_get(m2.w, i));

			/* Complement leaves the tail zero; the others combine the source tails. */
			model_put(want, i, i >= m.nbits && op == COMPLEMENT ? false : r);
			any += i < m.nbits && r;
		}
		if (alias) {
			bm_copy(m3.w, m.w, m.nbits);
			ret = run_op(op, m3.w, m3.w, m2.w, m.nbits);
		} else {
			ret = run_op(op, m3.w, m.w, m2.w, m.nbits);
		}
		TB_EQ(t, &m, model_diff(m3.w, want, nw * 64), nw * 64, "%s%s, first wrong bit",
		      names[op], alias ? " in place" : "");
		if (op == AND || op == ANDNOT)
			TB_EQ(t, &m, ret, any != 0, "%s returns non-empty", names[op]);
		tb_guards_ok(t, &m3, names[op]);
	}
}

KTEST(bitmap_logic, logic_ops)
{
	for (enum op op = AND; op <= COMPLEMENT; op++)
		check_op(t, op);
}

/* Odd shift values run in place (dst == src), even ones into another map. */
static void check_shift(struct ktest *t, bool left)
{
	for (size_t v = 0; v < TB_VARIANTS; v++) {
		uint64_t rng = v;

		tb_make_variant(&m, v);
		/* The edge shifts and a few random ones. */
		for (unsigned k = 0; k < 12; k++) {
			size_t shift = tb_start(&m, k, &rng), nw = BM_WORDS(m.nbits);
			bool alias = k & 1;

			/* Bits shifted in are zero, and so is the tail. */
			for (size_t w = 0; w < nw; w++)
				want[w] = 0;
			for (size_t i = 0; shift < m.nbits && i < m.nbits - shift; i++) {
				if (left)
					model_put(want, i + shift, model_get(m.w, i));
				else
					model_put(want, i, model_get(m.w, i + shift));
			}
			tb_make(&m3, m.nbits, TB_FULL, TB_TAIL_ONES, k);
			if (alias)
				bm_copy(m3.w, m.w, m.nbits);
			if (left)
				bm_shift_left(m3.w, alias ? m3.w : m.w, shift, m.nbits);
			else
				bm_shift_right(m3.w, alias ? m3.w : m.w, shift, m.nbits);
			TB_EQ(t, &m, model_diff(m3.w, want, nw * 64), nw * 64,
			      "shift_%s%s by %zu, first wrong bit (tail must be zero)",
			      left ? "left" : "right", alias ? " in place" : "", shift);
			tb_guards_ok(t, &m3, "shift");
		}
	}
}

KTEST(bitmap_logic, shifts)
{
	check_shift(t, true);
	check_shift(t, false);
}
