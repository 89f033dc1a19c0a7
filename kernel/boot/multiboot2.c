// SPDX-License-Identifier: MIT
/* Checked walker over the multiboot2 boot information tag list. */
#include <kernel/multiboot2.h>

#define MB2_ALIGN	8

static uint32_t align_up(uint32_t v)
{
	return (v + MB2_ALIGN - 1) & ~(uint32_t)(MB2_ALIGN - 1);
}

void mb2_iter_init(struct mb2_iter *it, const void *info)
{
	const struct mb2_info *hdr = info;

	*it = (struct mb2_iter){ .base = info, .offset = sizeof(*hdr) };
	if ((uintptr_t)info % MB2_ALIGN) {
		it->error = MB2_EALIGN;
		it->offset = 0;
		return;
	}
	it->total = hdr->total_size;
	/* The smallest list is the header and an end tag. */
	if (it->total < sizeof(*hdr) + sizeof(struct mb2_tag) ||
	    it->total > MB2_INFO_MAX)
		it->error = MB2_ETOTAL;
	else if (it->total % MB2_ALIGN)
		it->error = MB2_EALIGN;
	if (it->error)
		it->offset = 0;
}

const struct mb2_tag *mb2_next(struct mb2_iter *it)
{
	const struct mb2_tag *tag;

	if (it->error || it->done)
		return NULL;
	if (it->total - it->offset < sizeof(*tag)) {
		it->error = MB2_ENOEND;
		return NULL;
	}
	tag = (const struct mb2_tag *)(it->base + it->offset);
	if (tag->size < sizeof(*tag))
		it->error = MB2_ETAGSIZE;
	else if (tag->size > it->total - it->offset)
		it->error = MB2_EOVERRUN;
	if (it->error)
		return NULL;
	if (tag->type == MB2_TAG_END) {
		it->done = 1;
		return NULL;
	}
	/* total is a multiple of 8, so this stays <= total. */
	it->offset += align_up(tag->size);
	return tag;
}

const struct mb2_tag *mb2_find(const void *info, uint32_t type)
{
	struct mb2_iter it;
	const struct mb2_tag *tag;

	mb2_iter_init(&it, info);
	while ((tag = mb2_next(&it)))
		if (tag->type == type)
			return tag;
	return NULL;
}

bool mb2_tag_complete(const struct mb2_tag *tag)
{
	static const uint8_t min_size[] = {
		[MB2_TAG_MODULE]	= sizeof(struct mb2_tag_module),
		[MB2_TAG_BASIC_MEMINFO]	= sizeof(struct mb2_tag_meminfo),
		[MB2_TAG_MMAP]		= sizeof(struct mb2_tag_mmap),
		[MB2_TAG_FRAMEBUFFER]	= sizeof(struct mb2_tag_framebuffer),
		[MB2_TAG_EFI32]		= sizeof(struct mb2_tag_efi32),
		[MB2_TAG_EFI64]		= sizeof(struct mb2_tag_efi64),
		[MB2_TAG_ACPI_OLD]	= sizeof(struct mb2_tag) + 20,
		[MB2_TAG_ACPI_NEW]	= sizeof(struct mb2_tag) + 36,
		[MB2_TAG_EFI_MMAP]	= sizeof(struct mb2_tag_efi_mmap),
		[MB2_TAG_EFI32_IH]	= sizeof(struct mb2_tag_efi32),
		[MB2_TAG_EFI64_IH]	= sizeof(struct mb2_tag_efi64),
		[MB2_TAG_LOAD_BASE]	= sizeof(struct mb2_tag_load_base),
	};

	if (tag->type < sizeof(min_size) && min_size[tag->type])
		return tag->size >= min_size[tag->type];
	return tag->size >= sizeof(*tag);
}

const char *mb2_tag_name(uint32_t type)
{
	static const char *const names[] = {
		[MB2_TAG_END]		= "end",
		[MB2_TAG_CMDLINE]	= "cmdline",
		[MB2_TAG_BOOT_LOADER]	= "boot loader name",
		[MB2_TAG_MODULE]	= "module",
		[MB2_TAG_BASIC_MEMINFO]	= "basic meminfo",
		[MB2_TAG_BOOTDEV]	= "boot device",
		[MB2_TAG_MMAP]		= "memory map",
		[MB2_TAG_VBE]		= "VBE info",
		[MB2_TAG_FRAMEBUFFER]	= "framebuffer",
		[MB2_TAG_ELF_SECTIONS]	= "ELF sections",
		[MB2_TAG_APM]		= "APM table",
		[MB2_TAG_EFI32]		= "EFI32 system table",
		[MB2_TAG_EFI64]		= "EFI64 system table",
		[MB2_TAG_SMBIOS]	= "SMBIOS tables",
		[MB2_TAG_ACPI_OLD]	= "ACPI 1.0 RSDP",
		[MB2_TAG_ACPI_NEW]	= "ACPI 2.0+ RSDP",
		[MB2_TAG_NETWORK]	= "network (DHCP ACK)",
		[MB2_TAG_EFI_MMAP]	= "EFI memory map",
		[MB2_TAG_EFI_BS]	= "EFI boot services not terminated",
		[MB2_TAG_EFI32_IH]	= "EFI32 image handle",
		[MB2_TAG_EFI64_IH]	= "EFI64 image handle",
		[MB2_TAG_LOAD_BASE]	= "image load base",
	};

	if (type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	return "unknown";
}

const char *mb2_mmap_type_name(uint32_t type)
{
	switch (type) {
	case MB2_MMAP_AVAILABLE:	return "available";
	case MB2_MMAP_ACPI_RECLAIM:	return "ACPI reclaimable";
	case MB2_MMAP_ACPI_NVS:		return "ACPI NVS";
	case MB2_MMAP_BAD:		return "bad RAM";
	default:			return "reserved";
	}
}

const char *mb2_strerror(int error)
{
	switch (error) {
	case MB2_OK:		return "no error";
	case MB2_EALIGN:	return "misaligned boot information";
	case MB2_ETOTAL:	return "absurd total_size";
	case MB2_ETAGSIZE:	return "tag smaller than its header";
	case MB2_EOVERRUN:	return "tag runs past total_size";
	case MB2_ENOEND:	return "no end tag";
	default:		return "unknown error";
	}
}

const char *mb2_tag_string(const struct mb2_tag *tag)
{
	const struct mb2_tag_string *s = (const struct mb2_tag_string *)tag;
	size_t len = tag->size - sizeof(*tag);

	for (size_t i = 0; i < len; i++)
		if (s->string[i] == '\0')
			return s->string;
	return NULL;
}

size_t mb2_mmap_count(const struct mb2_tag_mmap *mmap)
{
	/* Newer entry versions may grow; entries stay 8-byte multiples. */
	if (mmap->tag.size < sizeof(*mmap) ||
	    mmap->entry_size < sizeof(struct mb2_mmap_entry) ||
	    mmap->entry_size % 8)
		return 0;
	return (mmap->tag.size - sizeof(*mmap)) / mmap->entry_size;
}

const struct mb2_mmap_entry *mb2_mmap_entry(const struct mb2_tag_mmap *mmap, size_t i)
{
	const uint8_t *first = (const uint8_t *)(mmap + 1);

	return (const struct mb2_mmap_entry *)(first + i * mmap->entry_size);
}
