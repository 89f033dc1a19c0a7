/* SPDX-License-Identifier: MIT */
/* The GDT (fixed segments, then a TSS pair per CPU) and the 64-bit TSS. */
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

struct gdt_slots;

/* Load the kernel GDT and the boot TSS (static IST stacks) on the boot CPU. */
void gdt_init(void);
/* Load the GDT on this CPU, reload the segment registers and load TR with tss_sel. */
void gdt_load_cpu(uint16_t tss_sel);
/* Size the GDT's limit for ncpus TSS pairs: 0, or -EINVAL past SMP_MAX_CPUS. */
int gdt_reserve_cpus(unsigned int ncpus);
/* A descriptor pair for tss: its selector, or -ENOSPC. */
int gdt_alloc_tss(struct tss *tss);
/* Give back the pair at sel: 0 or -EINVAL. */
int gdt_free_tss(int sel);
/* Free the boot TSS's pair once the boot CPU has loaded a TSS of its own. */
void gdt_release_boot_tss(void);
/* The slot allocator behind the GDT (tests read descriptors back through it). */
const struct gdt_slots *gdt_slots(void);
/* Print the slot map and each TSS pair's CPU through print (gdt_slots_print). */
void gdt_print(void (*print)(const char *fmt, ...));
/* The top of this CPU's interrupt stack `ist` (1-based), per its current TSS; 0 if none. */
uint64_t tss_ist_top(int ist);
/* Is sp inside this CPU's interrupt stack `ist` (1-based), per its current TSS? */
bool tss_ist_contains(int ist, uint64_t sp);

/* The task register: this CPU's TSS selector. */
static inline uint16_t cpu_str(void)
{
	uint16_t sel;

	__asm__ volatile("str %0" : "=r"(sel));
	return sel;
}

#endif /* ARCH_GDT_H */
