// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the ACPI reader: the input is firmware memory.
 *
 * Bytes [0, 36) are an RSDP handed over in a multiboot2 tag 15, read by
 * the boot information parser as at boot (its copy must equal them); the rest
 * but the last byte is physical memory from FUZZ_PHYS up, where its
 * pointers may lead. With bit 0 of the last byte set, the harness fixes
 * the RSDP's checksums and those of the tables it finds packed back to
 * back (by their own length fields), so the fuzzer gets past the
 * checksums into the MADT walk. The same bytes are also read as a whole
 * multiboot2 list of their own (parse_raw). The reader must
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

/* Is [p, p + len) inside [base, base + size)? */
static bool inside(const void *p, size_t len, const uint8_t *base, size_t size)
{
	const uint8_t *b = p;

	return b >= base && (size_t)(b - base) <= size && len <= size - (size_t)(b - base);
}

/* The map is every whole entry of its tag (spec 3.6.8: 16 bytes of header, entry_size apart). */
static bool whole_map(const struct boot_memory *mem, const uint8_t *list, uint32_t total)
{
	const uint8_t *tag = (const uint8_t *)mem->map - 16;
	uint32_t type, size, entry_size;

	if (!inside(tag, 16, list, total))
		return false;
	memcpy(&type, tag, 4);
	memcpy(&size, tag + 4, 4);
	memcpy(&entry_size, tag + 8, 4);
	return type == 6 && entry_size == mem->stride && inside(tag, size, list, total) &&
	       mem->count == (size - 16) / entry_size;
}

/* What any list must leave: counts within bounds, the map its tag's whole entries. */
static void check_boot(const struct boot_info *bi, const uint8_t *list, uint32_t total)
{
	const struct boot_memory *mem = &bi->memory;

	/* The image, the list itself (unless its header was bad), the framebuffer, the modules. */
	if (bi->nmodules > BOOT_MODULES_MAX || mem->nin_use > BOOT_IN_USE_MAX ||
	    mem->nin_use != 1 + (bi->info.end != 0) + bi->framebuffer.present + bi->nmodules)
		__builtin_trap();
	if (mem->has_map && (mem->stride < 24 || mem->stride % 8 || !whole_map(mem, list, total)))
		__builtin_trap();
	if (!bi->error && bi->info.end - bi->info.start != total)
		__builtin_trap();
}

/*
 * The input as a multiboot2 list: an exact-size copy (malloc aligns it to
 * 16), so ASan sees any read past total_size. A total_size larger than the
 * input is not tried: the walker takes the boot loader's word for it.
 */
static void parse_raw(const uint8_t *data, size_t size)
{
	static struct boot_info bi;
	uint32_t total;
	uint8_t *list;

	if (size < 8)
		return;
	memcpy(&total, data, 4);
	if (total > size)
		return;
	list = malloc(total < 8 ? 8 : total);
	memcpy(list, data, total < 8 ? 8 : total);
	boot_info_parse(&bi, list, (struct boot_region){ 0x100000, 0x200000, "image" }, NULL);
	check_boot(&bi, list, total);
	free(list);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint64_t mbi[8];
	static struct madt_info m;
	static struct boot_info bi;
	uint8_t *tag = (uint8_t *)&mbi[1];

	bool fix;

	parse_raw(data, size);
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
