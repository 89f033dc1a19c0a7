// SPDX-License-Identifier: MIT
/* GDT slot allocation over a bitmap: fixed segments first, then aligned descriptor pairs (portable). */
#include <kernel/gdtslot.h>

#define PAIR			2
#define PAIR_ALIGN_MASK		1	/* pairs start at even slots */

int gdt_slots_init(struct gdt_slots *g, uint64_t *table, uint64_t *used, size_t capacity,
		   size_t nfixed, size_t nslots)
{
	if (capacity > GDT_MAX_SLOTS || nslots > capacity || nfixed > nslots || !nfixed)
		return -EINVAL;
	spin_init(&g->lock);
	g->table = table;
	g->used = used;
	g->capacity = capacity;
	g->nfixed = nfixed;
	g->nslots = nslots;
	g->hint = nfixed;
	bm_zero(used, capacity);
	bm_set_range(used, 0, nfixed);
	return 0;
}

int gdt_slots_grow(struct gdt_slots *g, size_t nslots)
{
	int ret = -EINVAL;

	spin_lock(&g->lock);
	if (nslots >= g->nslots && nslots <= g->capacity) {
		for (size_t i = g->nslots; i < nslots; i++)
			g->table[i] = 0;
		g->nslots = nslots;
		ret = 0;
	}
	spin_unlock(&g->lock);
	return ret;
}

uint16_t gdt_slots_limit(const struct gdt_slots *g)
{
	return (uint16_t)(g->nslots * GDT_SLOT_SIZE - 1);
}

/* An aligned free pair at or after the hint, else from the first non-fixed slot. */
static size_t find_pair(const struct gdt_slots *g)
{
	size_t s = bm_find_zero_area(g->used, g->nslots, g->hint, PAIR, PAIR_ALIGN_MASK, 0);

	if (s >= g->nslots && g->hint > g->nfixed)
		s = bm_find_zero_area(g->used, g->nslots, g->nfixed, PAIR,
				      PAIR_ALIGN_MASK, 0);
	return s;
}

int gdt_slots_alloc_pair(struct gdt_slots *g, const uint64_t desc[2])
{
	size_t s;

	spin_lock(&g->lock);
	s = find_pair(g);
	if (s >= g->nslots) {
		spin_unlock(&g->lock);
		return -ENOSPC;
	}
	bm_set_range(g->used, s, PAIR);
	g->table[s] = desc[0];
	g->table[s + 1] = desc[1];
	g->hint = s + PAIR;
	spin_unlock(&g->lock);
	return (int)(s * GDT_SLOT_SIZE);
}

int gdt_slots_free_pair(struct gdt_slots *g, unsigned int selector)
{
	size_t s = selector / GDT_SLOT_SIZE;
	int ret = -EINVAL;

	spin_lock(&g->lock);
	if (selector % (PAIR * GDT_SLOT_SIZE) == 0 && s >= g->nfixed &&
	    bm_range_is_set(g->used, g->nslots, s, PAIR)) {
		g->table[s] = g->table[s + 1] = 0;
		bm_clear_range(g->used, s, PAIR);
		ret = 0;
	}
	spin_unlock(&g->lock);
	return ret;
}

size_t gdt_slots_available(struct gdt_slots *g)
{
	size_t n;

	spin_lock(&g->lock);
	n = g->nslots - bm_weight(g->used, g->nslots);
	spin_unlock(&g->lock);
	return n;
}

/* One character for slot i: F fixed segment, T/t a pair's halves, . free. Lock held. */
static char slot_char(const struct gdt_slots *g, size_t i)
{
	if (i < g->nfixed)
		return 'F';
	if (!bm_test(g->used, i))
		return '.';
	return (i - g->nfixed) % PAIR ? 't' : 'T';
}

/* "0xSEL: what describe says" for each pair. Lock held. */
static void print_pairs(const struct gdt_slots *g, void (*print)(const char *fmt, ...),
			const char *(*describe)(const uint64_t desc[2]))
{
	for (size_t i = g->nfixed; i + 1 < g->nslots; i += PAIR)
		if (bm_test(g->used, i))
			print("  0x%zx: %s\n", i * GDT_SLOT_SIZE, describe(&g->table[i]));
}

void gdt_slots_print(struct gdt_slots *g, void (*print)(const char *fmt, ...),
		     const char *(*describe)(const uint64_t desc[2]))
{
	size_t used;

	spin_lock(&g->lock);
	used = bm_weight(g->used, g->nslots);
	print("%zu slots (%zu fixed), limit 0x%x:\n  ", g->nslots, g->nfixed, gdt_slots_limit(g));
	for (size_t i = 0; i < g->nslots; i++)
		print("%c%s", slot_char(g, i), i % 64 == 63 && i + 1 < g->nslots ? "\n  " : "");
	print("\n  fixed: 0-%zu (null, kernel and user segments)\n", g->nfixed - 1);
	print_pairs(g, print, describe);
	print("  %zu of %zu slots used, %zu free\n", used, g->nslots, g->nslots - used);
	spin_unlock(&g->lock);
}
