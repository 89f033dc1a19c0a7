// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the memory map and the frame allocator: random
 * firmware maps and reservations, then random alloc/free sequences, with
 * every invariant checked after each step against a model of what the
 * caller owns.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <kernel/memmap.h>
#include <kernel/mm.h>
#include <kernel/pfa.h>

#define MAX_FRAMES	(1u << 16)	/* maps reach at most 256 MiB */
#define MAX_ENTRIES	24
#define MAX_OWNED	2048
#define NCPUS		3

struct input {
	const uint8_t *p;
	size_t n;
};

struct run {
	uint64_t first;
	uint64_t n;
};

static struct memmap map;
static struct pfa pa;
static uint64_t storage[HBM_STORAGE_WORDS(MAX_FRAMES) + 3 * BM_WORDS(MAX_FRAMES)];
static uint64_t owned_map[BM_WORDS(MAX_FRAMES)];
static struct run owned[MAX_OWNED];
static size_t nowned;
static uint64_t owned_frames;

#define CHECK(c) do {								\
	if (!(c)) {								\
		fprintf(stderr, "fuzz_pfa: check failed at line %d: %s\n",	\
			__LINE__, #c);						\
		abort();							\
	}									\
} while (0)

/* lib/bitmap's internal checks (BM_DEBUG) end the run like any other failure. */
void bm_assert_fail(const char *expr, const char *file, int line)
{
	fprintf(stderr, "fuzz_pfa: %s:%d: %s\n", file, line, expr);
	abort();
}

static uint64_t take(struct input *in, unsigned int bytes)
{
	uint64_t v = 0;

	while (bytes-- && in->n) {
		v = v << 8 | *in->p++;
		in->n--;
	}
	return v;
}

/* An address: mostly inside 256 MiB, unaligned at times, now and then anywhere. */
static uint64_t take_addr(struct input *in)
{
	uint8_t kind = (uint8_t)take(in, 1);

	if (kind < 8)
		return take(in, 8);
	if (kind < 128)
		return take(in, 2) << FRAME_SHIFT;
	return take(in, 4) % ((uint64_t)MAX_FRAMES << FRAME_SHIFT);
}

static void check_map(const struct memmap_entry *e, size_t n)
{
	size_t i, k;

	for (i = 0; i < map.nusable; i++) {
		const struct mm_range *r = &map.usable[i];

		CHECK(r->start < r->end && r->end <= map.limit);
		CHECK(r->start % FRAME_SIZE == 0 && r->end % FRAME_SIZE == 0);
		CHECK(i == 0 || map.usable[i - 1].end < r->start);
	}
	/* No usable byte is claimed by any other type. */
	for (k = 0; k < n; k++) {
		uint64_t end = e[k].addr + e[k].len;

		if (e[k].type == MEMMAP_AVAILABLE || e[k].len == 0)
			continue;
		if (end < e[k].addr)
			end = UINT64_MAX;
		CHECK(!memmap_is_usable(&map, e[k].addr, end));
	}
	CHECK(memmap_usable_bytes(&map) == map.fw_usable - map.reserved);
}

static void build_map(struct input *in)
{
	static struct memmap_entry e[MAX_ENTRIES];
	size_t n = take(in, 1) % MAX_ENTRIES, i;
	unsigned int bits = (unsigned int)take(in, 1) % 64;

	for (i = 0; i < n; i++) {
		e[i].addr = take_addr(in);
		e[i].len = take_addr(in);
		e[i].type = (uint32_t)take(in, 1) % 3 ? MEMMAP_AVAILABLE : (uint32_t)take(in, 1);
		e[i].reserved = 0;
	}
	memmap_init(&map, bits);
	memmap_parse(&map, e, n, sizeof(e[0]));
	check_map(e, n);
	for (i = take(in, 1) % 4; i > 0; i--) {
		uint64_t a = take_addr(in);

		memmap_reserve(&map, a, a + take(in, 3), "fuzz");
		CHECK(memmap_usable_bytes(&map) == map.fw_usable - map.reserved);
	}
}

static void build_pfa(uint64_t floor)
{
	uint64_t nframes = memmap_top(&map) >> FRAME_SHIFT;
	size_t i;

	if (nframes > MAX_FRAMES)
		nframes = MAX_FRAMES;
	pfa_init(&pa, storage, nframes, floor, NCPUS);
	for (i = 0; i < map.nusable; i++)
		pfa_add_frames(&pa, map.usable[i].start >> FRAME_SHIFT,
			       (map.usable[i].end - map.usable[i].start) >> FRAME_SHIFT);
	bm_zero(owned_map, MAX_FRAMES);
	nowned = 0;
	owned_frames = 0;
}

/* A run just handed out: usable, not owned already, within its constraints. */
static void own(uint64_t first, uint64_t n, uint64_t align, uint64_t limit)
{
	uint64_t i;

	CHECK(first % align == 0);
	CHECK(first + n <= limit);
	for (i = first; i < first + n; i++) {
		CHECK(i < pa.nframes);
		CHECK(!bm_test(owned_map, i));
		CHECK(memmap_is_usable(&map, i << FRAME_SHIFT, (i + 1) << FRAME_SHIFT));
		CHECK(pfa_frame_in_use(&pa, i));
		bm_set(owned_map, i);
	}
	owned_frames += n;
	if (nowned < MAX_OWNED) {
		owned[nowned++] = (struct run){ first, n };
	} else {
		CHECK(pfa_free_frames(&pa, first, n, NULL) == 0);
		bm_clear_range(owned_map, first, n);
		owned_frames -= n;
	}
}

static void disown(size_t k)
{
	bm_clear_range(owned_map, owned[k].first, owned[k].n);
	owned_frames -= owned[k].n;
	owned[k] = owned[--nowned];
}

static void step(struct input *in)
{
	uint8_t op = (uint8_t)take(in, 1);
	unsigned int cpu = op % NCPUS;
	uint64_t f, n, align, limit, bad_before;
	struct pfa_stats s;
	size_t k;

	switch (op >> 4) {
	case 0: case 1: case 2: case 3: case 4:
		f = pfa_alloc_frame(&pa, cpu);
		if (f == PFA_NONE)
			break;
		CHECK(f >= pa.floor);
		own(f, 1, 1, PFA_NONE);
		break;
	case 5: case 6:
		n = take(in, 1) % 600 + 1;
		align = 1ull << (take(in, 1) % 10);
		limit = take(in, 1) % 2 ? PFA_NONE : take(in, 2);
		f = pfa_alloc_frames(&pa, n, align, limit);
		if (f == PFA_NONE)
			break;
		CHECK(limit <= pa.floor || f >= pa.floor);
		own(f, n, align, limit);
		break;
	case 7: case 8: case 9: case 10:
		if (!nowned)
			break;
		k = take(in, 2) % nowned;
		if (owned[k].n == 1)
			CHECK(pfa_free_frame(&pa, cpu, owned[k].first, NULL) == 0);
		else
			CHECK(pfa_free_frames(&pa, owned[k].first, owned[k].n, NULL) == 0);
		disown(k);
		break;
	case 11: case 12:
		/* A free of something not owned must be refused, and counted. */
		f = take(in, 3) % (pa.nframes + 8);
		if (f < MAX_FRAMES && bm_test(owned_map, f))
			break;
		pfa_get_stats(&pa, &s);
		bad_before = s.bad_frees;
		CHECK(pfa_free_frame(&pa, cpu, f, NULL) == -1);
		pfa_get_stats(&pa, &s);
		CHECK(s.bad_frees == bad_before + 1);
		break;
	default:
		pfa_drain(&pa, cpu);
		break;
	}
}

/* The bitmaps agree, and the allocator counts exactly what the caller owns. */
static void check_state(uint64_t usable)
{
	struct pfa_stats s;

	CHECK(pfa_check(&pa));
	pfa_get_stats(&pa, &s);
	CHECK(s.used == owned_frames);
	CHECK(s.usable == usable);
	CHECK(s.free + s.used == s.usable);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct pfa_stats s;
	uint64_t usable;

	build_map(&in);
	build_pfa(take(&in, 1) % 2 ? 256 : 0);
	pfa_get_stats(&pa, &s);
	usable = s.usable;
	CHECK(s.free == usable);
	CHECK(usable <= memmap_usable_bytes(&map) >> FRAME_SHIFT);
	while (in.n) {
		step(&in);
		check_state(usable);
	}
	while (nowned) {
		CHECK(pfa_free_frames(&pa, owned[0].first, owned[0].n, NULL) == 0);
		disown(0);
	}
	pfa_get_stats(&pa, &s);
	CHECK(s.free == usable && s.used == 0);
	CHECK(pfa_check(&pa));
	return 0;
}
