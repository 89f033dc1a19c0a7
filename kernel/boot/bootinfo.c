// SPDX-License-Identifier: MIT
/* The multiboot2 information parsed once into struct boot_info (portable: host tests run it). */
#include <kernel/bootinfo.h>
#include <kernel/multiboot2.h>

static void note(boot_log_fn *log, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(boot_log_fn *log, const char *fmt, ...)
{
	va_list ap;

	if (!log)
		return;
	va_start(ap, fmt);
	log(fmt, ap);
	va_end(ap);
}

/* Count and log a refused tag. */
static void refuse(struct boot_info *bi, boot_log_fn *log, const struct mb2_tag *tag,
		   const char *why)
{
	bi->malformed++;
	note(log, "multiboot2: %s tag (type %u, %u bytes) %s; ignored", mb2_tag_name(tag->type),
	     tag->type, tag->size, why);
}

static void copy_bytes(uint8_t *dst, const void *src, size_t n)
{
	const uint8_t *s = src;

	for (size_t i = 0; i < n; i++)
		dst[i] = s[i];
}

static void add_in_use(struct boot_memory *mem, uint64_t start, uint64_t end, const char *name)
{
	/* BOOT_IN_USE_MAX has room for every region the parser keeps. */
	mem->in_use[mem->nin_use++] = (struct boot_region){ start, end, name };
}

/* Is there a NUL in s[0, len)? */
static bool terminated(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\0')
			return true;
	return false;
}

static void read_string(struct boot_info *bi, boot_log_fn *log, const struct mb2_tag *tag,
			const char **out)
{
	const char *s = mb2_tag_string(tag);

	if (s)
		*out = s;
	else
		refuse(bi, log, tag, "has no NUL inside it");
}

/* The range is kept whatever its string says: its memory must stay reserved. */
static void read_module(struct boot_info *bi, boot_log_fn *log, const struct mb2_tag *tag)
{
	const struct mb2_tag_module *mod = (const void *)tag;
	size_t len = tag->size - sizeof(*mod);
	struct boot_module *m;

	if (mod->mod_end < mod->mod_start) {
		refuse(bi, log, tag, "ends before it starts");
		return;
	}
	if (bi->nmodules == BOOT_MODULES_MAX) {
		bi->dropped++;
		note(log, "multiboot2: module [0x%x, 0x%x) is one more than the %d kept; "
		     "not reserved", mod->mod_start, mod->mod_end, BOOT_MODULES_MAX);
		return;
	}
	m = &bi->modules[bi->nmodules++];
	*m = (struct boot_module){ mod->mod_start, mod->mod_end, "" };
	add_in_use(&bi->memory, m->start, m->end, "boot module");
	if (terminated(mod->cmdline, len)) {
		m->cmdline = mod->cmdline;
	} else if (len) {
		bi->malformed++;
		note(log, "multiboot2: module [0x%x, 0x%x): its string has no NUL; kept without it",
		     mod->mod_start, mod->mod_end);
	}
}

static void read_map(struct boot_info *bi, boot_log_fn *log, const struct mb2_tag *tag)
{
	const struct mb2_tag_mmap *map = (const void *)tag;
	struct boot_memory *mem = &bi->memory;
	size_t count = mb2_mmap_count(map), rest;

	if (!count && (map->entry_size < sizeof(struct mb2_mmap_entry) || map->entry_size % 8)) {
		bi->malformed++;
		note(log, "multiboot2: memory map with entry size %u (not a multiple of 8 "
		     "of at least 24); ignored", map->entry_size);
		return;
	}
	rest = tag->size - sizeof(*map) - count * map->entry_size;
	if (rest) {
		bi->malformed++;
		note(log, "multiboot2: memory map ends with %zu bytes of a partial entry; "
		     "%zu whole entries read", rest, count);
	}
	mem->has_map = true;
	mem->map = map + 1;
	mem->count = count;
	mem->stride = map->entry_size;
}

static void read_meminfo(struct boot_info *bi, const struct mb2_tag *tag)
{
	const struct mb2_tag_meminfo *mi = (const void *)tag;

	bi->memory.has_meminfo = true;
	bi->memory.lower_kib = mi->mem_lower;
	bi->memory.upper_kib = mi->mem_upper;
}

/* The RGB colour fields follow the common part (multiboot2 spec 3.6.12). */
static void read_framebuffer(struct boot_info *bi, boot_log_fn *log, const struct mb2_tag *tag)
{
	const struct mb2_tag_framebuffer *t = (const void *)tag;
	const uint8_t *rgb = (const uint8_t *)(t + 1);
	struct boot_framebuffer *fb = &bi->framebuffer;

	if (t->type == 1 && tag->size < sizeof(*t) + 6) {
		refuse(bi, log, tag, "is RGB but too short for its colour fields");
		return;
	}
	*fb = (struct boot_framebuffer){
		.present = true, .addr = t->addr, .pitch = t->pitch, .width = t->width,
		.height = t->height, .bpp = t->bpp, .type = t->type,
	};
	if (t->type == 1) {
		fb->red_pos = rgb[0], fb->red_size = rgb[1];
		fb->green_pos = rgb[2], fb->green_size = rgb[3];
		fb->blue_pos = rgb[4], fb->blue_size = rgb[5];
	}
	add_in_use(&bi->memory, fb->addr, fb->addr + (uint64_t)fb->pitch * fb->height,
		   "framebuffer");
}

static void read_rsdp(struct boot_info *bi, const struct mb2_tag *tag)
{
	struct boot_rsdp *r = &bi->rsdp;

	if (tag->type == MB2_TAG_ACPI_OLD) {
		copy_bytes(r->v1, tag + 1, sizeof(r->v1));
		r->has_v1 = true;
	} else {
		copy_bytes(r->v2, tag + 1, sizeof(r->v2));
		r->has_v2 = true;
	}
}

/* The tags read here of which a list holds one at most: a second copy is refused. */
static bool one_off(uint32_t type)
{
	switch (type) {
	case MB2_TAG_CMDLINE:
	case MB2_TAG_BOOT_LOADER:
	case MB2_TAG_BASIC_MEMINFO:
	case MB2_TAG_MMAP:
	case MB2_TAG_FRAMEBUFFER:
	case MB2_TAG_EFI64:
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		return true;
	default:
		return false;
	}
}

static void read_tag(struct boot_info *bi, boot_log_fn *log, const struct mb2_tag *tag)
{
	const struct mb2_tag_efi64 *efi = (const void *)tag;

	bi->ntags++;
	if (!mb2_tag_complete(tag)) {
		refuse(bi, log, tag, "is too short for its fields");
		return;
	}
	if (one_off(tag->type) && (bi->seen & (1u << tag->type))) {
		refuse(bi, log, tag, "comes a second time");
		return;
	}
	if (tag->type < 32)
		bi->seen |= 1u << tag->type;
	switch (tag->type) {
	case MB2_TAG_CMDLINE:
		read_string(bi, log, tag, &bi->cmdline);
		break;
	case MB2_TAG_BOOT_LOADER:
		read_string(bi, log, tag, &bi->loader);
		break;
	case MB2_TAG_MODULE:
		read_module(bi, log, tag);
		break;
	case MB2_TAG_BASIC_MEMINFO:
		read_meminfo(bi, tag);
		break;
	case MB2_TAG_MMAP:
		read_map(bi, log, tag);
		break;
	case MB2_TAG_FRAMEBUFFER:
		read_framebuffer(bi, log, tag);
		break;
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		read_rsdp(bi, tag);
		break;
	case MB2_TAG_EFI64:
		bi->efi_system_table = efi->pointer;
		break;
	default:
		break;
	}
}

int boot_info_parse(struct boot_info *bi, const void *info, struct boot_region image,
		    boot_log_fn *log)
{
	const struct mb2_tag *tag;
	struct mb2_iter it;

	*bi = (struct boot_info){ .image = image, .cmdline = "", .loader = "" };
	if (image.end > image.start)
		add_in_use(&bi->memory, image.start, image.end, image.name);
	if (!info)
		return 0;
	mb2_iter_init(&it, info);
	if (!it.error) {
		bi->info = (struct boot_region){ (uintptr_t)info, (uintptr_t)info + it.total,
						 "multiboot2 info" };
		add_in_use(&bi->memory, bi->info.start, bi->info.end, bi->info.name);
	}
	while ((tag = mb2_next(&it)))
		read_tag(bi, log, tag);
	bi->error = it.error;
	if (it.error)
		note(log, "multiboot2: %s at offset %u; ignoring the rest", mb2_strerror(it.error),
		     it.offset);
	return it.error;
}
