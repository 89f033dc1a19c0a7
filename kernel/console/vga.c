// SPDX-License-Identifier: MIT
/* vgacon: text cells straight into VGA text-mode memory, character then attribute. */
#include <kernel/console.h>

static void vgacon_draw(void *dev, unsigned int row, unsigned int col, char ch, uint8_t attr)
{
	struct vgacon *vga = dev;
	unsigned char u = (unsigned char)ch;

	/* The VGA ROM font has glyphs for 0x00-0x1F too, but they are not ours to show. */
	if (u < 0x20 || u > 0x7E)
		u = '?';
	vga->base[row * vga->cols + col] = (uint16_t)(u | attr << 8);
}

const struct con_ops vgacon_ops = { .draw = vgacon_draw };
