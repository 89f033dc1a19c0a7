// SPDX-License-Identifier: MIT
/* The NanoVMs article's code (seed 000) as written, against compat/nanos.h, checking what it states. */
#include <bitmap/compat/nanos.h>
#include <kernel/ktest.h>

/*
 * Each snippet of "Bitmaps in NanoVMs" appears below as the article
 * writes it, wrapped in a function. Three lines are not C as printed and
 * are completed minimally, each marked "(completed)": the statement
 * `bitmap_alloc (pepe, present_processors)` lacks its semicolon, the
 * foreach example lacks its closing braces, and its printf uses
 * typographic quotes and prints `i` for `j` (it is replaced by counting
 * the processors). The article's prose prototypes ("bitmap_clone(bitmap
 * b)", "bitmap_allocate_bitmap(u64 length)") have no return type and are
 * not declarations; the four real prototypes it prints are redeclared
 * here, so a signature that drifts from the article fails to compile.
 * The allocator is the default one: no set-up call.
 */

u64 bitmap_alloc(bitmap b, u64 size);
u64 bitmap_alloc_within_range(bitmap b, u64 nbits, u64 start, u64 end);
static inline void bitmap_set(bitmap b, u64 i, int val);
static inline boolean bitmap_get(bitmap b, u64 i);

/* "pepe = allocate_bitmap(present_processors);" */
static bitmap make_pepe(u64 present_processors)
{
	bitmap pepe;

	pepe = allocate_bitmap(present_processors);
	return pepe;
}

KTEST(seed_nanos, allocate_bitmap_is_clear_and_rounded_up)
{
	u64 present_processors = 100;
	bitmap pepe = make_pepe(present_processors);

	ASSERT_NOT_NULL(t, pepe);
	/* Seed 000: "returns a bitmap that has all its bits cleared" */
	for (u64 i = 0; i < present_processors; i++)
		EXPECT_FALSE(t, bitmap_get(pepe, i));
	/* Seed 000: "if present_processors is 100 ... the function would allocate 128 bits" */
	EXPECT_EQ(t, pepe->mapbits, 128ull);
	EXPECT_EQ(t, pepe->maxbits, 100ull);
	deallocate_bitmap(pepe);
}

KTEST(seed_nanos, alloc_sets_every_processor)
{
	u64 present_processors = 100;
	bitmap pepe = make_pepe(present_processors);
	u64 first;

	ASSERT_NOT_NULL(t, pepe);
	first = bitmap_alloc (pepe, present_processors);	/* (completed: ;) */
	/* Seed 000: "sets all bits in the range and returns the first bit of the range" */
	EXPECT_EQ(t, first, 0ull);
	for (u64 i = 0; i < present_processors; i++)
		EXPECT_TRUE(t, bitmap_get(pepe, i));
	deallocate_bitmap(pepe);
}

KTEST(seed_nanos, alloc_within_range_is_the_same)
{
	u64 present_processors = 100;
	bitmap pepe = make_pepe(present_processors), other = make_pepe(present_processors);

	ASSERT_NOT_NULL(t, pepe);
	ASSERT_NOT_NULL(t, other);
	bitmap_alloc(other, present_processors);
	/* Seed 000: "This is the same that using bitmap_alloc_within_range" */
	EXPECT_EQ(t, bitmap_alloc_within_range(pepe, present_processors, 0, pepe->maxbits), 0ull);
	EXPECT_EQ(t, bitmap_base(pepe)[0], bitmap_base(other)[0]);
	EXPECT_EQ(t, bitmap_base(pepe)[1], bitmap_base(other)[1]);
	deallocate_bitmap(pepe);
	deallocate_bitmap(other);
}

/* The foreach example, counting instead of printing (the caller declares no j). */
static u64 count_present(bitmap pepe)
{
	u64 n = 0;

	bitmap_foreach_set(pepe, j) {
		if (bitmap_get(pepe, j)) {
			n++;	/* (completed: printf(‘processor: %d is presented\n’, i);) */
		}
	}
	return n;
}

/* The same loop where the caller has declared j and uses it afterwards. */
static u64 last_present(bitmap pepe)
{
	u64 j = INVALID_PHYSICAL, last = INVALID_PHYSICAL;

	bitmap_foreach_set(pepe, j) {
		if (bitmap_get(pepe, j)) {
			last = j;
		}
	}
	/* nanos' macro declares its own j, so the caller's is untouched. */
	return j == INVALID_PHYSICAL ? last : 0;
}

KTEST(seed_nanos, set_get_foreach_and_range_get_first)
{
	u64 present_processors = 100, p;
	bitmap pepe = make_pepe(present_processors);

	ASSERT_NOT_NULL(t, pepe);
	bitmap_alloc(pepe, present_processors);
	bitmap_set(pepe, 0, 0);
	/* Seed 000: "if we want to clear the bit 0 of the pepe bitmap, we just do" that */
	EXPECT_FALSE(t, bitmap_get(pepe, 0));
	/* Seed 000: bitmap_foreach_set iterates over the present processors: 1..99 */
	EXPECT_EQ(t, count_present(pepe), 99ull);
	EXPECT_EQ(t, last_present(pepe), 99ull);
	p = bitmap_range_get_first(pepe, 0, present_processors);
	/* Seed 000: "In p, we get the position of the first bit that is set" */
	EXPECT_EQ(t, p, 1ull);
	deallocate_bitmap(pepe);
}

KTEST(seed_nanos, extend_by_one_processor)
{
	u64 present_processors = 100, presented_processor = present_processors;
	bitmap pepe = make_pepe(present_processors);

	ASSERT_NOT_NULL(t, pepe);
	bitmap_extended(pepe, presented_processor + 1);
	/* Seed 000: "the bitmap needs to be one bit longer"; the new bits are clear */
	EXPECT_GE(t, pepe->maxbits, presented_processor + 1);
	EXPECT_FALSE(t, bitmap_get(pepe, presented_processor));
	/* Seed 000: "reallocated with a size that is a multiple of ALLOC_EXTEND_BITS, i.e., 4096" */
	bitmap_extend(pepe, 5000);
	EXPECT_EQ(t, pepe->mapbits % 4096, 0ull);
	EXPECT_GE(t, pepe->mapbits, 5001ull);
	EXPECT_EQ(t, ALLOC_EXTEND_BITS, 4096);
	deallocate_bitmap(pepe);
}

KTEST(seed_nanos, clone_copy_wrap_unwrap)
{
	u64 map[2] = { 0x6, 0 };
	bitmap b = make_pepe(100), dst = make_pepe(100), c, w;

	ASSERT_NOT_NULL(t, b);
	ASSERT_NOT_NULL(t, dst);
	bitmap_set(b, 42, 1);
	c = bitmap_clone(b);
	ASSERT_NOT_NULL(t, c);
	/* Seed 000: "returns a new bitmap which is a copy of b" */
	EXPECT_TRUE(t, bitmap_get(c, 42));
	EXPECT_EQ(t, c->maxbits, b->maxbits);
	bitmap_copy(dst, b);
	/* Seed 000: "bitmap_copy copies the src bitmap into the dest bitmap" */
	EXPECT_TRUE(t, bitmap_get(dst, 42));
	/* Seed 000: bitmap_wrap(heap h, u64 * map, u64 length) over an existing bitmap */
	w = bitmap_wrap(NULL, map, 128);
	ASSERT_NOT_NULL(t, w);
	EXPECT_TRUE(t, bitmap_get(w, 1));
	EXPECT_TRUE(t, bitmap_get(w, 2));
	EXPECT_FALSE(t, bitmap_get(w, 0));
	bitmap_set(w, 64, 1);
	bitmap_unwrap(w);
	EXPECT_EQ(t, map[1], 1ull);
	/* Seed 000: deallocate "releases both the bitmap itself and the bitmap structure" */
	deallocate_bitmap(b);
	deallocate_bitmap(c);
	deallocate_bitmap(dst);
}
