/* What the boot loader told us, printed once at boot. */
#ifndef KERNEL_BOOTINFO_H
#define KERNEL_BOOTINFO_H

/*
 * Print a line per multiboot2 tag (memory map entries, RSDP, framebuffer,
 * EFI tables, ...). A malformed list stops the walk with an error line.
 * Returns 0, or the enum mb2_error that ended the walk.
 */
int bootinfo_print(const void *info);

#endif /* KERNEL_BOOTINFO_H */
