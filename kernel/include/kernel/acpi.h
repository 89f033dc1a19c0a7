/* SPDX-License-Identifier: MIT */
/*
 * ACPI, as much as SMP needs: find the RSDP, walk the RSDT/XSDT, read the
 * MADT into a table of CPUs and interrupt routing. Portable: host tests and
 * a fuzzer drive it through the same hooks the kernel uses.
 *
 * Nothing read from firmware is trusted. Every table is checked for its
 * signature, a sane length and its checksum before a byte of its body is
 * used; a bad table or entry is logged and skipped, never followed. Fields
 * are read bytewise, so tables at any alignment are fine.
 *
 * Physical memory is reached only through env->map, which returns a
 * readable pointer for [phys, phys + len) or NULL (the kernel's
 * mm_firmware_ptr: direct map, or its own address mapped on demand below
 * 4 GiB, NULL outside RAM above 4 GiB;
 * an array in the tests). A table it refuses is logged and skipped.
 */
#ifndef KERNEL_ACPI_H
#define KERNEL_ACPI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/errno.h>

#define ACPI_TABLE_MAX		(1u << 20)	/* longer is corruption, not a table */
#define MADT_MAX_CPUS		256
#define MADT_MAX_IOAPICS	8
#define MADT_MAX_OVERRIDES	16
#define MADT_MAX_NMIS		16


/* MADT local APIC / x2APIC flags (ACPI 6.5, 5.2.12.2). */
#define MADT_ENABLED		(1u << 0)
#define MADT_ONLINE_CAPABLE	(1u << 1)

struct acpi_env {
	/* [phys, phys + len) readable at the result, or NULL if not mappable. */
	const void *(*map)(void *ctx, uint64_t phys, size_t len);
	/* One log line, no newline; NULL is silent. */
	void (*log)(void *ctx, const char *fmt, va_list ap);
	void *ctx;
};

/* The common 36-byte header of every system description table. */
struct acpi_sdt {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));

struct acpi_rsdp {
	char signature[8];	/* "RSD PTR " */
	uint8_t checksum;	/* of the first 20 bytes */
	char oem_id[6];
	uint8_t revision;	/* 0: ACPI 1.0 (RSDT only); 2: has the fields below */
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t ext_checksum;	/* of all `length` bytes */
	uint8_t reserved[3];
} __attribute__((packed));

_Static_assert(sizeof(struct acpi_sdt) == 36, "ACPI table header");
_Static_assert(sizeof(struct acpi_rsdp) == 36, "ACPI 2.0 RSDP");

struct madt_cpu {
	uint32_t apic_id;
	uint32_t uid;		/* ACPI processor UID */
	uint32_t flags;		/* MADT_ENABLED, MADT_ONLINE_CAPABLE */
	bool x2apic;		/* from a type 9 entry */
};

struct madt_ioapic {
	uint8_t id;
	uint32_t addr;
	uint32_t gsi_base;
};

struct madt_override {		/* ISA IRQ `source` arrives at `gsi` */
	uint8_t bus, source;
	uint32_t gsi;
	uint16_t flags;		/* polarity, trigger mode */
};

struct madt_nmi {		/* the LAPIC LINT pin wired to NMI */
	uint32_t uid;		/* 0xFF (or ~0 for x2APIC): every processor */
	uint16_t flags;
	uint8_t lint;
};

/* What the MADT says, after the checks. */
struct madt_info {
	uint64_t lapic_addr;	/* the 32-bit field, or a type 5 override */
	uint32_t flags;		/* bit 0: PC-AT compatible 8259s present */
	struct madt_cpu cpus[MADT_MAX_CPUS];
	unsigned int ncpus;	/* entries usable now or later (enabled or online capable) */
	unsigned int nenabled;	/* of which enabled at boot */
	struct madt_ioapic ioapics[MADT_MAX_IOAPICS];
	unsigned int nioapics;
	struct madt_override overrides[MADT_MAX_OVERRIDES];
	unsigned int noverrides;
	struct madt_nmi nmis[MADT_MAX_NMIS];
	unsigned int nnmis;
	unsigned int skipped;	/* entries dropped: malformed, duplicate, too many */
};

/* Is the sum of len bytes zero (mod 256)? */
bool acpi_checksum_ok(const void *p, size_t len);
/*
 * Is the RSDP at p (avail bytes readable) well formed: signature and
 * checksum, and for revision >= 2 also length 36 and the extended checksum?
 */
bool acpi_rsdp_valid(const void *p, size_t avail);

struct boot_rsdp;
/*
 * The RSDP: the boot loader's copy from multiboot2 tag 15 (ACPI 2.0+) if
 * valid, else from tag 14 (1.0), else a scan of the EBDA's first KiB and of
 * 0xE0000-0xFFFFF. boot (kmain's, from the boot information) may be NULL
 * (scan only); a copy found valid is returned where it is, in *boot. NULL
 * if there is none.
 */
const struct acpi_rsdp *acpi_find_rsdp(const struct acpi_env *env, const struct boot_rsdp *boot);

/*
 * The first valid table with this 4-character signature listed in the
 * XSDT (revision >= 2 and valid) or else the RSDT; NULL if none. Invalid
 * tables on the way are logged and passed over.
 */
const struct acpi_sdt *acpi_find_table(const struct acpi_env *env,
				       const struct acpi_rsdp *rsdp, const char *sig);

/*
 * Read a validated MADT into *out. Returns 0; -EINVAL (a malformed table) if it
 * is too short for its fixed part. Bad entries are logged, counted in
 * out->skipped and passed over; an entry of length < 2 or running past the
 * table ends the walk (what was read so far stays).
 */
int acpi_parse_madt(const struct acpi_env *env, const struct acpi_sdt *madt,
		    struct madt_info *out);

/* All of the above: RSDP -> MADT -> *out. 0, or -ENOENT (logged) if something is missing. */
int acpi_read_madt(const struct acpi_env *env, const struct boot_rsdp *boot,
		   struct madt_info *out);

#endif /* KERNEL_ACPI_H */
