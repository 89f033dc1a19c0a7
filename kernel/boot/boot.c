/* The boot summary: one readable line per multiboot2 tag. */
#include <kernel/bootinfo.h>
#include <kernel/multiboot2.h>
#include <kernel/printk.h>

static void print_mmap(const struct mb2_tag_mmap *mmap)
{
	size_t n = mb2_mmap_count(mmap);
	uint64_t usable = 0;

	pr_info("  memory map: %zu entries (entry size %u)\n", n, mmap->entry_size);
	for (size_t i = 0; i < n; i++) {
		const struct mb2_mmap_entry *e = mb2_mmap_entry(mmap, i);

		pr_info("    [%016lx-%016lx] %s\n", e->addr, e->addr + e->len - 1,
			mb2_mmap_type_name(e->type));
		if (e->type == MB2_MMAP_AVAILABLE)
			usable += e->len;
	}
	pr_info("    usable: %lu MiB\n", usable >> 20);
}

static void print_framebuffer(const struct mb2_tag_framebuffer *fb)
{
	static const char *const types[] = { "indexed", "RGB", "EGA text" };

	pr_info("  framebuffer: %ux%u, %u bpp, %s, pitch %u, at 0x%lx\n",
		fb->width, fb->height, fb->bpp,
		fb->type < 3 ? types[fb->type] : "unknown type", fb->pitch, fb->addr);
}

/* The RSDP copy starts with "RSD PTR ", the OEM id at byte 9, revision at 15. */
static void print_rsdp(const struct mb2_tag *tag)
{
	const char *rsdp = (const char *)(tag + 1);

	pr_info("  %s: OEM \"%.6s\", revision %u\n", mb2_tag_name(tag->type),
		rsdp + 9, (unsigned int)(uint8_t)rsdp[15]);
}

static void print_string(const struct mb2_tag *tag)
{
	const char *s = mb2_tag_string(tag);

	pr_info("  %s: \"%s\"\n", mb2_tag_name(tag->type), s ? s : "(not terminated)");
}

static void print_tag(const struct mb2_tag *tag)
{
	const struct mb2_tag_meminfo *mem = (const void *)tag;
	const struct mb2_tag_module *mod = (const void *)tag;
	const struct mb2_tag_efi64 *efi64 = (const void *)tag;
	const struct mb2_tag_efi32 *efi32 = (const void *)tag;
	const struct mb2_tag_efi_mmap *efimap = (const void *)tag;
	const struct mb2_tag_load_base *base = (const void *)tag;

	if (!mb2_tag_complete(tag)) {
		pr_warn("  %s: too short (%u bytes); skipped\n",
			mb2_tag_name(tag->type), tag->size);
		return;
	}
	switch (tag->type) {
	case MB2_TAG_CMDLINE:
	case MB2_TAG_BOOT_LOADER:
		print_string(tag);
		break;
	case MB2_TAG_MODULE:
		pr_info("  module: [%08x-%08x]\n", mod->mod_start, mod->mod_end);
		break;
	case MB2_TAG_BASIC_MEMINFO:
		pr_info("  basic meminfo: lower %u KiB, upper %u KiB\n",
			mem->mem_lower, mem->mem_upper);
		break;
	case MB2_TAG_MMAP:
		print_mmap((const void *)tag);
		break;
	case MB2_TAG_FRAMEBUFFER:
		print_framebuffer((const void *)tag);
		break;
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		print_rsdp(tag);
		break;
	case MB2_TAG_EFI64:
	case MB2_TAG_EFI64_IH:
		pr_info("  %s: 0x%lx\n", mb2_tag_name(tag->type), efi64->pointer);
		break;
	case MB2_TAG_EFI32:
	case MB2_TAG_EFI32_IH:
		pr_info("  %s: 0x%x\n", mb2_tag_name(tag->type), efi32->pointer);
		break;
	case MB2_TAG_EFI_MMAP:
		pr_info("  EFI memory map: %u bytes, descriptor size %u\n",
			tag->size - (uint32_t)sizeof(*efimap), efimap->descr_size);
		break;
	case MB2_TAG_LOAD_BASE:
		pr_info("  image load base: 0x%x\n", base->load_base_addr);
		break;
	default:
		pr_info("  %s (type %u, %u bytes)\n", mb2_tag_name(tag->type),
			tag->type, tag->size);
		break;
	}
}

int bootinfo_print(const void *info)
{
	struct mb2_iter it;
	const struct mb2_tag *tag;

	mb2_iter_init(&it, info);
	pr_info("multiboot2: boot information at %p, %u bytes\n", info, it.total);
	while ((tag = mb2_next(&it)))
		print_tag(tag);
	if (it.error)
		pr_err("multiboot2: %s at offset %u; ignoring the rest\n",
		       mb2_strerror(it.error), it.offset);
	return it.error;
}
