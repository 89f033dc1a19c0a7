// SPDX-License-Identifier: MIT
/* The kernel's boot information (kernel only): read once for kmain, and the boot summary. */
#include <arch/layout.h>
#include <kernel/boot.h>
#include <kernel/cmdline.h>
#include <kernel/multiboot2.h>
#include <kernel/printk.h>

extern const char __kernel_start[], __kernel_end[];

static struct boot_info boot;
static const struct boot_info *boot_read;

static void log_warning(const char *fmt, va_list ap)
{
	char line[256];

	vsnprintf(line, sizeof(line), fmt, ap);
	pr_warn("%s\n", line);
}

const struct boot_info *boot_info_read(const void *info)
{
	const struct boot_region image = {
		(uintptr_t)__kernel_start - KERNEL_VMA, (uintptr_t)__kernel_end - KERNEL_VMA,
		"kernel image",
	};
	size_t len;

	boot_info_parse(&boot, info, image, log_warning);
	len = kernel_cmdline_set(boot.cmdline);
	if (len >= CMDLINE_MAX)
		pr_warn("cmdline: %zu bytes long; only the first %zu are used\n", len,
			(size_t)CMDLINE_MAX - 1);
	boot_read = &boot;
	return boot_read;
}

const struct boot_info *kernel_boot_info(void)
{
	return boot_read;
}

static void print_map(const struct boot_memory *mem)
{
	uint64_t usable = 0;

	pr_info("  memory map: %zu entries (entry size %zu)\n", mem->count, mem->stride);
	for (size_t i = 0; i < mem->count; i++) {
		const struct mb2_mmap_entry *e =
			(const void *)((const uint8_t *)mem->map + i * mem->stride);

		pr_info("    [%016lx-%016lx] %s\n", e->addr, e->addr + e->len - 1,
			mb2_mmap_type_name(e->type));
		if (e->type == MB2_MMAP_AVAILABLE)
			usable += e->len;
	}
	pr_info("    usable: %lu MiB\n", usable >> 20);
}

static void print_framebuffer(const struct boot_framebuffer *fb)
{
	static const char *const types[] = { "indexed", "RGB", "EGA text" };

	pr_info("  framebuffer: %ux%u, %u bpp, %s, pitch %u, at 0x%lx\n",
		fb->width, fb->height, fb->bpp,
		fb->type < 3 ? types[fb->type] : "unknown type", fb->pitch, fb->addr);
}

/* An RSDP copy starts with "RSD PTR ", the OEM id at byte 9, revision at 15. */
static void print_rsdp(uint32_t type, const uint8_t *rsdp)
{
	pr_info("  %s: OEM \"%.6s\", revision %u\n", mb2_tag_name(type),
		(const char *)rsdp + 9, (unsigned int)rsdp[15]);
}

/* The tags seen that no line above describes, by name. */
static void print_others(uint32_t seen)
{
	static const uint32_t shown = 1u << MB2_TAG_CMDLINE | 1u << MB2_TAG_BOOT_LOADER |
		1u << MB2_TAG_MODULE | 1u << MB2_TAG_BASIC_MEMINFO | 1u << MB2_TAG_MMAP |
		1u << MB2_TAG_FRAMEBUFFER | 1u << MB2_TAG_EFI64 | 1u << MB2_TAG_ACPI_OLD |
		1u << MB2_TAG_ACPI_NEW;

	for (uint32_t type = 1; type < 32; type++)
		if ((seen & ~shown) & (1u << type))
			pr_info("  %s (type %u)\n", mb2_tag_name(type), type);
}

static void print_modules(const struct boot_info *bi)
{
	for (size_t i = 0; i < bi->nmodules; i++)
		pr_info("  module: [%08lx-%08lx] \"%s\"\n", bi->modules[i].start,
			bi->modules[i].end, bi->modules[i].cmdline);
}

void boot_info_print(const struct boot_info *bi)
{
	const struct boot_memory *mem = &bi->memory;

	pr_info("multiboot2: boot information at 0x%lx, %lu bytes, %u tags\n", bi->info.start,
		bi->info.end - bi->info.start, bi->ntags);
	pr_info("  cmdline: \"%s\"\n", bi->cmdline);
	pr_info("  boot loader name: \"%s\"\n", bi->loader);
	print_modules(bi);
	if (mem->has_meminfo)
		pr_info("  basic meminfo: lower %u KiB, upper %u KiB\n", mem->lower_kib,
			mem->upper_kib);
	if (mem->has_map)
		print_map(mem);
	if (bi->framebuffer.present)
		print_framebuffer(&bi->framebuffer);
	if (bi->rsdp.has_v1)
		print_rsdp(MB2_TAG_ACPI_OLD, bi->rsdp.v1);
	if (bi->rsdp.has_v2)
		print_rsdp(MB2_TAG_ACPI_NEW, bi->rsdp.v2);
	if (bi->efi_system_table)
		pr_info("  EFI64 system table: 0x%lx\n", bi->efi_system_table);
	print_others(bi->seen);
	if (bi->malformed || bi->dropped || bi->error)
		pr_warn("multiboot2: %u tags refused, %u dropped%s (see above)\n", bi->malformed,
			bi->dropped, bi->error ? ", the rest of the list unread" : "");
}
