/*
 * The kernel's screen: the console over whatever display the boot loader
 * set up, found in the multiboot2 framebuffer tag. An RGB framebuffer gets
 * fbcon, EGA text (BIOS text mode) vgacon; anything else, or no tag, leaves
 * the kernel on serial alone. The framebuffer must lie in the boot
 * identity map (below 4 GiB); GRUB has never been seen to put one higher.
 */
#include <arch/cpu.h>
#include <arch/io.h>
#include <arch/tsc.h>
#include <kernel/console.h>
#include <kernel/font.h>
#include <kernel/multiboot2.h>
#include <kernel/printk.h>
#include <kernel/spinlock.h>

#define MAX_ROWS	128
#define MAX_COLS	256
#define IDENTITY_LIMIT	(4ull << 30)
#define CRTC_INDEX	0x3D4
#define CRTC_DATA	0x3D5
#define CRTC_CURSOR_START 0x0A
#define CURSOR_DISABLE	0x20
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

static bool setup_framebuffer(const struct mb2_tag_framebuffer *tag)
{
	const struct mb2_fb_rgb *rgb = (const void *)(tag + 1);

	if (!fbcon_init(&fb, (void *)(uintptr_t)tag->addr, tag->pitch, tag->width,
			tag->height, tag->bpp,
			(struct fb_channel){ rgb->red_pos, rgb->red_size },
			(struct fb_channel){ rgb->green_pos, rgb->green_size },
			(struct fb_channel){ rgb->blue_pos, rgb->blue_size }))
		return false;
	con_init(&con, &fbcon_ops, &fb, cells, min(fbcon_rows(&fb), MAX_ROWS),
		 min(fbcon_cols(&fb), MAX_COLS));
	snprintf(description, sizeof(description), "framebuffer %ux%ux%u at 0x%lx, %ux%u cells",
		 tag->width, tag->height, tag->bpp, tag->addr, con.cols, con.rows);
	return true;
}

/* Text mode: width and height count characters, the address is 0xB8000. */
static bool setup_vga_text(const struct mb2_tag_framebuffer *tag)
{
	vga = (struct vgacon){ (volatile uint16_t *)(uintptr_t)tag->addr, tag->pitch / 2 };
	/* The blinking hardware cursor stays where the BIOS left it: our cursor is a cell. */
	outb(CRTC_INDEX, CRTC_CURSOR_START);
	outb(CRTC_DATA, CURSOR_DISABLE);
	con_init(&con, &vgacon_ops, &vga, cells, min(tag->height, MAX_ROWS),
		 min(tag->width, MAX_COLS));
	snprintf(description, sizeof(description), "VGA text %ux%u at 0x%lx",
		 con.cols, con.rows, tag->addr);
	return true;
}

/* The boot loader's framebuffer tag, if it is one we can draw on; else say why not. */
static const struct mb2_tag_framebuffer *usable_tag(const void *mbi)
{
	const struct mb2_tag_framebuffer *tag;
	const char *why;

	tag = mbi ? (const void *)mb2_find(mbi, MB2_TAG_FRAMEBUFFER) : NULL;
	if (!tag)
		return NULL;
	why = fb_tag_problem(tag, IDENTITY_LIMIT);
	if (why && tag->tag.size < sizeof(*tag))
		pr_warn("screen: framebuffer tag of %u bytes refused (%s); serial console only\n",
			tag->tag.size, why);
	else if (why)
		pr_warn("screen: framebuffer tag refused (%s): type %u, %ux%u, %u bpp, pitch %u, "
			"at 0x%lx; serial console only\n", why, tag->type, tag->width, tag->height,
			tag->bpp, tag->pitch, tag->addr);
	return why ? NULL : tag;
}

enum screen_kind screen_init(const void *mbi)
{
	const struct mb2_tag_framebuffer *tag = usable_tag(mbi);

	snprintf(description, sizeof(description), "none");
	kind = SCREEN_NONE;
	if (tag && tag->type == 1 && setup_framebuffer(tag))
		kind = SCREEN_FRAMEBUFFER;
	else if (tag && tag->type == 2 && setup_vga_text(tag))
		kind = SCREEN_VGA_TEXT;
	else if (tag)
		pr_warn("screen: framebuffer %ux%u holds no %ux%u text cell; serial console only\n",
			tag->width, tag->height, FONT_WIDTH, FONT_HEIGHT);
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
