/*
 * libFuzzer target for the ACPI reader: the input is firmware memory.
 *
 * Bytes [0, 36) are an RSDP handed over in a multiboot2 tag 15, read by
 * the boot information parser as at boot (its copy must equal them); the rest
 * but the last byte is physical memory from FUZZ_PHYS up, where its
 * pointers may lead. With bit 0 of the last byte set, the harness fixes
 * the RSDP's checksums and those of the tables it finds packed back to
 * back (by their own length fields), so the fuzzer gets past the
 * checksums into the MADT walk. The reader must
 * never touch memory outside what map() handed out (ASan checks that), and
 * what it returns must be consistent.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <kernel/acpi.h>
#include <kernel/bootinfo.h>

#define FUZZ_PHYS	0x10000
#define RSDP_LEN	36
#define MEM_MAX		(64 * 1024)

static uint8_t *mem;
static size_t mem_len;

static const void *fuzz_map(void *ctx, uint64_t phys, size_t len)
{
	(void)ctx;
	if (phys < FUZZ_PHYS || phys - FUZZ_PHYS > mem_len || len > mem_len - (phys - FUZZ_PHYS))
		return NULL;
	return mem + (phys - FUZZ_PHYS);
}

static const struct acpi_env env = { fuzz_map, NULL, NULL };

/* Make the bytes [0, len) of p sum to zero by adjusting p[at]. */
static void fix_checksum(uint8_t *p, size_t len, size_t at)
{
	uint8_t sum = 0;

	p[at] = 0;
	for (size_t i = 0; i < len; i++)
		sum += p[i];
	p[at] = (uint8_t)-sum;
}

/* Tables packed from offset 0, each 16-aligned after the previous: fix their checksums. */
static void fix_tables(void)
{
	size_t off = 0;

	while (off + sizeof(struct acpi_sdt) <= mem_len) {
		uint32_t len;

		memcpy(&len, mem + off + 4, 4);
		if (len < sizeof(struct acpi_sdt) || len > mem_len - off)
			return;
		fix_checksum(mem + off, len, 9);
		off = (off + len + 15) & ~(size_t)15;
	}
}

static void check(const struct madt_info *m)
{
	if (m->ncpus > MADT_MAX_CPUS || m->nenabled > m->ncpus ||
	    m->nioapics > MADT_MAX_IOAPICS || m->noverrides > MADT_MAX_OVERRIDES ||
	    m->nnmis > MADT_MAX_NMIS)
		__builtin_trap();
	for (unsigned int i = 0; i < m->ncpus; i++) {
		if (!(m->cpus[i].flags & (MADT_ENABLED | MADT_ONLINE_CAPABLE)))
			__builtin_trap();
		for (unsigned int j = 0; j < i; j++)
			if (m->cpus[i].apic_id == m->cpus[j].apic_id)
				__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint64_t mbi[8];
	static struct madt_info m;
	static struct boot_info bi;
	uint8_t *tag = (uint8_t *)&mbi[1];

	bool fix;

	if (size < RSDP_LEN + 2 || size - RSDP_LEN > MEM_MAX)
		return 0;
	fix = data[size - 1] & 1;
	/* The multiboot2 info: total size, tag 15 (8 + 36 bytes, padded to 48), end tag. */
	memset(mbi, 0, sizeof(mbi));
	((uint32_t *)mbi)[0] = 8 + 48 + 8;
	((uint32_t *)tag)[0] = 15;
	((uint32_t *)tag)[1] = 8 + RSDP_LEN;
	memcpy(tag + 8, data, RSDP_LEN);
	if (fix) {
		fix_checksum(tag + 8, 20, 8);
		fix_checksum(tag + 8, RSDP_LEN, 32);
	}
	((uint32_t *)(tag + 48))[1] = 8;

	/* An exact-size heap copy, so ASan sees any read past the end. */
	mem_len = size - RSDP_LEN - 1;
	mem = malloc(mem_len);
	memcpy(mem, data + RSDP_LEN, mem_len);
	if (fix)
		fix_tables();
	if (boot_info_parse(&bi, mbi, (struct boot_region){ 0 }, NULL) != 0 || bi.malformed ||
	    !bi.rsdp.has_v2 || memcmp(bi.rsdp.v2, tag + 8, RSDP_LEN) != 0)
		__builtin_trap();
	if (acpi_read_madt(&env, &bi.rsdp, &m) == 0)
		check(&m);
	free(mem);
	return 0;
}
