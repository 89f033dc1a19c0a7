// SPDX-License-Identifier: MIT
/*
 * The kernel's screen: the console over whatever display the boot loader
 * set up, handed over by kmain (struct boot_framebuffer). An RGB framebuffer gets
 * fbcon, EGA text (BIOS text mode) vgacon; anything else, or no tag, leaves
 * the kernel on serial alone. The framebuffer must lie below 4 GiB, drawn on
 * at its physical address (the boot identity map, then the kernel's own
 * tables map it there, RW+NX); GRUB has never been seen to put one higher.
 */
#include <arch/cpu.h>
#include <arch/tsc.h>
#include <arch/vga.h>
#include <kernel/bootinfo.h>
#include <kernel/console.h>
#include <kernel/font.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>

#define MAX_ROWS	128
#define MAX_COLS	256
#define IDENTITY_LIMIT	(4ull << 30)
#define PANIC_WAIT_MS	20	/* for the lock in a panic: a stopped CPU never lets go */

static struct spinlock lock = SPINLOCK_INIT;
static enum screen_kind kind;
static struct con con;
static struct con_cell cells[MAX_ROWS * MAX_COLS];
static struct fbcon fb;
static struct vgacon vga;
static char description[96];
static bool panicking;		/* atomic: the lock is waited for PANIC_WAIT_MS at most */
static bool abandoned;		/* atomic: a panic gave up on the lock: serial only from now */

static unsigned int min(unsigned int a, unsigned int b)
{
	return a < b ? a : b;
}

static bool setup_framebuffer(const struct boot_framebuffer *bf)
{
	if (!fbcon_init(&fb, (void *)(uintptr_t)bf->addr, bf->pitch, bf->width, bf->height, bf->bpp,
			(struct fb_channel){ bf->red_pos, bf->red_size },
			(struct fb_channel){ bf->green_pos, bf->green_size },
			(struct fb_channel){ bf->blue_pos, bf->blue_size }))
		return false;
	con_init(&con, &fbcon_ops, &fb, cells, min(fbcon_rows(&fb), MAX_ROWS),
		 min(fbcon_cols(&fb), MAX_COLS));
	snprintf(description, sizeof(description), "framebuffer %ux%ux%u at 0x%lx, %ux%u cells",
		 bf->width, bf->height, bf->bpp, bf->addr, con.cols, con.rows);
	return true;
}

/* Text mode: width and height count characters, the address is 0xB8000. */
static bool setup_vga_text(const struct boot_framebuffer *bf)
{
	vga = (struct vgacon){ (volatile uint16_t *)(uintptr_t)bf->addr, bf->pitch / 2 };
	/* The blinking hardware cursor stays where the BIOS left it: our cursor is a cell. */
	vga_hide_hw_cursor();
	con_init(&con, &vgacon_ops, &vga, cells, min(bf->height, MAX_ROWS),
		 min(bf->width, MAX_COLS));
	snprintf(description, sizeof(description), "VGA text %ux%u at 0x%lx",
		 con.cols, con.rows, bf->addr);
	return true;
}

/* The boot loader's framebuffer, if it is one we can draw on; else say why not. */
static bool usable(const struct boot_framebuffer *bf)
{
	const char *why;

	if (!bf->present)
		return false;
	why = fb_problem(bf, IDENTITY_LIMIT);
	if (why)
		pr_warn("screen: framebuffer refused (%s): type %u, %ux%u, %u bpp, pitch %u, "
			"at 0x%lx; serial console only\n", why, bf->type, bf->width, bf->height,
			bf->bpp, bf->pitch, bf->addr);
	return !why;
}

enum screen_kind screen_init(const struct boot_framebuffer *bf)
{
	bool ok = usable(bf);

	snprintf(description, sizeof(description), "none");
	kind = SCREEN_NONE;
	if (ok && bf->type == 1 && setup_framebuffer(bf))
		kind = SCREEN_FRAMEBUFFER;
	else if (ok && bf->type == 2 && setup_vga_text(bf))
		kind = SCREEN_VGA_TEXT;
	else if (ok)
		pr_warn("screen: framebuffer %ux%u holds no %ux%u text cell; serial console only\n",
			bf->width, bf->height, FONT_WIDTH, FONT_HEIGHT);
	return kind;
}

/* KTAP results in colour: the screen is for people, so it can afford it. */
static uint8_t ktap_attr(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && s[i] == ' ')
		i++;
	if (len - i >= 7 && s[i] == 'n' && s[i + 1] == 'o' && s[i + 2] == 't' && s[i + 3] == ' ' &&
	    s[i + 4] == 'o' && s[i + 5] == 'k' && s[i + 6] == ' ')
		return CON_ATTR(CON_LIGHT_RED, CON_BLACK);
	if (len - i >= 3 && s[i] == 'o' && s[i + 1] == 'k' && s[i + 2] == ' ')
		return CON_ATTR(CON_LIGHT_GREEN, CON_BLACK);
	return 0;
}

/*
 * Take the lock; false: leave the screen alone. In a panic the holder may be
 * a CPU stopped mid-write, so wait PANIC_WAIT_MS at most, then give the
 * screen up for good (drawing over a half-done write could scribble past
 * the cell grid): the report is on serial already.
 */
static bool screen_lock(void)
{
	uint64_t start, limit;

	if (!__atomic_load_n(&panicking, __ATOMIC_ACQUIRE)) {
		spin_lock(&lock);
		return true;
	}
	if (__atomic_load_n(&abandoned, __ATOMIC_RELAXED))
		return false;
	start = rdtsc();
	limit = tsc_khz() * PANIC_WAIT_MS;
	while (!spin_trylock(&lock)) {
		if (rdtsc() - start > limit) {
			__atomic_store_n(&abandoned, true, __ATOMIC_RELAXED);
			return false;
		}
		cpu_relax();
	}
	return true;
}

void screen_panic(void)
{
	__atomic_store_n(&panicking, true, __ATOMIC_RELEASE);
}

void screen_write(const char *s, size_t len)
{
	uint8_t attr, saved;

	if (kind == SCREEN_NONE || !screen_lock())
		return;
	saved = con.attr;
	attr = con.col == 0 && saved == CON_DEFAULT_ATTR ? ktap_attr(s, len) : 0;
	if (attr)
		con_set_attr(&con, attr);
	con_write(&con, s, len);
	con_set_attr(&con, saved);
	spin_unlock(&lock);
}

void screen_set_level(char level)
{
	uint8_t fg;

	switch (level) {
	case 'E':
		fg = CON_LIGHT_RED;
		break;
	case 'W':
		fg = CON_YELLOW;
		break;
	case 'N':
		fg = CON_WHITE;
		break;
	case 'D':
		fg = CON_DARK_GREY;
		break;
	default:
		fg = CON_LIGHT_GREY;
		break;
	}
	if (!screen_lock())
		return;
	con_set_attr(&con, CON_ATTR(fg, CON_BLACK));
	spin_unlock(&lock);
}

void screen_show_cursor(bool on)
{
	if (kind == SCREEN_NONE || !screen_lock())
		return;
	con_show_cursor(&con, on);
	spin_unlock(&lock);
}

enum screen_kind screen_kind(void)
{
	return kind;
}

void screen_size(unsigned int *rows, unsigned int *cols)
{
	*rows = kind == SCREEN_NONE ? 0 : con.rows;
	*cols = kind == SCREEN_NONE ? 0 : con.cols;
}

const char *screen_describe(void)
{
	return description;
}

void screen_hold_lock(void)
{
	spin_lock(&lock);
}
