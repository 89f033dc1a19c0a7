/* SPDX-License-Identifier: MIT */
/* Deliberate exceptions, for the tests of the exception machinery. */
#ifndef ARCH_FAULT_H
#define ARCH_FAULT_H

#include <stdint.h>

/* #UD */
static inline void fault_ud2(void)
{
	__asm__ volatile("ud2");
}

/* #BP */
static inline void fault_int3(void)
{
	__asm__ volatile("int3");
}

/* #DE: divide by a zero register, out of the compiler's sight. */
static inline void fault_divide_by_zero(void)
{
	__asm__ volatile("xorl %%ecx, %%ecx\n\tdivl %%ecx" ::: "eax", "ecx", "edx");
}

/* Load 8 bytes from addr: #PF if unmapped, #GP if non-canonical. */
static inline uint64_t fault_read(uint64_t addr)
{
	uint64_t v;

	__asm__ volatile("movq (%1), %0" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

/* Load DS with a selector past the GDT limit: #GP(selector). */
static inline void fault_load_bad_segment(uint16_t selector)
{
	__asm__ volatile("movw %0, %%ds" : : "r"(selector));
}

#endif /* ARCH_FAULT_H */
