// SPDX-License-Identifier: MIT
/* PS/2 scan code set 1 to keys, for a US layout: what the i8042 hands us with translation on. */
#include <kernel/input.h>

#define SC_RELEASE	0x80
#define SC_EXTENDED	0xE0
#define SC_CTRL		0x1D
#define SC_SHIFT_L	0x2A
#define SC_SHIFT_R	0x36
#define SC_CAPS		0x3A

/* Make codes 0x00-0x39; 0 where the key is a modifier or has no character. */
static const char plain[] =
	"\0\0331234567890-=\b\tqwertyuiop[]\n\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 ";
static const char shifted[] =
	"\0\033!@#$%^&*()_+\b\tQWERTYUIOP{}\n\0ASDFGHJKL:\"~\0|ZXCVBNM<>?\0*\0 ";

_Static_assert(sizeof(plain) == 0x3A + 1 && sizeof(shifted) == 0x3A + 1,
	       "one character per make code 0x00-0x39");

/* Keys after an E0 prefix: the grey cursor block and the keypad's Enter and '/'. */
static int extended_key(uint8_t code)
{
	switch (code) {
	case 0x48: return KEY_UP;
	case 0x50: return KEY_DOWN;
	case 0x4B: return KEY_LEFT;
	case 0x4D: return KEY_RIGHT;
	case 0x47: return KEY_HOME;
	case 0x4F: return KEY_END;
	case 0x53: return KEY_DELETE;
	case 0x1C: return '\n';
	case 0x35: return '/';
	}
	return -1;
}

/* Track a modifier; true if code was one. */
static bool modifier(struct kbd *k, uint8_t code, bool down)
{
	switch (code) {
	case SC_SHIFT_L:
		k->shift_l = down;
		return true;
	case SC_SHIFT_R:
		k->shift_r = down;
		return true;
	case SC_CTRL:
		k->ctrl = down;
		return true;
	case SC_CAPS:
		k->caps ^= down;
		return true;
	}
	return false;
}

static int character(const struct kbd *k, uint8_t code)
{
	bool shift = k->shift_l || k->shift_r;
	char c;

	if (code >= sizeof(plain) - 1)
		return -1;
	c = plain[code];
	if (c >= 'a' && c <= 'z') {
		if (k->ctrl)
			return CTRL(c);
		shift ^= k->caps;
	}
	c = shift ? shifted[code] : c;
	return c ? c : -1;
}

int kbd_feed(struct kbd *k, uint8_t scancode)
{
	bool extended = k->extended;
	uint8_t code = scancode & ~SC_RELEASE;
	bool down = !(scancode & SC_RELEASE);

	k->extended = false;
	if (scancode == SC_EXTENDED) {
		k->extended = true;
		return -1;
	}
	/* Right Ctrl is E0 1D; the E0 2A/E0 AA "fake shifts" must not count. */
	if (extended && code != SC_CTRL)
		return down ? extended_key(code) : -1;
	if (modifier(k, code, down) || !down)
		return -1;
	return character(k, code);
}
