// SPDX-License-Identifier: MIT
/* acpi: RSDP discovery, root-table walks and the MADT reader, on synthetic firmware memory. */
#include <stdarg.h>
#include <kernel/acpi.h>
#include <kernel/bootinfo.h>
#include <kernel/ktest.h>
#include <kernel/multiboot2.h>

/* Both the kernel and the host C library provide it. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/*
 * Fake physical memory: the windows firmware tables live in. map() hands
 * out a pointer only for a range inside one window, like a real mapping.
 */
#define BDA_PHYS	0x400
#define EBDA_PHYS	0x9FC00
#define ROM_PHYS	0xE0000
#define TABLES_PHYS	0x7FE0000

static uint8_t bda[0x100], ebda[0x400], rom[0x20000], tables[0x4000];
static size_t tables_used;

static const struct {
	uint64_t phys;
	uint8_t *mem;
	size_t len;
} windows[] = {
	{ BDA_PHYS, bda, sizeof(bda) },
	{ EBDA_PHYS, ebda, sizeof(ebda) },
	{ ROM_PHYS, rom, sizeof(rom) },
	{ TABLES_PHYS, tables, sizeof(tables) },
};

static const void *fake_map(void *ctx, uint64_t phys, size_t len)
{
	(void)ctx;
	for (size_t i = 0; i < sizeof(windows) / sizeof(windows[0]); i++)
		if (phys >= windows[i].phys && len <= windows[i].len &&
		    phys - windows[i].phys <= windows[i].len - len)
			return windows[i].mem + (phys - windows[i].phys);
	return NULL;
}

static int log_lines;
static char first_log[128], last_log[128];

static void fake_log(void *ctx, const char *fmt, va_list ap)
{
	(void)ctx;
	log_lines++;
	vsnprintf(last_log, sizeof(last_log), fmt, ap);
	if (log_lines == 1)
		__builtin_memcpy(first_log, last_log, sizeof(first_log));
}

static const struct acpi_env env = { fake_map, fake_log, NULL };

static void format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

static void fill(void *p, int c, size_t n)
{
	for (uint8_t *b = p; n--; b++)
		*b = (uint8_t)c;
}

static void put(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}

static bool has(const char *s, const char *sub)
{
	for (; *s; s++) {
		size_t i = 0;

		while (sub[i] && s[i] == sub[i])
			i++;
		if (!sub[i])
			return true;
	}
	return false;
}

static void reset(void)
{
	fill(bda, 0, sizeof(bda));
	fill(ebda, 0, sizeof(ebda));
	fill(rom, 0, sizeof(rom));
	fill(tables, 0, sizeof(tables));
	tables_used = 0;
	log_lines = 0;
	first_log[0] = last_log[0] = '\0';
}

static void fix_checksum(uint8_t *p, size_t len, size_t at)
{
	uint8_t sum = 0;

	p[at] = 0;
	for (size_t i = 0; i < len; i++)
		sum += p[i];
	p[at] = (uint8_t)-sum;
}

/* Start a table in the tables window; returns its physical address. */
static uint64_t table_begin(const char *sig)
{
	uint8_t *h = tables + tables_used;

	for (int i = 0; i < 4; i++)
		h[i] = (uint8_t)sig[i];
	put(h + 4, 36, 4);
	h[8] = 1;
	return TABLES_PHYS + tables_used;
}

static uint8_t *table_at(uint64_t phys)
{
	return tables + (phys - TABLES_PHYS);
}

static void table_append(uint64_t phys, const uint8_t *data, size_t n)
{
	uint8_t *h = table_at(phys);
	uint32_t len = (uint32_t)(h[4] | h[5] << 8 | h[6] << 16);

	for (size_t i = 0; i < n; i++)
		h[len + i] = data[i];
	put(h + 4, len + n, 4);
}

/* Checksum the table and move the window's cursor past it (16-aligned). */
static void table_end(uint64_t phys)
{
	uint8_t *h = table_at(phys);
	uint32_t len = (uint32_t)(h[4] | h[5] << 8 | h[6] << 16);

	fix_checksum(h, len, 9);
	tables_used = (phys - TABLES_PHYS + len + 15) & ~(size_t)15;
}

static uint64_t root_table(const char *sig, int width, const uint64_t *ptrs, int n)
{
	uint64_t phys = table_begin(sig);
	uint8_t e[8];

	for (int i = 0; i < n; i++) {
		put(e, ptrs[i], width);
		table_append(phys, e, (size_t)width);
	}
	table_end(phys);
	return phys;
}

static void madt_lapic(uint64_t madt, uint8_t uid, uint8_t id, uint32_t flags)
{
	uint8_t e[8] = { 0, 8, uid, id };

	put(e + 4, flags, 4);
	table_append(madt, e, sizeof(e));
}

static void madt_x2apic(uint64_t madt, uint32_t id, uint32_t uid, uint32_t flags)
{
	uint8_t e[16] = { 9, 16 };

	put(e + 4, id, 4);
	put(e + 8, flags, 4);
	put(e + 12, uid, 4);
	table_append(madt, e, sizeof(e));
}

/* A MADT at 0xFEE00000 with PC-AT flag, two CPUs, an I/O APIC, an override and an NMI. */
static uint64_t madt_basic(void)
{
	uint64_t m = table_begin("APIC");
	uint8_t fixed[8], ioapic[12] = { 1, 12, 4 }, iso[10] = { 2, 10, 0, 0 };
	uint8_t nmi[6] = { 4, 6, 0xFF, 5, 0, 1 };

	put(fixed, 0xFEE00000, 4);
	put(fixed + 4, 1, 4);
	table_append(m, fixed, 8);
	madt_lapic(m, 0, 0, MADT_ENABLED);
	madt_lapic(m, 1, 2, MADT_ENABLED);
	put(ioapic + 4, 0xFEC00000, 4);
	table_append(m, ioapic, sizeof(ioapic));
	put(iso + 4, 2, 4);	/* IRQ 0 -> GSI 2: the usual PIT override */
	table_append(m, iso, sizeof(iso));
	table_append(m, nmi, sizeof(nmi));
	return m;
}

static void rsdp_fill(uint8_t *p, int revision, uint64_t rsdt, uint64_t xsdt)
{
	const char *sig = "RSD PTR ";

	fill(p, 0, 36);
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)sig[i];
	p[15] = (uint8_t)revision;
	put(p + 16, rsdt, 4);
	if (revision >= 2) {
		put(p + 20, 36, 4);
		put(p + 24, xsdt, 8);
	}
	fix_checksum(p, 20, 8);
	if (revision >= 2)
		fix_checksum(p, 36, 32);
}

/* The boot loader's RSDP copies as kmain hands them over (multiboot2 tags 14 and 15; 0 = none). */
static struct boot_rsdp boot_rsdp;

static const struct boot_rsdp *rsdp_copies(uint32_t type1, const uint8_t *rsdp1,
					uint32_t type2, const uint8_t *rsdp2)
{
	uint32_t types[2] = { type1, type2 };
	const uint8_t *r[2] = { rsdp1, rsdp2 };

	fill(&boot_rsdp, 0, sizeof(boot_rsdp));
	for (int i = 0; i < 2; i++) {
		if (types[i] == MB2_TAG_ACPI_NEW) {
			boot_rsdp.has_v2 = true;
			for (size_t j = 0; j < sizeof(boot_rsdp.v2); j++)
				boot_rsdp.v2[j] = r[i][j];
		} else if (types[i] == MB2_TAG_ACPI_OLD) {
			boot_rsdp.has_v1 = true;
			for (size_t j = 0; j < sizeof(boot_rsdp.v1); j++)
				boot_rsdp.v1[j] = r[i][j];
		}
	}
	return &boot_rsdp;
}

static struct madt_info mi;

KTEST(acpi, checksum)
{
	uint8_t b[4] = { 1, 2, 3, 250 };

	EXPECT_TRUE(t, acpi_checksum_ok(b, 4));
	b[3] = 251;
	EXPECT_FALSE(t, acpi_checksum_ok(b, 4));
	EXPECT_TRUE(t, acpi_checksum_ok(b, 0));
}

KTEST(acpi, xsdt_from_tag15)
{
	uint8_t r[36];
	uint64_t madt, xsdt;

	reset();
	madt = madt_basic();
	table_end(madt);
	xsdt = root_table("XSDT", 8, &madt, 1);
	rsdp_fill(r, 2, 0, xsdt);
	ASSERT_EQ(t, acpi_read_madt(&env, rsdp_copies(MB2_TAG_ACPI_NEW, r, 0, NULL), &mi), 0);
	EXPECT_EQ(t, mi.lapic_addr, 0xFEE00000);
	EXPECT_EQ(t, mi.flags, 1);
	ASSERT_EQ(t, mi.ncpus, 2);
	EXPECT_EQ(t, mi.nenabled, 2);
	EXPECT_EQ(t, mi.cpus[0].apic_id, 0);
	EXPECT_EQ(t, mi.cpus[1].apic_id, 2);
	EXPECT_EQ(t, mi.cpus[1].uid, 1);
	EXPECT_FALSE(t, mi.cpus[1].x2apic);
	ASSERT_EQ(t, mi.nioapics, 1);
	EXPECT_EQ(t, mi.ioapics[0].id, 4);
	EXPECT_EQ(t, mi.ioapics[0].addr, 0xFEC00000);
	ASSERT_EQ(t, mi.noverrides, 1);
	EXPECT_EQ(t, mi.overrides[0].source, 0);
	EXPECT_EQ(t, mi.overrides[0].gsi, 2);
	ASSERT_EQ(t, mi.nnmis, 1);
	EXPECT_EQ(t, mi.nmis[0].uid, 0xFF);
	EXPECT_EQ(t, mi.nmis[0].flags, 5);
	EXPECT_EQ(t, mi.nmis[0].lint, 1);
	EXPECT_EQ(t, mi.skipped, 0);
	EXPECT_EQ(t, log_lines, 0);
}

KTEST(acpi, rsdt_from_tag14)
{
	uint8_t r[36];
	uint64_t madt, rsdt, other;

	reset();
	other = table_begin("FACP");
	table_end(other);
	madt = madt_basic();
	table_end(madt);
	uint64_t ptrs[2] = { other, madt };
	rsdt = root_table("RSDT", 4, ptrs, 2);
	rsdp_fill(r, 0, rsdt, 0);
	ASSERT_EQ(t, acpi_read_madt(&env, rsdp_copies(MB2_TAG_ACPI_OLD, r, 0, NULL), &mi), 0);
	EXPECT_EQ(t, mi.ncpus, 2);
}

KTEST(acpi, bad_tag15_falls_back_to_tag14)
{
	uint8_t r1[36], r2[36];
	uint64_t madt, rsdt;

	reset();
	madt = madt_basic();
	table_end(madt);
	rsdt = root_table("RSDT", 4, &madt, 1);
	rsdp_fill(r2, 2, rsdt, 0x12345678);
	r2[33] ^= 1;	/* extended checksum now wrong: the XSDT pointer is not trusted */
	rsdp_fill(r1, 0, rsdt, 0);
	ASSERT_EQ(t, acpi_read_madt(&env, rsdp_copies(MB2_TAG_ACPI_NEW, r2,
						   MB2_TAG_ACPI_OLD, r1), &mi), 0);
	EXPECT_EQ(t, mi.ncpus, 2);
}

KTEST(acpi, bad_xsdt_falls_back_to_rsdt)
{
	uint8_t r[36];
	uint64_t madt, rsdt, xsdt;

	reset();
	madt = madt_basic();
	table_end(madt);
	rsdt = root_table("RSDT", 4, &madt, 1);
	xsdt = root_table("XSDT", 8, &madt, 1);
	table_at(xsdt)[9] ^= 0x40;
	rsdp_fill(r, 2, rsdt, xsdt);
	ASSERT_EQ(t, acpi_read_madt(&env, rsdp_copies(MB2_TAG_ACPI_NEW, r, 0, NULL), &mi), 0);
	EXPECT_EQ(t, mi.ncpus, 2);
	EXPECT_GE(t, log_lines, 2);	/* the bad checksum, the fallback */
}

KTEST(acpi, scan_ebda_then_rom)
{
	uint64_t madt, rsdt;

	reset();
	madt = madt_basic();
	table_end(madt);
	rsdt = root_table("RSDT", 4, &madt, 1);
	put(bda + (0x40E - BDA_PHYS), EBDA_PHYS >> 4, 2);
	rsdp_fill(ebda + 0x40, 0, rsdt, 0);
	EXPECT_PTR_EQ(t, acpi_find_rsdp(&env, NULL), ebda + 0x40);
	ASSERT_EQ(t, acpi_read_madt(&env, NULL, &mi), 0);
	EXPECT_EQ(t, mi.ncpus, 2);

	/* Not in the EBDA: found on a 16-byte boundary in the BIOS area. */
	ebda[0x40] = 0;
	rsdp_fill(rom + 0x1F0A0, 0, rsdt, 0);
	EXPECT_PTR_EQ(t, acpi_find_rsdp(&env, NULL), rom + 0x1F0A0);
	/* Off a 16-byte boundary it is not an RSDP. */
	rom[0x1F0A0] = 0;
	rsdp_fill(rom + 0x1F0A8, 0, rsdt, 0);
	EXPECT_NULL(t, acpi_find_rsdp(&env, NULL));
	EXPECT_EQ(t, acpi_read_madt(&env, NULL, &mi), -ENOENT);
	EXPECT_TRUE(t, has(last_log, "no RSDP"));
}

KTEST(acpi, madt_bad_checksum_is_skipped)
{
	uint8_t r[36];
	uint64_t madt, rsdt;

	reset();
	madt = madt_basic();
	table_end(madt);
	table_at(madt)[40] ^= 1;
	rsdt = root_table("RSDT", 4, &madt, 1);
	rsdp_fill(r, 0, rsdt, 0);
	EXPECT_EQ(t, acpi_read_madt(&env, rsdp_copies(MB2_TAG_ACPI_OLD, r, 0, NULL), &mi),
		  -ENOENT);
	EXPECT_GE(t, log_lines, 2);
}

KTEST(acpi, second_madt_used_when_first_is_bad)
{
	uint8_t r[36];
	uint64_t madts[2], rsdt;

	reset();
	madts[0] = madt_basic();
	table_end(madts[0]);
	table_at(madts[0])[36] ^= 1;
	madts[1] = madt_basic();
	table_end(madts[1]);
	rsdt = root_table("RSDT", 4, madts, 2);
	rsdp_fill(r, 0, rsdt, 0);
	ASSERT_EQ(t, acpi_read_madt(&env, rsdp_copies(MB2_TAG_ACPI_OLD, r, 0, NULL), &mi), 0);
	EXPECT_EQ(t, mi.lapic_addr, 0xFEE00000);
	EXPECT_TRUE(t, has(last_log, "bad checksum"));
}

/* Parse a MADT built by the caller straight from the tables window. */
static int parse(uint64_t madt)
{
	table_end(madt);
	return acpi_parse_madt(&env, (const struct acpi_sdt *)table_at(madt), &mi);
}

KTEST(acpi, entry_length_zero_ends_the_walk)
{
	uint64_t m;
	uint8_t zero[8] = { 0, 0 };

	reset();
	m = madt_basic();
	table_append(m, zero, sizeof(zero));
	madt_lapic(m, 7, 7, MADT_ENABLED);
	ASSERT_EQ(t, parse(m), 0);
	EXPECT_EQ(t, mi.ncpus, 2);	/* the CPU after the bad entry is never reached */
	EXPECT_EQ(t, mi.nioapics, 1);
	EXPECT_EQ(t, mi.skipped, 1);
	EXPECT_TRUE(t, has(last_log, "bad entry"));
}

KTEST(acpi, entry_running_past_the_table)
{
	uint64_t m;
	uint8_t e[4] = { 0, 8, 3, 3 };	/* claims 8 bytes, the table ends after 4 */

	reset();
	m = madt_basic();
	table_append(m, e, sizeof(e));
	ASSERT_EQ(t, parse(m), 0);
	EXPECT_EQ(t, mi.ncpus, 2);
	EXPECT_EQ(t, mi.skipped, 1);
}

KTEST(acpi, short_entry_for_its_type_is_skipped)
{
	uint64_t m;
	uint8_t e[6] = { 1, 6, 9, 0, 0, 0 };	/* an I/O APIC needs 12 */

	reset();
	m = madt_basic();
	table_append(m, e, sizeof(e));
	madt_lapic(m, 2, 4, MADT_ENABLED);
	ASSERT_EQ(t, parse(m), 0);
	EXPECT_EQ(t, mi.nioapics, 1);
	EXPECT_EQ(t, mi.ncpus, 3);	/* the walk goes on after it */
	EXPECT_EQ(t, mi.skipped, 1);
	EXPECT_TRUE(t, has(last_log, "too short"));
}

KTEST(acpi, duplicate_apic_id_is_skipped)
{
	uint64_t m;

	reset();
	m = madt_basic();
	madt_lapic(m, 5, 2, MADT_ENABLED);	/* APIC ID 2 again */
	madt_x2apic(m, 0, 9, MADT_ENABLED);	/* and 0, as an x2APIC entry */
	ASSERT_EQ(t, parse(m), 0);
	EXPECT_EQ(t, mi.ncpus, 2);
	EXPECT_EQ(t, mi.skipped, 2);
	EXPECT_TRUE(t, has(last_log, "duplicate APIC ID 0"));
}

KTEST(acpi, enabled_and_online_capable)
{
	uint64_t m;

	reset();
	m = madt_basic();
	madt_lapic(m, 2, 4, 0);				/* never usable: dropped */
	madt_lapic(m, 3, 6, MADT_ONLINE_CAPABLE);	/* present, not started now */
	madt_lapic(m, 4, 0xFF, MADT_ENABLED);		/* broadcast ID: refused */
	ASSERT_EQ(t, parse(m), 0);
	ASSERT_EQ(t, mi.ncpus, 3);
	EXPECT_EQ(t, mi.nenabled, 2);
	EXPECT_EQ(t, mi.cpus[2].apic_id, 6);
	EXPECT_EQ(t, mi.cpus[2].flags, MADT_ONLINE_CAPABLE);
	EXPECT_EQ(t, mi.skipped, 1);
}

KTEST(acpi, x2apic_and_address_override)
{
	uint64_t m;
	uint8_t ovr[12] = { 5, 12 };

	reset();
	m = madt_basic();
	madt_x2apic(m, 300, 77, MADT_ENABLED);
	put(ovr + 4, 0x1FEE00000ull, 8);
	table_append(m, ovr, sizeof(ovr));
	ASSERT_EQ(t, parse(m), 0);
	ASSERT_EQ(t, mi.ncpus, 3);
	EXPECT_EQ(t, mi.cpus[2].apic_id, 300);
	EXPECT_EQ(t, mi.cpus[2].uid, 77);
	EXPECT_TRUE(t, mi.cpus[2].x2apic);
	EXPECT_EQ(t, mi.lapic_addr, 0x1FEE00000ull);
}

KTEST(acpi, too_many_cpus_are_counted_not_stored)
{
	uint64_t m;

	reset();
	m = table_begin("APIC");
	uint8_t fixed[8] = { 0 };
	table_append(m, fixed, 8);
	for (uint32_t i = 0; i < MADT_MAX_CPUS + 3; i++)
		madt_x2apic(m, i, i, MADT_ENABLED);
	ASSERT_EQ(t, parse(m), 0);
	EXPECT_EQ(t, mi.ncpus, MADT_MAX_CPUS);
	EXPECT_EQ(t, mi.skipped, 3);
}

KTEST(acpi, madt_shorter_than_its_fixed_part)
{
	uint64_t m;

	reset();
	m = table_begin("APIC");
	EXPECT_EQ(t, parse(m), -EINVAL);
}

/* Issue 11: a root entry above 4 GiB that the mapper refuses (not RAM) is logged and skipped. */
KTEST(acpi, unmappable_entry_above_4g_is_logged_and_skipped)
{
	uint8_t r[36];
	uint64_t madt, xsdt, ptrs[2] = { 0x4000000000ull, 0 };

	reset();
	madt = madt_basic();
	table_end(madt);
	ptrs[1] = madt;
	xsdt = root_table("XSDT", 8, ptrs, 2);
	rsdp_fill(r, 2, 0, xsdt);
	EXPECT_EQ(t, fake_map(NULL, ptrs[0], 4), NULL);	/* the mapper refuses it */
	ASSERT_EQ(t, acpi_read_madt(&env, rsdp_copies(MB2_TAG_ACPI_NEW, r, 0, NULL), &mi), 0);
	EXPECT_EQ(t, mi.ncpus, 2);
	EXPECT_EQ(t, log_lines, 1);
	EXPECT_STREQ(t, last_log,
		     "acpi: XSDT entry 0, table at 0x4000000000, is not mappable: skipped");
}

/* Only an unmappable entry: no MADT, one line, no fault. */
KTEST(acpi, only_unmappable_entries_find_nothing)
{
	uint8_t r[36];
	uint64_t xsdt, ptr = 0xFFFFFFFFFFFFF000ull;

	reset();
	xsdt = root_table("XSDT", 8, &ptr, 1);
	rsdp_fill(r, 2, 0, xsdt);
	EXPECT_EQ(t, acpi_read_madt(&env, rsdp_copies(MB2_TAG_ACPI_NEW, r, 0, NULL), &mi),
		  -ENOENT);
	EXPECT_STREQ(t, first_log,
		     "acpi: XSDT entry 0, table at 0xfffffffffffff000, is not mappable: skipped");
	EXPECT_STREQ(t, last_log, "acpi: no valid MADT");
}

/*
 * Every field of the I/O APIC (type 1), interrupt source override (type 2)
 * and LAPIC NMI (type 4) entries, at the offsets of the ACPI specification
 * (5.2.12.3, 5.2.12.5, 5.2.12.7), with values that differ byte by byte.
 */
KTEST(acpi, ioapic_override_and_nmi_fields)
{
	uint64_t m;
	uint8_t fixed[8] = { 0 };
	uint8_t io[12] = { 1, 12, 0x21, 0 }, iso[10] = { 2, 10, 0x31, 0x32 };
	uint8_t nmi[6] = { 4, 6, 0x41, 0, 0, 0x43 };

	reset();
	m = table_begin("APIC");
	table_append(m, fixed, 8);
	put(io + 4, 0xFEC01234, 4);
	put(io + 8, 0x00000567, 4);
	table_append(m, io, sizeof(io));
	put(iso + 4, 0x00000789, 4);
	put(iso + 8, 0x000D, 2);
	table_append(m, iso, sizeof(iso));
	put(nmi + 3, 0x0005, 2);
	table_append(m, nmi, sizeof(nmi));
	ASSERT_EQ(t, parse(m), 0);
	ASSERT_EQ(t, mi.nioapics, 1);
	EXPECT_EQ(t, mi.ioapics[0].id, 0x21);
	EXPECT_EQ(t, mi.ioapics[0].addr, 0xFEC01234);
	EXPECT_EQ(t, mi.ioapics[0].gsi_base, 0x567);
	ASSERT_EQ(t, mi.noverrides, 1);
	EXPECT_EQ(t, mi.overrides[0].bus, 0x31);
	EXPECT_EQ(t, mi.overrides[0].source, 0x32);
	EXPECT_EQ(t, mi.overrides[0].gsi, 0x789);
	EXPECT_EQ(t, mi.overrides[0].flags, 0x000D);
	ASSERT_EQ(t, mi.nnmis, 1);
	EXPECT_EQ(t, mi.nmis[0].uid, 0x41);
	EXPECT_EQ(t, mi.nmis[0].flags, 5);
	EXPECT_EQ(t, mi.nmis[0].lint, 0x43);
	EXPECT_EQ(t, mi.skipped, 0);
}

/* Past each table's capacity, entries are counted as skipped and logged, never stored. */
KTEST(acpi, too_many_ioapics_overrides_and_nmis)
{
	uint64_t m;
	uint8_t fixed[8] = { 0 };
	uint8_t io[12] = { 1, 12 }, iso[10] = { 2, 10 }, nmi[6] = { 4, 6, 0xFF };

	reset();
	m = table_begin("APIC");
	table_append(m, fixed, 8);
	for (int i = 0; i < MADT_MAX_IOAPICS + 2; i++) {
		io[2] = (uint8_t)i;
		table_append(m, io, sizeof(io));
	}
	for (int i = 0; i < MADT_MAX_OVERRIDES + 3; i++) {
		iso[3] = (uint8_t)i;
		table_append(m, iso, sizeof(iso));
	}
	for (int i = 0; i < MADT_MAX_NMIS + 4; i++)
		table_append(m, nmi, sizeof(nmi));
	ASSERT_EQ(t, parse(m), 0);
	EXPECT_EQ(t, mi.nioapics, MADT_MAX_IOAPICS);
	EXPECT_EQ(t, mi.ioapics[MADT_MAX_IOAPICS - 1].id, MADT_MAX_IOAPICS - 1);
	EXPECT_EQ(t, mi.noverrides, MADT_MAX_OVERRIDES);
	EXPECT_EQ(t, mi.nnmis, MADT_MAX_NMIS);
	EXPECT_EQ(t, mi.skipped, 2 + 3 + 4);
	EXPECT_GE(t, log_lines, 3);
	EXPECT_TRUE(t, has(first_log, "too many I/O APICs"));
	EXPECT_TRUE(t, has(last_log, "too many LAPIC NMI"));
}

/*
 * The fixed lengths of ACPI 6.5 5.2.12.2-5.2.12.19: Processor Local APIC 8,
 * I/O APIC 12, Interrupt Source Override 10, Local APIC NMI 6, Local APIC
 * Address Override 12, Processor Local x2APIC 16. One byte less is skipped
 * and logged with its type and length; a type SMP does not use needs only
 * the 2-byte header.
 */
KTEST(acpi, each_type_one_byte_short_is_skipped)
{
	static const uint8_t types[] = { 0, 1, 2, 4, 5, 9 };
	static const uint8_t lens[] = { 8, 12, 10, 6, 12, 16 };
	char want[64];

	for (size_t i = 0; i < sizeof(types); i++) {
		uint64_t m;
		uint8_t e[16];

		reset();
		m = madt_basic();
		fill(e, 0x11, sizeof(e));
		e[0] = types[i];
		e[1] = (uint8_t)(lens[i] - 1);
		table_append(m, e, lens[i] - 1u);
		madt_lapic(m, 9, 9, MADT_ENABLED);
		ASSERT_EQ(t, parse(m), 0);
		EXPECT_EQ(t, mi.skipped, 1);
		EXPECT_EQ(t, mi.ncpus, 3);	/* the CPU after it is still read */
		EXPECT_EQ(t, mi.nioapics, 1);
		EXPECT_EQ(t, mi.noverrides, 1);
		EXPECT_EQ(t, mi.nnmis, 1);
		EXPECT_EQ(t, mi.lapic_addr, 0xFEE00000);
		EXPECT_EQ(t, log_lines, 1);
		format(want, sizeof(want), "acpi: MADT: type %u entry too short (%u bytes)",
		       types[i], lens[i] - 1u);
		EXPECT_STREQ(t, last_log, want);
	}
}

KTEST(acpi, unused_type_needs_only_its_header)
{
	uint64_t m;
	uint8_t e[2] = { 0x7F, 2 };

	reset();
	m = madt_basic();
	table_append(m, e, sizeof(e));
	madt_lapic(m, 9, 9, MADT_ENABLED);
	ASSERT_EQ(t, parse(m), 0);
	EXPECT_EQ(t, mi.ncpus, 3);
	EXPECT_EQ(t, mi.skipped, 0);
	EXPECT_EQ(t, log_lines, 0);
}

/* The boot loader's copy is used where it is; one not marked present is not looked at. */
KTEST(acpi, boot_copy_is_used_in_place_and_only_if_present)
{
	uint8_t r[36];
	const struct boot_rsdp *boot;

	reset();
	rsdp_fill(r, 2, 0x1000, 0x2000);
	boot = rsdp_copies(MB2_TAG_ACPI_NEW, r, 0, NULL);
	EXPECT_PTR_EQ(t, acpi_find_rsdp(&env, boot), boot->v2);
	boot = rsdp_copies(MB2_TAG_ACPI_OLD, r, 0, NULL);	/* a v2 RSDP cut to 20 bytes */
	EXPECT_NULL(t, acpi_find_rsdp(&env, boot));
	rsdp_fill(r, 0, 0x1000, 0);
	boot = rsdp_copies(MB2_TAG_ACPI_OLD, r, 0, NULL);
	EXPECT_PTR_EQ(t, acpi_find_rsdp(&env, boot), boot->v1);
	boot_rsdp.has_v1 = false;
	EXPECT_NULL(t, acpi_find_rsdp(&env, boot));
}
