// SPDX-License-Identifier: MIT
/* Symbol lookup for backtraces, over the table tools/ksyms.sh generates. */
#include <kernel/ksyms.h>
#include <kernel/printk.h>
#include <kernel/string.h>

/* Sorted by address; defined by the generated build/kernel/ksyms.S. */
extern const uint64_t ksyms_nr;
extern const struct ksym ksyms_table[];

size_t ksym_count(void)
{
	return ksyms_nr;
}

const struct ksym *ksym_lookup(uint64_t addr, uint64_t *offset)
{
	size_t lo = 0, hi = ksyms_nr;

	/* Find the last symbol starting at or below addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ksyms_table[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;

	const struct ksym *sym = &ksyms_table[lo - 1];

	if (sym->size && addr - sym->addr >= sym->size)
		return NULL;		/* in a gap between functions */
	*offset = addr - sym->addr;
	return sym;
}

char *ksym_format(char *buf, size_t size, uint64_t addr)
{
	uint64_t off;
	const struct ksym *sym = ksym_lookup(addr, &off);

	if (sym)
		snprintf(buf, size, "%s+0x%lx/0x%lx", sym->name, off, sym->size);
	else
		snprintf(buf, size, "0x%lx", addr);
	return buf;
}

uint64_t ksym_address(const char *name)
{
	for (size_t i = 0; i < ksyms_nr; i++)
		if (strcmp(ksyms_table[i].name, name) == 0)
			return ksyms_table[i].addr;
	return 0;
}
