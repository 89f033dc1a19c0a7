// SPDX-License-Identifier: MIT
/*
 * mm_firmware_ptr, the kernel's ACPI mapper (issue 11, item 7): the direct
 * map for RAM, the physical address itself (mapped on demand) for anything
 * else below 4 GiB, and NULL with a log line above it, so a bad table
 * pointer is skipped instead of a #PF. Expected addresses come from the
 * layout contract in <kernel/mm.h> (DIRECT_MAP_BASE + phys for RAM).
 */
#include <stdarg.h>
#include <kernel/acpi.h>
#include <kernel/ktest.h>
#include <kernel/mm.h>
#include <kernel/page.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#define FOUR_GIB	(4 * GIB)
#define NOT_RAM		0x4000000000ull		/* 256 GiB: no test boot has RAM there */

/*
 * Beside the local APIC's page (0xFEE00000, the SDM's default base), which
 * smp_start mapped: not RAM, and its page table exists, so the suite takes
 * no frame for good. Not read: nothing is known to answer there.
 */
KTEST(firmware_map, below_4g_outside_ram_is_at_its_own_address)
{
	EXPECT_EQ(t, (uint64_t)(uintptr_t)mm_firmware_ptr(0xFEE01000 + 8, 36), 0xFEE01000 + 8);
}

KTEST(firmware_map, ram_below_4g_is_the_direct_map)
{
	uint64_t frame = page_alloc_below(FOUR_GIB, 1, 1);

	ASSERT_NE(t, frame, 0);
	EXPECT_EQ(t, mm_firmware_ptr(frame + 8, 36), phys_to_virt(frame + 8));
	page_free(frame);
}

KTEST(firmware_map, above_4g_outside_ram_is_refused)
{
	EXPECT_NULL(t, mm_firmware_ptr(NOT_RAM, 36));
	EXPECT_NULL(t, mm_firmware_ptr(NOT_RAM - 4096, 8192));
	EXPECT_NULL(t, mm_firmware_ptr(0xFFFFFFFFFFFFF000ull, 0x2000));	/* wraps */
}

KTEST(firmware_map, ram_above_4g_is_the_direct_map)
{
	struct pfa_stats s;
	uint64_t top;

	page_stats(&s);
	if (s.total * FRAME_SIZE <= FOUR_GIB + 2 * MIB)
		ktest_skip(t, "no RAM above 4 GiB on this boot");
	top = (s.total - 1) * FRAME_SIZE;	/* the last frame the allocator covers is RAM */
	EXPECT_EQ(t, mm_firmware_ptr(top, FRAME_SIZE), phys_to_virt(top));
	EXPECT_NULL(t, mm_firmware_ptr(top, NOT_RAM));	/* runs past the end of RAM */
}

static int log_lines;
static char first_log[160];

static void capture_log(void *ctx, const char *fmt, va_list ap)
{
	(void)ctx;
	if (log_lines++ == 0)
		vsnprintf(first_log, sizeof(first_log), fmt, ap);
}

static const void *kernel_map(void *ctx, uint64_t phys, size_t len)
{
	(void)ctx;
	return mm_firmware_ptr(phys, len);
}

static void put_le(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* ACPI 6.5 5.2.3-5.2.8: an RSDP (revision 2) pointing at an XSDT with one entry, at NOT_RAM. */
KTEST(firmware_map, parser_skips_a_table_above_4g_outside_ram)
{
	const struct acpi_env env = { kernel_map, capture_log, NULL };
	uint64_t frame = page_alloc();
	uint8_t rsdp[36] = "RSD PTR ", *x, sum = 0;

	ASSERT_NE(t, frame, 0);
	x = phys_to_virt(frame);
	memset(x, 0, 44);
	memcpy(x, "XSDT", 4);
	put_le(x + 4, 44, 4);		/* length: header and one 8-byte entry */
	x[8] = 1;
	put_le(x + 36, NOT_RAM, 8);
	for (int i = 0; i < 44; i++)
		sum += x[i];
	x[9] = (uint8_t)-sum;
	rsdp[15] = 2;
	put_le(rsdp + 24, frame, 8);
	log_lines = 0;
	EXPECT_NULL(t, acpi_find_table(&env, (const void *)rsdp, "APIC"));
	EXPECT_EQ(t, log_lines, 1);
	EXPECT_STREQ(t, first_log,
		     "acpi: XSDT entry 0, table at 0x4000000000, is not mappable: skipped");
	page_free(frame);
}
