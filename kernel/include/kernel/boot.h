/* SPDX-License-Identifier: MIT */
/*
 * The kernel's boot information (kernel only): the multiboot2 information
 * kmain was handed, read once into one struct boot_info, which kmain hands
 * down piece by piece. Nothing below kmain calls these.
 */
#ifndef KERNEL_BOOT_H
#define KERNEL_BOOT_H

#include <kernel/bootinfo.h>

/*
 * Parse the information at `info` (NULL: not booted by multiboot2; the
 * image alone), logging every tag refused, and save the command line
 * (kernel_cmdline(); a line too long for it is cut, with a warning).
 * Returns the kernel's one boot_info. Called once, by kmain.
 */
const struct boot_info *boot_info_read(const void *info);
/* The boot summary: a line per piece (memory map entries, RSDP, framebuffer, ...). */
void boot_info_print(const struct boot_info *bi);
/* What boot_info_read() returned, NULL before: for the in-kernel tests of the boot. */
const struct boot_info *kernel_boot_info(void);

#endif /* KERNEL_BOOT_H */
