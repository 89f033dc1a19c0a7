/* SPDX-License-Identifier: MIT */
/*
 * What the boot loader told us, read once: the multiboot2 information
 * parsed into one structure, and each consumer handed its piece by kmain
 * (the memory map to mm_init, the framebuffer to the screen, the RSDP to
 * ACPI). The kernel's one instance is <kernel/boot.h>.
 *
 * boot_info_parse() is portable (host tests feed it canned lists); it is
 * the only walker of the tag list after kmain. It trusts nothing: every
 * tag it refuses or reads only in part (too short, an unterminated
 * string, a second copy of a one-off tag, a memory map with an unusable
 * entry size or a partial last entry) is logged and counted in
 * `malformed`; every tag it cannot keep (more modules than
 * BOOT_MODULES_MAX) in `dropped`; a list that goes bad part-way keeps what
 * came before, and says where it went bad.
 *
 * Storage: variable-length data (strings, the memory map entries) points
 * into the multiboot2 information, which therefore stays readable (at its
 * physical address: the boot identity map, then a read-only mapping in the
 * kernel's own tables) and reserved (it is in memory.in_use); fixed-size
 * records (framebuffer, RSDP copies, module ranges) are copied.
 */
#ifndef KERNEL_BOOTINFO_H
#define KERNEL_BOOTINFO_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOOT_MODULES_MAX	16
/* The kernel image, the information itself, the framebuffer and each module. */
#define BOOT_IN_USE_MAX		(3 + BOOT_MODULES_MAX)
#define BOOT_RSDP_V1_LEN	20
#define BOOT_RSDP_V2_LEN	36

/* A physical range [start, end) with what it holds. */
struct boot_region {
	uint64_t start;
	uint64_t end;
	const char *name;
};

/* What the memory manager needs: the firmware's map and what is already in use. */
struct boot_memory {
	/* Memory map tag (type 6): count entries, stride bytes apart, in the information. */
	bool has_map;
	const void *map;
	size_t count;
	size_t stride;
	/* Basic meminfo tag (type 4), the fallback without a map. */
	bool has_meminfo;
	uint32_t lower_kib;
	uint32_t upper_kib;
	/* The kernel image, the information, then the framebuffer and modules in tag order. */
	struct boot_region in_use[BOOT_IN_USE_MAX];
	size_t nin_use;
};

/* Framebuffer tag (type 8): the common fields, and the colour layout for RGB (type 1). */
struct boot_framebuffer {
	bool present;
	uint64_t addr;
	uint32_t pitch;
	uint32_t width;
	uint32_t height;
	uint8_t bpp;
	uint8_t type;		/* 0 indexed, 1 RGB, 2 EGA text */
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

/* Copies of the RSDPs of tags 14 (ACPI 1.0) and 15 (ACPI 2.0+), unchecked: ACPI validates them. */
struct boot_rsdp {
	bool has_v1;
	bool has_v2;
	uint8_t v1[BOOT_RSDP_V1_LEN];
	uint8_t v2[BOOT_RSDP_V2_LEN];
};

struct boot_module {
	uint64_t start;
	uint64_t end;
	const char *cmdline;	/* "" if the tag has none */
};

struct boot_info {
	struct boot_region info;	/* the multiboot2 information itself */
	struct boot_region image;	/* the kernel image, .bss and symbols included */
	const char *cmdline;		/* "" if none */
	const char *loader;		/* boot loader name, "" if none */
	struct boot_memory memory;
	struct boot_framebuffer framebuffer;
	struct boot_rsdp rsdp;
	struct boot_module modules[BOOT_MODULES_MAX];
	size_t nmodules;
	uint64_t efi_system_table;	/* tag 12, 0 if none */
	uint32_t seen;			/* bit t: a tag of type t < 32 was in the list */
	unsigned int ntags;		/* tags walked, end tag excluded */
	unsigned int malformed;		/* tags refused or read in part, logged */
	unsigned int dropped;		/* tags well formed but not kept (no room), logged */
	int error;			/* the enum mb2_error that ended the walk early, or 0 */
};

/* One log line, without a newline; NULL is silent. */
typedef void boot_log_fn(const char *fmt, va_list ap);

/*
 * Read the multiboot2 information at `info` into *bi, with the kernel
 * image at `image`. Returns bi->error (0: the list ended properly). A bad
 * header, or info NULL (not booted by multiboot2), leaves *bi empty but
 * for the image; a bad tag further on keeps what was read before it.
 */
int boot_info_parse(struct boot_info *bi, const void *info, struct boot_region image,
		    boot_log_fn *log);

#endif /* KERNEL_BOOTINFO_H */
