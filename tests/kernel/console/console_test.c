// SPDX-License-Identifier: MIT
/* The console grid, fbcon's pixels and vgacon's cells, on memory instead of a screen. */
#include <kernel/bootinfo.h>
#include <kernel/console.h>
#include <kernel/font.h>
#include <kernel/ktest.h>

#define ROWS	4
#define COLS	10

/* A fake screen: what was drawn where, and how many draws it took. */
struct fake {
	struct con_cell shown[ROWS][COLS];
	unsigned int draws;
};

static void fake_draw(void *dev, unsigned int row, unsigned int col, char ch, uint8_t attr)
{
	struct fake *f = dev;

	f->shown[row][col] = (struct con_cell){ ch, attr };
	f->draws++;
}

static const struct con_ops fake_ops = { .draw = fake_draw };

static size_t len(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static void write(struct con *con, const char *s)
{
	con_write(con, s, len(s));
}

/* Row r of the fake screen as a string, trailing blanks kept. */
static const char *row_text(struct fake *f, unsigned int r, char *buf)
{
	for (unsigned int c = 0; c < COLS; c++)
		buf[c] = f->shown[r][c].ch;
	buf[COLS] = 0;
	return buf;
}

static struct con_cell cells[ROWS * COLS];
static struct fake fake;
static struct con con;

static void setup(void)
{
	fake = (struct fake){ 0 };
	con_init(&con, &fake_ops, &fake, cells, ROWS, COLS);
}

KTEST(console, init_draws_every_cell_blank)
{
	char buf[COLS + 1];

	setup();
	EXPECT_EQ(t, fake.draws, ROWS * COLS);
	EXPECT_STREQ(t, row_text(&fake, 3, buf), "          ");
	EXPECT_EQ(t, fake.shown[0][0].attr, CON_DEFAULT_ATTR);
}

KTEST(console, text_newline_and_carriage_return)
{
	char buf[COLS + 1];

	setup();
	write(&con, "ab\ncd\rX");
	EXPECT_STREQ(t, row_text(&fake, 0, buf), "ab        ");
	EXPECT_STREQ(t, row_text(&fake, 1, buf), "Xd        ");
	EXPECT_EQ(t, con.row, 1);
	EXPECT_EQ(t, con.col, 1);
}

KTEST(console, wraps_at_the_right_edge_without_a_blank_line)
{
	char buf[COLS + 1];

	setup();
	write(&con, "0123456789");
	EXPECT_EQ(t, con.row, 0);
	write(&con, "\nx");
	EXPECT_STREQ(t, row_text(&fake, 1, buf), "x         ");
	write(&con, "abcdefghijKL");
	EXPECT_STREQ(t, row_text(&fake, 1, buf), "xabcdefghi");
	EXPECT_STREQ(t, row_text(&fake, 2, buf), "jKL       ");
}

KTEST(console, scroll_moves_lines_up_and_redraws_only_changes)
{
	char buf[COLS + 1];
	unsigned int before;

	setup();
	write(&con, "same\nsame\nsame\nlast");
	before = fake.draws;
	write(&con, "\n");
	EXPECT_STREQ(t, row_text(&fake, 0, buf), "same      ");
	EXPECT_STREQ(t, row_text(&fake, 2, buf), "last      ");
	EXPECT_STREQ(t, row_text(&fake, 3, buf), "          ");
	EXPECT_EQ(t, con.scrolls, 1);
	/* Rows 0-1 kept "same"; "same" -> "last" keeps the 'a'; row 3 lost 4 cells. */
	EXPECT_EQ(t, fake.draws - before, 3 + 4);
}

KTEST(console, backspace_and_tab)
{
	char buf[COLS + 1];

	setup();
	write(&con, "ab\b\bX\tY");
	/* A tab writes blanks up to the stop: the 'b' is gone. */
	EXPECT_STREQ(t, row_text(&fake, 0, buf), "X       Y ");
	write(&con, "\r\b");
	EXPECT_EQ(t, con.col, 0);
}

KTEST(console, attributes_and_unprintables)
{
	setup();
	con_set_attr(&con, CON_ATTR(CON_LIGHT_RED, CON_BLUE));
	write(&con, "E\x01");
	EXPECT_EQ(t, fake.shown[0][0].attr, CON_ATTR(CON_LIGHT_RED, CON_BLUE));
	EXPECT_EQ(t, fake.shown[0][1].ch, '\x01');	/* the backend draws it as '?' */
	EXPECT_EQ(t, con_cell_at(&con, 0, 0).ch, 'E');
	EXPECT_EQ(t, con_cell_at(&con, ROWS, 0).ch, 0);
	/* The same character in other colours is a change too. */
	con_set_attr(&con, CON_DEFAULT_ATTR);
	write(&con, "\rE");
	EXPECT_EQ(t, fake.shown[0][0].attr, CON_DEFAULT_ATTR);
}

KTEST(console, cursor_is_an_inverted_cell_that_follows_the_text)
{
	setup();
	write(&con, "a");
	con_show_cursor(&con, true);
	EXPECT_EQ(t, fake.shown[0][1].attr, CON_ATTR(CON_BLACK, CON_LIGHT_GREY));
	write(&con, "b");
	EXPECT_EQ(t, fake.shown[0][1].attr, CON_DEFAULT_ATTR);
	EXPECT_EQ(t, fake.shown[0][1].ch, 'b');
	EXPECT_EQ(t, fake.shown[0][2].attr, CON_ATTR(CON_BLACK, CON_LIGHT_GREY));
	con_show_cursor(&con, false);
	EXPECT_EQ(t, fake.shown[0][2].attr, CON_DEFAULT_ATTR);
}

KTEST(console, clear_blanks_and_homes)
{
	char buf[COLS + 1];

	setup();
	write(&con, "x\ny\nz");
	con_clear(&con);
	EXPECT_STREQ(t, row_text(&fake, 1, buf), "          ");
	EXPECT_EQ(t, con.row, 0);
	EXPECT_EQ(t, con.col, 0);
}

/* ---------------------------------------------------------------- fbcon */

#define FB_W	24	/* 3 cells */
#define FB_H	40	/* 2 cells and 8 spare lines */

static const struct fb_channel red8 = { 16, 8 }, green8 = { 8, 8 }, blue8 = { 0, 8 };

KTEST(fbcon, refuses_odd_depths_and_tiny_screens)
{
	static uint32_t px[FB_W * FB_H];
	struct fbcon fb;

	EXPECT_FALSE(t, fbcon_init(&fb, px, FB_W * 4, FB_W, FB_H, 8, red8, green8, blue8));
	EXPECT_FALSE(t, fbcon_init(&fb, px, FB_W * 4, 7, FB_H, 32, red8, green8, blue8));
	EXPECT_FALSE(t, fbcon_init(&fb, px, FB_W * 2, FB_W, FB_H, 32, red8, green8, blue8));
	ASSERT_TRUE(t, fbcon_init(&fb, px, FB_W * 4, FB_W, FB_H, 32, red8, green8, blue8));
	EXPECT_EQ(t, fbcon_rows(&fb), 2);
	EXPECT_EQ(t, fbcon_cols(&fb), 3);
}

KTEST(fbcon, palette_follows_the_channel_layout)
{
	static uint16_t px[FB_W * FB_H];
	struct fbcon fb;

	ASSERT_TRUE(t, fbcon_init(&fb, px, FB_W * 4, FB_W, FB_H, 32, red8, green8, blue8));
	EXPECT_EQ(t, fbcon_color(&fb, CON_WHITE), 0xFFFFFF);
	EXPECT_EQ(t, fbcon_color(&fb, CON_LIGHT_RED), 0xFF5555);
	EXPECT_EQ(t, fbcon_color(&fb, CON_BLUE), 0x0000AA);
	/* RGB565: 0xAA >> 3 = 21 in blue, 0x55 >> 2 = 21 in green. */
	ASSERT_TRUE(t, fbcon_init(&fb, px, FB_W * 2, FB_W, FB_H, 16,
				  (struct fb_channel){ 11, 5 }, (struct fb_channel){ 5, 6 },
				  (struct fb_channel){ 0, 5 }));
	EXPECT_EQ(t, fbcon_color(&fb, CON_LIGHT_BLUE), 0x52BF);
	EXPECT_EQ(t, fbcon_color(&fb, CON_BLACK), 0);
}

/* Does every pixel of cell (row, col) match glyph c in fg on bg? */
static bool cell_matches(const uint32_t *px, unsigned int row, unsigned int col, char c,
			 uint32_t fg, uint32_t bg)
{
	const uint8_t *g = font_glyph(c);

	for (int y = 0; y < FONT_HEIGHT; y++)
		for (int x = 0; x < FONT_WIDTH; x++) {
			uint32_t want = g[y] & (0x80 >> x) ? fg : bg;

			if (px[(row * FONT_HEIGHT + y) * FB_W + col * FONT_WIDTH + x] != want)
				return false;
		}
	return true;
}

KTEST(fbcon, draws_glyphs_pixel_for_pixel_at_32bpp)
{
	static uint32_t px[FB_W * FB_H];
	static struct con_cell fbcells[2 * 3];
	struct fbcon fb;
	struct con c;

	for (size_t i = 0; i < FB_W * FB_H; i++)
		px[i] = 0x12345678;
	ASSERT_TRUE(t, fbcon_init(&fb, px, FB_W * 4, FB_W, FB_H, 32, red8, green8, blue8));
	con_init(&c, &fbcon_ops, &fb, fbcells, 2, 3);
	con_set_attr(&c, CON_ATTR(CON_YELLOW, CON_BLUE));
	con_write(&c, "A#\ng", 4);
	EXPECT_TRUE(t, cell_matches(px, 0, 0, 'A', 0xFFFF55, 0x0000AA));
	EXPECT_TRUE(t, cell_matches(px, 0, 1, '#', 0xFFFF55, 0x0000AA));
	EXPECT_TRUE(t, cell_matches(px, 1, 0, 'g', 0xFFFF55, 0x0000AA));
	EXPECT_TRUE(t, cell_matches(px, 0, 2, ' ', 0, 0));
	EXPECT_FALSE(t, cell_matches(px, 0, 0, 'B', 0xFFFF55, 0x0000AA));
	/* Below the last full text row nothing is touched. */
	EXPECT_EQ(t, px[(2 * FONT_HEIGHT) * FB_W], 0x12345678);
	EXPECT_EQ(t, px[FB_W * FB_H - 1], 0x12345678);
}

KTEST(fbcon, draws_24bpp_bytes_in_channel_order)
{
	static uint8_t px[FB_W * 3 * FB_H];
	static struct con_cell fbcells[2 * 3];
	const uint8_t *g = font_glyph('M');
	struct fbcon fb;
	struct con c;

	ASSERT_TRUE(t, fbcon_init(&fb, px, FB_W * 3, FB_W, FB_H, 24, red8, green8, blue8));
	con_init(&c, &fbcon_ops, &fb, fbcells, 2, 3);
	con_set_attr(&c, CON_ATTR(CON_LIGHT_RED, CON_BLACK));
	con_write(&c, "\nM", 2);
	for (int y = 0; y < FONT_HEIGHT; y++)
		for (int x = 0; x < FONT_WIDTH; x++) {
			const uint8_t *p = px + (size_t)(FONT_HEIGHT + y) * FB_W * 3 + x * 3;
			bool on = g[y] & (0x80 >> x);

			if (!on) {
				EXPECT_EQ(t, p[0] | p[1] << 8 | p[2] << 16, 0);
				continue;
			}
			EXPECT_EQ(t, p[0], 0x55);	/* blue, the low byte */
			EXPECT_EQ(t, p[2], 0xFF);	/* red */
		}
}

/* The 24-bit pixel at (x, y) of a pitch-FB_W*3 screen, bytes assembled one by one. */
static uint32_t px24(const uint8_t *px, unsigned int x, unsigned int y)
{
	const uint8_t *p = px + (size_t)y * FB_W * 3 + x * 3;

	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

/* 24 bits: every byte of every pixel of a row of cells, nothing past the grid. */
KTEST(fbcon, draws_24bpp_cells_pixel_for_pixel)
{
	static uint8_t px[FB_W * 3 * FB_H] __attribute__((aligned(8)));
	static struct con_cell fbcells[2 * 3];
	const char text[] = "\nMW%";
	struct fbcon fb;
	struct con c;

	for (size_t i = 0; i < sizeof(px); i++)
		px[i] = 0xEE;
	ASSERT_TRUE(t, fbcon_init(&fb, px, FB_W * 3, FB_W, FB_H, 24, red8, green8, blue8));
	con_init(&c, &fbcon_ops, &fb, fbcells, 2, 3);
	con_set_attr(&c, CON_ATTR(CON_YELLOW, CON_BLUE));
	con_write(&c, text, 4);
	for (unsigned int col = 0; col < 3; col++) {
		const uint8_t *g = font_glyph(text[1 + col]);

		for (unsigned int y = 0; y < FONT_HEIGHT; y++)
			for (unsigned int x = 0; x < FONT_WIDTH; x++)
				EXPECT_EQ(t, px24(px, col * FONT_WIDTH + x, FONT_HEIGHT + y),
					  g[y] & (0x80 >> x) ? 0xFFFF55 : 0x0000AA);
	}
	EXPECT_EQ(t, px24(px, FB_W - 1, FONT_HEIGHT - 1), 0);	/* row 0: blank, black */
	EXPECT_EQ(t, px24(px, 0, 2 * FONT_HEIGHT), 0xEEEEEE);	/* the spare lines */
	EXPECT_EQ(t, px24(px, FB_W - 1, FB_H - 1), 0xEEEEEE);
}

/*
 * 24 bits, the two ways of drawing a row: an 8-byte aligned screen with a pitch
 * of 8-byte multiples takes three 64-bit stores a glyph row, one starting a
 * byte later takes bytes. Both must give every pixel of every glyph row its
 * colour (fg and bg differ in each byte, so a byte shifted across a word
 * boundary shows) and leave the spare lines and the bytes around alone.
 */
KTEST(fbcon, draws_24bpp_aligned_and_unaligned_alike)
{
	static uint8_t buf[2][FB_W * 3 * FB_H + 8] __attribute__((aligned(8)));
	static struct con_cell fbcells[2][2 * 3];
	const char text[] = "MW%";
	struct fbcon fb[2];
	struct con c[2];

	for (int i = 0; i < 2; i++) {
		uint8_t *px = buf[i] + i;	/* [1]: one byte off 8-byte alignment */

		for (size_t j = 0; j < sizeof(buf[i]); j++)
			buf[i][j] = 0xEE;
		ASSERT_TRUE(t, fbcon_init(&fb[i], px, FB_W * 3, FB_W, FB_H, 24,
					  red8, green8, blue8));
		con_init(&c[i], &fbcon_ops, &fb[i], fbcells[i], 2, 3);
		con_set_attr(&c[i], CON_ATTR(CON_LIGHT_CYAN, CON_RED));
		con_write(&c[i], text, 3);
	}
	for (unsigned int col = 0; col < 3; col++) {
		const uint8_t *g = font_glyph(text[col]);

		for (unsigned int y = 0; y < FONT_HEIGHT; y++)
			for (unsigned int x = 0; x < FONT_WIDTH; x++) {
				uint32_t want = g[y] & (0x80 >> x) ? 0x55FFFF : 0xAA0000;

				EXPECT_EQ(t, px24(buf[0], col * FONT_WIDTH + x, y), want);
				EXPECT_EQ(t, px24(buf[1] + 1, col * FONT_WIDTH + x, y), want);
			}
	}
	EXPECT_EQ(t, buf[1][0], 0xEE);			/* before the unaligned screen */
	EXPECT_EQ(t, px24(buf[0], 0, 2 * FONT_HEIGHT), 0xEEEEEE);	/* the spare lines */
	EXPECT_EQ(t, px24(buf[1] + 1, 0, 2 * FONT_HEIGHT), 0xEEEEEE);
}

KTEST(vgacon, writes_character_and_attribute_words)
{
	static uint16_t text[2 * 4];
	static struct con_cell vcells[2 * 4];
	struct vgacon vga = { text, 4 };
	struct con c;

	con_init(&c, &vgacon_ops, &vga, vcells, 2, 4);
	EXPECT_EQ(t, text[7], 0x0720);
	con_set_attr(&c, CON_ATTR(CON_WHITE, CON_RED));
	con_write(&c, "hi\n\x7f", 4);
	EXPECT_EQ(t, text[0], 0x4F68);
	EXPECT_EQ(t, text[1], 0x4F69);
	EXPECT_EQ(t, text[4], 0x4F3F);		/* DEL shows as '?' */
}

/* ---------------------------------------------------------------- framebuffers */

#define FOUR_GIB	(4ull << 30)

/* A framebuffer as the boot loader describes it (multiboot2 tag 8), RGB's colours 8:8:8. */
static struct boot_framebuffer fb_tag(uint8_t type, uint64_t addr, uint32_t pitch, uint32_t width,
				      uint32_t height, uint8_t bpp)
{
	return (struct boot_framebuffer){
		.present = true, .addr = addr, .pitch = pitch, .width = width, .height = height,
		.bpp = bpp, .type = type, .red_pos = 16, .red_size = 8, .green_pos = 8,
		.green_size = 8, .blue_pos = 0, .blue_size = 8,
	};
}

static const char *problem(struct boot_framebuffer fb)
{
	return fb_problem(&fb, FOUR_GIB);
}

KTEST(fb_tag, accepts_what_grub_passes)
{
	/* QEMU's std VGA at 1024x768x32, and BIOS text mode. */
	EXPECT_NULL(t, problem(fb_tag(1, 0xFD000000, 4096, 1024, 768, 32)));
	EXPECT_NULL(t, problem(fb_tag(2, 0xB8000, 160, 80, 25, 16)));
	/* Video memory may end exactly at the limit, not a byte past it. */
	EXPECT_NULL(t, problem(fb_tag(1, FOUR_GIB - 4096 * 768, 4096, 1024, 768, 32)));
	EXPECT_NOT_NULL(t, problem(fb_tag(1, FOUR_GIB - 4096 * 768 + 1, 4096, 1024, 768, 32)));
}

KTEST(fb_tag, refuses_an_address_whose_end_wraps_past_2_64)
{
	/* addr + pitch * height is 0x1000 in 64 bits: below the limit if it wraps. */
	EXPECT_NOT_NULL(t, problem(fb_tag(1, 0xFFFFFFFFFFFFF000ull - 0x300000 + 0x2000, 4096,
					  1024, 768, 32)));
	EXPECT_NOT_NULL(t, problem(fb_tag(2, ~0ull - 159, 160, 80, 25, 16)));
	EXPECT_NOT_NULL(t, problem(fb_tag(1, ~0ull, 4096, 1024, 768, 32)));
}

KTEST(fb_tag, refuses_a_width_whose_row_wraps_32_bits)
{
	/* width * 2 (text) and width * 4 (32 bpp) are 0 in 32 bits: any pitch would do. */
	EXPECT_NOT_NULL(t, problem(fb_tag(2, 0xB8000, 160, 0x80000000u, 25, 16)));
	EXPECT_NOT_NULL(t, problem(fb_tag(1, 0xFD000000, 4096, 0x40000000u, 768, 32)));
	EXPECT_NOT_NULL(t, problem(fb_tag(1, 0xFD000000, 4096, 0x55555556u, 768, 24)));
	/* A pitch one byte short of a row. */
	EXPECT_NOT_NULL(t, problem(fb_tag(2, 0xB8000, 159, 80, 25, 16)));
	EXPECT_NOT_NULL(t, problem(fb_tag(1, 0xFD000000, 4095, 1024, 768, 32)));
}

/* Tags too short for their fields are the parser's to refuse (bootinfo_test.c). */
KTEST(fb_tag, refuses_empty_screens_and_other_types)
{
	EXPECT_NOT_NULL(t, problem(fb_tag(0, 0xFD000000, 1024, 1024, 768, 8)));	/* indexed */
	EXPECT_NOT_NULL(t, problem(fb_tag(3, 0xFD000000, 4096, 1024, 768, 32)));
	EXPECT_NOT_NULL(t, problem(fb_tag(1, 0xFD000000, 4096, 1024, 768, 8)));
	EXPECT_NOT_NULL(t, problem(fb_tag(1, 0xFD000000, 4096, 1024, 768, 33)));
	EXPECT_NULL(t, problem(fb_tag(1, 0xFD000000, 2048, 1024, 768, 15)));
	EXPECT_NOT_NULL(t, problem(fb_tag(2, 0xB8000, 160, 0, 25, 16)));
	EXPECT_NOT_NULL(t, problem(fb_tag(1, 0xFD000000, 4096, 1024, 0, 32)));
}
