// SPDX-License-Identifier: MIT
/* libFuzzer target: random operations on flat (atomic ones too), hierarchical and RTL bitmaps, checked against a bit-at-a-time model. */
#include <bitmap/bitmap.h>
#include <bitmap/compat/rtl.h>
#include <bitmap/hbitmap.h>
#include <bitmap/list.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/bitmap/model.h"

/*
 * The input is a program. Each operation is one opcode byte, one byte
 * choosing the map size, then the operands it needs (missing bytes read as
 * zero). Every size has two maps, a flat one and a struct hbm, each with
 * its own model. Every result is compared with the model's answer, and
 * after every operation both maps must equal their models bit for bit and
 * hbm_check() must accept the summaries. The RTL dialect is checked the
 * same way, on an exact-size ULONG copy of the flat map (so ASan sees any
 * access past its end). A mismatch prints the operation and aborts.
 */

static const size_t sizes[] = { 0, 1, 63, 64, 65, 4097, 270000 };
#define NSIZES		(sizeof(sizes) / sizeof(sizes[0]))
#define MAXBITS		270000
#define MAXWORDS	BM_WORDS(MAXBITS)
/* Lists are printed and parsed only for maps up to this size. */
#define LIST_MAXBITS	4097
#define LIST_BUF	(LIST_MAXBITS * 6 + 2)

struct maps {
	size_t nbits;
	uint64_t *flat, *flat_model;
	uint64_t *hstore, *h_model;
	struct hbm h;
};

static struct maps maps[NSIZES];
static uint64_t scratch[MAXWORDS + 1];	/* + 1: a guard word for bm_snapshot_atomic */
static size_t runlen[MAXBITS + 1];
static struct bm_run runs[64], want_runs[64];
static char text[LIST_BUF];

/* ------------------------------------------------------------ input */

struct input {
	const uint8_t *p, *end;
	unsigned op;		/* operations decoded so far, for messages */
};

static uint64_t take(struct input *in, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned k = 0; k < bytes; k++)
		v |= (uint64_t)(in->p < in->end ? *in->p++ : 0) << (8 * k);
	return v;
}

/* An index for m: mostly inside, sometimes at or past nbits. */
static size_t take_index(struct input *in, size_t nbits)
{
	uint32_t v = (uint32_t)take(in, 3);

	if ((v & 0x7f) == 0x7f)
		return nbits + (v >> 7) % 3;
	return (size_t)(v >> 7) % (nbits + 1);
}

/* A length: short ones often, any up to nbits + 1 sometimes. */
static size_t take_len(struct input *in, size_t nbits)
{
	uint32_t v = (uint32_t)take(in, 3);

	return v & 1 ? (v >> 1) % 130 : (v >> 1) % (nbits + 2);
}

/*
 * A hint and a length for a search that wraps around, aimed at where its
 * edge cases are: the start or the end of one of the model's runs of
 * `value` (a bit either side, the run's own length or one off), nbits or
 * a word boundary; else the uniform choices above. The wrap window of a
 * run search is only wrong by one when a run of exactly n sits right
 * below the hint, which uniform choices almost never build.
 */
static void take_hint(struct input *in, const uint64_t *model, size_t nbits, bool value,
		      size_t *hint, size_t *len)
{
	unsigned mode = (unsigned)take(in, 1);
	size_t p = take_index(in, nbits), s, e;
	size_t d = (size_t)(mode >> 2 & 3) - 1, dl = (size_t)(mode >> 4 & 3) - 1;

	s = model_next(model, nbits, p, value);
	e = model_next(model, nbits, s, !value);
	switch (mode & 3) {
	case 0:
		*hint = p;
		*len = take_len(in, nbits);
		break;
	case 1:
		*hint = s + d;
		*len = e - s + dl;
		break;
	case 2:
		*hint = e + d;
		*len = e - s + dl;
		break;
	case 3:
		*hint = (mode & 0x40 ? nbits : p / BM_WORD_BITS * BM_WORD_BITS) + d;
		*len = take_len(in, nbits);
		break;
	}
}

/* ------------------------------------------------------------ checks */

static void bm_fail(const char *what, size_t nbits, unsigned op, size_t got, size_t want,
		   size_t a, size_t b)
{
	fprintf(stderr, "fuzz_bitmap: op %u on %zu bits: %s: got %zu, want %zu (args %zu, %zu)\n",
		op, nbits, what, got, want, a, b);
	abort();
}

#define CHECK_EQ(m, in, what, got, want, a, b) do {				\
	size_t got_ = (got), want_ = (want);					\
	if (got_ != want_)							\
		bm_fail(what, (m)->nbits, (in)->op, got_, want_, (a), (b));	\
} while (0)

void bm_assert_fail(const char *expr, const char *file, int line)
{
	fprintf(stderr, "fuzz_bitmap: BM_ASSERT(%s) failed at %s:%d\n", expr, file, line);
	abort();
}

/* Do the first nbits bits of a and b agree? (Tails are don't-care.) */
static bool same_bits(const uint64_t *a, const uint64_t *b, size_t nbits)
{
	size_t nw = BM_WORDS(nbits);

	for (size_t w = 0; w + 1 < nw; w++)
		if (a[w] != b[w])
			return false;
	return nw == 0 || ((a[nw - 1] ^ b[nw - 1]) & BM__LAST_MASK(nbits)) == 0;
}

static void check_state(const struct maps *m, const struct input *in)
{
	if (!same_bits(m->flat, m->flat_model, m->nbits))
		bm_fail("flat map differs from its model at bit", m->nbits, in->op,
			model_diff(m->flat, m->flat_model, m->nbits), m->nbits, 0, 0);
	if (!same_bits(hbm__words(&m->h), m->h_model, m->nbits))
		bm_fail("hbm differs from its model at bit", m->nbits, in->op,
			model_diff(hbm__words(&m->h), m->h_model, m->nbits), m->nbits, 0, 0);
	if (!hbm_check(&m->h))
		bm_fail("hbm_check", m->nbits, in->op, 0, 1, 0, 0);
}

/* ------------------------------------------------------------ model answers */

/* First index >= start of n bits equal to v, within [0, end); else `none`. */
static size_t model_run(const uint64_t *map, size_t end, size_t start, size_t n, bool v,
			size_t none)
{
	if (n == 0)
		return none;
	model_run_lengths(map, end, v, runlen);
	return model_first_fit(runlen, start, end, n, end, none);
}

/* The RTL/next-fit run search: from hint, then runs starting below hint. */
static size_t model_run_wrap(const uint64_t *map, size_t nbits, size_t hint, size_t n, bool v)
{
	size_t i;

	if (hint >= nbits)
		hint = 0;
	i = model_run(map, nbits, hint, n, v, nbits);
	return i < nbits ? i : model_first_fit(runlen, 0, hint, n, nbits, nbits);
}

/* Lowest i >= start, (i + off) & mask == 0, with n clear bits at i; else nbits. */
static size_t model_area(const uint64_t *map, size_t nbits, size_t start, size_t n,
			 size_t mask, size_t off)
{
	if (n == 0)
		return nbits;
	model_run_lengths(map, nbits, false, runlen);
	for (size_t i = start; i < nbits; i++)
		if (((i + off) & mask) == 0 && runlen[i] >= n)
			return i;
	return nbits;
}

/* Runs of clear bits: the first n in index order, or the n longest (stable). */
static size_t model_zero_runs(const uint64_t *map, size_t nbits, size_t n, bool longest)
{
	size_t count = 0, i = 0;

	while ((i = model_next(map, nbits, i, false)) < nbits) {
		size_t e = model_next(map, nbits, i, true), k;
		struct bm_run r = { i, e - i };

		i = e;
		if (!longest) {
			if (count == n)
				break;
			want_runs[count++] = r;
			continue;
		}
		/* Insert after every run at least as long: equal lengths keep index order. */
		for (k = count; k > 0 && want_runs[k - 1].len < r.len; k--)
			if (k < n)
				want_runs[k] = want_runs[k - 1];
		if (k < n) {
			want_runs[k] = r;
			count += count < n;
		}
	}
	return count;
}

/* ------------------------------------------------------------ flat operations */

static void flat_write(struct maps *m, struct input *in, unsigned what)
{
	size_t n = m->nbits, i = take_index(in, n), len = take_len(in, n);
	bool ok = bm__range_ok(n, i, len);

	switch (what) {
	case 0:
		if (i < n) {
			CHECK_EQ(m, in, "bm_test_and_set", bm_test_and_set(m->flat, i),
				 model_get(m->flat_model, i), i, 0);
			model_put(m->flat_model, i, true);
		}
		break;
	case 1:
		if (i < n) {
			CHECK_EQ(m, in, "bm_test_and_clear_atomic", bm_test_and_clear_atomic(m->flat, i),
				 model_get(m->flat_model, i), i, 0);
			model_put(m->flat_model, i, false);
		}
		break;
	case 2:
		if (i < n) {
			CHECK_EQ(m, in, "bm_test_and_change_atomic",
				 bm_test_and_change_atomic(m->flat, i), model_get(m->flat_model, i), i, 0);
			model_put(m->flat_model, i, !model_get(m->flat_model, i));
		}
		break;
	case 3:
		CHECK_EQ(m, in, "bm_set_range_checked", bm_set_range_checked(m->flat, n, i, len),
			 ok ? 0 : (size_t)-BM_ERANGE, i, len);
		if (ok)
			model_fill(m->flat_model, i, len, true);
		break;
	case 4:
		CHECK_EQ(m, in, "bm_clear_range_checked", bm_clear_range_checked(m->flat, n, i, len),
			 ok ? 0 : (size_t)-BM_ERANGE, i, len);
		if (ok)
			model_fill(m->flat_model, i, len, false);
		break;
	case 5: {
		bool all = ok && model_all(m->flat_model, i, len, true);

		CHECK_EQ(m, in, "bm_release_if_set", bm_release_if_set(m->flat, n, i, len),
			 !ok ? (size_t)-BM_ERANGE : all ? 0 : (size_t)-BM_EINVAL, i, len);
		if (all)
			model_fill(m->flat_model, i, len, false);
		break;
	}
	case 6:
		/* Junk in the tail: the contract says no result may depend on it. */
		if (n % BM_WORD_BITS)
			m->flat[n / BM_WORD_BITS] ^= (uint64_t)take(in, 8) & ~BM__LAST_MASK(n);
		break;
	}
}

static void flat_alloc(struct maps *m, struct input *in, unsigned what)
{
	size_t n = m->nbits, i, len, got, want;

	/* Run searches aim at runs; the others take any index and a short length. */
	if (what <= 1) {
		take_hint(in, m->flat_model, n, what == 1, &i, &len);
	} else {
		i = take_index(in, n);
		len = take_len(in, n) % 70;
	}
	switch (what) {
	case 0:
		want = model_run_wrap(m->flat_model, n, i, len, false);
		got = bm_find_zero_run_and_set(m->flat, n, i, len);
		CHECK_EQ(m, in, "bm_find_zero_run_and_set", got, want, i, len);
		if (want < n)
			model_fill(m->flat_model, want, len, true);
		break;
	case 1:
		want = model_run_wrap(m->flat_model, n, i, len, true);
		got = bm_find_set_run_and_clear(m->flat, n, i, len);
		CHECK_EQ(m, in, "bm_find_set_run_and_clear", got, want, i, len);
		if (want < n)
			model_fill(m->flat_model, want, len, false);
		break;
	case 2: {
		size_t end = take_index(in, n), mask = len <= 1 ? 0 : ~(size_t)0 >> __builtin_clzll(len - 1);
		size_t lim = end < n ? end : n;

		want = n;
		if (len && i < lim)
			want = model_area(m->flat_model, lim, i, len, mask, 0 - i);
		want = want < lim ? want : n;
		got = bm_alloc_pow2(m->flat, n, i, end, len);
		CHECK_EQ(m, in, "bm_alloc_pow2", got, want, i, len);
		if (want < n)
			model_fill(m->flat_model, want, len, true);
		break;
	}
	case 3: {
		unsigned order = (unsigned)(len % 8);

		want = model_area(m->flat_model, n, 0, (size_t)1 << order, ((size_t)1 << order) - 1, 0);
		got = bm_find_region(m->flat, n, order);
		CHECK_EQ(m, in, "bm_find_region", got, want, order, 0);
		if (want < n)
			model_fill(m->flat_model, want, (size_t)1 << order, true);
		break;
	}
	case 4: {
		unsigned order = (unsigned)(len % 8);
		size_t size = (size_t)1 << order;
		bool ok = (i & (size - 1)) == 0 && bm__range_ok(n, i, size);
		bool clear = ok && model_all(m->flat_model, i, size, false);

		CHECK_EQ(m, in, "bm_alloc_region", bm_alloc_region(m->flat, n, i, order),
			 !ok ? (size_t)-BM_EINVAL : clear ? 0 : (size_t)-BM_EBUSY, i, order);
		if (clear)
			model_fill(m->flat_model, i, size, true);
		break;
	}
	}
}

/* Whole-map writers: the model is rebuilt bit by bit into scratch. */
static void flat_whole(struct maps *m, struct input *in, unsigned what)
{
	size_t n = m->nbits, k = take_len(in, n) % (n + 70);
	const uint64_t *src = m->flat_model, *b = hbm__words(&m->h);

	for (size_t i = 0; i < n; i++) {
		bool v = model_get(src, i), w = model_get(b, i);

		switch (what) {
		case 0: v = !v; break;
		case 1: v = i >= k && model_get(src, i - k); break;
		case 2: v = k <= n - 1 - i && model_get(src, i + k); break;
		case 3: v = v && w; break;
		case 4: v = v || w; break;
		case 5: v = v != w; break;
		case 6: v = v && !w; break;
		}
		model_put(scratch, i, v);
	}
	switch (what) {
	case 0: bm_complement(m->flat, m->flat, n); break;
	case 1: bm_shift_left(m->flat, m->flat, k, n); break;
	case 2: bm_shift_right(m->flat, m->flat, k, n); break;
	case 3:
		CHECK_EQ(m, in, "bm_and", bm_and(m->flat, m->flat, b, n),
			 model_count(scratch, 0, n, true) != 0, 0, 0);
		break;
	case 4: bm_or(m->flat, m->flat, b, n); break;
	case 5: bm_xor(m->flat, m->flat, b, n); break;
	case 6:
		CHECK_EQ(m, in, "bm_andnot", bm_andnot(m->flat, m->flat, b, n),
			 model_count(scratch, 0, n, true) != 0, 0, 0);
		break;
	}
	for (size_t i = 0; i < n; i++)
		model_put(m->flat_model, i, model_get(scratch, i));
}

static void flat_search(struct maps *m, struct input *in, unsigned what)
{
	const uint64_t *f = m->flat, *fm = m->flat_model, *b = hbm__words(&m->h);
	size_t n = m->nbits, s, len, want = n;

	/* The wrapping searches and the run searches aim at runs. */
	if (what >= 5 && what <= 7) {
		take_hint(in, fm, n, what == 5, &s, &len);
	} else {
		s = take_index(in, n);
		len = take_len(in, n);
	}

	switch (what) {
	case 0:
		CHECK_EQ(m, in, "bm_find_next", bm_find_next(f, n, s), model_next(fm, n, s, true), s, 0);
		break;
	case 1:
		CHECK_EQ(m, in, "bm_find_next_zero", bm_find_next_zero(f, n, s),
			 model_next(fm, n, s, false), s, 0);
		break;
	case 2:
		CHECK_EQ(m, in, "bm_find_prev", bm_find_prev(f, n, s), model_prev(fm, n, s, true), s, 0);
		CHECK_EQ(m, in, "bm_find_prev_zero", bm_find_prev_zero(f, n, s),
			 model_prev(fm, n, s, false), s, 0);
		CHECK_EQ(m, in, "bm_find_last", bm_find_last(f, n), model_prev(fm, n, n, true), 0, 0);
		break;
	case 3:
		CHECK_EQ(m, in, "bm_find_nth", bm_find_nth(f, n, len), model_nth(fm, n, len), len, 0);
		CHECK_EQ(m, in, "bm_weight", bm_weight(f, n), model_count(fm, 0, n, true), 0, 0);
		break;
	case 4:
		for (size_t i = s; i < n && want == n; i++)
			if (model_get(fm, i) && model_get(b, i))
				want = i;
		CHECK_EQ(m, in, "bm_find_next_and", bm_find_next_and(f, b, n, s), want, s, 0);
		want = n;
		for (size_t i = s; i < n && want == n; i++)
			if (model_get(fm, i) && !model_get(b, i))
				want = i;
		CHECK_EQ(m, in, "bm_find_next_andnot", bm_find_next_andnot(f, b, n, s), want, s, 0);
		want = n;
		for (size_t i = s; i < n && want == n; i++)
			if (model_get(fm, i) || model_get(b, i))
				want = i;
		CHECK_EQ(m, in, "bm_find_next_or", bm_find_next_or(f, b, n, s), want, s, 0);
		break;
	case 5:
		want = model_next(fm, n, s < n ? s : 0, true);
		if (want == n && s < n)
			want = model_next(fm, s, 0, true) < s ? model_next(fm, s, 0, true) : n;
		CHECK_EQ(m, in, "bm_find_next_wrap", bm_find_next_wrap(f, n, s), want, s, 0);
		break;
	case 6:
		CHECK_EQ(m, in, "bm_find_zero_run", bm_find_zero_run(f, n, s, len),
			 model_run(fm, n, s, len, false, n), s, len);
		CHECK_EQ(m, in, "bm_find_set_run", bm_find_set_run(f, n, s, len),
			 model_run(fm, n, s, len, true, n), s, len);
		break;
	case 7:
		CHECK_EQ(m, in, "bm_find_zero_run_wrap", bm_find_zero_run_wrap(f, n, s, len),
			 model_run_wrap(fm, n, s, len, false), s, len);
		break;
	case 8: {
		size_t mask = ((size_t)1 << (len % 7)) - 1, off = take(in, 1);

		CHECK_EQ(m, in, "bm_find_zero_area", bm_find_zero_area(f, n, s, len % 70, mask, off),
			 model_area(fm, n, s, len % 70, mask, off), s, len % 70);
		break;
	}
	case 9: {
		bool ok = bm__range_ok(n, s, len);

		CHECK_EQ(m, in, "bm_range_is_set", bm_range_is_set(f, n, s, len),
			 ok && model_all(fm, s, len, true), s, len);
		CHECK_EQ(m, in, "bm_range_is_clear", bm_range_is_clear(f, n, s, len),
			 ok && model_all(fm, s, len, false), s, len);
		if (ok)
			CHECK_EQ(m, in, "bm_weight_range", bm_weight_range(f, s, len),
				 model_count(fm, s, s + len, true), s, len);
		CHECK_EQ(m, in, "bm_empty", bm_empty(f, n), model_count(fm, 0, n, true) == 0, 0, 0);
		CHECK_EQ(m, in, "bm_full", bm_full(f, n), model_count(fm, 0, n, false) == 0, 0, 0);
		CHECK_EQ(m, in, "bm_equal", bm_equal(f, b, n), model_diff(fm, b, n) == n, 0, 0);
		break;
	}
	case 10: {
		size_t got, start, want_start, count = len % 64 + 1;

		got = bm_longest_zero_run(f, n, &start);
		CHECK_EQ(m, in, "bm_longest_zero_run", got,
			 model_zero_runs(fm, n, 1, true) ? want_runs[0].len : 0, 0, 0);
		CHECK_EQ(m, in, "bm_longest_zero_run start", start,
			 got ? want_runs[0].start : n, 0, 0);
		got = bm_zero_runs(f, n, runs, count, s & 1);
		CHECK_EQ(m, in, "bm_zero_runs count", got, model_zero_runs(fm, n, count, s & 1),
			 count, s & 1);
		for (size_t k = 0; k < got; k++) {
			CHECK_EQ(m, in, "bm_zero_runs start", runs[k].start, want_runs[k].start, k, s & 1);
			CHECK_EQ(m, in, "bm_zero_runs len", runs[k].len, want_runs[k].len, k, s & 1);
		}
		want_start = model_next(fm, n, s, false);
		got = bm_next_zero_run(f, n, s, &start);
		CHECK_EQ(m, in, "bm_next_zero_run start", start, want_start, s, 0);
		CHECK_EQ(m, in, "bm_next_zero_run", got,
			 want_start < n ? model_next(fm, n, want_start, true) - want_start : 0, s, 0);
		break;
	}
	}
}

/* Print, parse back, compare; then parse raw input text: an error leaves the map alone. */
static void flat_list(struct maps *m, struct input *in)
{
	size_t n = m->nbits, len;
	int got;

	if (n > LIST_MAXBITS)
		return;
	got = bm_print_list(text, sizeof(text), m->flat, n);
	CHECK_EQ(m, in, "bm_print_list fits", got < (int)sizeof(text), 1, (size_t)got, 0);
	for (size_t w = 0; w < BM_WORDS(n); w++)
		scratch[w] = ~(uint64_t)0;
	CHECK_EQ(m, in, "bm_parse_list of printed list", (size_t)bm_parse_list(text, scratch, n), 0,
		 0, 0);
	CHECK_EQ(m, in, "list round trip", model_diff(scratch, m->flat_model, n), n, 0, 0);

	len = (size_t)take(in, 1) % 24;
	for (size_t k = 0; k < len; k++)
		text[k] = "0123456789,-:/ Nal\n"[take(in, 1) % 19];
	text[len] = '\0';
	for (size_t w = 0; w < BM_WORDS(n); w++)
		scratch[w] = m->flat_model[w];
	if (bm_parse_list(text, scratch, n) < 0)
		CHECK_EQ(m, in, "failed bm_parse_list changed the map",
			 model_diff(scratch, m->flat_model, n), n, 0, 0);
}

/* ------------------------------------------------------------ RTL on a ULONG copy */

/* RtlFind{Clear,Set}Bits against the Windows definition (model_rtl_find). */
static void rtl_searches(struct maps *m, struct input *in, RTL_BITMAP *bm, size_t hint, size_t len)
{
	size_t n = m->nbits, want;

	model_run_lengths(m->flat_model, n, false, runlen);
	want = model_rtl_find(runlen, n, len, hint, RTL_BITMAP_NOT_FOUND);
	CHECK_EQ(m, in, "RtlFindClearBits", RtlFindClearBits(bm, (ULONG)len, (ULONG)hint), want,
		 hint, len);
	model_run_lengths(m->flat_model, n, true, runlen);
	want = model_rtl_find(runlen, n, len, hint, RTL_BITMAP_NOT_FOUND);
	CHECK_EQ(m, in, "RtlFindSetBits", RtlFindSetBits(bm, (ULONG)len, (ULONG)hint), want,
		 hint, len);
}

static void rtl_ops(struct maps *m, struct input *in)
{
	size_t n = m->nbits, nl = (n + 31) / 32, hint, len;
	ULONG *buf, start = 0, got;
	RTL_BITMAP bm;
	size_t want_start, want;

	/* RTL hints: >= nbits counts as 0; ULONG arguments, so keep them in range. */
	take_hint(in, m->flat_model, n, false, &hint, &len);
	hint = hint > n + 2 ? n : hint;
	len = len > n + 2 ? n + 1 : len;
	/* An exact-size heap buffer: ASan reports any access past it. */
	buf = malloc(nl ? nl * sizeof(ULONG) : 1);
	if (!buf)
		abort();
	for (size_t k = 0; k < nl; k++)
		buf[k] = (ULONG)(m->flat_model[k / 2] >> (32 * (k % 2)));
	RtlInitializeBitMap(&bm, buf, (ULONG)n);

	rtl_searches(m, in, &bm, hint, len);
	CHECK_EQ(m, in, "RtlNumberOfSetBits", RtlNumberOfSetBits(&bm),
		 model_count(m->flat_model, 0, n, true), 0, 0);
	got = RtlFindLongestRunClear(&bm, &start);
	want = model_zero_runs(m->flat_model, n, 1, true) ? want_runs[0].len : 0;
	CHECK_EQ(m, in, "RtlFindLongestRunClear", got, want, 0, 0);
	if (want)
		CHECK_EQ(m, in, "RtlFindLongestRunClear start", start, want_runs[0].start, 0, 0);
	for (int v = 0; v < 2; v++) {
		want = model_rtl_backward(m->flat_model, n, hint, v, &want_start);
		got = v ? RtlFindLastBackwardRunSet(&bm, (ULONG)hint, &start) :
			  RtlFindLastBackwardRunClear(&bm, (ULONG)hint, &start);
		CHECK_EQ(m, in, "RtlFindLastBackwardRun (v = set?)", got, want, hint, v);
		CHECK_EQ(m, in, "RtlFindLastBackwardRun start", start, want_start, hint, v);
		want = model_rtl_forward(m->flat_model, n, hint, v, &want_start);
		got = v ? RtlFindNextForwardRunSet(&bm, (ULONG)hint, &start) :
			  RtlFindNextForwardRunClear(&bm, (ULONG)hint, &start);
		CHECK_EQ(m, in, "RtlFindNextForwardRun (v = set?)", got, want, hint, v);
		CHECK_EQ(m, in, "RtlFindNextForwardRun start", start, want_start, hint, v);
	}
	/* n = 0: the hint rounded down to a byte, and nothing is written. */
	CHECK_EQ(m, in, "RtlFindClearBitsAndSet of 0 bits",
		 RtlFindClearBitsAndSet(&bm, 0, (ULONG)hint), (hint < n ? hint : 0) & ~(size_t)7,
		 hint, 0);
	CHECK_EQ(m, in, "RtlNumberOfSetBits after 0 bits set", RtlNumberOfSetBits(&bm),
		 model_count(m->flat_model, 0, n, true), 0, 0);
	free(buf);
}

/* ------------------------------------------------------------ atomic operations */

/* Model of a claim over map & allow from hint, wrapping: the bit it takes, or nbits. */
static size_t model_claim_and(const uint64_t *map, const uint64_t *allow, size_t nbits,
			      size_t hint)
{
	if (hint >= nbits)
		hint = 0;
	for (size_t k = 0; k < nbits; k++) {
		size_t i = (hint + k) % nbits;

		if (model_get(map, i) && model_get(allow, i))
			return i;
	}
	return nbits;
}

/* Range atomics, all or nothing or not; the claim over flat & the hbm's model; a snapshot. */
static void atomic_ops(struct maps *m, struct input *in, unsigned what)
{
	size_t n = m->nbits, i = take_index(in, n), len = take_len(in, n);
	size_t at = n + 7, first;
	bool ok = bm__range_ok(n, i, len), set = what & 1;
	size_t want;

	switch (what) {
	case 0:
	case 1:
		if (!ok)
			break;
		/* bm_set_range_atomic: no bit was set; bm_clear_range_atomic: all were. */
		want = model_all(m->flat_model, i, len, !set);
		CHECK_EQ(m, in, set ? "bm_set_range_atomic" : "bm_clear_range_atomic",
			 set ? bm_set_range_atomic(m->flat, i, len) : bm_clear_range_atomic(m->flat, i, len),
			 want, i, len);
		model_fill(m->flat_model, i, len, set);
		break;
	case 2:
	case 3:
		first = ok ? model_next(m->flat_model, i + len, i, set) : 0;
		want = !ok ? (size_t)-BM_ERANGE : first == i + len ? 0 :
		       (size_t)-(set ? BM_EBUSY : BM_EINVAL);
		CHECK_EQ(m, in, set ? "bm_set_range_if_clear_atomic" : "bm_clear_range_if_set_atomic",
			 set ? bm_set_range_if_clear_atomic(m->flat, n, i, len, &at)
			     : bm_clear_range_if_set_atomic(m->flat, n, i, len, &at), want, i, len);
		CHECK_EQ(m, in, "range_if conflict", at, want && ok ? first : n + 7, i, len);
		if (want == 0)
			model_fill(m->flat_model, i, len, set);
		break;
	case 4:
		want = model_claim_and(m->flat_model, m->h_model, n, i);
		CHECK_EQ(m, in, "bm_claim_and_atomic", bm_claim_and_atomic(m->flat, m->h_model, n, i, NULL),
			 want, i, 0);
		if (want < n)
			model_put(m->flat_model, want, false);
		break;
	default:
		scratch[BM_WORDS(n)] = 0x5a5a;
		bm_snapshot_atomic(scratch, m->flat, n);
		/* Whole words, tails included, and not one word more. */
		for (size_t w = 0; w < BM_WORDS(n); w++)
			CHECK_EQ(m, in, "bm_snapshot_atomic word", scratch[w], m->flat[w], w, 0);
		CHECK_EQ(m, in, "bm_snapshot_atomic guard", scratch[BM_WORDS(n)], 0x5a5a, 0, 0);
		break;
	}
}

/* ------------------------------------------------------------ hbm operations */

static void hbm_ops(struct maps *m, struct input *in, unsigned what)
{
	struct hbm *h = &m->h;
	size_t n = m->nbits, i, len;
	uint64_t *hm = m->h_model;
	size_t want;

	if (what >= 5) {
		take_hint(in, hm, n, false, &i, &len);
	} else {
		i = take_index(in, n);
		len = take_len(in, n);
	}

	switch (what) {
	case 0:
		if (i < n) {
			CHECK_EQ(m, in, "hbm_test_and_set", hbm_test_and_set(h, i), model_get(hm, i), i, 0);
			model_put(hm, i, true);
		}
		break;
	case 1:
		if (i < n) {
			CHECK_EQ(m, in, "hbm_test_and_clear", hbm_test_and_clear(h, i),
				 model_get(hm, i), i, 0);
			model_put(hm, i, false);
		}
		break;
	case 2:
		if (bm__range_ok(n, i, len)) {
			hbm_set_range(h, i, len);
			model_fill(hm, i, len, true);
		}
		break;
	case 3:
		if (bm__range_ok(n, i, len)) {
			hbm_clear_range(h, i, len);
			model_fill(hm, i, len, false);
		}
		break;
	case 4:
		CHECK_EQ(m, in, "hbm_find_next", hbm_find_next(h, i), model_next(hm, n, i, true), i, 0);
		CHECK_EQ(m, in, "hbm_find_next_zero", hbm_find_next_zero(h, i),
			 model_next(hm, n, i, false), i, 0);
		CHECK_EQ(m, in, "hbm_weight", hbm_weight(h), model_count(hm, 0, n, true), 0, 0);
		want = model_next(hm, (i / BM_WORD_BITS + 1) * BM_WORD_BITS < n ?
				  (i / BM_WORD_BITS + 1) * BM_WORD_BITS : n, i, false);
		CHECK_EQ(m, in, "hbm_find_next_zero_in_word", hbm_find_next_zero_in_word(h, i),
			 want < n && want / BM_WORD_BITS == i / BM_WORD_BITS ? want : n, i, 0);
		want = n;
		for (size_t k = i; k < n && want == n; k++)
			if (model_get(m->flat_model, k) && !model_get(hm, k))
				want = k;
		CHECK_EQ(m, in, "hbm_find_next_zero_and", hbm_find_next_zero_and(h, m->flat, i), want, i, 0);
		if (bm__range_ok(n, i, len))
			CHECK_EQ(m, in, "hbm_weight_range", hbm_weight_range(h, i, len),
				 model_count(hm, i, i + len, true), i, len);
		break;
	case 5:
		want = model_next(hm, n, i < n ? i : 0, false);
		if (want == n && i < n)
			want = model_next(hm, i, 0, false) < i ? model_next(hm, i, 0, false) : n;
		CHECK_EQ(m, in, "hbm_find_next_zero_wrap", hbm_find_next_zero_wrap(h, i), want, i, 0);
		break;
	case 6:
		CHECK_EQ(m, in, "hbm_find_zero_run", hbm_find_zero_run(h, i, len),
			 model_run(hm, n, i, len, false, n), i, len);
		break;
	}
}

/* ------------------------------------------------------------ driver */

static void setup(void)
{
	for (size_t k = 0; k < NSIZES; k++) {
		struct maps *m = &maps[k];
		size_t nw = BM_WORDS(sizes[k]) ? BM_WORDS(sizes[k]) : 1;

		m->nbits = sizes[k];
		m->flat = calloc(nw, sizeof(uint64_t));
		m->flat_model = calloc(nw, sizeof(uint64_t));
		m->h_model = calloc(nw, sizeof(uint64_t));
		m->hstore = calloc(hbm_storage_words(sizes[k]), sizeof(uint64_t));
		if (!m->flat || !m->flat_model || !m->h_model || !m->hstore)
			abort();
	}
}

/*
 * Each input starts from maps that are all clear, or all set (hbm_init_full).
 * A map is reset when an operation first picks it: an operation reads and
 * checks its own map only, so one the input never picks is never looked
 * at, and resetting all seven (270,000 bits and their summaries among
 * them) before every input cost more than most inputs' operations.
 */
static void reset(struct maps *m, bool full)
{
	size_t nw = BM_WORDS(m->nbits);

	if (full) {
		bm_fill(m->flat, m->nbits);
		hbm_init_full(&m->h, m->hstore, m->nbits);
	} else {
		bm_zero(m->flat, m->nbits);
		hbm_init(&m->h, m->hstore, m->nbits);
	}
	for (size_t w = 0; w < nw; w++)
		m->flat_model[w] = m->h_model[w] = full ? ~(uint64_t)0 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct input in = { data, data + size, 0 };
	bool full = size && (data[0] & 0x80), fresh[NSIZES] = { false };

	if (!ready) {
		setup();
		ready = true;
	}
	while (in.p < in.end && in.op < 256) {
		unsigned op = (unsigned)take(&in, 1);
		size_t k = take(&in, 1) % NSIZES;
		struct maps *m = &maps[k];

		if (!fresh[k]) {
			reset(m, full);
			fresh[k] = true;
		}

		switch (op % 8) {
		case 0: flat_write(m, &in, (op >> 3) % 7); break;
		case 1: flat_alloc(m, &in, (op >> 3) % 5); break;
		case 2: flat_whole(m, &in, (op >> 3) % 7); break;
		case 3: flat_search(m, &in, (op >> 3) % 11); break;
		case 4: flat_list(m, &in); break;
		case 5: rtl_ops(m, &in); break;
		case 6: hbm_ops(m, &in, (op >> 3) % 7); break;
		default: atomic_ops(m, &in, (op >> 3) % 6); break;
		}
		check_state(m, &in);
		in.op++;
	}
	return 0;
}
