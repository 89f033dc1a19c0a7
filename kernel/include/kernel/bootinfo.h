/* What the boot loader told us, and where it put us: for printing and for the frame allocator. */
#ifndef KERNEL_BOOTINFO_H
#define KERNEL_BOOTINFO_H

#include <stdint.h>

/*
 * Print a line per multiboot2 tag (memory map entries, RSDP, framebuffer,
 * EFI tables, ...). A malformed list stops the walk with an error line.
 * Returns 0, or the enum mb2_error that ended the walk.
 */
int bootinfo_print(const void *info);

/* The multiboot2 information (identity-mapped), or NULL before kmain has it. */
const void *bootinfo_mbi(void);
/* Its size in bytes (total_size), 0 if none: memory to keep out of the allocator. */
uint32_t bootinfo_mbi_size(void);
/* The physical range [*start, *end) of the kernel image, .bss and symbols included. */
void kernel_image_range(uint64_t *start, uint64_t *end);

#endif /* KERNEL_BOOTINFO_H */
