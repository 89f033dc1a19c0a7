// SPDX-License-Identifier: MIT
/* The PC's VGA text-mode hardware: the CRT controller's cursor, by port I/O. */
#include <arch/io.h>
#include <arch/vga.h>

#define CRTC_INDEX		0x3D4	/* colour text mode's CRTC ports */
#define CRTC_DATA		0x3D5
#define CRTC_CURSOR_START	0x0A
#define CURSOR_DISABLE		0x20

void vga_hide_hw_cursor(void)
{
	outb(CRTC_INDEX, CRTC_CURSOR_START);
	outb(CRTC_DATA, CURSOR_DISABLE);
}
