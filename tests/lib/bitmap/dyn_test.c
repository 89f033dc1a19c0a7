// SPDX-License-Identifier: MIT
/* Tests of dynamic bitmaps on a counting allocator over a static arena. */
#include <bitmap/bitmap.h>
#include <kernel/ktest.h>

#include "harness.h"
#include "model.h"

/*
 * A bump allocator that fills what it hands out with junk (so zeroing is
 * tested), checks that free gets back the size alloc was asked for, and
 * can be told to fail after a number of successful calls.
 */
#define ARENA_WORDS	4096
#define MAX_BLOCKS	64

struct arena {
	uint64_t words[ARENA_WORDS];
	size_t used;			/* words handed out */
	struct { void *p; size_t bytes; bool live; } blocks[MAX_BLOCKS];
	size_t nblocks;
	size_t live_bytes;
	int fail_after;			/* successful allocs left; < 0: never fail */
	int bad_frees;
};

static struct arena arena;

static void *arena_alloc(void *ctx, size_t bytes)
{
	struct arena *a = ctx;
	size_t words = (bytes + 7) / 8;
	uint64_t *p;

	if (a->fail_after == 0 || a->used + words > ARENA_WORDS || a->nblocks == MAX_BLOCKS)
		return NULL;
	if (a->fail_after > 0)
		a->fail_after--;
	p = &a->words[a->used];
	a->used += words;
	for (size_t k = 0; k < words; k++)
		p[k] = 0xa5a5a5a5a5a5a5a5ull;
	a->blocks[a->nblocks].p = p;
	a->blocks[a->nblocks].bytes = bytes;
	a->blocks[a->nblocks++].live = true;
	a->live_bytes += bytes;
	return p;
}

static void arena_free(void *ctx, void *p, size_t bytes)
{
	struct arena *a = ctx;

	for (size_t k = 0; k < a->nblocks; k++) {
		if (a->blocks[k].p == p && a->blocks[k].live && a->blocks[k].bytes == bytes) {
			a->blocks[k].live = false;
			a->live_bytes -= bytes;
			return;
		}
	}
	a->bad_frees++;
}

static const struct bm_alloc alloc = { arena_alloc, arena_free, &arena };

static void arena_reset(void)
{
	arena.used = 0;
	arena.nblocks = 0;
	arena.live_bytes = 0;
	arena.fail_after = -1;
	arena.bad_frees = 0;
}

/* Nothing leaked, nothing freed twice or with the wrong size. */
static void expect_all_freed(struct ktest *t)
{
	EXPECT_EQ(t, arena.live_bytes, 0);
	EXPECT_EQ(t, arena.bad_frees, 0);
}

KTEST(bitmap_dyn, create_rounds_to_words_and_zeroes)
{
	struct bm_dyn *d;

	for (size_t k = 0; k < TB_NSIZES; k++) {
		size_t nbits = tb_sizes[k];

		arena_reset();
		d = bm_dyn_create(&alloc, nbits);
		ASSERT_NOT_NULL(t, d);
		EXPECT_EQ(t, d->nbits, nbits);
		EXPECT_EQ(t, d->capacity_bits, BM_WORDS(nbits) * 64);
		EXPECT_FALSE(t, d->wrapped);
		EXPECT_EQ(t, model_count(d->words, 0, d->capacity_bits, true), 0);
		EXPECT_EQ(t, bm_find_first(d->words, d->nbits), nbits);
		bm_dyn_free(d);
		expect_all_freed(t);
	}
	arena_reset();
	d = bm_dyn_create(&alloc, 100);
	ASSERT_NOT_NULL(t, d);
	EXPECT_EQ(t, d->capacity_bits, 128);
	bm_dyn_free(d);
	EXPECT_NULL(t, bm_dyn_create(NULL, 100));
	EXPECT_NULL(t, bm_dyn_create(&alloc, ~(size_t)0));
}

KTEST(bitmap_dyn, create_fails_cleanly)
{
	arena_reset();
	arena.fail_after = 0;
	EXPECT_NULL(t, bm_dyn_create(&alloc, 64));
	arena.fail_after = 1;		/* the handle, not the words */
	EXPECT_NULL(t, bm_dyn_create(&alloc, 64));
	expect_all_freed(t);
}

KTEST(bitmap_dyn, extend_in_steps_keeps_bits)
{
	struct bm_dyn *d;

	arena_reset();
	d = bm_dyn_create(&alloc, 100);
	ASSERT_NOT_NULL(t, d);
	bm_set(d->words, 3);
	bm_set(d->words, 99);
	/* Junk in the tail must not reappear as bits when the map grows. */
	d->words[1] |= ~(uint64_t)0 << 36;
	EXPECT_EQ(t, bm_dyn_extend(d, 50), 0);
	EXPECT_EQ(t, d->nbits, 100);
	EXPECT_EQ(t, bm_dyn_extend(d, 120), 0);
	EXPECT_EQ(t, d->nbits, 121);
	EXPECT_EQ(t, d->capacity_bits, 128);
	EXPECT_EQ(t, bm_weight(d->words, d->nbits), 2);
	EXPECT_EQ(t, bm_dyn_extend(d, 128), 0);
	EXPECT_EQ(t, d->capacity_bits, BM_EXTEND_BITS);
	EXPECT_EQ(t, d->nbits, 129);
	EXPECT_EQ(t, bm_dyn_extend(d, 4096), 0);
	EXPECT_EQ(t, d->capacity_bits, 2 * BM_EXTEND_BITS);
	EXPECT_EQ(t, bm_weight(d->words, d->nbits), 2);
	EXPECT_TRUE(t, bm_dyn_test(d, 3));
	EXPECT_TRUE(t, bm_dyn_test(d, 99));
	EXPECT_FALSE(t, bm_dyn_test(d, 4097));
	EXPECT_FALSE(t, bm_dyn_test(d, ~(size_t)0));
	arena.fail_after = 0;
	EXPECT_EQ(t, bm_dyn_extend(d, 9000), -BM_ENOMEM);
	EXPECT_EQ(t, d->nbits, 4097);
	EXPECT_EQ(t, bm_dyn_extend(d, ~(size_t)0), -BM_ENOMEM);
	EXPECT_EQ(t, bm_weight(d->words, d->nbits), 2);
	bm_dyn_free(d);
	expect_all_freed(t);
}

KTEST(bitmap_dyn, assign_extends)
{
	struct bm_dyn *d;

	arena_reset();
	d = bm_dyn_create(&alloc, 0);
	ASSERT_NOT_NULL(t, d);
	EXPECT_EQ(t, bm_dyn_assign(d, 5000, true), 0);
	EXPECT_EQ(t, d->nbits, 5001);
	EXPECT_EQ(t, d->capacity_bits, 2 * BM_EXTEND_BITS);
	EXPECT_EQ(t, bm_find_first(d->words, d->nbits), 5000);
	EXPECT_EQ(t, bm_dyn_assign(d, 5000, false), 0);
	EXPECT_EQ(t, bm_dyn_assign(d, 7, true), 0);
	EXPECT_EQ(t, bm_find_first(d->words, d->nbits), 7);
	EXPECT_EQ(t, bm_weight(d->words, d->nbits), 1);
	arena.fail_after = 0;
	EXPECT_EQ(t, bm_dyn_assign(d, 9000, true), -BM_ENOMEM);
	EXPECT_FALSE(t, bm_dyn_test(d, 9000));
	bm_dyn_free(d);
	expect_all_freed(t);
}

KTEST(bitmap_dyn, clone_and_copy_match_every_size)
{
	static struct tb_map m;

	for (size_t v = 0; v < TB_VARIANTS; v++) {
		struct bm_dyn *src, *c, *dst;

		arena_reset();
		tb_make_variant(&m, v);
		src = bm_dyn_wrap(&alloc, m.w, m.nbits);
		ASSERT_NOT_NULL(t, src);
		c = bm_dyn_clone(src);
		ASSERT_NOT_NULL(t, c);
		TB_EQ(t, &m, c->nbits, m.nbits, "%s", "clone");
		TB_EQ(t, &m, model_diff(c->words, m.w, m.nbits), m.nbits, "%s", "clone, first wrong bit");
		dst = bm_dyn_create(&alloc, 1);
		ASSERT_NOT_NULL(t, dst);
		TB_EQ(t, &m, (size_t)bm_dyn_copy(dst, src), 0, "%s", "copy");
		TB_EQ(t, &m, dst->nbits, m.nbits, "%s", "copy");
		TB_EQ(t, &m, model_diff(dst->words, m.w, m.nbits), m.nbits, "%s", "copy, first wrong bit");
		/* Unwrapping gives the caller's words back, untouched. */
		TB_EQ(t, &m, bm_dyn_unwrap(src) == m.w, true, "%s", "unwrap");
		tb_guards_ok(t, &m, "wrap/clone/copy");
		TB_EQ(t, &m, tb_tail_ok(&m), true, "%s", "tail");
		bm_dyn_free(c);
		bm_dyn_free(dst);
		expect_all_freed(t);
	}
}

KTEST(bitmap_dyn, copy_fails_without_change)
{
	struct bm_dyn *small, *big;

	arena_reset();
	small = bm_dyn_create(&alloc, 10);
	big = bm_dyn_create(&alloc, 1000);
	ASSERT_NOT_NULL(t, small);
	ASSERT_NOT_NULL(t, big);
	bm_set(small->words, 4);
	bm_set(big->words, 999);
	arena.fail_after = 0;
	EXPECT_EQ(t, bm_dyn_copy(small, big), -BM_ENOMEM);
	EXPECT_EQ(t, small->nbits, 10);
	EXPECT_EQ(t, bm_find_first(small->words, small->nbits), 4);
	EXPECT_EQ(t, bm_dyn_copy(big, small), 0);
	EXPECT_EQ(t, big->nbits, 10);
	EXPECT_EQ(t, bm_find_first(big->words, big->nbits), 4);
	bm_dyn_free(small);
	bm_dyn_free(big);
	bm_dyn_free(NULL);
	expect_all_freed(t);
}

KTEST(bitmap_dyn, wrapped_storage_grows_into_owned)
{
	static uint64_t words[2] = { 0x5, ~(uint64_t)0 };
	struct bm_dyn *d;
	uint64_t *back;

	arena_reset();
	d = bm_dyn_wrap(&alloc, words, 70);
	ASSERT_NOT_NULL(t, d);
	EXPECT_TRUE(t, d->wrapped);
	EXPECT_EQ(t, bm_weight(d->words, d->nbits), 2 + 6);
	EXPECT_EQ(t, bm_dyn_extend(d, 200), 0);
	/* Now on the allocator's memory; the caller's words are untouched. */
	EXPECT_FALSE(t, d->wrapped);
	EXPECT_TRUE(t, d->words != words);
	EXPECT_EQ(t, words[1], ~(uint64_t)0);
	EXPECT_EQ(t, bm_weight(d->words, d->nbits), 2 + 6);
	EXPECT_EQ(t, bm_find_last(d->words, d->nbits), 69);
	back = bm_dyn_unwrap(d);
	EXPECT_EQ(t, bm_find_last(back, 201), 69);
	arena_free(&arena, back, BM_EXTEND_BITS / 8);
	expect_all_freed(t);
}

/* The bit just past the end: extend and assign make it exist, test sees only bits that exist. */
KTEST(bitmap_dyn, the_first_missing_bit)
{
	static uint64_t words[2] = { 0, ~(uint64_t)0 };	/* bits 64..127 set, 100 exist */
	struct bm_dyn *d;

	arena_reset();
	d = bm_dyn_wrap(&alloc, words, 100);
	ASSERT_NOT_NULL(t, d);
	EXPECT_TRUE(t, bm_dyn_test(d, 99));
	EXPECT_FALSE(t, bm_dyn_test(d, 100));		/* tail junk is not a bit */
	EXPECT_EQ(t, bm_dyn_extend(d, 100), 0);
	EXPECT_EQ(t, d->nbits, 101);
	EXPECT_FALSE(t, bm_dyn_test(d, 100));		/* a new bit is clear */
	EXPECT_EQ(t, bm_dyn_assign(d, 101, true), 0);
	EXPECT_EQ(t, d->nbits, 102);
	EXPECT_TRUE(t, bm_dyn_test(d, 101));
	EXPECT_TRUE(t, d->wrapped);			/* all inside the caller's 128 bits */
	EXPECT_TRUE(t, bm_dyn_unwrap(d) == words);
	expect_all_freed(t);
}

/* Extending to the last bit of the capacity clears up to it and not one bit further. */
KTEST(bitmap_dyn, extend_to_the_last_bit_of_capacity)
{
	struct bm_dyn *d;
	uint64_t *next;

	arena_reset();
	d = bm_dyn_create(&alloc, 100);
	ASSERT_NOT_NULL(t, d);
	next = arena_alloc(&arena, 8);			/* the arena's next word, junk-filled */
	ASSERT_TRUE(t, next == d->words + 2);
	EXPECT_EQ(t, bm_dyn_extend(d, 127), 0);
	EXPECT_EQ(t, d->nbits, 128);
	EXPECT_EQ(t, d->capacity_bits, 128);
	EXPECT_EQ(t, *next, 0xa5a5a5a5a5a5a5a5ull);
	EXPECT_EQ(t, bm_weight(d->words, d->nbits), 0);
	arena_free(&arena, next, 8);
	bm_dyn_free(d);
	expect_all_freed(t);
}

/* A wrapped map that is big enough takes a copy in place: the caller's words hold it. */
KTEST(bitmap_dyn, copy_into_wrapped_storage_that_fits)
{
	static uint64_t words[2];
	struct bm_dyn *src, *dst;

	arena_reset();
	src = bm_dyn_create(&alloc, 128);
	ASSERT_NOT_NULL(t, src);
	bm_set(src->words, 1);
	bm_set(src->words, 127);
	dst = bm_dyn_wrap(&alloc, words, 128);		/* exactly the size of src */
	ASSERT_NOT_NULL(t, dst);
	EXPECT_EQ(t, bm_dyn_copy(dst, src), 0);
	EXPECT_TRUE(t, dst->words == words);
	EXPECT_EQ(t, words[0], 2);
	EXPECT_EQ(t, words[1], 1ull << 63);
	EXPECT_TRUE(t, bm_dyn_unwrap(dst) == words);
	bm_dyn_free(src);
	expect_all_freed(t);
}
