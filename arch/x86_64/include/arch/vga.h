/* SPDX-License-Identifier: MIT */
/* The PC's VGA text-mode hardware, by port I/O (arch/x86_64/pc/vga.c). */
#ifndef ARCH_VGA_H
#define ARCH_VGA_H

/* Stop the blinking hardware cursor (CRTC cursor start register, bit 5): the console draws its own. */
void vga_hide_hw_cursor(void);

#endif /* ARCH_VGA_H */
