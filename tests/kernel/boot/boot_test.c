/* What kmain learned at boot: the image's place, the boot information, the command line. */
#include <arch/layout.h>
#include <kernel/boot.h>
#include <kernel/cmdline.h>
#include <kernel/ktest.h>
#include <kernel/multiboot2.h>

extern uint64_t boot_tsc;

KTEST(boot, image_loaded_at_one_mib)
{
	uint64_t start, end, tsc_phys = (uint64_t)&boot_tsc - KERNEL_VMA;

	kernel_image_range(&start, &end);
	EXPECT_EQ(t, start, KERNEL_PHYS);
	EXPECT_GT(t, end, start);
	EXPECT_EQ(t, end % 4096, 0);		/* whole frames */
	EXPECT_IN_RANGE(t, tsc_phys, start, end - 8);
}

KTEST(boot, boot_information_is_well_formed)
{
	struct mb2_iter it;
	const struct mb2_tag *tag;
	int tags = 0;

	ASSERT_NOT_NULL(t, bootinfo_mbi());
	EXPECT_IN_RANGE(t, bootinfo_mbi_size(), 16, MB2_INFO_MAX);
	mb2_iter_init(&it, bootinfo_mbi());
	while ((tag = mb2_next(&it)))
		tags++;
	EXPECT_EQ(t, it.error, MB2_OK);
	EXPECT_GE(t, tags, 3);			/* GRUB: cmdline, loader, mmap at least */
	EXPECT_NOT_NULL(t, mb2_find(bootinfo_mbi(), MB2_TAG_MMAP));
}

KTEST(boot, command_line_was_saved)
{
	char mode[8];

	/* This very run was started by a command line with ktest in it. */
	EXPECT_TRUE(t, cmdline_get(kernel_cmdline(), "ktest", mode, sizeof(mode)));
	EXPECT_STREQ(t, mode, "run");
}

KTEST(boot, entry_took_a_timestamp)
{
	EXPECT_NE(t, boot_tsc, 0);
}
