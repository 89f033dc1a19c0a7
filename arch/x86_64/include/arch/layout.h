/* SPDX-License-Identifier: MIT */
/* Memory layout and segment selectors shared by C, assembly and the boot code. */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

/*
 * The kernel image is linked here and loaded at KERNEL_PHYS. arch/x86_64/linker.ld.S
 * includes this file too: plain numbers only (no casts or suffixes) in what it uses.
 */
#define KERNEL_VMA		0xFFFFFFFF80000000
#define KERNEL_PHYS		0x100000

/* GDT layout; the order is the one SYSCALL/SYSRET expect. */
#define GDT_KERNEL_CS		0x08
#define GDT_KERNEL_DS		0x10
#define GDT_USER32_CS		0x18
#define GDT_USER_DS		0x20
#define GDT_USER64_CS		0x28
#define GDT_TSS			0x30	/* 16 bytes: two slots */
#define GDT_ENTRIES		8

/* Interrupt stack table slots (1-based, as in the IDT gate). */
#define IST_DOUBLE_FAULT	1
#define IST_NMI			2
#define IST_MACHINE_CHECK	3
#define IST_STACK_SIZE		8192

#define KERNEL_STACK_SIZE	16384

#endif /* ARCH_LAYOUT_H */
