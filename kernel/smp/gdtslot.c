/* GDT slot allocation over a bitmap: fixed segments first, then aligned TSS descriptor pairs. */
#include <kernel/gdtslot.h>

#define DESC_LIMIT_LOW(l)	((uint64_t)(l) & 0xFFFF)
#define DESC_LIMIT_HIGH(l)	(((uint64_t)(l) >> 16 & 0xF) << 48)
#define DESC_BASE_LOW(b)	(((uint64_t)(b) & 0xFFFFFF) << 16)
#define DESC_BASE_MID(b)	(((uint64_t)(b) >> 24 & 0xFF) << 56)
#define DESC_TYPE(t)		((uint64_t)(t) << 40)
#define DESC_S			(1ull << 44)
#define DESC_P			(1ull << 47)
#define DESC_G			(1ull << 55)

#define PAIR			2
#define PAIR_ALIGN_MASK		1	/* pairs start at even slots */

int gdt_slots_init(struct gdt_slots *g, uint64_t *table, uint64_t *used, size_t capacity,
		   size_t nfixed, size_t nslots)
{
	if (capacity > GDT_MAX_SLOTS || nslots > capacity || nfixed > nslots || !nfixed)
		return -GDT_EINVAL;
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
	int ret = -GDT_EINVAL;

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

void gdt_encode_tss(uint64_t desc[2], uint64_t base, uint32_t limit)
{
	desc[0] = DESC_LIMIT_LOW(limit) | DESC_LIMIT_HIGH(limit) | DESC_BASE_LOW(base) |
		  DESC_BASE_MID(base) | DESC_TYPE(GDT_TYPE_TSS_AVAIL) | DESC_P;
	desc[1] = base >> 32;	/* the upper dword of the second slot must be zero */
}

struct gdt_tss_desc gdt_decode_tss(const uint64_t desc[2])
{
	uint64_t d = desc[0];

	return (struct gdt_tss_desc){
		.base = (d >> 16 & 0xFFFFFF) | (d >> 56 & 0xFF) << 24 |
			(desc[1] & 0xFFFFFFFF) << 32,
		.limit = (uint32_t)((d & 0xFFFF) | (d >> 48 & 0xF) << 16),
		.type = d >> 40 & 0xF,
		.dpl = d >> 45 & 3,
		.present = d & DESC_P,
		.granularity = d & DESC_G,
		.system = !(d & DESC_S),
	};
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

int gdt_tss_alloc(struct gdt_slots *g, uint64_t base, uint32_t limit)
{
	size_t s;

	spin_lock(&g->lock);
	s = find_pair(g);
	if (s >= g->nslots) {
		spin_unlock(&g->lock);
		return -GDT_ENOSPC;
	}
	bm_set_range(g->used, s, PAIR);
	gdt_encode_tss(&g->table[s], base, limit);
	g->hint = s + PAIR;
	spin_unlock(&g->lock);
	return (int)(s * GDT_SLOT_SIZE);
}

int gdt_tss_free(struct gdt_slots *g, unsigned int selector)
{
	size_t s = selector / GDT_SLOT_SIZE;
	int ret = -GDT_EINVAL;

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

size_t gdt_slots_free(struct gdt_slots *g)
{
	size_t n;

	spin_lock(&g->lock);
	n = g->nslots - bm_weight(g->used, g->nslots);
	spin_unlock(&g->lock);
	return n;
}
