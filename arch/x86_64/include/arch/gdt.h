/* The GDT and the 64-bit TSS of the boot CPU. */
#ifndef ARCH_GDT_H
#define ARCH_GDT_H

#include <stdbool.h>
#include <stdint.h>
#include <arch/layout.h>

/* The 64-bit TSS (Intel SDM vol. 3, 8.7): stacks only, no I/O bitmap. */
struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];	/* ist[0] is IST1 */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

_Static_assert(sizeof(struct tss) == 104, "64-bit TSS is 104 bytes");

/* Load the kernel GDT and the boot CPU's TSS (with its IST stacks). */
void gdt_init(void);
/* Is sp inside the boot CPU's interrupt stack `ist` (1-based)? */
bool tss_ist_contains(int ist, uint64_t sp);

#endif /* ARCH_GDT_H */
