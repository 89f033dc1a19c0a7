/* SPDX-License-Identifier: MIT */
/*
 * Control registers every CPU loads the same way (issue 11, item 2).
 *
 * cpu_setup_control_regs() runs on each CPU, the boot CPU first: CR0 gets one
 * known value (caches on: CD and NW clear), CR4 the protections CPUID offers.
 * The AP trampoline also loads known CR0 values, so no CPU keeps the INIT
 * state's CD/NW bits.
 */
#ifndef ARCH_CPUFEAT_H
#define ARCH_CPUFEAT_H

#include <stddef.h>
#include <stdint.h>

/* CR0 bits (Intel SDM vol. 3A, 2.5). */
#define CR0_PE		(1ul << 0)
#define CR0_MP		(1ul << 1)
#define CR0_ET		(1ul << 4)
#define CR0_NE		(1ul << 5)
#define CR0_WP		(1ul << 16)
#define CR0_NW		(1ul << 29)
#define CR0_CD		(1ul << 30)
#define CR0_PG		(1ul << 31)

/* CR4 bits (Intel SDM vol. 3A, 2.5). */
#define CR4_PAE		(1ul << 5)
#define CR4_MCE		(1ul << 6)
#define CR4_PGE		(1ul << 7)
#define CR4_OSFXSR	(1ul << 9)
#define CR4_OSXMMEXCPT	(1ul << 10)
#define CR4_UMIP	(1ul << 11)
#define CR4_SMEP	(1ul << 20)
#define CR4_SMAP	(1ul << 21)

/* The one CR0 every CPU runs with: protected mode, paging, WP, native FPU errors. */
#define CR0_KERNEL	(CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG)

/* The CR4 this CPU should run with: PAE plus what CPUID offers of the rest. */
uint64_t cpu_wanted_cr4(void);

/* Load CR0_KERNEL and cpu_wanted_cr4() on this CPU. */
void cpu_setup_control_regs(void);

/*
 * What this CPU has on, for the boot log: "SMEP SMAP UMIP NX", or the ones on
 * followed by "; missing: ..." naming what CPUID (or EFER) does not offer.
 * Always NUL-terminated; returns buf.
 */
char *cpu_describe_protection(char *buf, size_t len);

#endif /* ARCH_CPUFEAT_H */
