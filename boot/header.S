/* SPDX-License-Identifier: MIT */
/* The multiboot2 header: GRUB finds it in the first 32 KiB of the image. */

#define MB2_MAGIC		0xE85250D6
#define MB2_ARCH_I386		0
#define MB2_TAG_OPTIONAL	1

	.section .multiboot, "a"
	.balign 8
mb2_header:
	.long	MB2_MAGIC
	.long	MB2_ARCH_I386
	.long	mb2_header_end - mb2_header
	.long	-(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

	/* Information request: nice to have, so optional. */
	.balign 8
1:	.short	1, MB2_TAG_OPTIONAL
	.long	2f - 1b
	.long	1	/* cmdline */
	.long	2	/* boot loader name */
	.long	4	/* basic meminfo */
	.long	6	/* memory map */
	.long	8	/* framebuffer */
	.long	14	/* ACPI 1.0 RSDP */
	.long	15	/* ACPI 2.0 RSDP */
2:
	/* Console flags: EGA text supported (bit 1), not required (bit 0 clear). */
	.balign 8
1:	.short	4, MB2_TAG_OPTIONAL
	.long	2f - 1b
	.long	2
2:
	/* Framebuffer, any mode: UEFI has no VGA text, this is its only screen. */
	.balign 8
1:	.short	5, MB2_TAG_OPTIONAL
	.long	2f - 1b
	.long	0, 0, 0
2:
	/* End. */
	.balign 8
	.short	0, 0
	.long	8
mb2_header_end:
