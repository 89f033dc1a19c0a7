// SPDX-License-Identifier: MIT
/* The symbol table linked in by the second pass: lookups name real functions. */
#include <kernel/ksyms.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>

void kmain(uint32_t magic, uint64_t mbi_phys);

KTEST(ksyms, table_is_populated)
{
	EXPECT_GT(t, ksym_count(), 50);
}

KTEST(ksyms, lookup_inside_a_function)
{
	uint64_t off = ~0ull;
	const struct ksym *sym = ksym_lookup((uint64_t)kmain + 5, &off);

	ASSERT_NOT_NULL(t, sym);
	EXPECT_STREQ(t, sym->name, "kmain");
	EXPECT_EQ(t, off, 5);
	EXPECT_GT(t, sym->size, 5);

	/* Just past its end is never kmain: the next function, or a gap. */
	sym = ksym_lookup((uint64_t)kmain + sym->size, &off);
	if (sym)
		EXPECT_STRNE(t, sym->name, "kmain");
	EXPECT_NULL(t, ksym_lookup(0x1000, &off));
}

KTEST(ksyms, address_by_name)
{
	EXPECT_EQ(t, ksym_address("kmain"), (uint64_t)kmain);
	EXPECT_EQ(t, ksym_address("no_such_function"), 0);
}

KTEST(ksyms, format)
{
	char buf[64], want[64];
	uint64_t off;
	const struct ksym *sym = ksym_lookup((uint64_t)kmain, &off);

	ASSERT_NOT_NULL(t, sym);
	snprintf(want, sizeof(want), "kmain+0x10/0x%lx", sym->size);
	EXPECT_STREQ(t, ksym_format(buf, sizeof(buf), (uint64_t)kmain + 0x10), want);
	EXPECT_STREQ(t, ksym_format(buf, sizeof(buf), 0x1000), "0x1000");
}
