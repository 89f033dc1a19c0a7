// SPDX-License-Identifier: MIT
/* The one x86-64 page-table walker: map, prepare, unmap, look up, visit (portable: no CPU access of its own). */
#include <stddef.h>

#include <arch/paging.h>

#define TOP_SHIFT	39			/* the PML4's level */
#define TABLE_ENTRIES	512
#define TABLE_FLAGS	(PTE_PRESENT | PTE_WRITE)
#define MAP_FLAGS	(PTE_WRITE | PTE_GLOBAL | PTE_NX)
#define UPPER_HALF	0xFFFF000000000000ull	/* bits 63..48 of a va with bit 47 set */

/* The level (shift of its entries) where pages of this size live; 0 if no page has that size. */
static unsigned int leaf_shift(uint64_t page)
{
	return page == PAGE_4K ? 12 : page == PAGE_2M ? 21 : page == PAGE_1G ? 30 : 0;
}

/* Do bits 63..47 all equal bit 47? */
static bool canonical(uint64_t va)
{
	uint64_t high = va >> 47;

	return high == 0 || high == 0x1FFFF;
}

/* Pages of size page for [va, va + len) -> [phys, phys + len): aligned, canonical, no wrap, phys below 2^52? */
static bool valid_range(uint64_t va, uint64_t phys, uint64_t len, uint64_t page)
{
	uint64_t va_last = va + len - 1, phys_last = phys + len - 1;

	if (!leaf_shift(page) || ((va | phys | len) & (page - 1)) || !canonical(va))
		return false;
	if (!len)
		return true;
	/* One half of the address space (no wrap, no hole crossed), physical bits 51..0 only. */
	return va_last > va && va_last >> 47 == va >> 47 && phys_last > phys &&
	       phys_last >> 52 == 0;
}

static uint64_t *table_of(const struct pt *pt, uint64_t entry)
{
	return pt->table(entry & PTE_ADDR_MASK);
}

/* A zeroed table from the owner's frames, linked in at *e; false if there is none. */
static bool add_table(struct pt *pt, uint64_t *e)
{
	uint64_t phys = pt->alloc_table();
	uint64_t *t;

	if (!phys)
		return false;
	t = pt->table(phys);
	for (unsigned int i = 0; i < TABLE_ENTRIES; i++)
		t[i] = 0;
	*e = phys | TABLE_FLAGS;
	pt->tables++;
	return true;
}

/*
 * Descend from the root towards va's entry at level *shift. It stops early
 * at a present large page (which maps va), or at a missing table unless
 * build; *shift is then the level where it stopped. NULL when build needed
 * a table and no frame was left.
 */
static uint64_t *walk(struct pt *pt, uint64_t va, unsigned int *shift, bool build)
{
	uint64_t *table = pt->table(pt->root);

	for (unsigned int s = TOP_SHIFT;; s -= 9) {
		uint64_t *e = &table[pt_index(va, s)];

		if (s == *shift || ((*e & PTE_PRESENT) && (*e & PTE_HUGE)) ||
		    (!(*e & PTE_PRESENT) && !build)) {
			*shift = s;
			return e;
		}
		if (!(*e & PTE_PRESENT) && !add_table(pt, e))
			return NULL;
		table = table_of(pt, *e);
	}
}

/* Map one page: 1 if mapped, 0 if something already maps va, -PT_ENOMEM. */
static int map_page(struct pt *pt, uint64_t va, uint64_t phys, unsigned int leaf, uint64_t flags)
{
	unsigned int shift = leaf;
	uint64_t *e = walk(pt, va, &shift, true);

	if (!e)
		return -PT_ENOMEM;
	if (shift != leaf || (*e & PTE_PRESENT))
		return 0;
	*e = phys | flags | PTE_PRESENT | (leaf > 12 ? PTE_HUGE : 0);
	return 1;
}

long pt_map(struct pt *pt, uint64_t va, uint64_t phys, uint64_t len, uint64_t page, uint64_t flags)
{
	unsigned int leaf = leaf_shift(page);
	long mapped = 0;

	if (!valid_range(va, phys, len, page) || (flags & ~(MAP_FLAGS | PTE_PRESENT)))
		return -PT_EINVAL;
	if (!pt->nx)
		flags &= ~PTE_NX;
	for (uint64_t off = 0; off < len; off += page) {
		int r = map_page(pt, va + off, phys + off, leaf, flags);

		if (r < 0)
			return r;
		mapped += r;
	}
	return mapped;
}

int pt_prepare(struct pt *pt, uint64_t va, uint64_t len, uint64_t page)
{
	if (!valid_range(va, 0, len, page))
		return -PT_EINVAL;
	for (uint64_t off = 0; off < len; off += page) {
		unsigned int shift = leaf_shift(page);

		if (!walk(pt, va + off, &shift, true))
			return -PT_ENOMEM;
	}
	return 0;
}

uint64_t pt_unmap(struct pt *pt, uint64_t va)
{
	unsigned int shift = 12;
	uint64_t *e = walk(pt, va, &shift, false);
	uint64_t old = *e;

	if (shift != 12 || !(old & PTE_PRESENT))
		return 0;
	*e = 0;
	return old;
}

uint64_t *pt_lookup(struct pt *pt, uint64_t va, uint64_t *page)
{
	unsigned int shift = 12;
	uint64_t *e = walk(pt, va, &shift, false);

	if (!(*e & PTE_PRESENT))
		return NULL;
	if (page)
		*page = 1ull << shift;
	return e;
}

/* e's R/W and XD combined with those of the levels above (SDM vol. 3, 4.6: the strictest wins). */
static uint64_t effective(uint64_t e, uint64_t above)
{
	return (e & ~(PTE_WRITE | PTE_NX)) | (e & above & PTE_WRITE) | ((e | above) & PTE_NX);
}

struct visit {
	struct pt *pt;
	pt_page_fn fn;
	void *ctx;
	unsigned long pages;
};

static void visit_table(struct visit *v, const uint64_t *table, unsigned int shift, uint64_t base,
			uint64_t above)
{
	for (unsigned int i = 0; i < TABLE_ENTRIES; i++) {
		uint64_t e = effective(table[i], above);
		uint64_t va = base | (uint64_t)i << shift;

		if (!(e & PTE_PRESENT))
			continue;
		if (shift == TOP_SHIFT && (va >> 47))
			va |= UPPER_HALF;
		if (shift == 12 || (e & PTE_HUGE)) {
			v->fn(v->ctx, va, e, 1ull << shift);
			v->pages++;
		} else {
			visit_table(v, table_of(v->pt, e), shift - 9, va, e);
		}
	}
}

unsigned long pt_for_each_page(struct pt *pt, pt_page_fn fn, void *ctx)
{
	struct visit v = { pt, fn, ctx, 0 };

	visit_table(&v, pt->table(pt->root), TOP_SHIFT, 0, PTE_WRITE);
	return v.pages;
}
