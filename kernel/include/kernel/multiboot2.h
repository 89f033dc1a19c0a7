/* SPDX-License-Identifier: MIT */
/*
 * Multiboot2 boot information: the structures GRUB leaves us and a checked
 * walker over its tag list. Portable: the walker also runs in host tests.
 *
 * The walker trusts nothing: a tag smaller than its header, a tag running
 * past total_size, a misaligned list or an absurd total_size ends the walk
 * with an error code instead of reading past the data.
 */
#ifndef KERNEL_MULTIBOOT2_H
#define KERNEL_MULTIBOOT2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MB2_BOOTLOADER_MAGIC	0x36D76289
/* Far more than any real list (a big UEFI memory map is tens of KiB). */
#define MB2_INFO_MAX		(1u << 20)

enum mb2_tag_type {
	MB2_TAG_END		= 0,
	MB2_TAG_CMDLINE		= 1,
	MB2_TAG_BOOT_LOADER	= 2,
	MB2_TAG_MODULE		= 3,
	MB2_TAG_BASIC_MEMINFO	= 4,
	MB2_TAG_BOOTDEV		= 5,
	MB2_TAG_MMAP		= 6,
	MB2_TAG_VBE		= 7,
	MB2_TAG_FRAMEBUFFER	= 8,
	MB2_TAG_ELF_SECTIONS	= 9,
	MB2_TAG_APM		= 10,
	MB2_TAG_EFI32		= 11,
	MB2_TAG_EFI64		= 12,
	MB2_TAG_SMBIOS		= 13,
	MB2_TAG_ACPI_OLD	= 14,
	MB2_TAG_ACPI_NEW	= 15,
	MB2_TAG_NETWORK		= 16,
	MB2_TAG_EFI_MMAP	= 17,
	MB2_TAG_EFI_BS		= 18,
	MB2_TAG_EFI32_IH	= 19,
	MB2_TAG_EFI64_IH	= 20,
	MB2_TAG_LOAD_BASE	= 21,
};

enum mb2_mmap_type {
	MB2_MMAP_AVAILABLE	= 1,
	MB2_MMAP_RESERVED	= 2,
	MB2_MMAP_ACPI_RECLAIM	= 3,
	MB2_MMAP_ACPI_NVS	= 4,
	MB2_MMAP_BAD		= 5,
};

/* Walk errors (negative, like the rest of the kernel's error codes). */
enum mb2_error {
	MB2_OK			= 0,
	MB2_EALIGN		= -1,	/* info not 8-byte aligned, or total_size */
	MB2_ETOTAL		= -2,	/* total_size too small or absurd */
	MB2_ETAGSIZE		= -3,	/* a tag smaller than its 8-byte header */
	MB2_EOVERRUN		= -4,	/* a tag running past total_size */
	MB2_ENOEND		= -5,	/* the list ends without an end tag */
};

struct mb2_info {
	uint32_t total_size;
	uint32_t reserved;
};

struct mb2_tag {
	uint32_t type;
	uint32_t size;		/* header included, padding to 8 excluded */
};

struct mb2_tag_string {		/* cmdline, boot loader name */
	struct mb2_tag tag;
	char string[];
};

struct mb2_tag_module {
	struct mb2_tag tag;
	uint32_t mod_start;
	uint32_t mod_end;
	char cmdline[];
};

struct mb2_tag_meminfo {
	struct mb2_tag tag;
	uint32_t mem_lower;	/* KiB below 1 MiB */
	uint32_t mem_upper;	/* KiB above 1 MiB, up to the first hole */
};

struct mb2_mmap_entry {
	uint64_t addr;
	uint64_t len;
	uint32_t type;
	uint32_t reserved;
};

struct mb2_tag_mmap {
	struct mb2_tag tag;
	uint32_t entry_size;
	uint32_t entry_version;
	/* entries follow, entry_size bytes apart */
};

struct mb2_tag_framebuffer {
	struct mb2_tag tag;
	uint64_t addr;
	uint32_t pitch;
	uint32_t width;
	uint32_t height;
	uint8_t bpp;
	uint8_t type;		/* 0 indexed, 1 RGB, 2 EGA text */
	uint16_t reserved;
};

struct mb2_tag_efi64 {		/* EFI64 system table, EFI64 image handle */
	struct mb2_tag tag;
	uint64_t pointer;
};

struct mb2_tag_efi32 {
	struct mb2_tag tag;
	uint32_t pointer;
};

struct mb2_tag_efi_mmap {
	struct mb2_tag tag;
	uint32_t descr_size;
	uint32_t descr_version;
};

struct mb2_tag_load_base {
	struct mb2_tag tag;
	uint32_t load_base_addr;
};

_Static_assert(sizeof(struct mb2_tag) == 8, "multiboot2 tag header");
_Static_assert(sizeof(struct mb2_mmap_entry) == 24, "multiboot2 mmap entry");
_Static_assert(sizeof(struct mb2_tag_mmap) == 16, "multiboot2 mmap tag");
_Static_assert(sizeof(struct mb2_tag_framebuffer) == 32, "multiboot2 fb tag");

/* Iterator over a tag list: see mb2_next(). */
struct mb2_iter {
	const uint8_t *base;
	uint32_t total;
	uint32_t offset;	/* of the next tag, or of the bad one on error */
	int error;		/* enum mb2_error */
	int done;
};

/* Start walking the info at `info`; a bad header shows up as it->error. */
void mb2_iter_init(struct mb2_iter *it, const void *info);
/*
 * The next tag, or NULL when the walk ends: it->error is MB2_OK after a
 * proper end tag, else the reason and it->offset where it went wrong.
 */
const struct mb2_tag *mb2_next(struct mb2_iter *it);
/* The first tag of `type` in a well-formed prefix of the list, or NULL. */
const struct mb2_tag *mb2_find(const void *info, uint32_t type);

/* Is the tag at least as big as the fixed part of its type's structure? */
bool mb2_tag_complete(const struct mb2_tag *tag);
/* "cmdline", "memory map", ...; "unknown" for types this kernel has no name for. */
const char *mb2_tag_name(uint32_t type);
/* "available", "reserved", ... */
const char *mb2_mmap_type_name(uint32_t type);
/* What an error code means, as a phrase. */
const char *mb2_strerror(int error);

/* The string of a cmdline/boot loader tag, or NULL unless NUL-terminated inside it. */
const char *mb2_tag_string(const struct mb2_tag *tag);
/* Number of entries in a memory map tag; 0 if its entry_size is unusable. */
size_t mb2_mmap_count(const struct mb2_tag_mmap *mmap);
/* Entry i (< mb2_mmap_count()). */
const struct mb2_mmap_entry *mb2_mmap_entry(const struct mb2_tag_mmap *mmap, size_t i);

#endif /* KERNEL_MULTIBOOT2_H */
