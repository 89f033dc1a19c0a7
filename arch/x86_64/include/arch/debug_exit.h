/* SPDX-License-Identifier: MIT */
/* QEMU's isa-debug-exit device: a write ends the emulator with a status. */
#ifndef ARCH_DEBUG_EXIT_H
#define ARCH_DEBUG_EXIT_H

#include <stdint.h>
#include <arch/io.h>

#define DEBUG_EXIT_PORT		0xF4
/* QEMU exits with (value << 1) | 1: 33 for pass, 35 for fail. */
#define DEBUG_EXIT_PASS		0x10
#define DEBUG_EXIT_FAIL		0x11

/* Exit QEMU if the device is present; returns (and does nothing) otherwise. */
static inline void debug_exit(uint8_t value)
{
	outb(DEBUG_EXIT_PORT, value);
}

#endif /* ARCH_DEBUG_EXIT_H */
