// SPDX-License-Identifier: MIT
/*
 * The boot information parser on canned multiboot2 lists (portable). The
 * lists are laid out byte by byte from the multiboot2 specification
 * (section 3.6: u32 type, u32 size, 8-byte aligned tags), not from our
 * structures, so a field read from the wrong place shows up here.
 */
#include <stdarg.h>
#include <kernel/bootinfo.h>
#include <kernel/ktest.h>
#include <kernel/multiboot2.h>

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#define IMAGE_START	0x100000
#define IMAGE_END	0x180000

static const struct boot_region image = { IMAGE_START, IMAGE_END, "kernel image" };

/* ------------------------------------------------------------ the list builder */

static struct {
	_Alignas(8) uint8_t buf[2048];
	uint32_t len;
	uint32_t tag;		/* offset of the tag being written */
} L;

static void put(uint32_t off, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		L.buf[off + i] = (uint8_t)(v >> (8 * i));
}

static void list_start(void)
{
	for (size_t i = 0; i < sizeof(L.buf); i++)
		L.buf[i] = 0;
	L.len = 8;		/* u32 total_size, u32 reserved */
}

/* Open a tag: its 8-byte header; fields follow with add(). */
static void tag(uint32_t type)
{
	L.tag = L.len;
	put(L.len, type, 4);
	L.len += 8;
}

static void add(uint64_t v, int bytes)
{
	put(L.len, v, bytes);
	L.len += bytes;
}

static void add_str(const char *s)
{
	do
		L.buf[L.len++] = (uint8_t)*s;
	while (*s++);
}

/* Close the tag: size is what was written (header included), then pad to 8. */
static void end_tag(void)
{
	put(L.tag + 4, L.len - L.tag, 4);
	L.len = (L.len + 7) & ~7u;
}

static void string_tag(uint32_t type, const char *s)
{
	tag(type);
	add_str(s);
	end_tag();
}

static void mmap_entry(uint64_t addr, uint64_t len, uint32_t type)
{
	add(addr, 8);
	add(len, 8);
	add(type, 4);
	add(0, 4);
}

/* QEMU's map for -m 128M under SeaBIOS, as GRUB passes it. */
static void qemu_mmap(void)
{
	tag(6);
	add(24, 4);		/* entry_size */
	add(0, 4);		/* entry_version */
	mmap_entry(0, 0x9fc00, 1);
	mmap_entry(0x9fc00, 0x400, 2);
	mmap_entry(0xf0000, 0x10000, 2);
	mmap_entry(0x100000, 0x7ee0000, 1);
	mmap_entry(0x7fe0000, 0x20000, 2);
	mmap_entry(0xfffc0000, 0x40000, 2);
	end_tag();
}

static void rgb_framebuffer(void)
{
	tag(8);
	add(0xfd000000, 8);	/* framebuffer_addr */
	add(4096, 4);		/* pitch */
	add(1024, 4);		/* width */
	add(768, 4);		/* height */
	add(32, 1);		/* bpp */
	add(1, 1);		/* type: RGB */
	add(0, 2);		/* reserved */
	add(16, 1), add(8, 1);	/* red position, mask size */
	add(8, 1), add(8, 1);	/* green */
	add(0, 1), add(8, 1);	/* blue */
	end_tag();
}

/* An RSDP copy: "RSD PTR ", checksum, OEM id, revision, RSDT (and for v2 the rest). */
static void rsdp_tag(uint32_t type, uint8_t revision, uint32_t bytes)
{
	tag(type);
	add_str("RSD PTR");
	L.len--;
	add(' ', 1);
	add(0x5a, 1);
	for (const char *oem = "BOCHS "; *oem; oem++)
		add((uint8_t)*oem, 1);
	add(revision, 1);
	add(0x7fe1234, 4);
	for (uint32_t i = 20; i < bytes; i++)
		add(i, 1);
	end_tag();
}

static void module_tag(uint32_t start, uint32_t end, const char *s)
{
	tag(3);
	add(start, 4);
	add(end, 4);
	if (s)
		add_str(s);
	end_tag();
}

static const void *list_end(void)
{
	tag(0);
	end_tag();
	put(0, L.len, 4);
	return L.buf;
}

/* ------------------------------------------------------------ log capture */

static struct {
	unsigned int lines;
	char last[160];
} logged;

static void capture(const char *fmt, va_list ap)
{
	logged.lines++;
	vsnprintf(logged.last, sizeof(logged.last), fmt, ap);
}

static bool contains(const char *s, const char *part)
{
	for (; *s; s++) {
		size_t i = 0;

		while (part[i] && s[i] == part[i])
			i++;
		if (!part[i])
			return true;
	}
	return false;
}

static struct boot_info bi;

static int parse(const void *info)
{
	logged.lines = 0;
	logged.last[0] = '\0';
	return boot_info_parse(&bi, info, image, capture);
}

/* What a refused tag must leave: one log line naming why, one count, no walk error. */
static void expect_one_refusal(struct ktest *t, const char *why)
{
	EXPECT_EQ(t, bi.error, MB2_OK);
	EXPECT_EQ(t, bi.malformed + bi.dropped, 1);
	EXPECT_EQ(t, logged.lines, 1);
	if (!contains(logged.last, why))
		ktest_diag(t, "log line \"%s\" does not say \"%s\"", logged.last, why);
	EXPECT_TRUE(t, contains(logged.last, why));
}

/* ------------------------------------------------------------ good lists */

static const void *bios_list(void)
{
	list_start();
	string_tag(1, "ktest=run smp.tlb_timeout=5");
	string_tag(2, "GRUB 2.06-13+deb12u1");
	tag(4);
	add(639, 4);
	add(130048, 4);
	end_tag();
	qemu_mmap();
	tag(8);			/* EGA text: no colour fields */
	add(0xb8000, 8);
	add(160, 4);
	add(80, 4);
	add(25, 4);
	add(16, 1);
	add(2, 1);
	add(0, 2);
	end_tag();
	rsdp_tag(14, 0, 20);
	tag(5);			/* boot device: walked, not kept */
	add(0x80, 4), add(0xffffffff, 4), add(0xffffffff, 4);
	end_tag();
	return list_end();
}

KTEST(bootinfo, a_bios_list_gives_every_piece)
{
	const void *info = bios_list();

	ASSERT_EQ(t, parse(info), MB2_OK);
	EXPECT_EQ(t, logged.lines, 0);
	EXPECT_EQ(t, bi.malformed, 0);
	EXPECT_EQ(t, bi.dropped, 0);
	EXPECT_EQ(t, bi.ntags, 7);
	EXPECT_EQ(t, bi.seen, (1u << 1) | (1u << 2) | (1u << 4) | (1u << 5) | (1u << 6) |
			      (1u << 8) | (1u << 14));
	EXPECT_STREQ(t, bi.cmdline, "ktest=run smp.tlb_timeout=5");
	EXPECT_STREQ(t, bi.loader, "GRUB 2.06-13+deb12u1");
	EXPECT_EQ(t, bi.info.start, (uintptr_t)info);
	EXPECT_EQ(t, bi.info.end, (uintptr_t)info + L.len);
	EXPECT_EQ(t, bi.image.start, IMAGE_START);
	EXPECT_EQ(t, bi.image.end, IMAGE_END);
	EXPECT_EQ(t, bi.nmodules, 0);
	EXPECT_EQ(t, bi.efi_system_table, 0);
}

KTEST(bootinfo, the_memory_map_points_into_its_tag)
{
	const uint8_t *info = bios_list();
	const struct mb2_mmap_entry *e;

	ASSERT_EQ(t, parse(info), MB2_OK);
	ASSERT_TRUE(t, bi.memory.has_map);
	ASSERT_EQ(t, bi.memory.count, 6);
	EXPECT_EQ(t, bi.memory.stride, 24);
	/* header 8, cmdline 8 + 28 -> 40, loader 8 + 21 -> 32, meminfo 16, mmap header 16 */
	EXPECT_PTR_EQ(t, bi.memory.map, info + 8 + 40 + 32 + 16 + 16);
	e = (const struct mb2_mmap_entry *)((const uint8_t *)bi.memory.map + 3 * 24);
	EXPECT_EQ(t, e->addr, 0x100000);
	EXPECT_EQ(t, e->len, 0x7ee0000);
	EXPECT_EQ(t, e->type, 1);
	EXPECT_TRUE(t, bi.memory.has_meminfo);
	EXPECT_EQ(t, bi.memory.lower_kib, 639);
	EXPECT_EQ(t, bi.memory.upper_kib, 130048);
}

KTEST(bootinfo, ega_text_framebuffer_and_rsdp_v1)
{
	ASSERT_EQ(t, parse(bios_list()), MB2_OK);
	ASSERT_TRUE(t, bi.framebuffer.present);
	EXPECT_EQ(t, bi.framebuffer.addr, 0xb8000);
	EXPECT_EQ(t, bi.framebuffer.pitch, 160);
	EXPECT_EQ(t, bi.framebuffer.width, 80);
	EXPECT_EQ(t, bi.framebuffer.height, 25);
	EXPECT_EQ(t, bi.framebuffer.bpp, 16);
	EXPECT_EQ(t, bi.framebuffer.type, 2);
	EXPECT_EQ(t, bi.framebuffer.red_size, 0);
	ASSERT_TRUE(t, bi.rsdp.has_v1);
	EXPECT_FALSE(t, bi.rsdp.has_v2);
	EXPECT_EQ(t, bi.rsdp.v1[0], 'R');
	EXPECT_EQ(t, bi.rsdp.v1[7], ' ');
	EXPECT_EQ(t, bi.rsdp.v1[8], 0x5a);		/* checksum */
	EXPECT_EQ(t, bi.rsdp.v1[9], 'B');		/* OEM id */
	EXPECT_EQ(t, bi.rsdp.v1[15], 0);		/* revision */
	EXPECT_EQ(t, bi.rsdp.v1[16], 0x34);		/* RSDT address, little-endian */
	EXPECT_EQ(t, bi.rsdp.v1[19], 0x07);
}

/* In use: the image, the information, then the framebuffer and modules in tag order. */
KTEST(bootinfo, memory_in_use_lists_image_info_framebuffer_and_modules)
{
	const void *info;

	list_start();
	module_tag(0x200000, 0x201000, "initrd");
	rgb_framebuffer();
	module_tag(0x300000, 0x300800, "");
	info = list_end();
	ASSERT_EQ(t, parse(info), MB2_OK);
	EXPECT_EQ(t, logged.lines, 0);
	ASSERT_EQ(t, bi.memory.nin_use, 5);
	EXPECT_EQ(t, bi.memory.in_use[0].start, IMAGE_START);
	EXPECT_EQ(t, bi.memory.in_use[0].end, IMAGE_END);
	EXPECT_EQ(t, bi.memory.in_use[1].start, (uintptr_t)info);
	EXPECT_EQ(t, bi.memory.in_use[1].end, (uintptr_t)info + L.len);
	EXPECT_EQ(t, bi.memory.in_use[2].start, 0x200000);
	EXPECT_EQ(t, bi.memory.in_use[2].end, 0x201000);
	EXPECT_EQ(t, bi.memory.in_use[3].start, 0xfd000000);
	EXPECT_EQ(t, bi.memory.in_use[3].end, 0xfd000000 + 4096ull * 768);
	EXPECT_EQ(t, bi.memory.in_use[4].start, 0x300000);
	EXPECT_EQ(t, bi.memory.in_use[4].end, 0x300800);
	ASSERT_EQ(t, bi.nmodules, 2);
	EXPECT_STREQ(t, bi.modules[0].cmdline, "initrd");
	EXPECT_STREQ(t, bi.modules[1].cmdline, "");
	EXPECT_FALSE(t, bi.memory.has_map);
	EXPECT_FALSE(t, bi.memory.has_meminfo);
	EXPECT_STREQ(t, bi.cmdline, "");
	EXPECT_STREQ(t, bi.loader, "");
}

/* UEFI: a linear framebuffer, the ACPI 2.0 RSDP, the EFI system table, no meminfo. */
KTEST(bootinfo, a_uefi_list_gives_rgb_framebuffer_rsdp_v2_and_efi_table)
{
	list_start();
	string_tag(1, "");
	tag(12);
	add(0xbf6ee018, 8);
	end_tag();
	qemu_mmap();
	rgb_framebuffer();
	rsdp_tag(14, 0, 20);
	rsdp_tag(15, 2, 36);
	ASSERT_EQ(t, parse(list_end()), MB2_OK);
	EXPECT_EQ(t, logged.lines, 0);
	EXPECT_EQ(t, bi.efi_system_table, 0xbf6ee018);
	EXPECT_FALSE(t, bi.memory.has_meminfo);
	ASSERT_TRUE(t, bi.framebuffer.present);
	EXPECT_EQ(t, bi.framebuffer.type, 1);
	EXPECT_EQ(t, bi.framebuffer.addr, 0xfd000000);
	EXPECT_EQ(t, bi.framebuffer.pitch, 4096);
	EXPECT_EQ(t, bi.framebuffer.width, 1024);
	EXPECT_EQ(t, bi.framebuffer.height, 768);
	EXPECT_EQ(t, bi.framebuffer.bpp, 32);
	EXPECT_EQ(t, bi.framebuffer.red_pos, 16);
	EXPECT_EQ(t, bi.framebuffer.red_size, 8);
	EXPECT_EQ(t, bi.framebuffer.green_pos, 8);
	EXPECT_EQ(t, bi.framebuffer.green_size, 8);
	EXPECT_EQ(t, bi.framebuffer.blue_pos, 0);
	EXPECT_EQ(t, bi.framebuffer.blue_size, 8);
	ASSERT_TRUE(t, bi.rsdp.has_v1);
	ASSERT_TRUE(t, bi.rsdp.has_v2);
	EXPECT_EQ(t, bi.rsdp.v2[15], 2);		/* revision */
	EXPECT_EQ(t, bi.rsdp.v2[20], 20);		/* first byte past the v1 part */
	EXPECT_EQ(t, bi.rsdp.v2[35], 35);		/* the last byte of the 36 */
	EXPECT_STREQ(t, bi.cmdline, "");
}

/* ------------------------------------------------------------ malformed tags */

KTEST(bootinfo, unterminated_cmdline_is_refused_and_logged)
{
	list_start();
	tag(1);
	add('a', 1), add('b', 1), add('c', 1), add('d', 1);
	end_tag();
	ASSERT_EQ(t, parse(list_end()), MB2_OK);
	EXPECT_STREQ(t, bi.cmdline, "");
	expect_one_refusal(t, "no NUL");
}

KTEST(bootinfo, second_cmdline_is_refused_the_first_kept)
{
	list_start();
	string_tag(1, "first");
	string_tag(1, "second");
	ASSERT_EQ(t, parse(list_end()), MB2_OK);
	EXPECT_STREQ(t, bi.cmdline, "first");
	expect_one_refusal(t, "second time");
}

KTEST(bootinfo, short_tags_are_refused_and_logged)
{
	static const struct { uint32_t type, size; } shorts[] = {
		{ 3, 15 }, { 4, 15 }, { 6, 15 }, { 8, 31 }, { 12, 15 }, { 14, 27 }, { 15, 43 },
	};

	for (size_t i = 0; i < sizeof(shorts) / sizeof(shorts[0]); i++) {
		list_start();
		tag(shorts[i].type);
		L.len += shorts[i].size - 8;
		for (uint32_t b = 8; b < shorts[i].size; b++)
			L.buf[L.tag + b] = 0x11;
		end_tag();
		ASSERT_EQ(t, parse(list_end()), MB2_OK);
		if (bi.malformed != 1 || bi.memory.nin_use != 2)
			ktest_diag(t, "tag type %u, %u bytes", shorts[i].type, shorts[i].size);
		expect_one_refusal(t, "too short");
		EXPECT_FALSE(t, bi.framebuffer.present);
		EXPECT_FALSE(t, bi.memory.has_map);
		EXPECT_FALSE(t, bi.memory.has_meminfo);
		EXPECT_FALSE(t, bi.rsdp.has_v1);
		EXPECT_FALSE(t, bi.rsdp.has_v2);
		EXPECT_EQ(t, bi.nmodules, 0);
		EXPECT_EQ(t, bi.efi_system_table, 0);
		EXPECT_EQ(t, bi.memory.nin_use, 2);	/* the image and the information */
	}
}

/* Type 1 carries six colour bytes after the 32 common ones (spec 3.6.12). */
KTEST(bootinfo, rgb_framebuffer_without_colour_fields_is_refused)
{
	list_start();
	rgb_framebuffer();
	put(L.tag + 4, 32 + 5, 4);
	ASSERT_EQ(t, parse(list_end()), MB2_OK);
	EXPECT_FALSE(t, bi.framebuffer.present);
	expect_one_refusal(t, "colour");
}

KTEST(bootinfo, memory_map_with_a_bad_entry_size_is_refused)
{
	static const uint32_t sizes[] = { 0, 16, 20, 28 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		list_start();
		qemu_mmap();
		put(L.tag + 8, sizes[i], 4);
		ASSERT_EQ(t, parse(list_end()), MB2_OK);
		EXPECT_FALSE(t, bi.memory.has_map);
		expect_one_refusal(t, "entry size");
	}
}

/* A bigger entry (a later entry_version) is read at its own stride. */
KTEST(bootinfo, memory_map_with_bigger_entries_and_a_partial_last_one)
{
	list_start();
	tag(6);
	add(32, 4);
	add(1, 4);
	mmap_entry(0, 0x9fc00, 1);
	add(0, 8);
	mmap_entry(0x100000, 0x7ee0000, 1);
	add(0, 8);
	mmap_entry(0x8000000, 0x1000, 2);	/* 24 of its 32 bytes: partial */
	end_tag();
	ASSERT_EQ(t, parse(list_end()), MB2_OK);
	ASSERT_TRUE(t, bi.memory.has_map);
	EXPECT_EQ(t, bi.memory.count, 2);
	EXPECT_EQ(t, bi.memory.stride, 32);
	EXPECT_EQ(t, ((const struct mb2_mmap_entry *)((const uint8_t *)bi.memory.map + 32))->addr,
		  0x100000);
	EXPECT_FALSE(t, bi.framebuffer.present);	/* a map is nothing but a map */
	EXPECT_EQ(t, bi.memory.nin_use, 2);
	expect_one_refusal(t, "partial entry");
}

KTEST(bootinfo, modules_past_the_maximum_are_dropped_and_logged)
{
	list_start();
	for (uint32_t i = 0; i <= BOOT_MODULES_MAX; i++)
		module_tag(0x400000 + i * 0x1000, 0x400800 + i * 0x1000, "m");
	ASSERT_EQ(t, parse(list_end()), MB2_OK);
	EXPECT_EQ(t, bi.nmodules, BOOT_MODULES_MAX);
	EXPECT_EQ(t, bi.dropped, 1);
	EXPECT_EQ(t, bi.memory.nin_use, 2 + BOOT_MODULES_MAX);
	EXPECT_EQ(t, bi.modules[BOOT_MODULES_MAX - 1].start, 0x400000 + 15 * 0x1000);
	expect_one_refusal(t, "not reserved");
}

KTEST(bootinfo, module_ending_before_its_start_is_refused)
{
	list_start();
	module_tag(0x201000, 0x200000, "backwards");
	ASSERT_EQ(t, parse(list_end()), MB2_OK);
	EXPECT_EQ(t, bi.nmodules, 0);
	expect_one_refusal(t, "ends before");
}

/* Its memory is still reserved: only the string is lost, and that is logged. */
KTEST(bootinfo, module_with_an_unterminated_string_keeps_its_range)
{
	list_start();
	tag(3);
	add(0x200000, 4);
	add(0x201000, 4);
	add('x', 1), add('y', 1);
	end_tag();
	ASSERT_EQ(t, parse(list_end()), MB2_OK);
	ASSERT_EQ(t, bi.nmodules, 1);
	EXPECT_EQ(t, bi.modules[0].start, 0x200000);
	EXPECT_STREQ(t, bi.modules[0].cmdline, "");
	EXPECT_EQ(t, bi.memory.nin_use, 3);
	expect_one_refusal(t, "no NUL");
}

/* ------------------------------------------------------------ broken lists */

KTEST(bootinfo, a_list_going_bad_keeps_what_came_before)
{
	list_start();
	string_tag(1, "kept");
	rsdp_tag(15, 2, 36);
	tag(6);
	end_tag();
	put(L.tag + 4, 4096, 4);		/* runs past total_size */
	ASSERT_EQ(t, parse(list_end()), MB2_EOVERRUN);
	EXPECT_EQ(t, bi.error, MB2_EOVERRUN);
	EXPECT_STREQ(t, bi.cmdline, "kept");
	EXPECT_TRUE(t, bi.rsdp.has_v2);
	EXPECT_FALSE(t, bi.memory.has_map);
	EXPECT_EQ(t, bi.ntags, 2);
	EXPECT_EQ(t, logged.lines, 1);
	EXPECT_TRUE(t, contains(logged.last, "past total_size"));
	EXPECT_TRUE(t, contains(logged.last, "offset 72"));	/* header 8, cmdline 16, RSDP 48 */
}

KTEST(bootinfo, a_bad_header_leaves_only_the_image)
{
	const uint8_t *info = bios_list();

	put(0, 4, 4);				/* total_size smaller than a list */
	ASSERT_EQ(t, parse(info), MB2_ETOTAL);
	EXPECT_EQ(t, bi.ntags, 0);
	EXPECT_EQ(t, bi.info.end, 0);
	ASSERT_EQ(t, bi.memory.nin_use, 1);
	EXPECT_EQ(t, bi.memory.in_use[0].start, IMAGE_START);
	EXPECT_STREQ(t, bi.cmdline, "");
	EXPECT_EQ(t, logged.lines, 1);
	ASSERT_EQ(t, parse(info + 4), MB2_EALIGN);
	EXPECT_EQ(t, bi.info.end, 0);
}

/* NULL log: the same reading, silently; counts still kept. */
KTEST(bootinfo, no_log_hook_still_counts)
{
	list_start();
	string_tag(1, "a");
	string_tag(1, "b");
	ASSERT_EQ(t, boot_info_parse(&bi, list_end(), image, NULL), MB2_OK);
	EXPECT_EQ(t, bi.malformed, 1);
	EXPECT_STREQ(t, bi.cmdline, "a");
}

/* A map tag with a good entry size and no entries is an empty map, not a broken one. */
KTEST(bootinfo, memory_map_without_entries_is_empty_not_refused)
{
	list_start();
	tag(6);
	add(24, 4);
	add(0, 4);
	end_tag();
	ASSERT_EQ(t, parse(list_end()), MB2_OK);
	EXPECT_TRUE(t, bi.memory.has_map);
	EXPECT_EQ(t, bi.memory.count, 0);
	EXPECT_EQ(t, bi.malformed, 0);
	EXPECT_EQ(t, logged.lines, 0);
}

/* RGB 5:6:5 (16 bpp): every colour field where the spec puts it, none alike. */
KTEST(bootinfo, rgb565_colour_fields_in_spec_order)
{
	list_start();
	tag(8);
	add(0xe0000000, 8);
	add(1600, 4), add(800, 4), add(600, 4);
	add(16, 1), add(1, 1), add(0, 2);
	add(11, 1), add(5, 1);		/* red position, mask size */
	add(5, 1), add(6, 1);		/* green */
	add(0, 1), add(5, 1);		/* blue */
	end_tag();
	ASSERT_EQ(t, parse(list_end()), MB2_OK);
	ASSERT_TRUE(t, bi.framebuffer.present);
	EXPECT_EQ(t, bi.framebuffer.red_pos, 11);
	EXPECT_EQ(t, bi.framebuffer.red_size, 5);
	EXPECT_EQ(t, bi.framebuffer.green_pos, 5);
	EXPECT_EQ(t, bi.framebuffer.green_size, 6);
	EXPECT_EQ(t, bi.framebuffer.blue_pos, 0);
	EXPECT_EQ(t, bi.framebuffer.blue_size, 5);

	/* 32 bpp with red on top (RGBX): red's size and green's position differ here. */
	static const uint8_t rgbx[6] = { 24, 8, 16, 8, 8, 8 };

	for (int i = 0; i < 6; i++)
		put(8 + 32 + i, rgbx[i], 1);		/* the list's first tag, its colour fields */
	ASSERT_EQ(t, parse(L.buf), MB2_OK);
	EXPECT_EQ(t, bi.framebuffer.red_pos, 24);
	EXPECT_EQ(t, bi.framebuffer.red_size, 8);
	EXPECT_EQ(t, bi.framebuffer.green_pos, 16);
	EXPECT_EQ(t, bi.framebuffer.green_size, 8);
	EXPECT_EQ(t, bi.framebuffer.blue_pos, 8);
	EXPECT_EQ(t, bi.framebuffer.blue_size, 8);
}

/* Each copy keeps to its own bytes: tag 14's 20 after tag 15's 36 leave the latter whole. */
KTEST(bootinfo, rsdp_copies_keep_to_their_own_bytes)
{
	list_start();
	rsdp_tag(15, 2, 36);
	rsdp_tag(14, 0, 20);
	put(L.tag + 8 + 20, 0xee, 1);		/* padding right after tag 14's copy */
	ASSERT_EQ(t, parse(list_end()), MB2_OK);
	ASSERT_TRUE(t, bi.rsdp.has_v1 && bi.rsdp.has_v2);
	EXPECT_EQ(t, bi.rsdp.v2[0], 'R');
	EXPECT_EQ(t, bi.rsdp.v2[15], 2);
	EXPECT_EQ(t, bi.rsdp.v1[15], 0);
}

/* An empty module [a, a) is a module (nothing to reserve, but the boot loader gave it). */
KTEST(bootinfo, empty_module_is_kept)
{
	list_start();
	module_tag(0x200000, 0x200000, "empty");
	ASSERT_EQ(t, parse(list_end()), MB2_OK);
	ASSERT_EQ(t, bi.nmodules, 1);
	EXPECT_STREQ(t, bi.modules[0].cmdline, "empty");
	EXPECT_EQ(t, logged.lines, 0);
}

/* Types this kernel does not read are walked and noted in `seen` (bits 0-31 only). */
KTEST(bootinfo, unknown_types_are_walked_and_noted)
{
	list_start();
	tag(31);
	end_tag();
	tag(32);
	end_tag();
	tag(0x10000);
	end_tag();
	ASSERT_EQ(t, parse(list_end()), MB2_OK);
	EXPECT_EQ(t, bi.ntags, 3);
	EXPECT_EQ(t, bi.seen, 1u << 31);
	EXPECT_EQ(t, bi.malformed, 0);
	EXPECT_EQ(t, logged.lines, 0);
}

/* Not booted by multiboot2: the image alone; an empty image is not a region. */
KTEST(bootinfo, no_information_leaves_the_image_alone)
{
	const struct boot_region none = { 0x100000, 0x100000, "empty" };

	ASSERT_EQ(t, parse(NULL), MB2_OK);
	EXPECT_EQ(t, bi.ntags, 0);
	EXPECT_STREQ(t, bi.cmdline, "");
	ASSERT_EQ(t, bi.memory.nin_use, 1);
	EXPECT_EQ(t, bi.memory.in_use[0].end, IMAGE_END);
	ASSERT_EQ(t, boot_info_parse(&bi, NULL, none, NULL), MB2_OK);
	EXPECT_EQ(t, bi.memory.nin_use, 0);
}
