// SPDX-License-Identifier: MIT
/* The multiboot2 tag walker on hand-built lists, good and broken (portable). */
#include <kernel/ktest.h>
#include <kernel/multiboot2.h>

/* A tag list under construction in an 8-byte aligned buffer. */
struct mbi {
	_Alignas(8) uint8_t buf[512];
	uint32_t len;
};

static void mbi_init(struct mbi *m)
{
	for (size_t i = 0; i < sizeof(m->buf); i++)
		m->buf[i] = 0;
	m->len = sizeof(struct mb2_info);
}

static void mbi_set_total(struct mbi *m, uint32_t total)
{
	struct mb2_info *info = (struct mb2_info *)m->buf;

	info->total_size = total;
}

/* Append a tag of `size` bytes (header included); returns it for filling. */
static void *mbi_tag(struct mbi *m, uint32_t type, uint32_t size)
{
	struct mb2_tag *tag = (struct mb2_tag *)(m->buf + m->len);

	tag->type = type;
	tag->size = size;
	m->len += (size + 7) & ~7u;
	return tag;
}

static void mbi_string(struct mbi *m, uint32_t type, const char *s)
{
	uint32_t n = 0;

	while (s[n])
		n++;
	char *dst = (char *)mbi_tag(m, type, sizeof(struct mb2_tag) + n + 1) + 8;
	for (uint32_t i = 0; i <= n; i++)
		dst[i] = s[i];
}

/* Append the end tag and set total_size. */
static const void *mbi_finish(struct mbi *m)
{
	mbi_tag(m, MB2_TAG_END, 8);
	mbi_set_total(m, m->len);
	return m->buf;
}

/* Walk and record the types seen; returns the count. */
static int walk(const void *info, uint32_t *types, int max, struct mb2_iter *it)
{
	const struct mb2_tag *tag;
	int n = 0;

	mb2_iter_init(it, info);
	while ((tag = mb2_next(it)))
		if (n < max)
			types[n++] = tag->type;
	return n;
}

static const void *good_list(struct mbi *m)
{
	mbi_init(m);
	mbi_string(m, MB2_TAG_CMDLINE, "ktest=run");
	struct mb2_tag_meminfo *mem = mbi_tag(m, MB2_TAG_BASIC_MEMINFO, 16);
	mem->mem_lower = 639;
	mem->mem_upper = 130048;
	struct mb2_tag_mmap *mmap = mbi_tag(m, MB2_TAG_MMAP, 16 + 2 * 24);
	mmap->entry_size = 24;
	struct mb2_mmap_entry *e = (struct mb2_mmap_entry *)(mmap + 1);
	e[0] = (struct mb2_mmap_entry){ 0, 0x9fc00, MB2_MMAP_AVAILABLE, 0 };
	e[1] = (struct mb2_mmap_entry){ 0x100000, 0x7ee0000, MB2_MMAP_AVAILABLE, 0 };
	mbi_string(m, MB2_TAG_BOOT_LOADER, "GRUB 2.06");
	return mbi_finish(m);
}

KTEST(multiboot2, good_list_visits_every_tag)
{
	struct mbi m;
	struct mb2_iter it;
	uint32_t types[8];
	const void *info = good_list(&m);

	ASSERT_EQ(t, walk(info, types, 8, &it), 4);
	EXPECT_EQ(t, it.error, MB2_OK);
	EXPECT_EQ(t, types[0], MB2_TAG_CMDLINE);
	EXPECT_EQ(t, types[1], MB2_TAG_BASIC_MEMINFO);
	EXPECT_EQ(t, types[2], MB2_TAG_MMAP);
	EXPECT_EQ(t, types[3], MB2_TAG_BOOT_LOADER);
}

KTEST(multiboot2, find_and_read_tags)
{
	struct mbi m;
	const void *info = good_list(&m);
	const struct mb2_tag *tag;

	tag = mb2_find(info, MB2_TAG_CMDLINE);
	ASSERT_NOT_NULL(t, tag);
	EXPECT_STREQ(t, mb2_tag_string(tag), "ktest=run");
	tag = mb2_find(info, MB2_TAG_BOOT_LOADER);
	ASSERT_NOT_NULL(t, tag);
	EXPECT_STREQ(t, mb2_tag_string(tag), "GRUB 2.06");

	const struct mb2_tag_mmap *mmap = (const void *)mb2_find(info, MB2_TAG_MMAP);
	ASSERT_NOT_NULL(t, mmap);
	ASSERT_EQ(t, mb2_mmap_count(mmap), 2);
	EXPECT_EQ(t, mb2_mmap_entry(mmap, 1)->addr, 0x100000);
	EXPECT_EQ(t, mb2_mmap_entry(mmap, 1)->len, 0x7ee0000);
	EXPECT_NULL(t, mb2_find(info, MB2_TAG_FRAMEBUFFER));
}

KTEST(multiboot2, size_zero_tag_stops_the_walk)
{
	struct mbi m;
	struct mb2_iter it;
	uint32_t types[8];

	mbi_init(&m);
	mbi_string(&m, MB2_TAG_CMDLINE, "x");
	mbi_tag(&m, MB2_TAG_MODULE, 0);
	m.len += 8;				/* room a walker might wander into */
	const void *info = mbi_finish(&m);

	EXPECT_EQ(t, walk(info, types, 8, &it), 1);
	EXPECT_EQ(t, it.error, MB2_ETAGSIZE);
	EXPECT_EQ(t, it.offset, 24);
}

KTEST(multiboot2, tag_overrunning_total_size)
{
	struct mbi m;
	struct mb2_iter it;
	uint32_t types[8];

	mbi_init(&m);
	struct mb2_tag *tag = mbi_tag(&m, MB2_TAG_CMDLINE, 16);
	const void *info = mbi_finish(&m);
	tag->size = 4096;

	EXPECT_EQ(t, walk(info, types, 8, &it), 0);
	EXPECT_EQ(t, it.error, MB2_EOVERRUN);
	EXPECT_EQ(t, it.offset, 8);
	EXPECT_NULL(t, mb2_find(info, MB2_TAG_CMDLINE));
}

KTEST(multiboot2, misaligned)
{
	struct mbi m;
	struct mb2_iter it;
	uint32_t types[8];
	const uint8_t *info = good_list(&m);

	EXPECT_EQ(t, walk(info + 4, types, 8, &it), 0);
	EXPECT_EQ(t, it.error, MB2_EALIGN);

	mbi_set_total(&m, m.len + 4);
	EXPECT_EQ(t, walk(info, types, 8, &it), 0);
	EXPECT_EQ(t, it.error, MB2_EALIGN);
}

KTEST(multiboot2, empty_list)
{
	struct mbi m;
	struct mb2_iter it;
	uint32_t types[8];

	mbi_init(&m);
	const void *info = mbi_finish(&m);
	EXPECT_EQ(t, walk(info, types, 8, &it), 0);
	EXPECT_EQ(t, it.error, MB2_OK);

	mbi_set_total(&m, 8);	/* no room for an end tag */
	EXPECT_EQ(t, walk(info, types, 8, &it), 0);
	EXPECT_EQ(t, it.error, MB2_ETOTAL);
}

KTEST(multiboot2, absurd_total_size)
{
	struct mbi m;
	struct mb2_iter it;
	uint32_t types[8];
	const void *info = good_list(&m);

	mbi_set_total(&m, 0);
	EXPECT_EQ(t, walk(info, types, 8, &it), 0);
	EXPECT_EQ(t, it.error, MB2_ETOTAL);

	mbi_set_total(&m, MB2_INFO_MAX + 8);
	EXPECT_EQ(t, walk(info, types, 8, &it), 0);
	EXPECT_EQ(t, it.error, MB2_ETOTAL);
}

KTEST(multiboot2, missing_end_tag)
{
	struct mbi m;
	struct mb2_iter it;
	uint32_t types[8];

	mbi_init(&m);
	mbi_string(&m, MB2_TAG_CMDLINE, "abc");
	mbi_set_total(&m, m.len);	/* no end tag */

	EXPECT_EQ(t, walk(m.buf, types, 8, &it), 1);
	EXPECT_EQ(t, it.error, MB2_ENOEND);
}

KTEST(multiboot2, unterminated_string)
{
	struct mbi m;

	mbi_init(&m);
	char *s = (char *)mbi_tag(&m, MB2_TAG_CMDLINE, 12) + 8;
	s[0] = 'a', s[1] = 'b', s[2] = 'c', s[3] = 'd';
	const void *info = mbi_finish(&m);
	const struct mb2_tag *tag = mb2_find(info, MB2_TAG_CMDLINE);

	ASSERT_NOT_NULL(t, tag);
	EXPECT_NULL(t, mb2_tag_string(tag));
}

KTEST(multiboot2, short_or_odd_tags_are_incomplete)
{
	struct mbi m;

	mbi_init(&m);
	struct mb2_tag *mem = mbi_tag(&m, MB2_TAG_BASIC_MEMINFO, 12);
	struct mb2_tag_mmap *mmap = mbi_tag(&m, MB2_TAG_MMAP, 16 + 40);
	mmap->entry_size = 20;			/* smaller than an entry */
	mbi_finish(&m);

	EXPECT_FALSE(t, mb2_tag_complete(mem));
	EXPECT_TRUE(t, mb2_tag_complete(&mmap->tag));
	EXPECT_EQ(t, mb2_mmap_count(mmap), 0);
	mmap->entry_size = 28;			/* not a multiple of 8 */
	EXPECT_EQ(t, mb2_mmap_count(mmap), 0);
	mmap->entry_size = 32;			/* a future, bigger entry */
	EXPECT_EQ(t, mb2_mmap_count(mmap), 1);
}

KTEST(multiboot2, names)
{
	EXPECT_STREQ(t, mb2_tag_name(MB2_TAG_MMAP), "memory map");
	EXPECT_STREQ(t, mb2_tag_name(MB2_TAG_ACPI_NEW), "ACPI 2.0+ RSDP");
	EXPECT_STREQ(t, mb2_tag_name(99), "unknown");
	EXPECT_STREQ(t, mb2_mmap_type_name(MB2_MMAP_ACPI_NVS), "ACPI NVS");
	EXPECT_STREQ(t, mb2_mmap_type_name(77), "reserved");
	EXPECT_STREQ(t, mb2_strerror(MB2_EOVERRUN), "tag runs past total_size");
}

/*
 * The smallest complete tag of each type, from the multiboot2 specification
 * (GRUB's multiboot2.h layouts): one byte less is incomplete.
 */
KTEST(multiboot2, each_tag_type_has_its_minimum_size)
{
	static const struct { uint32_t type, min; } sizes[] = {
		{ MB2_TAG_MODULE, 16 },		/* mod_start, mod_end */
		{ MB2_TAG_BASIC_MEMINFO, 16 },	/* mem_lower, mem_upper */
		{ MB2_TAG_MMAP, 16 },		/* entry_size, entry_version */
		{ MB2_TAG_FRAMEBUFFER, 32 },	/* addr, pitch, width, height, bpp, type, reserved */
		{ MB2_TAG_EFI32, 12 },
		{ MB2_TAG_EFI64, 16 },
		{ MB2_TAG_ACPI_OLD, 28 },	/* a 20-byte ACPI 1.0 RSDP */
		{ MB2_TAG_ACPI_NEW, 44 },	/* a 36-byte ACPI 2.0 RSDP */
		{ MB2_TAG_EFI_MMAP, 16 },	/* descr_size, descr_version */
		{ MB2_TAG_EFI32_IH, 12 },
		{ MB2_TAG_EFI64_IH, 16 },
		{ MB2_TAG_LOAD_BASE, 12 },
		{ MB2_TAG_CMDLINE, 8 },		/* no fixed fields: the header */
		{ MB2_TAG_SMBIOS, 8 },
		{ MB2_TAG_LOAD_BASE + 1, 8 },	/* unknown types: the header */
		{ 999, 8 },
	};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct mb2_tag tag = { sizes[i].type, sizes[i].min };
		bool whole = mb2_tag_complete(&tag);
		bool short_one;

		tag.size--;
		short_one = mb2_tag_complete(&tag);
		if (!whole || short_one)
			ktest_diag(t, "tag type %u, smallest complete size %u", sizes[i].type,
				   sizes[i].min);
		EXPECT_TRUE(t, whole);
		EXPECT_FALSE(t, short_one);
	}
}

KTEST(multiboot2, empty_string_is_a_string)
{
	struct mbi m;

	mbi_init(&m);
	char *s = (char *)mbi_tag(&m, MB2_TAG_CMDLINE, 12) + 8;
	s[0] = '\0', s[1] = 'x', s[2] = 'y', s[3] = 'z';
	const void *info = mbi_finish(&m);

	EXPECT_STREQ(t, mb2_tag_string(mb2_find(info, MB2_TAG_CMDLINE)), "");
}

KTEST(multiboot2, mmap_entries_smaller_than_24_bytes_are_refused)
{
	struct mbi m;

	mbi_init(&m);
	struct mb2_tag_mmap *mmap = mbi_tag(&m, MB2_TAG_MMAP, 16 + 48);
	mbi_finish(&m);

	mmap->entry_size = 16;			/* a multiple of 8, but too small */
	EXPECT_EQ(t, mb2_mmap_count(mmap), 0);
	mmap->entry_size = 24;
	EXPECT_EQ(t, mb2_mmap_count(mmap), 2);
	mmap->tag.size = 16 + 47;		/* a partial last entry is not counted */
	EXPECT_EQ(t, mb2_mmap_count(mmap), 1);
	mmap->tag.size = 15;			/* shorter than the mmap tag itself */
	EXPECT_EQ(t, mb2_mmap_count(mmap), 0);
}

/* The contract is a message per error code, each different from the others. */
KTEST(multiboot2, every_error_has_its_own_message)
{
	static const int codes[] = { MB2_OK, MB2_EALIGN, MB2_ETOTAL, MB2_ETAGSIZE,
				     MB2_EOVERRUN, MB2_ENOEND, -99 };
	const size_t n = sizeof(codes) / sizeof(codes[0]);

	for (size_t i = 0; i < n; i++) {
		ASSERT_NOT_NULL(t, mb2_strerror(codes[i]));
		for (size_t j = 0; j < i; j++)
			EXPECT_STRNE(t, mb2_strerror(codes[i]), mb2_strerror(codes[j]));
	}
}

/*
 * Memory types (the specification): 1 available, 3 ACPI reclaimable, 4 ACPI
 * NVS, 5 bad RAM, each its own name; 2 and anything else are "reserved".
 */
KTEST(multiboot2, memory_type_names_follow_the_specification)
{
	static const uint32_t own[] = { 1, 3, 4, 5 };
	const char *reserved = mb2_mmap_type_name(MB2_MMAP_RESERVED);

	ASSERT_NOT_NULL(t, reserved);
	EXPECT_STREQ(t, mb2_mmap_type_name(0), reserved);
	EXPECT_STREQ(t, mb2_mmap_type_name(6), reserved);
	EXPECT_STREQ(t, mb2_mmap_type_name(0xffffffff), reserved);
	for (size_t i = 0; i < 4; i++) {
		ASSERT_NOT_NULL(t, mb2_mmap_type_name(own[i]));
		EXPECT_STRNE(t, mb2_mmap_type_name(own[i]), reserved);
		for (size_t j = 0; j < i; j++)
			EXPECT_STRNE(t, mb2_mmap_type_name(own[i]), mb2_mmap_type_name(own[j]));
	}
}

/* Tag types 0-21 are the specification's, each named; others are "unknown". */
KTEST(multiboot2, every_tag_type_is_named)
{
	const char *unknown = mb2_tag_name(22);

	EXPECT_STREQ(t, unknown, "unknown");
	EXPECT_STREQ(t, mb2_tag_name(0xffffffff), unknown);
	for (uint32_t i = MB2_TAG_END; i <= MB2_TAG_LOAD_BASE; i++) {
		ASSERT_NOT_NULL(t, mb2_tag_name(i));
		EXPECT_STRNE(t, mb2_tag_name(i), unknown);
		for (uint32_t j = 0; j < i; j++)
			EXPECT_STRNE(t, mb2_tag_name(i), mb2_tag_name(j));
	}
}

/* Tags are 8-byte aligned: a 9-byte tag (an empty string) takes 16. */
KTEST(multiboot2, odd_sized_tags_are_padded_to_8)
{
	struct mbi m;
	struct mb2_iter it;
	uint32_t types[8];

	mbi_init(&m);
	mbi_string(&m, MB2_TAG_CMDLINE, "");
	mbi_string(&m, MB2_TAG_BOOT_LOADER, "abcdefg");	/* 16 bytes: no padding */
	mbi_string(&m, MB2_TAG_CMDLINE, "ab");		/* 11 bytes */
	mbi_tag(&m, MB2_TAG_MMAP, 16);
	const void *info = mbi_finish(&m);

	ASSERT_EQ(t, walk(info, types, 8, &it), 4);
	EXPECT_EQ(t, it.error, MB2_OK);
	EXPECT_EQ(t, types[1], MB2_TAG_BOOT_LOADER);
	EXPECT_EQ(t, types[3], MB2_TAG_MMAP);
	EXPECT_EQ(t, it.offset, 8 + 16 + 16 + 16 + 16);	/* at the end tag */
}

/* it->offset is where the walk went wrong: a bad header is at offset 0. */
KTEST(multiboot2, bad_header_is_reported_at_offset_0)
{
	struct mbi m;
	struct mb2_iter it;
	uint32_t types[8];
	const uint8_t *info = good_list(&m);

	walk(info + 8, types, 8, &it);		/* aligned, total_size garbage */
	EXPECT_EQ(t, it.error, MB2_ETOTAL);
	EXPECT_EQ(t, it.offset, 0);
	walk(info + 4, types, 8, &it);
	EXPECT_EQ(t, it.error, MB2_EALIGN);
	EXPECT_EQ(t, it.offset, 0);
	mbi_set_total(&m, m.len + 4);
	walk(info, types, 8, &it);
	EXPECT_EQ(t, it.error, MB2_EALIGN);
	EXPECT_EQ(t, it.offset, 0);
}

/* MB2_INFO_MAX itself is allowed; the walk stops at the end tag anyway. */
KTEST(multiboot2, total_size_up_to_the_maximum)
{
	struct mbi m;
	struct mb2_iter it;
	uint32_t types[8];
	const void *info = good_list(&m);

	mbi_set_total(&m, MB2_INFO_MAX);
	EXPECT_EQ(t, walk(info, types, 8, &it), 4);
	EXPECT_EQ(t, it.error, MB2_OK);
}

/* A tag one byte too long for what is left of the list, not at offset 8. */
KTEST(multiboot2, tag_overrunning_by_one_byte)
{
	struct mbi m;
	struct mb2_iter it;
	uint32_t types[8];

	mbi_init(&m);
	mbi_string(&m, MB2_TAG_CMDLINE, "abcdefg");
	struct mb2_tag *tag = mbi_tag(&m, MB2_TAG_BOOT_LOADER, 16);
	const void *info = mbi_finish(&m);		/* total 8 + 16 + 16 + 8 */

	tag->size = 16 + 8;				/* exactly to the end: fine */
	EXPECT_EQ(t, walk(info, types, 8, &it), 2);
	EXPECT_EQ(t, it.error, MB2_ENOEND);
	tag->size = 16 + 8 + 1;
	EXPECT_EQ(t, walk(info, types, 8, &it), 1);
	EXPECT_EQ(t, it.error, MB2_EOVERRUN);
	EXPECT_EQ(t, it.offset, 24);
}
