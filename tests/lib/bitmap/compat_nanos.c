// SPDX-License-Identifier: MIT
/* Tests of the NanoVMs dialect: the seed article's examples, its kernel uses, and the contract. */
/*
 * Expected values come from the seed article (000_*.txt, "Seed 000"), nanos'
 * own src/runtime/bitmap.[ch] ("nanos bitmap.c"), or shared/REFERENCE.md
 * where setbit's contract deliberately differs from nanos (nanos.h lists
 * those differences); the source is named next to each.
 */
#include <bitmap/compat/nanos.h>
#include <kernel/ktest.h>

/*
 * A bump allocator over a static arena that counts what is live, so each
 * case can check it gave everything back (with the sizes it was given).
 * fail_after = N makes the N+1-th allocation fail.
 */
struct arena {
	_Alignas(16) unsigned char mem[1 << 16];
	size_t used;
	long live;
	long live_bytes;
	long fail_after;
};

static struct arena arena;

static void *arena_alloc(void *ctx, size_t bytes)
{
	struct arena *a = ctx;
	void *p;

	if (a->fail_after == 0 || bytes > sizeof(a->mem) - a->used)
		return NULL;
	if (a->fail_after > 0)
		a->fail_after--;
	p = a->mem + a->used;
	a->used += (bytes + 15) & ~(size_t)15;
	a->live++;
	a->live_bytes += (long)bytes;
	return p;
}

static void arena_free(void *ctx, void *p, size_t bytes)
{
	struct arena *a = ctx;

	(void)p;
	a->live--;
	a->live_bytes -= (long)bytes;
}

static const struct bm_alloc test_heap = { arena_alloc, arena_free, &arena };

/*
 * A fresh arena. Cases allocate on it by name (allocate_bitmap_on) so
 * that the default heap, which seed_nanos.c relies on, stays the built-in.
 */
static heap fresh_heap(void)
{
	arena.used = 0;
	arena.live = 0;
	arena.live_bytes = 0;
	arena.fail_after = -1;
	return &test_heap;
}

#define EXPECT_NO_LEAKS(t) do {				\
	EXPECT_EQ(t, arena.live, 0l);			\
	EXPECT_EQ(t, arena.live_bytes, 0l);		\
} while (0)

/* ------------------------------------------------ seed 000 (NanoVMs) */

KTEST(compat_nanos, seed_one_byte_bit_operations)
{
	bitmap b;

	fresh_heap();
	b = allocate_bitmap_on(&test_heap, 8);
	ASSERT_NOT_NULL(t, b);
	/* Seed 000: Bitmap |= 1 << i;  Bitmap &= ~(1 << i);  (Bitmap >> i) & 1 */
	bitmap_set(b, 5, 1);
	EXPECT_EQ(t, bitmap_base(b)[0], 0x20ull);
	EXPECT_TRUE(t, bitmap_get(b, 5));
	EXPECT_FALSE(t, bitmap_get(b, 4));
	bitmap_set(b, 5, 0);
	EXPECT_EQ(t, bitmap_base(b)[0], 0ull);
	EXPECT_FALSE(t, bitmap_get(b, 5));
	deallocate_bitmap(b);
	EXPECT_NO_LEAKS(t);
}

KTEST(compat_nanos, seed_present_processors)
{
	u64 present_processors = 100, p, n = 0;
	bitmap pepe;

	fresh_heap();
	pepe = allocate_bitmap_on(&test_heap, present_processors);
	ASSERT_NOT_NULL(t, pepe);
	/* Seed 000: all clear; "if present_processors is 100 ... would allocate 128 bits" */
	EXPECT_EQ(t, pepe->maxbits, 100ull);
	EXPECT_EQ(t, pepe->mapbits, 128ull);
	EXPECT_EQ(t, bitmap_range_get_first(pepe, 0, present_processors), INVALID_PHYSICAL);
	/* Seed 000: bitmap_alloc sets the range and "returns the first bit of the range" */
	EXPECT_EQ(t, bitmap_alloc(pepe, present_processors), 0ull);
	bitmap_foreach_set(pepe, j) {
		if (bitmap_get(pepe, j))
			n++;
	}
	EXPECT_EQ(t, n, 100ull);
	/* Seed 000: bitmap_set(pepe, 0, 0) clears bit 0; range_get_first gives the first set bit */
	bitmap_set(pepe, 0, 0);
	EXPECT_FALSE(t, bitmap_get(pepe, 0));
	p = bitmap_range_get_first(pepe, 0, present_processors);
	EXPECT_EQ(t, p, 1ull);
	deallocate_bitmap(pepe);
	EXPECT_NO_LEAKS(t);
}

KTEST(compat_nanos, seed_alloc_equals_alloc_within_range)
{
	bitmap a, b;

	fresh_heap();
	a = allocate_bitmap_on(&test_heap, 100);
	b = allocate_bitmap_on(&test_heap, 100);
	ASSERT_NOT_NULL(t, a);
	ASSERT_NOT_NULL(t, b);
	EXPECT_EQ(t, bitmap_alloc(a, 100), 0ull);
	EXPECT_EQ(t, bitmap_alloc_within_range(b, 100, 0, b->maxbits), 0ull);
	EXPECT_EQ(t, bitmap_base(a)[0], bitmap_base(b)[0]);
	EXPECT_EQ(t, bitmap_base(a)[1], bitmap_base(b)[1]);
	EXPECT_EQ(t, bitmap_base(a)[1], (1ull << 36) - 1);
	deallocate_bitmap(a);
	deallocate_bitmap(b);
	EXPECT_NO_LEAKS(t);
}

KTEST(compat_nanos, seed_extend_by_one_processor)
{
	u64 present_processors = 100;
	bitmap pepe;

	fresh_heap();
	pepe = allocate_bitmap_on(&test_heap, present_processors);
	ASSERT_NOT_NULL(t, pepe);
	bitmap_set(pepe, 99, 1);
	EXPECT_TRUE(t, bitmap_extend(pepe, present_processors + 1));
	EXPECT_EQ(t, pepe->maxbits, 102ull);
	/* nanos bitmap.h: no reallocation while i < mapbits */
	EXPECT_EQ(t, pepe->mapbits, 128ull);
	/* Seed 000: "reallocated with a size that is a multiple of ALLOC_EXTEND_BITS, i.e., 4096" */
	EXPECT_TRUE(t, bitmap_extend(pepe, 200));
	EXPECT_EQ(t, pepe->maxbits, 201ull);
	EXPECT_EQ(t, pepe->mapbits, 4096ull);
	EXPECT_TRUE(t, bitmap_extend(pepe, 4096));
	EXPECT_EQ(t, pepe->mapbits, 8192ull);
	EXPECT_TRUE(t, bitmap_get(pepe, 99));
	EXPECT_FALSE(t, bitmap_get(pepe, 101));
	EXPECT_EQ(t, bitmap_range_get_first(pepe, 100, 4000), INVALID_PHYSICAL);
	deallocate_bitmap(pepe);
	EXPECT_NO_LEAKS(t);
}

KTEST(compat_nanos, seed_clone_and_copy)
{
	bitmap b, c, d;

	fresh_heap();
	b = allocate_bitmap_on(&test_heap, 300);
	d = allocate_bitmap_on(&test_heap, 10);
	ASSERT_NOT_NULL(t, b);
	ASSERT_NOT_NULL(t, d);
	bitmap_set(b, 3, 1);
	bitmap_set(b, 299, 1);
	c = bitmap_clone(b);
	ASSERT_NOT_NULL(t, c);
	/* Seed 000: clone "returns a new bitmap which is a copy of b"; copy "copies src into dest" */
	EXPECT_EQ(t, c->maxbits, 300ull);
	EXPECT_TRUE(t, bitmap_get(c, 3));
	EXPECT_TRUE(t, bitmap_get(c, 299));
	bitmap_set(c, 3, 0);
	EXPECT_TRUE(t, bitmap_get(b, 3));
	EXPECT_TRUE(t, bitmap_copy(d, b));
	EXPECT_EQ(t, d->maxbits, 300ull);
	EXPECT_EQ(t, bitmap_range_get_first(d, 0, 300), 3ull);
	EXPECT_EQ(t, bitmap_range_get_first(d, 4, 296), 299ull);
	deallocate_bitmap(b);
	deallocate_bitmap(c);
	deallocate_bitmap(d);
	EXPECT_NO_LEAKS(t);
}

KTEST(compat_nanos, seed_wrap_and_unwrap)
{
	u64 words[2] = { 0x5, 0 };
	bitmap b;

	fresh_heap();
	b = bitmap_wrap(&test_heap, words, 128);
	ASSERT_NOT_NULL(t, b);
	/* Seed 000: wrap "creates a bitmap structure from an existing bitmap"; unwrap releases it */
	EXPECT_EQ(t, b->maxbits, 128ull);
	EXPECT_TRUE(t, bitmap_get(b, 2));
	EXPECT_FALSE(t, bitmap_get(b, 1));
	bitmap_set(b, 127, 1);
	EXPECT_PTR_EQ(t, bitmap_unwrap(b), words);
	EXPECT_EQ(t, words[1], 1ull << 63);
	EXPECT_NO_LEAKS(t);
}

/* ------------------------------------------------ the seed's kernel uses */

KTEST(compat_nanos, use_idle_cpu_mask)
{
	bitmap idle;
	u64 cpus = 4;

	fresh_heap();
	idle = allocate_bitmap_on(&test_heap, cpus);
	ASSERT_NOT_NULL(t, idle);
	EXPECT_EQ(t, bitmap_alloc(idle, cpus), 0ull);
	/* REFERENCE.md (nanos idle_cpu_mask): a waker test-and-clears, IPIs only if it was set */
	EXPECT_TRUE(t, bitmap_test_and_set_atomic(idle, 2, 0));
	EXPECT_FALSE(t, bitmap_test_and_set_atomic(idle, 2, 0));
	/* CPU 2 goes idle again. */
	bitmap_set_atomic(idle, 2, 1);
	EXPECT_TRUE(t, bitmap_get(idle, 2));
	EXPECT_TRUE(t, bitmap_test_and_set_atomic(idle, 2, 1));
	deallocate_bitmap(idle);
	EXPECT_NO_LEAKS(t);
}

KTEST(compat_nanos, use_thread_affinity)
{
	bitmap affinity, idle;
	size_t cpu;

	fresh_heap();
	affinity = allocate_bitmap_on(&test_heap, 8);
	idle = allocate_bitmap_on(&test_heap, 8);
	ASSERT_NOT_NULL(t, affinity);
	ASSERT_NOT_NULL(t, idle);
	bitmap_set(affinity, 1, 1);
	bitmap_set(affinity, 6, 1);
	bitmap_set(idle, 2, 1);
	bitmap_set(idle, 6, 1);
	/* Seed 000: the scheduler picks a processor in the thread's affinity that is free */
	cpu = bm_find_next_and(bitmap_base(affinity), bitmap_base(idle), 8, 0);
	EXPECT_EQ(t, cpu, 6ul);
	deallocate_bitmap(affinity);
	deallocate_bitmap(idle);
	EXPECT_NO_LEAKS(t);
}

KTEST(compat_nanos, use_gdt_tss_slots)
{
	bitmap gdt;

	fresh_heap();
	gdt = allocate_bitmap_on(&test_heap, 64);
	ASSERT_NOT_NULL(t, gdt);
	/* nanos bitmap.c: allocations aligned to the next power of 2 >= n, first fit. Slots 0-5. */
	EXPECT_EQ(t, bitmap_alloc(gdt, 5), 0ull);
	EXPECT_EQ(t, bitmap_alloc(gdt, 1), 5ull);
	/* A TSS descriptor is two slots, 2-aligned. */
	EXPECT_EQ(t, bitmap_alloc(gdt, 2), 6ull);
	EXPECT_EQ(t, bitmap_alloc(gdt, 2), 8ull);
	EXPECT_TRUE(t, bitmap_dealloc(gdt, 6, 2));
	EXPECT_EQ(t, bitmap_alloc(gdt, 2), 6ull);
	deallocate_bitmap(gdt);
	EXPECT_NO_LEAKS(t);
}

KTEST(compat_nanos, use_inode_bitmap)
{
	bitmap inodes;

	fresh_heap();
	inodes = allocate_bitmap_on(&test_heap, 1000);
	ASSERT_NOT_NULL(t, inodes);
	/* Seed 000: assigned inodes set, free ones clear; nanos bitmap.c: n = 1 is first fit */
	for (u64 i = 0; i < 1000; i++)
		ASSERT_EQ(t, bitmap_alloc(inodes, 1), i);
	EXPECT_EQ(t, bitmap_alloc(inodes, 1), INVALID_PHYSICAL);
	EXPECT_TRUE(t, bitmap_dealloc(inodes, 517, 1));
	EXPECT_EQ(t, bitmap_alloc(inodes, 1), 517ull);
	deallocate_bitmap(inodes);
	EXPECT_NO_LEAKS(t);
}

/* ------------------------------------------------ the contract */

KTEST(compat_nanos, alloc_aligns_to_the_next_power_of_two)
{
	bitmap b;

	fresh_heap();
	b = allocate_bitmap_on(&test_heap, 64);
	ASSERT_NOT_NULL(t, b);
	bitmap_set(b, 0, 1);
	/* nanos bitmap.c: "aligned to next power-of-2"; REFERENCE.md: n = 3 -> a multiple of 4, 3 bits set */
	EXPECT_EQ(t, bitmap_alloc(b, 3), 4ull);
	EXPECT_EQ(t, bitmap_base(b)[0], 0x71ull);
	EXPECT_EQ(t, bitmap_alloc(b, 3), 8ull);
	/* REFERENCE.md: alignment relative to start (nanos: absolute; nanos.h lists it), so 5, 7, 9, ... */
	EXPECT_EQ(t, bitmap_alloc_within_range(b, 2, 5, 20), 11ull);
	EXPECT_EQ(t, bitmap_alloc_within_range(b, 2, 5, 20), 13ull);
	EXPECT_EQ(t, bitmap_alloc_within_range(b, 8, 5, 20), INVALID_PHYSICAL);
	EXPECT_EQ(t, bitmap_alloc_within_range(b, 1, 20, 20), INVALID_PHYSICAL);
	EXPECT_EQ(t, bitmap_alloc_within_range(b, 0, 0, 64), INVALID_PHYSICAL);
	EXPECT_EQ(t, bitmap_alloc(b, 65), INVALID_PHYSICAL);
	/* nanos bitmap.c: "Requesting beyond the end of maxbits isn't an error": end is cut there */
	EXPECT_EQ(t, bitmap_alloc_within_range(b, 32, 0, 1000), 32ull);
	deallocate_bitmap(b);
	EXPECT_NO_LEAKS(t);
}

KTEST(compat_nanos, dealloc_is_all_or_nothing)
{
	bitmap b;

	fresh_heap();
	b = allocate_bitmap_on(&test_heap, 128);
	ASSERT_NOT_NULL(t, b);
	EXPECT_EQ(t, bitmap_alloc(b, 16), 0ull);
	bitmap_set(b, 9, 0);
	/* REFERENCE.md: dealloc fails and changes nothing unless every bit is set (nanos bitmap.c too) */
	EXPECT_FALSE(t, bitmap_dealloc(b, 0, 16));
	EXPECT_EQ(t, bitmap_base(b)[0], 0xfdffull);
	EXPECT_FALSE(t, bitmap_dealloc(b, 120, 16));
	EXPECT_FALSE(t, bitmap_dealloc(b, 0, 0));
	EXPECT_TRUE(t, bitmap_dealloc(b, 10, 6));
	EXPECT_EQ(t, bitmap_base(b)[0], 0x1ffull);
	deallocate_bitmap(b);
	EXPECT_NO_LEAKS(t);
}

KTEST(compat_nanos, set_extends_and_get_is_false_past_the_end)
{
	bitmap b;

	fresh_heap();
	b = allocate_bitmap_on(&test_heap, 10);
	ASSERT_NOT_NULL(t, b);
	EXPECT_FALSE(t, bitmap_get(b, 10));
	EXPECT_FALSE(t, bitmap_get(b, ~0ull));
	/* REFERENCE.md: bitmap_set past the storage extends it; nanos bitmap.h: pad(i + 1, 4096) */
	EXPECT_TRUE(t, bitmap_set_checked(b, 5000, 1));
	EXPECT_EQ(t, b->maxbits, 5001ull);
	EXPECT_EQ(t, b->mapbits, 8192ull);
	EXPECT_TRUE(t, bitmap_get(b, 5000));
	EXPECT_EQ(t, bitmap_range_get_first(b, 0, 5001), 5000ull);
	/* Clearing past the end extends too, and leaves the new bits clear. */
	EXPECT_TRUE(t, bitmap_set_checked(b, 9000, 0));
	EXPECT_EQ(t, b->maxbits, 9001ull);
	EXPECT_EQ(t, bitmap_range_get_first(b, 5001, 4000), INVALID_PHYSICAL);
	deallocate_bitmap(b);
	EXPECT_NO_LEAKS(t);
}

KTEST(compat_nanos, atomics_stay_inside_the_map)
{
	bitmap b;

	fresh_heap();
	b = allocate_bitmap_on(&test_heap, 70);
	ASSERT_NOT_NULL(t, b);
	/* REFERENCE.md: atomic set / test-and-set (val = 0: test-and-clear); nanos.h: never past maxbits */
	bitmap_set_atomic(b, 69, 1);
	bitmap_set_atomic(b, 70, 1);
	EXPECT_EQ(t, b->maxbits, 70ull);
	EXPECT_EQ(t, bitmap_base(b)[1], 1ull << 5);
	EXPECT_FALSE(t, bitmap_test_and_set_atomic(b, 64, 1));
	EXPECT_TRUE(t, bitmap_test_and_set_atomic(b, 64, 1));
	EXPECT_TRUE(t, bitmap_test_and_set_atomic(b, 64, 0));
	EXPECT_FALSE(t, bitmap_get(b, 64));
	EXPECT_FALSE(t, bitmap_test_and_set_atomic(b, 70, 1));
	bitmap_set_atomic(b, 69, 0);
	EXPECT_EQ(t, bitmap_base(b)[1], 0ull);
	deallocate_bitmap(b);
	EXPECT_NO_LEAKS(t);
}

KTEST(compat_nanos, range_get_first_stays_in_its_range)
{
	bitmap b;

	fresh_heap();
	b = allocate_bitmap_on(&test_heap, 200);
	ASSERT_NOT_NULL(t, b);
	bitmap_set(b, 150, 1);
	/* Seed 000, REFERENCE.md: the first set bit in [start, start + n), else (u64)-1 */
	EXPECT_EQ(t, bitmap_range_get_first(b, 0, 150), INVALID_PHYSICAL);
	EXPECT_EQ(t, bitmap_range_get_first(b, 0, 151), 150ull);
	EXPECT_EQ(t, bitmap_range_get_first(b, 150, 1), 150ull);
	EXPECT_EQ(t, bitmap_range_get_first(b, 151, ~0ull), INVALID_PHYSICAL);
	EXPECT_EQ(t, bitmap_range_get_first(b, 100, ~0ull), 150ull);
	EXPECT_EQ(t, bitmap_range_get_first(b, 200, 1), INVALID_PHYSICAL);
	EXPECT_EQ(t, bitmap_range_get_first(b, 0, 0), INVALID_PHYSICAL);
	deallocate_bitmap(b);
	EXPECT_NO_LEAKS(t);
}

KTEST(compat_nanos, out_of_memory_fails_cleanly)
{
	bitmap b;

	fresh_heap();
	for (long k = 0; k < 3; k++) {
		arena.fail_after = k;
		EXPECT_NULL(t, allocate_bitmap_on(&test_heap, 100));
		EXPECT_NO_LEAKS(t);
	}
	arena.fail_after = -1;
	b = allocate_bitmap_on(&test_heap, 100);
	ASSERT_NOT_NULL(t, b);
	bitmap_set(b, 7, 1);
	arena.fail_after = 0;
	/* nanos.h: out of memory is reported and changes nothing (nanos itself asserts) */
	EXPECT_FALSE(t, bitmap_set_checked(b, 100000, 1));
	EXPECT_FALSE(t, bitmap_extend(b, 4096));
	EXPECT_NULL(t, bitmap_clone(b));
	EXPECT_EQ(t, b->maxbits, 100ull);
	EXPECT_TRUE(t, bitmap_get(b, 7));
	arena.fail_after = -1;
	deallocate_bitmap(b);
	EXPECT_NO_LEAKS(t);
}

KTEST(compat_nanos, null_heap_means_the_builtin_default)
{
	u64 words[1] = { 0 };
	bitmap b, w;

	/* Issue 14: no set-up call is needed: malloc on the host, the kernel heap in the kernel */
	b = allocate_bitmap(10);
	ASSERT_NOT_NULL(t, b);
	/* Seed 000: "The function returns a bitmap that has all its bits cleared" */
	EXPECT_EQ(t, bitmap_range_get_first(b, 0, 10), INVALID_PHYSICAL);
	w = bitmap_wrap(NULL, words, 64);
	ASSERT_NOT_NULL(t, w);
	bitmap_set(w, 3, 1);
	EXPECT_PTR_EQ(t, bitmap_unwrap(w), words);
	EXPECT_EQ(t, words[0], 0x8ull);
	deallocate_bitmap(b);
	/* nanos runtime/bitmap.h: INVALID_PHYSICAL is (u64)-1 */
	EXPECT_EQ(t, INVALID_PHYSICAL, ~0ull);
}

KTEST(compat_nanos, default_heap_can_be_replaced)
{
	bitmap b;

	fresh_heap();
	nanos_bitmap_set_default_heap(&test_heap);
	b = allocate_bitmap(70);
	nanos_bitmap_set_default_heap(NULL);
	ASSERT_NOT_NULL(t, b);
	EXPECT_GE(t, arena.live, 2l);
	deallocate_bitmap(b);
	EXPECT_NO_LEAKS(t);
}

KTEST(compat_nanos, heap_taking_constructor)
{
	bitmap b;

	fresh_heap();
	b = allocate_bitmap_on(&test_heap, 100);
	ASSERT_NOT_NULL(t, b);
	/* Two blocks from the heap given: the handle's and the storage (plus the dyn map's) */
	EXPECT_GE(t, arena.live, 2l);
	EXPECT_EQ(t, b->mapbits, 128ull);
	deallocate_bitmap(b);
	EXPECT_NO_LEAKS(t);
}
