/* SPDX-License-Identifier: MIT */
/* Restarting a PC (arch/x86_64/pc/reboot.c): the ACPI reset register, the keyboard controller, a triple fault. */
#ifndef ARCH_REBOOT_H
#define ARCH_REBOOT_H

#include <stdint.h>

/* Address spaces of an ACPI generic address (ACPI 6.5, table 5.1). */
#define RESET_SPACE_MEMORY	0
#define RESET_SPACE_IO		1

/* The FADT's RESET_REG and RESET_VALUE: where to write what to reset the board. */
struct reset_reg {
	uint8_t space;		/* RESET_SPACE_MEMORY or RESET_SPACE_IO; others are not tried */
	uint64_t addr;		/* physical address, or port (<= 0xFFFF) */
	uint8_t value;
};

/*
 * Restart the machine with interrupts off, trying in order: the reset
 * register (if acpi is not NULL), then 50 ms later the keyboard
 * controller's reset line, then 50 ms later a triple fault (an empty IDT
 * and a trap), which resets every PC.
 */
void pc_reboot(const struct reset_reg *acpi) __attribute__((noreturn));

#endif /* ARCH_REBOOT_H */
