/* SPDX-License-Identifier: MIT */
/* The PC's PS/2 controller (8042), keyboard side only (arch/x86_64/pc/i8042.c). */
#ifndef ARCH_I8042_H
#define ARCH_I8042_H

#include <stdbool.h>

#define I8042_IRQ_KEYBOARD	1	/* legacy PIC line of port 1 */

/*
 * Set the controller up: stale bytes drained, keyboard IRQ on, scan code
 * translation on (set 1). False where there is no controller (every port
 * reads back 0xFF: then nothing is written) or it stops answering.
 */
bool i8042_init(void);
/* The next byte from the keyboard (0-255), or -1 if none is waiting; mouse bytes are read and dropped. */
int i8042_read_key(void);

#endif /* ARCH_I8042_H */
