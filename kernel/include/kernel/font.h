/* SPDX-License-Identifier: MIT */
/* The built-in 8x16 console font (kernel/console/font8x16.txt), printable ASCII only. */
#ifndef KERNEL_FONT_H
#define KERNEL_FONT_H

#include <stdint.h>

#define FONT_WIDTH	8
#define FONT_HEIGHT	16
#define FONT_FIRST	0x20
#define FONT_LAST	0x7E
#define FONT_GLYPHS	(FONT_LAST - FONT_FIRST + 1)

/* Row r of a glyph is font8x16[c - FONT_FIRST][r]; bit 7 is the leftmost pixel. */
extern const uint8_t font8x16[FONT_GLYPHS][FONT_HEIGHT];

/* The glyph for c; '?' for anything the font does not have. */
static inline const uint8_t *font_glyph(char c)
{
	unsigned char u = (unsigned char)c;

	if (u < FONT_FIRST || u > FONT_LAST)
		u = '?';
	return font8x16[u - FONT_FIRST];
}

#endif /* KERNEL_FONT_H */
