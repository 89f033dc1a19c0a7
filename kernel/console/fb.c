// SPDX-License-Identifier: MIT
/* fbcon: text cells drawn with the 8x16 font onto a linear direct-colour framebuffer. */
#include <kernel/bootinfo.h>
#include <kernel/console.h>
#include <kernel/font.h>

/* The VGA text palette as 8-bit R, G, B: what the colours look like in text mode too. */
static const uint8_t vga_rgb[16][3] = {
	{ 0x00, 0x00, 0x00 }, { 0x00, 0x00, 0xAA }, { 0x00, 0xAA, 0x00 }, { 0x00, 0xAA, 0xAA },
	{ 0xAA, 0x00, 0x00 }, { 0xAA, 0x00, 0xAA }, { 0xAA, 0x55, 0x00 }, { 0xAA, 0xAA, 0xAA },
	{ 0x55, 0x55, 0x55 }, { 0x55, 0x55, 0xFF }, { 0x55, 0xFF, 0x55 }, { 0x55, 0xFF, 0xFF },
	{ 0xFF, 0x55, 0x55 }, { 0xFF, 0x55, 0xFF }, { 0xFF, 0xFF, 0x55 }, { 0xFF, 0xFF, 0xFF },
};

/* An 8-bit intensity scaled to a channel of ch.size bits, in place. */
static uint32_t channel(uint8_t v, struct fb_channel ch)
{
	if (ch.size == 0 || ch.size > 8 || ch.pos + ch.size > 32)
		return 0;
	return (uint32_t)(v >> (8 - ch.size)) << ch.pos;
}

bool fbcon_init(struct fbcon *fb, void *base, uint32_t pitch, uint32_t width,
		uint32_t height, uint8_t bpp, struct fb_channel red,
		struct fb_channel green, struct fb_channel blue)
{
	uint8_t bytes_pp = (uint8_t)((bpp + 7) / 8);

	if (bpp != 15 && bpp != 16 && bpp != 24 && bpp != 32)
		return false;
	if (width < FONT_WIDTH || height < FONT_HEIGHT || pitch < (uint64_t)width * bytes_pp)
		return false;
	*fb = (struct fbcon){
		.base = base, .pitch = pitch, .width = width, .height = height,
		.bytes_pp = bytes_pp,
	};
	for (int c = 0; c < 16; c++)
		fb->palette[c] = channel(vga_rgb[c][0], red) | channel(vga_rgb[c][1], green) |
				 channel(vga_rgb[c][2], blue);
	return true;
}

/* Bytes one row of the screen needs: 0 for a type we do not draw on. */
static uint64_t row_bytes(const struct boot_framebuffer *fb)
{
	if (fb->type == 1)
		return (uint64_t)fb->width * ((fb->bpp + 7u) / 8);
	if (fb->type == 2)
		return (uint64_t)fb->width * 2;
	return 0;
}

const char *fb_problem(const struct boot_framebuffer *fb, uint64_t limit)
{
	uint64_t size;

	if (fb->type != 1 && fb->type != 2)
		return "neither RGB nor EGA text";
	if (fb->type == 1 && fb->bpp != 15 && fb->bpp != 16 && fb->bpp != 24 && fb->bpp != 32)
		return "not 15, 16, 24 or 32 bits per pixel";
	if (fb->width == 0 || fb->height == 0)
		return "empty screen";
	if (fb->pitch < row_bytes(fb))
		return "pitch shorter than a row";
	size = (uint64_t)fb->pitch * fb->height;	/* < 2^64: two 32-bit factors */
	/* Not addr + size > limit: an addr near 2^64 would wrap the sum below it. */
	if (fb->addr > limit || size > limit - fb->addr)
		return "video memory not below the identity map's end";
	return NULL;
}

unsigned int fbcon_rows(const struct fbcon *fb)
{
	return fb->height / FONT_HEIGHT;
}

unsigned int fbcon_cols(const struct fbcon *fb)
{
	return fb->width / FONT_WIDTH;
}

uint32_t fbcon_color(const struct fbcon *fb, unsigned int c)
{
	return fb->palette[c & 15];
}

/* One glyph row of 8 pixels; the common 32-bit case goes two pixels per store. */
static void draw_row32(uint8_t *p, uint8_t bits, uint32_t fg, uint32_t bg)
{
	uint64_t *q = (uint64_t *)p;

	for (int x = 0; x < FONT_WIDTH; x += 2) {
		uint64_t left = bits & (0x80 >> x) ? fg : bg;
		uint64_t right = bits & (0x40 >> x) ? fg : bg;

		q[x / 2] = left | right << 32;
	}
}

/*
 * One glyph row at 24 bits per pixel: its 8 pixels are 24 bytes, three 64-bit
 * stores (pixel x is bits 24x..24x+23 of the little-endian 192-bit row), not
 * 24 byte stores. The screens GRUB sets up under QEMU are 800x600x24: a test
 * boot that draws its log redraws most cells on each of ~1,000 scrolls.
 */
static void draw_row24(uint8_t *p, uint8_t bits, uint32_t fg, uint32_t bg)
{
	uint64_t v[FONT_WIDTH], *q = (uint64_t *)p;

	_Static_assert(FONT_WIDTH == 8, "a glyph row is three 64-bit words at 24 bpp");
	for (int x = 0; x < FONT_WIDTH; x++)
		v[x] = (bits & (0x80 >> x) ? fg : bg) & 0xFFFFFF;
	q[0] = v[0] | v[1] << 24 | v[2] << 48;
	q[1] = v[2] >> 16 | v[3] << 8 | v[4] << 32 | v[5] << 56;
	q[2] = v[5] >> 8 | v[6] << 16 | v[7] << 40;
}

static void draw_row(uint8_t *p, uint8_t bits, uint32_t fg, uint32_t bg, uint8_t bytes_pp)
{
	for (int x = 0; x < FONT_WIDTH; x++) {
		uint32_t v = bits & (0x80 >> x) ? fg : bg;

		for (int b = 0; b < bytes_pp; b++)
			*p++ = (uint8_t)(v >> (8 * b));
	}
}

static void fbcon_draw(void *dev, unsigned int row, unsigned int col, char ch, uint8_t attr)
{
	struct fbcon *fb = dev;
	const uint8_t *glyph = font_glyph(ch);
	uint32_t fg = fb->palette[attr & 15], bg = fb->palette[attr >> 4];
	uint8_t *p = fb->base + (size_t)row * FONT_HEIGHT * fb->pitch +
		     (size_t)col * FONT_WIDTH * fb->bytes_pp;

	for (int y = 0; y < FONT_HEIGHT; y++, p += fb->pitch) {
		/* A pitch that is a multiple of 8 keeps every 32-bit cell row 8-byte aligned. */
		if (fb->bytes_pp == 4 && fb->pitch % 8 == 0)
			draw_row32(p, glyph[y], fg, bg);
		/* 24 bytes a cell: 8-byte aligned if the row and the screen's start are. */
		else if (fb->bytes_pp == 3 && fb->pitch % 8 == 0 && (uintptr_t)fb->base % 8 == 0)
			draw_row24(p, glyph[y], fg, bg);
		else
			draw_row(p, glyph[y], fg, bg, fb->bytes_pp);
	}
}

const struct con_ops fbcon_ops = { .draw = fbcon_draw };
