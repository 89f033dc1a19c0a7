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
