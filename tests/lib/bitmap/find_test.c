// SPDX-License-Identifier: MIT
/* Tests of the bit searches and the iteration macros against the model. */
#include <bitmap/bitmap.h>
#include <kernel/ktest.h>

#include "harness.h"
#include "model.h"

static struct tb_map m, m2;
/* Model answers for every start: nxt[v][s] = model_next(map, nbits, s, v). */
static size_t nxt[2][TB_MAXBITS + 1];
static size_t seen[TB_MAXBITS + 1], expect[TB_MAXBITS + 1];

static void build_next_tables(const struct tb_map *mp)
{
	for (int v = 0; v < 2; v++) {
		nxt[v][mp->nbits] = mp->nbits;
		for (size_t i = mp->nbits; i-- > 0;)
			nxt[v][i] = model_get(mp->w, i) == v ? i : nxt[v][i + 1];
	}
}

/* Start k of nbits + 4: every index, then nbits, nbits + 1000 and SIZE_MAX. */
static size_t every_start(size_t nbits, size_t k)
{
	if (k <= nbits + 1)
		return k;
	return k == nbits + 2 ? nbits + 1000 : ~(size_t)0;
}

KTEST(bitmap_find, next_and_next_zero_from_every_start)
{
	for (size_t v = 0; v < TB_VARIANTS; v++) {
		tb_make_variant(&m, v);
		build_next_tables(&m);
		for (size_t k = 0; k < m.nbits + 4; k++) {
			size_t s = every_start(m.nbits, k);
			size_t want1 = s < m.nbits ? nxt[1][s] : m.nbits;
			size_t want0 = s < m.nbits ? nxt[0][s] : m.nbits;

			TB_EQ(t, &m, bm_find_next(m.w, m.nbits, s), want1, "start=%zu", s);
			TB_EQ(t, &m, bm_find_next_zero(m.w, m.nbits, s), want0, "start=%zu", s);
		}
		TB_EQ(t, &m, bm_find_first(m.w, m.nbits), m.nbits ? nxt[1][0] : 0, "%s", "");
		TB_EQ(t, &m, bm_find_first_zero(m.w, m.nbits), m.nbits ? nxt[0][0] : 0, "%s", "");
		tb_guards_ok(t, &m, "find");
	}
}

/*
 * One odd bit h in a map of the other value, searched from each start
 * near h: the inline search answers start at once when the next few bits
 * are all wanted, which must never skip h, reach past the word or answer
 * a tail bit (the tail alternates, in both phases, so that a leaked tail
 * bit is nbits + 1 for one of them, not nbits). Worked by hand:
 * searching for the common value answers s, or h + 1 from h; searching for
 * the odd one answers h up to h, then nothing.
 */
KTEST(bitmap_find, next_near_one_odd_bit)
{
	static const size_t sizes[] = { 128, 70, 67, 65, 64, 9 };
	BM_DECLARE(map, 128);

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		size_t nbits = sizes[k];

		for (int kind = 0; kind < 4; kind++) {
			int all = kind & 1, phase = kind / 2;

			for (size_t h = 0; h < nbits; h++) {
				map[0] = map[1] = all ? ~(uint64_t)0 : 0;
				bm_change(map, h);
				for (size_t i = nbits; i < 128; i++)
					bm_assign(map, i, (i - nbits + (size_t)phase) & 1);
				for (size_t s = h > 10 ? h - 10 : 0; s <= h + 2 && s < nbits; s++) {
					size_t common = s != h ? s : h + 1 < nbits ? h + 1 : nbits;
					size_t odd = s <= h ? h : nbits;
					size_t set = bm_find_next(map, nbits, s);
					size_t clear = bm_find_next_zero(map, nbits, s);

					if (set == (all ? common : odd) && clear == (all ? odd : common))
						continue;
					ktest_fail_at(t, __FILE__, __LINE__,
						      "nbits %zu, all %d but bit %zu, from %zu: next set %zu "
						      "(expected %zu), next clear %zu (expected %zu)",
						      nbits, all, h, s, set, all ? common : odd, clear,
						      all ? odd : common);
					return;
				}
			}
		}
	}
}

KTEST(bitmap_find, last_and_prev)
{
	for (size_t v = 0; v < TB_VARIANTS; v++) {
		uint64_t rng = v;

		tb_make_variant(&m, v);
		TB_EQ(t, &m, bm_find_last(m.w, m.nbits), model_prev(m.w, m.nbits, m.nbits, true), "%s", "");
		for (unsigned k = 0; k < TB_NSTARTS; k++) {
			size_t s = tb_start(&m, k, &rng);

			TB_EQ(t, &m, bm_find_prev(m.w, m.nbits, s), model_prev(m.w, m.nbits, s, true),
			      "start=%zu", s);
			TB_EQ(t, &m, bm_find_prev_zero(m.w, m.nbits, s), model_prev(m.w, m.nbits, s, false),
			      "start=%zu", s);
		}
	}
}

KTEST(bitmap_find, nth)
{
	for (size_t v = 0; v < TB_VARIANTS; v++) {
		size_t weight;

		tb_make_variant(&m, v);
		weight = model_count(m.w, 0, m.nbits, true);
		/* Walk the set bits with the model once; about 128 n's per map are checked. */
		for (size_t i = 0, n = 0; i <= m.nbits; i++) {
			if (i < m.nbits && !model_get(m.w, i))
				continue;
			if (n % (1 + weight / 128) == 0 || n + 2 > weight)
				TB_EQ(t, &m, bm_find_nth(m.w, m.nbits, n), i, "n=%zu", n);
			n++;
		}
		TB_EQ(t, &m, bm_find_nth(m.w, m.nbits, weight + 1), m.nbits, "n=%zu", weight + 1);
		TB_EQ(t, &m, bm_find_nth(m.w, m.nbits, ~(size_t)0), m.nbits, "n=%s", "max");
	}
}

KTEST(bitmap_find, two_map_searches)
{
	for (size_t v = 0; v < TB_VARIANTS; v++) {
		uint64_t rng = v;

		tb_make_variant(&m, v);
		tb_make(&m2, m.nbits, (int)((v / 2 + 2) % TB_NPATTERNS), TB_OTHER_TAIL(m.tail), v + 77);
		for (unsigned k = 0; k < TB_NSTARTS; k++) {
			size_t s = tb_start(&m, k, &rng), a = m.nbits, an = m.nbits, o = m.nbits;

			for (size_t i = m.nbits; i-- > 0 && i >= s;) {
				bool x = model_get(m.w, i), y = model_get(m2.w, i);

				a = x && y ? i : a;
				an = x && !y ? i : an;
				o = x || y ? i : o;
			}
			TB_EQ(t, &m, bm_find_next_and(m.w, m2.w, m.nbits, s), a, "start=%zu", s);
			TB_EQ(t, &m, bm_find_next_andnot(m.w, m2.w, m.nbits, s), an, "start=%zu", s);
			TB_EQ(t, &m, bm_find_next_or(m.w, m2.w, m.nbits, s), o, "start=%zu", s);
		}
	}
}

KTEST(bitmap_find, next_wrap)
{
	for (size_t v = 0; v < TB_VARIANTS; v++) {
		tb_make_variant(&m, v);
		build_next_tables(&m);
		for (size_t k = 0; k < m.nbits + 4; k++) {
			size_t s = every_start(m.nbits, k);
			size_t from = s < m.nbits ? s : 0, want = m.nbits;

			if (m.nbits) {
				want = nxt[1][from];
				if (want == m.nbits && nxt[1][0] < from)
					want = nxt[1][0];
			}
			TB_EQ(t, &m, bm_find_next_wrap(m.w, m.nbits, s), want, "start=%zu", s);
		}
	}
}

/* The macro visited seen[0..n): compare with the model's list of `value` bits from `from`. */
static void check_visits(struct ktest *t, size_t n, bool value, size_t from)
{
	size_t want_n = 0;

	for (size_t i = model_next(m.w, m.nbits, from, value); i < m.nbits;
	     i = model_next(m.w, m.nbits, i + 1, value))
		expect[want_n++] = i;
	TB_EQ(t, &m, n, want_n, "visits of %s bits from %zu", value ? "set" : "clear", from);
	for (size_t k = 0; k < n && k < want_n; k++) {
		if (seen[k] != expect[k]) {
			TB_EQ(t, &m, seen[k], expect[k], "visit #%zu of %s bits from %zu", k,
			      value ? "set" : "clear", from);
			break;
		}
	}
}

KTEST(bitmap_find, for_each_set_and_clear)
{
	for (size_t v = 0; v < TB_VARIANTS; v++) {
		uint64_t rng = v;
		size_t i, n;

		tb_make_variant(&m, v);
		n = 0;
		bm_for_each_set(i, m.w, m.nbits)
			seen[n++] = i;
		check_visits(t, n, true, 0);
		n = 0;
		bm_for_each_clear(i, m.w, m.nbits)
			seen[n++] = i;
		check_visits(t, n, false, 0);
		for (unsigned k = 0; k < 4; k++) {
			size_t from = tb_start(&m, k * 5 + 3, &rng);

			n = 0;
			i = from;
			bm_for_each_set_from(i, m.w, m.nbits)
				seen[n++] = i;
			check_visits(t, n, true, from);
			n = 0;
			i = from;
			bm_for_each_clear_from(i, m.w, m.nbits)
				seen[n++] = i;
			check_visits(t, n, false, from);
		}
	}
}

/*
 * The macros walk a word at a time but must behave as a search per bit:
 * bits the body sets or clears ahead of i, in i's word or later, count;
 * bits it sets behind i do not. i is nbits after the loop.
 */
KTEST(bitmap_find, for_each_sees_the_body_writes)
{
	static const size_t want[] = { 3, 7, 64, 66, 130 };
	BM_DECLARE(map, 200);
	size_t i, n = 0;

	bm_zero(map, 200);
	bm_set(map, 3);
	bm_set(map, 5);
	bm_set(map, 64);
	bm_set(map, 130);
	bm_for_each_set(i, map, 200) {
		ASSERT_LT(t, n, sizeof(want) / sizeof(want[0]));
		EXPECT_EQ(t, i, want[n]);
		n++;
		if (i == 3) {
			bm_clear(map, 5);
			bm_set(map, 7);
			bm_set(map, 66);
			bm_set(map, 2);
		}
	}
	EXPECT_EQ(t, n, sizeof(want) / sizeof(want[0]));
	EXPECT_EQ(t, i, (size_t)200);

	/* The same on clear bits, the body taking each one and the next. */
	bm_fill(map, 130);
	bm_clear_range(map, 60, 70);
	n = 0;
	bm_for_each_clear(i, map, 130) {
		n++;
		if (i + 1 < 130)
			bm_set(map, i + 1);
	}
	/* Every second bit of [60, 130), across the word boundary at 64. */
	EXPECT_EQ(t, n, (size_t)35);
	EXPECT_EQ(t, i, (size_t)130);
}

/* The runs a macro produced must tile exactly the model's bits of `value` from `from`. */
static void check_runs(struct ktest *t, size_t nruns, bool value, size_t from)
{
	size_t covered = 0, prev_end = 0;

	for (size_t r = 0; r < nruns; r++) {
		size_t rs = seen[2 * r], re = seen[2 * r + 1];

		TB_EQ(t, &m, rs < re && re <= m.nbits && (r == 0 || rs > prev_end), true,
		      "run %zu is [%zu, %zu)", r, rs, re);
		TB_EQ(t, &m, model_count(m.w, rs, re, value), re - rs, "run [%zu, %zu) uniform", rs, re);
		TB_EQ(t, &m, rs == from || rs == 0 || model_get(m.w, rs - 1) != value, true,
		      "run [%zu, %zu) starts at a boundary", rs, re);
		TB_EQ(t, &m, re == m.nbits || model_get(m.w, re) != value, true,
		      "run [%zu, %zu) ends at a boundary", rs, re);
		covered += re - rs;
		prev_end = re;
	}
	TB_EQ(t, &m, covered, model_count(m.w, from < m.nbits ? from : m.nbits, m.nbits, value),
	      "bits covered by %s runs from %zu", value ? "set" : "clear", from);
}

KTEST(bitmap_find, for_each_run)
{
	for (size_t v = 0; v < TB_VARIANTS; v++) {
		uint64_t rng = v;
		size_t rs, re, n;

		tb_make_variant(&m, v);
		n = 0;
		bm_for_each_run(rs, re, m.w, m.nbits) {
			seen[n++] = rs;
			seen[n++] = re;
		}
		check_runs(t, n / 2, true, 0);
		n = 0;
		bm_for_each_clear_run(rs, re, m.w, m.nbits) {
			seen[n++] = rs;
			seen[n++] = re;
		}
		check_runs(t, n / 2, false, 0);
		for (unsigned k = 0; k < 4; k++) {
			size_t from = tb_start(&m, k * 5 + 3, &rng);

			n = 0;
			rs = from;
			bm_for_each_run_from(rs, re, m.w, m.nbits) {
				seen[n++] = rs;
				seen[n++] = re;
			}
			check_runs(t, n / 2, true, from);
			n = 0;
			rs = from;
			bm_for_each_clear_run_from(rs, re, m.w, m.nbits) {
				seen[n++] = rs;
				seen[n++] = re;
			}
			check_runs(t, n / 2, false, from);
		}
	}
}

/* Constant sizes up to one word take the inline paths in the header. */
#define CHECK_SMALL(t, NBITS) do {						\
	for (int p = 0; p < TB_NPATTERNS; p++) {				\
		tb_make(&m, NBITS, p, p % TB_NTAILS, (uint64_t)p * 13 + NBITS);	\
		for (size_t s = 0; s <= NBITS + 1; s++) {			\
			TB_EQ(t, &m, bm_find_next(m.w, NBITS, s),		\
			      model_next(m.w, NBITS, s, true), "start=%zu", s);	\
			TB_EQ(t, &m, bm_find_next_zero(m.w, NBITS, s),		\
			      model_next(m.w, NBITS, s, false), "start=%zu", s);\
		}								\
		TB_EQ(t, &m, bm_find_last(m.w, NBITS),				\
		      model_prev(m.w, NBITS, NBITS, true), "%s", "last");	\
	}									\
} while (0)

KTEST(bitmap_find, small_constant_sizes)
{
	CHECK_SMALL(t, 1);
	CHECK_SMALL(t, 7);
	CHECK_SMALL(t, 63);
	CHECK_SMALL(t, 64);
}
