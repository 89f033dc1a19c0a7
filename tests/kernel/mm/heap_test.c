// SPDX-License-Identifier: MIT
/* heap core: size classes, alignment, reuse, large allocations, bad frees, dynamic bitmaps, leaks. */

#include <kernel/heap.h>

#include "harness.h"

#define ARENA_FRAMES	128

static uint8_t arena[ARENA_FRAMES * 4096] __attribute__((aligned(SLAB_SIZE)));
static uint64_t pfa_words[HBM_STORAGE_WORDS(ARENA_FRAMES) + 3 * BM_WORDS(ARENA_FRAMES)];
static uint64_t heap_words[BM_WORDS(ARENA_FRAMES / SLAB_FRAMES + 1) + 2 * BM_WORDS(ARENA_FRAMES)];
static struct pfa hp;
static struct heap h;

/* A fresh heap over the arena: every frame free. */
static void heap_fresh(void)
{
	pfa_init(&hp, pfa_words, ARENA_FRAMES, 0, 1);
	pfa_add_frames(&hp, 0, ARENA_FRAMES);
	pfa_set_mapping(&hp, (uintptr_t)arena, 0);
	heap_init(&h, &hp, (uintptr_t)arena, heap_words);
}

/* Nothing in use, in the heap or in the frame allocator under it. */
static void expect_no_leak(struct ktest *t)
{
	struct heap_stats s;
	struct pfa_stats ps;
	uint64_t slabs_kept;

	heap_get_stats(&h, &s);
	EXPECT_EQ(t, s.objects, 0);
	EXPECT_EQ(t, s.large, 0);
	EXPECT_EQ(t, s.large_frames, 0);
	EXPECT_LE(t, s.slabs, HEAP_CLASSES);	/* at most one empty slab per class */
	slabs_kept = s.slabs;
	pfa_get_stats(&hp, &ps);
	EXPECT_EQ(t, ps.used, slabs_kept * SLAB_FRAMES);
	EXPECT_TRUE(t, pfa_check(&hp));
}

static void fill(void *p, size_t n, uint8_t v)
{
	uint8_t *b = p;

	while (n--)
		b[n] = v;
}

static bool all(const void *p, size_t n, uint8_t v)
{
	const uint8_t *b = p;

	while (n--)
		if (b[n] != v)
			return false;
	return true;
}

KTEST(heap, every_size_class_is_aligned_and_sized)
{
	static const size_t sizes[] = { 1, 15, 16, 17, 31, 32, 33, 64, 100, 128, 255, 256,
					257, 512, 1000, 1024, 1025, 2047, 2048 };
	void *p[sizeof(sizes) / sizeof(sizes[0])];
	size_t i, cls;
	struct heap_stats s;

	heap_fresh();
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (cls = 16; cls < sizes[i]; cls <<= 1)
			;
		p[i] = heap_alloc(&h, sizes[i]);
		ASSERT_NOT_NULL(t, p[i]);
		EXPECT_EQ(t, (uintptr_t)p[i] % cls, 0);
		EXPECT_EQ(t, heap_usable_size(&h, p[i]), cls);
		fill(p[i], sizes[i], (uint8_t)i);
	}
	heap_get_stats(&h, &s);
	EXPECT_EQ(t, s.objects, sizeof(sizes) / sizeof(sizes[0]));
	EXPECT_EQ(t, s.class_objects[0], 3);	/* 1, 15, 16 */
	EXPECT_EQ(t, s.class_objects[7], 3);	/* 1025, 2047, 2048 */
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		EXPECT_TRUE(t, all(p[i], sizes[i], (uint8_t)i));
		EXPECT_EQ(t, heap_free(&h, p[i], NULL), 0);
	}
	EXPECT_NULL(t, heap_alloc(&h, 0));
	expect_no_leak(t);
}

/* Enough 16-byte objects for two slabs: all distinct, none overlapping. */
KTEST(heap, objects_never_overlap)
{
	static uint32_t *p[2500];
	struct heap_stats s;
	int i, bad = 0;

	heap_fresh();
	for (i = 0; i < 2500; i++) {
		p[i] = heap_alloc(&h, 16);
		ASSERT_NOT_NULL(t, p[i]);
		p[i][0] = (uint32_t)i;
		p[i][3] = ~(uint32_t)i;
	}
	for (i = 0; i < 2500; i++)
		bad += p[i][0] != (uint32_t)i || p[i][3] != ~(uint32_t)i;
	EXPECT_EQ(t, bad, 0);
	/* A slab's header lives at its start: no object may. */
	for (i = 0; i < 2500; i++)
		bad += (uintptr_t)p[i] % SLAB_SIZE == 0;
	EXPECT_EQ(t, bad, 0);
	heap_get_stats(&h, &s);
	EXPECT_EQ(t, s.slabs, 3);	/* 1014 objects per 16 KiB slab */
	for (i = 0; i < 2500; i++)
		EXPECT_EQ(t, heap_free(&h, p[i], NULL), 0);
	heap_get_stats(&h, &s);
	EXPECT_EQ(t, s.slabs, 1);	/* one empty slab kept, the others given back */
	expect_no_leak(t);
}

KTEST(heap, freed_objects_are_reused)
{
	void *a, *b, *c;

	heap_fresh();
	a = heap_alloc(&h, 64);
	b = heap_alloc(&h, 64);
	EXPECT_PTR_EQ(t, b, (uint8_t *)a + 64);
	heap_free(&h, a, NULL);
	c = heap_alloc(&h, 50);
	EXPECT_PTR_EQ(t, c, a);
	heap_free(&h, b, NULL);
	heap_free(&h, c, NULL);
	expect_no_leak(t);
}

KTEST(heap, large_allocations_take_whole_frames)
{
	struct heap_stats s;
	uint8_t *p, *q;

	heap_fresh();
	p = heap_alloc(&h, 10000);
	ASSERT_NOT_NULL(t, p);
	EXPECT_EQ(t, (uintptr_t)p % 4096, 0);
	EXPECT_EQ(t, heap_usable_size(&h, p), 3 * 4096);
	q = heap_zalloc(&h, 2049);
	ASSERT_NOT_NULL(t, q);
	EXPECT_EQ(t, heap_usable_size(&h, q), 4096);
	EXPECT_TRUE(t, all(q, 2049, 0));
	heap_get_stats(&h, &s);
	EXPECT_EQ(t, s.large, 2);
	EXPECT_EQ(t, s.large_frames, 4);
	EXPECT_EQ(t, heap_free(&h, p, NULL), 0);
	EXPECT_EQ(t, heap_free(&h, q, NULL), 0);
	expect_no_leak(t);
}

KTEST(heap, zalloc_clears_reused_memory)
{
	uint8_t *p, *q;

	heap_fresh();
	p = heap_alloc(&h, 200);
	fill(p, 200, 0xa5);
	heap_free(&h, p, NULL);
	q = heap_zalloc(&h, 200);
	EXPECT_PTR_EQ(t, q, p);
	EXPECT_TRUE(t, all(q, 200, 0));
	heap_free(&h, q, NULL);
	expect_no_leak(t);
}

KTEST(heap, bad_frees_are_refused_logged_and_counted)
{
	struct heap_stats s;
	uint8_t *small, *big;
	uint64_t frame;
	int local;

	heap_fresh();
	small = heap_alloc(&h, 100);
	big = heap_alloc(&h, 3 * 4096);
	frame = pfa_alloc_frame(&hp, 0);	/* a frame the heap does not own */
	mm_capture_begin("heap: refused");
	EXPECT_EQ(t, heap_free(&h, &local, NULL), -1);
	EXPECT_EQ(t, heap_free(&h, small + 8, NULL), -1);
	EXPECT_EQ(t, heap_free(&h, big + 4096, NULL), -1);
	EXPECT_EQ(t, heap_free(&h, arena + frame * 4096, NULL), -1);
	EXPECT_EQ(t, heap_free(&h, small, NULL), 0);
	EXPECT_EQ(t, heap_free(&h, small, NULL), -1);
	EXPECT_EQ(t, heap_free(&h, big, NULL), 0);
	EXPECT_EQ(t, heap_free(&h, big, NULL), -1);
	mm_capture_end();
	ASSERT_EQ(t, mm_cap.kept, 6);
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[0], "outside the heap"));
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[1], "not the start of an object"));
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[2], "not allocated by the heap"));
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[3], "not allocated by the heap"));
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[4], "double free"));
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[5], "not allocated by the heap"));
	heap_get_stats(&h, &s);
	EXPECT_EQ(t, s.bad_frees, 6);
	EXPECT_EQ(t, heap_usable_size(&h, small), 0);
	pfa_free_frame(&hp, 0, frame, NULL);
	expect_no_leak(t);
}

KTEST(heap, exhaustion_returns_null)
{
	static void *p[ARENA_FRAMES];
	struct heap_stats s;
	int n = 0;

	heap_fresh();
	mm_capture_begin(NULL);
	while (n < ARENA_FRAMES && (p[n] = heap_alloc(&h, 8192)) != NULL)
		n++;
	EXPECT_NULL(t, heap_alloc(&h, 16));	/* no 16 KiB run left for a slab */
	EXPECT_NULL(t, heap_alloc(&h, (size_t)-1));
	mm_capture_end();
	EXPECT_EQ(t, n, ARENA_FRAMES / 2);
	heap_get_stats(&h, &s);
	EXPECT_EQ(t, s.failed, 3);
	while (n--)
		heap_free(&h, p[n], NULL);
	expect_no_leak(t);
}

KTEST(heap, dynamic_bitmaps_live_on_the_heap)
{
	struct heap_stats s;
	struct bm_alloc a;
	struct bm_dyn *d;

	heap_fresh();
	heap_bm_alloc_init(&a, &h);
	d = bm_dyn_create(&a, 100);
	ASSERT_NOT_NULL(t, d);
	EXPECT_EQ(t, bm_dyn_assign(d, 50000, true), 0);	/* grows past a slab object */
	EXPECT_TRUE(t, bm_dyn_test(d, 50000));
	EXPECT_FALSE(t, bm_dyn_test(d, 49999));
	heap_get_stats(&h, &s);
	EXPECT_GE(t, s.objects + s.large, 2);
	bm_dyn_free(d);
	expect_no_leak(t);
}

/*
 * heap_init over storage and a struct full of junk: it uses exactly
 * heap_storage_words() words (128 frames: a 33-bit slab map in 1 word, then
 * two 128-bit frame maps in 2 words each: 5) and starts from nothing.
 */
KTEST(heap, init_over_junk_uses_exactly_its_storage)
{
	static uint64_t words[16];
	struct heap_stats s;
	void *small, *big;

	ASSERT_EQ(t, heap_storage_words(ARENA_FRAMES), 5);
	fill(words, sizeof(words), 0xff);
	fill(&h, sizeof(h), 0xa5);
	pfa_init(&hp, pfa_words, ARENA_FRAMES, 0, 1);
	pfa_add_frames(&hp, 0, ARENA_FRAMES);
	pfa_set_mapping(&hp, (uintptr_t)arena, 0);
	heap_init(&h, &hp, (uintptr_t)arena, words);
	heap_get_stats(&h, &s);
	EXPECT_EQ(t, s.objects + s.large + s.large_frames + s.slabs, 0);
	EXPECT_EQ(t, s.bad_frees + s.failed, 0);

	small = heap_alloc(&h, 24);
	big = heap_alloc(&h, 3 * 4096);
	ASSERT_NOT_NULL(t, small);
	ASSERT_NOT_NULL(t, big);
	EXPECT_EQ(t, heap_free(&h, big, NULL), 0);
	EXPECT_EQ(t, heap_free(&h, small, NULL), 0);
	EXPECT_EQ(t, heap_free(&h, small, NULL), -1);	/* twice: refused */
	heap_get_stats(&h, &s);
	EXPECT_EQ(t, s.bad_frees, 1);
	expect_no_leak(t);
	EXPECT_TRUE(t, all(words + 5, sizeof(words) - 5 * 8, 0xff));
}

/*
 * A freed large allocation leaves nothing behind: every one-frame block
 * carved from its frames afterwards is one frame, and a size one byte past
 * a frame takes two.
 */
KTEST(heap, freed_large_run_leaves_no_tail)
{
	static void *p[32];
	uint8_t *big;
	int i, bad = 0;

	heap_fresh();
	big = heap_alloc(&h, 3 * 4096);
	ASSERT_NOT_NULL(t, big);
	EXPECT_EQ(t, heap_free(&h, big, NULL), 0);
	for (i = 0; i < 32; i++) {
		p[i] = heap_alloc(&h, 4096);
		ASSERT_NOT_NULL(t, p[i]);
		bad += heap_usable_size(&h, p[i]) != 4096;
	}
	EXPECT_EQ(t, bad, 0);
	for (i = 0; i < 32; i++)
		EXPECT_EQ(t, heap_free(&h, p[i], NULL), 0);
	big = heap_alloc(&h, 4096 + 1);
	EXPECT_EQ(t, heap_usable_size(&h, big), 2 * 4096);
	EXPECT_EQ(t, heap_free(&h, big, NULL), 0);
	expect_no_leak(t);
}

/* NULL, addresses around the heap and inside objects: no live object, nothing freed. */
KTEST(heap, edges_are_not_objects)
{
	uint8_t *small;

	heap_fresh();
	small = heap_alloc(&h, 64);
	ASSERT_NOT_NULL(t, small);
	EXPECT_EQ(t, heap_free(&h, NULL, NULL), 0);
	EXPECT_EQ(t, heap_usable_size(&h, NULL), 0);
	EXPECT_EQ(t, heap_usable_size(&h, (void *)((uintptr_t)arena - 16)), 0);
	EXPECT_EQ(t, heap_usable_size(&h, arena + ARENA_FRAMES * 4096), 0);
	EXPECT_EQ(t, heap_usable_size(&h, (void *)((uintptr_t)arena + 512 * 4096)), 0);
	EXPECT_EQ(t, heap_usable_size(&h, small + 16), 0);
	EXPECT_EQ(t, heap_usable_size(&h, small), 64);
	mm_capture_begin("heap: refused");
	EXPECT_EQ(t, heap_free(&h, arena + ARENA_FRAMES * 4096, NULL), -1);
	mm_capture_end();
	ASSERT_EQ(t, mm_cap.kept, 1);
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[0], "outside the heap"));
	EXPECT_EQ(t, heap_free(&h, small, NULL), 0);
	expect_no_leak(t);
}

/* heap_zalloc clears its own bytes and not one more: the next object keeps its contents. */
KTEST(heap, zalloc_stops_at_its_size)
{
	uint8_t *y, *x, *z;

	heap_fresh();
	y = heap_alloc(&h, 16);
	x = heap_alloc(&h, 16);
	ASSERT_PTR_EQ(t, x, y + 16);
	fill(x, 16, 0xaa);
	fill(y, 16, 0x55);
	heap_free(&h, y, NULL);
	z = heap_zalloc(&h, 16);
	ASSERT_PTR_EQ(t, z, y);
	EXPECT_TRUE(t, all(z, 16, 0));
	EXPECT_TRUE(t, all(x, 16, 0xaa));
	heap_free(&h, x, NULL);
	heap_free(&h, z, NULL);
	expect_no_leak(t);
}

/* Each failed allocation is logged with its size (heap.h: "exhausted (logged)"). */
KTEST(heap, exhaustion_is_logged_with_the_size)
{
	static void *p[ARENA_FRAMES];
	int n = 0;

	heap_fresh();
	mm_capture_begin("heap: out of memory");
	while (n < ARENA_FRAMES && (p[n] = heap_alloc(&h, 8192)) != NULL)
		n++;
	EXPECT_NULL(t, heap_alloc(&h, 100));
	mm_capture_end();
	ASSERT_EQ(t, mm_cap.kept, 2);
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[0], "heap: out of memory for 8192 bytes"));
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[1], "heap: out of memory for 100 bytes"));
	while (n--)
		heap_free(&h, p[n], NULL);
	expect_no_leak(t);
}

/*
 * Frames a slab is built on may hold anything: a slab carved from frames
 * that a large allocation filled with ones still hands out every object
 * once, and objects filled to their last byte never disturb the slab.
 */
KTEST(heap, slabs_on_dirty_frames_hand_out_each_object_once)
{
	static uint8_t *p[2100];
	uint8_t *big;
	int i, bad = 0;

	heap_fresh();
	big = heap_alloc(&h, 32 * 4096);
	ASSERT_NOT_NULL(t, big);
	fill(big, 32 * 4096, 0xff);
	EXPECT_EQ(t, heap_free(&h, big, NULL), 0);
	for (i = 0; i < 2100; i++) {
		p[i] = heap_alloc(&h, 16);
		ASSERT_NOT_NULL(t, p[i]);
		fill(p[i], 16, (uint8_t)i);
	}
	for (i = 0; i < 2100; i++)
		bad += !all(p[i], 16, (uint8_t)i) || heap_usable_size(&h, p[i]) != 16;
	EXPECT_EQ(t, bad, 0);
	for (i = 0; i < 2100; i++)
		bad += heap_free(&h, p[i], NULL) != 0;
	EXPECT_EQ(t, bad, 0);
	expect_no_leak(t);
}

/*
 * Against a model: 20000 steps of allocating and freeing 16- and 64-byte
 * objects in a pseudo-random order across several slabs per class. A live
 * address is never handed out again, every object keeps its contents, the
 * counters match the model, and at the end all frames but the kept empty
 * slabs are back.
 */
#define MODEL_MAX	3000

KTEST(heap, random_alloc_free_matches_a_model)
{
	static uint8_t *live[MODEL_MAX];
	static uint8_t owner[ARENA_FRAMES * 4096 / 16];	/* 1 + index into live, per 16 bytes */
	struct heap_stats s;
	uint32_t x = 12345;
	int n = 0, bad = 0, step;

	heap_fresh();
	fill(owner, sizeof(owner), 0);
	for (step = 0; step < 20000; step++) {
		x = x * 1103515245u + 12345u;
		if (n < MODEL_MAX && (n == 0 || (x >> 16) % 100 < (step < 10000 ? 60 : 40))) {
			size_t size = (x >> 8) & 1 ? 64 : 16;
			uint8_t *p = heap_alloc(&h, size);

			ASSERT_NOT_NULL(t, p);
			bad += owner[(p - arena) / 16] != 0;
			owner[(p - arena) / 16] = 1;
			fill(p, heap_usable_size(&h, p), (uint8_t)((p - arena) / 16));
			live[n++] = p;
		} else {
			int i = (int)((x >> 4) % (uint32_t)n);
			uint8_t *p = live[i];

			bad += !all(p, heap_usable_size(&h, p), (uint8_t)((p - arena) / 16));
			owner[(p - arena) / 16] = 0;
			bad += heap_free(&h, p, NULL) != 0;
			live[i] = live[--n];
		}
		if (step % 1000 == 0) {
			heap_get_stats(&h, &s);
			bad += s.objects != (uint64_t)n;
		}
	}
	EXPECT_EQ(t, bad, 0);
	while (n--)
		bad += heap_free(&h, live[n], NULL) != 0;
	EXPECT_EQ(t, bad, 0);
	heap_get_stats(&h, &s);
	EXPECT_LE(t, s.slabs, 2);	/* one empty slab kept per class used */
	expect_no_leak(t);
}

/* Over junk storage, frames the heap never handed out (up to the last) hold no allocation. */
KTEST(heap, junk_storage_holds_no_allocation)
{
	static uint64_t words[5];
	uint8_t *frame = arena + 124 * 4096;	/* in the last slab-sized block */

	fill(words, sizeof(words), 0xff);
	fill(frame, 4096, 0);
	pfa_init(&hp, pfa_words, ARENA_FRAMES, 0, 1);
	pfa_add_frames(&hp, 0, ARENA_FRAMES);
	pfa_set_mapping(&hp, (uintptr_t)arena, 0);
	heap_init(&h, &hp, (uintptr_t)arena, words);
	EXPECT_EQ(t, heap_usable_size(&h, frame), 0);
	EXPECT_EQ(t, heap_usable_size(&h, frame + 32), 0);
	mm_capture_begin("heap: refused");
	EXPECT_EQ(t, heap_free(&h, frame + 32, NULL), -1);
	EXPECT_EQ(t, heap_free(&h, frame, NULL), -1);
	mm_capture_end();
	ASSERT_EQ(t, mm_cap.kept, 2);
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[0], "not allocated by the heap"));
	EXPECT_TRUE(t, mm_strstr(mm_cap.keep[1], "not allocated by the heap"));
	expect_no_leak(t);
}
