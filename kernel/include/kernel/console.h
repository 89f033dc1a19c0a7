/* SPDX-License-Identifier: MIT */
/*
 * The screen console: a grid of text cells drawn through a backend.
 *
 * Two layers, one header:
 *
 *   struct con and con_<verb>() (portable, host-tested): the grid, the
 *   cursor and scrolling, over cell storage the caller provides. It keeps
 *   what every cell shows and asks the backend to draw a cell only when its
 *   contents change, so a scroll redraws just the cells that differ from
 *   the line below them. Backends: fbcon (pixels, through the 8x16 font)
 *   and vgacon (VGA text mode); both only write, never read, video memory.
 *
 *   screen_*() (kernel): the one screen the boot loader handed us, picked
 *   from its framebuffer (kmain's struct boot_framebuffer): RGB, else EGA
 *   text, else none (serial only). printk fans out to it.
 *
 * Colours are the 16 VGA colours, an attribute byte being fg | bg << 4.
 * Control characters: '\n' new line, '\r' column 0, '\b' one cell left,
 * '\t' to the next multiple of 8; other non-printables draw as '?'.
 * No locking in the core: screen_*() serialise.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum con_color {
	CON_BLACK, CON_BLUE, CON_GREEN, CON_CYAN, CON_RED, CON_MAGENTA, CON_BROWN,
	CON_LIGHT_GREY, CON_DARK_GREY, CON_LIGHT_BLUE, CON_LIGHT_GREEN,
	CON_LIGHT_CYAN, CON_LIGHT_RED, CON_LIGHT_MAGENTA, CON_YELLOW, CON_WHITE,
};

#define CON_ATTR(fg, bg)	((uint8_t)((fg) | (bg) << 4))
#define CON_DEFAULT_ATTR	CON_ATTR(CON_LIGHT_GREY, CON_BLACK)
#define CON_TAB			8

struct con_cell {
	char ch;
	uint8_t attr;
};

struct con_ops {
	/* Show ch in attr's colours at (row, col). */
	void (*draw)(void *dev, unsigned int row, unsigned int col, char ch, uint8_t attr);
};

/* Fields are private to console.c except for reading. */
struct con {
	const struct con_ops *ops;
	void *dev;
	struct con_cell *cells;		/* rows * cols, row-major: what the screen shows */
	unsigned int rows, cols;
	unsigned int row, col;		/* where the next character goes */
	uint8_t attr;			/* for the next characters */
	bool cursor;			/* show the cursor cell inverted */
	uint64_t scrolls;		/* lines scrolled off the top */
};

/* Start con over rows * cols cells of storage, clear it and draw it blank. */
void con_init(struct con *con, const struct con_ops *ops, void *dev,
	      struct con_cell *cells, unsigned int rows, unsigned int cols);
/* Write len characters at the cursor, wrapping at the right edge and scrolling at the bottom. */
void con_write(struct con *con, const char *s, size_t len);
/* The colours of what is written next. */
void con_set_attr(struct con *con, uint8_t attr);
/* Blank the screen and home the cursor. */
void con_clear(struct con *con);
/* Show or hide the cursor (an inverted cell where the next character goes). */
void con_show_cursor(struct con *con, bool on);
/* The cell at (row, col), for tests and screenshots of the grid. */
struct con_cell con_cell_at(const struct con *con, unsigned int row, unsigned int col);

/* ---------------------------------------------------------------- backends */

/* A linear framebuffer with direct colour, 15/16/24/32 bits per pixel. */
struct fbcon {
	uint8_t *base;			/* where pixel (0, 0) is mapped */
	uint32_t pitch;			/* bytes per scan line */
	uint32_t width, height;		/* in pixels */
	uint8_t bytes_pp;
	uint32_t palette[16];		/* each VGA colour as a pixel value */
};

/* One colour channel: where it sits in a pixel and how many bits it has. */
struct fb_channel {
	uint8_t pos, size;
};

/*
 * Set up fb for the framebuffer at base; false (fb unusable) unless bpp is
 * 15, 16, 24 or 32 and the geometry holds at least one text cell.
 */
bool fbcon_init(struct fbcon *fb, void *base, uint32_t pitch, uint32_t width,
		uint32_t height, uint8_t bpp, struct fb_channel red,
		struct fb_channel green, struct fb_channel blue);
/* Text rows and columns that fit on fb. */
unsigned int fbcon_rows(const struct fbcon *fb);
unsigned int fbcon_cols(const struct fbcon *fb);
/* The pixel value of VGA colour c (0-15) on fb. */
uint32_t fbcon_color(const struct fbcon *fb, unsigned int c);
extern const struct con_ops fbcon_ops;

struct boot_framebuffer;
/*
 * What makes the boot loader's framebuffer unusable for fbcon (type 1,
 * RGB) or vgacon (type 2, EGA text), or NULL if nothing does: another
 * type, an RGB depth other than 15, 16, 24 or 32, an empty screen, a pitch
 * shorter than a row (width times bytes per pixel, or 2 bytes per text
 * cell), or video memory [addr, addr + pitch * height) not below limit.
 * Sizes are computed in 64 bits and compared without wrapping, whatever
 * the fields hold. (A tag too short for its fields never gets this far:
 * the boot information parser refuses it.)
 */
const char *fb_problem(const struct boot_framebuffer *fb, uint64_t limit);

/* VGA text mode: 16-bit cells, character then attribute, at base. */
struct vgacon {
	volatile uint16_t *base;
	unsigned int cols;
};
extern const struct con_ops vgacon_ops;

/* ---------------------------------------------------------------- kernel */

enum screen_kind {
	SCREEN_NONE,
	SCREEN_FRAMEBUFFER,
	SCREEN_VGA_TEXT,
};

/* Clear the boot loader's framebuffer and draw on it; SCREEN_NONE if it is none we can use. */
enum screen_kind screen_init(const struct boot_framebuffer *fb);
/* Draw len characters; nothing without a screen. */
void screen_write(const char *s, size_t len);
/* Colour what follows by printk level letter ('E', 'W', 'I', 'D', ...); 0 restores the default. */
void screen_set_level(char level);
/* Show or hide the cursor: the shell shows it while it waits for a key. */
void screen_show_cursor(bool on);
/* Which screen we have, and its size in text cells. */
enum screen_kind screen_kind(void);
void screen_size(unsigned int *rows, unsigned int *cols);
/* "framebuffer 1024x768x32 at 0xfd000000", "VGA text 80x25", "none". */
const char *screen_describe(void);
/* A panic from here on: the lock is waited for 20 ms at most, then the screen is left alone. */
void screen_panic(void);
/* Panic selftest only: take the screen lock and keep it, as a CPU stopped mid-write would. */
void screen_hold_lock(void);

#endif /* KERNEL_CONSOLE_H */
