// SPDX-License-Identifier: MIT
/* What kmain learned at boot: the image's place, the boot information, the command line. */
#include <arch/layout.h>
#include <kernel/boot.h>
#include <kernel/cmdline.h>
#include <kernel/ktest.h>
#include <kernel/multiboot2.h>

extern uint64_t boot_tsc;

KTEST(boot, image_loaded_at_one_mib)
{
	const struct boot_info *bi = kernel_boot_info();
	uint64_t tsc_phys = (uint64_t)&boot_tsc - KERNEL_VMA;

	ASSERT_NOT_NULL(t, bi);
	EXPECT_EQ(t, bi->image.start, KERNEL_PHYS);
	EXPECT_GT(t, bi->image.end, bi->image.start);
	EXPECT_EQ(t, bi->image.end % 4096, 0);		/* whole frames */
	EXPECT_IN_RANGE(t, tsc_phys, bi->image.start, bi->image.end - 8);
	/* The first region in use, so the frame allocator never hands it out. */
	ASSERT_GE(t, bi->memory.nin_use, 2);
	EXPECT_EQ(t, bi->memory.in_use[0].start, bi->image.start);
	EXPECT_EQ(t, bi->memory.in_use[0].end, bi->image.end);
}

KTEST(boot, boot_information_is_well_formed)
{
	const struct boot_info *bi = kernel_boot_info();
	struct mb2_iter it;
	const struct mb2_tag *tag;
	unsigned int tags = 0;

	ASSERT_NOT_NULL(t, bi);
	EXPECT_IN_RANGE(t, bi->info.end - bi->info.start, 16, MB2_INFO_MAX);
	EXPECT_EQ(t, bi->info.start % 8, 0);
	EXPECT_EQ(t, bi->error, MB2_OK);
	EXPECT_EQ(t, bi->malformed, 0);
	EXPECT_EQ(t, bi->dropped, 0);
	/* The parser saw every tag a fresh walk sees. */
	mb2_iter_init(&it, (const void *)(uintptr_t)bi->info.start);
	while ((tag = mb2_next(&it)))
		tags++;
	EXPECT_EQ(t, it.error, MB2_OK);
	EXPECT_EQ(t, bi->ntags, tags);
	EXPECT_GE(t, tags, 3);			/* GRUB: cmdline, loader, mmap at least */
	/* The information is in use right after the image. */
	EXPECT_EQ(t, bi->memory.in_use[1].start, bi->info.start);
	EXPECT_EQ(t, bi->memory.in_use[1].end, bi->info.end);
}

/* GRUB gives QEMU's machines a memory map and an RSDP copy; a framebuffer, if any, is in use. */
KTEST(boot, grub_gave_a_memory_map_and_an_rsdp)
{
	const struct boot_info *bi = kernel_boot_info();
	const struct boot_framebuffer *fb;
	bool reserved = false;

	ASSERT_NOT_NULL(t, bi);
	ASSERT_TRUE(t, bi->memory.has_map);
	EXPECT_GE(t, bi->memory.count, 3);
	EXPECT_GE(t, bi->memory.stride, 24);
	EXPECT_TRUE(t, bi->rsdp.has_v1 || bi->rsdp.has_v2);
	EXPECT_NE(t, bi->loader[0], '\0');
	fb = &bi->framebuffer;
	for (size_t i = 0; fb->present && i < bi->memory.nin_use; i++)
		reserved |= bi->memory.in_use[i].start == fb->addr &&
			    bi->memory.in_use[i].end == fb->addr + (uint64_t)fb->pitch * fb->height;
	EXPECT_EQ(t, reserved, fb->present);
}

KTEST(boot, command_line_was_saved)
{
	char mode[8];

	/* This very run was started by a command line with ktest in it. */
	EXPECT_TRUE(t, cmdline_get(kernel_cmdline(), "ktest", mode, sizeof(mode)));
	EXPECT_STREQ(t, mode, "run");
	EXPECT_STREQ(t, kernel_cmdline(), kernel_boot_info()->cmdline);
}

KTEST(boot, entry_took_a_timestamp)
{
	EXPECT_NE(t, boot_tsc, 0);
}
