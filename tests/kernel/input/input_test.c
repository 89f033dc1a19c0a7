// SPDX-License-Identifier: MIT
/* Input: the key queue, the scan code decoder and the line editor. */
#include <kernel/input.h>
#include <kernel/ktest.h>

/* ---------------------------------------------------------------- queue */

KTEST(input, queue_is_fifo_and_counts_drops)
{
	static struct input_queue q;

	q = (struct input_queue){ 0 };
	EXPECT_EQ(t, input_queue_pop(&q), -1);
	for (int i = 0; i < INPUT_QUEUE_SIZE; i++)
		ASSERT_TRUE(t, input_queue_push(&q, i + KEY_UP));
	EXPECT_FALSE(t, input_queue_push(&q, 'x'));
	EXPECT_EQ(t, q.dropped, 1);
	EXPECT_EQ(t, input_queue_pop(&q), KEY_UP);
	EXPECT_TRUE(t, input_queue_push(&q, 'y'));
	for (int i = 1; i < INPUT_QUEUE_SIZE; i++)
		EXPECT_EQ(t, input_queue_pop(&q), i + KEY_UP);
	EXPECT_EQ(t, input_queue_pop(&q), 'y');
	EXPECT_EQ(t, input_queue_pop(&q), -1);
}

/* ---------------------------------------------------------------- keyboard */

/* Feed scan codes; the keys that came out, as a string (KEY_* as '^'). */
static const char *keys(struct kbd *k, const uint8_t *codes, size_t n, char *buf)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		int key = kbd_feed(k, codes[i]);

		if (key >= 0)
			buf[len++] = key > 0xFF ? '^' : (char)key;
	}
	buf[len] = 0;
	return buf;
}

KTEST(input, kbd_letters_digits_and_releases)
{
	static const uint8_t codes[] = { 0x23, 0xA3, 0x17, 0x97, 0x02, 0x82, 0x39, 0x1C };
	struct kbd k = { 0 };
	char buf[16];

	EXPECT_STREQ(t, keys(&k, codes, sizeof(codes), buf), "hi1 \n");
}

KTEST(input, kbd_shift_and_caps_lock)
{
	/* Shift a, release shift, b; caps on: c, shift+d (lower), 1 (caps leaves digits). */
	static const uint8_t codes[] = { 0x2A, 0x1E, 0xAA, 0x30, 0x3A, 0xBA, 0x2E,
					 0x36, 0x20, 0x02, 0xB6, 0x02 };
	struct kbd k = { 0 };
	char buf[16];

	EXPECT_STREQ(t, keys(&k, codes, sizeof(codes), buf), "AbCd!1");
}

KTEST(input, kbd_ctrl_makes_control_characters)
{
	static const uint8_t codes[] = { 0x1D, 0x2E, 0x16, 0x9D, 0x2E, 0xE0, 0x1D, 0x1E, 0xE0, 0x9D };
	struct kbd k = { 0 };
	char buf[16];

	keys(&k, codes, sizeof(codes), buf);
	EXPECT_EQ(t, buf[0], CTRL('c'));
	EXPECT_EQ(t, buf[1], CTRL('u'));
	EXPECT_EQ(t, buf[2], 'c');
	EXPECT_EQ(t, buf[3], CTRL('a'));	/* right Ctrl is E0 1D */
	EXPECT_FALSE(t, k.ctrl);
}

KTEST(input, kbd_extended_keys)
{
	struct kbd k = { 0 };

	EXPECT_EQ(t, kbd_feed(&k, 0xE0), -1);
	EXPECT_EQ(t, kbd_feed(&k, 0x48), KEY_UP);
	EXPECT_EQ(t, kbd_feed(&k, 0xE0), -1);
	EXPECT_EQ(t, kbd_feed(&k, 0xC8), -1);		/* its release */
	EXPECT_EQ(t, kbd_feed(&k, 0x48), -1);		/* keypad 8 without E0: nothing */
	EXPECT_EQ(t, kbd_feed(&k, 0xE0), -1);
	EXPECT_EQ(t, kbd_feed(&k, 0x2A), -1);		/* fake shift */
	EXPECT_FALSE(t, k.shift_l);
	EXPECT_EQ(t, kbd_feed(&k, 0xE0), -1);
	EXPECT_EQ(t, kbd_feed(&k, 0x53), KEY_DELETE);
	EXPECT_EQ(t, kbd_feed(&k, 0x0E), '\b');
	EXPECT_EQ(t, kbd_feed(&k, 0x58), -1);		/* F12: no character */
}

/* ---------------------------------------------------------------- line editor */

/* What a terminal would show: echo applied to a line of cells, '\b' moving left. */
struct screen {
	char cells[LINE_MAX_LEN + 8];
	size_t cursor, width;
	int newlines;
};

static void screen_echo(void *ctx, const char *s, size_t len)
{
	struct screen *sc = ctx;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\b') {
			if (sc->cursor)
				sc->cursor--;
		} else if (s[i] == '\n') {
			sc->newlines++;
		} else if (sc->cursor < sizeof(sc->cells) - 1) {
			sc->cells[sc->cursor++] = s[i];
			if (sc->cursor > sc->width)
				sc->width = sc->cursor;
		}
	}
}

/* The visible line with trailing blanks cut. */
static const char *shown(struct screen *sc, char *buf)
{
	size_t n = sc->width;

	while (n && sc->cells[n - 1] == ' ')
		n--;
	for (size_t i = 0; i < n; i++)
		buf[i] = sc->cells[i];
	buf[n] = 0;
	return buf;
}

static enum lineedit_result type(struct lineedit *le, const char *s)
{
	enum lineedit_result r = LINE_EDITING;

	for (; *s; s++)
		r = lineedit_key(le, (unsigned char)*s);
	return r;
}

static struct lineedit le;
static struct screen sc;

static void le_setup(void)
{
	le = (struct lineedit){ .echo = screen_echo, .ctx = &sc };
	sc = (struct screen){ 0 };
	lineedit_reset(&le);
}

KTEST(input, lineedit_types_and_finishes_on_enter)
{
	char buf[LINE_MAX_LEN + 8];

	le_setup();
	EXPECT_EQ(t, type(&le, "mem"), LINE_EDITING);
	EXPECT_EQ(t, type(&le, "\r"), LINE_DONE);
	EXPECT_STREQ(t, le.buf, "mem");
	EXPECT_STREQ(t, shown(&sc, buf), "mem");
	EXPECT_EQ(t, sc.newlines, 1);
	/* The '\n' of a "\r\n" is not a second, empty line. */
	lineedit_reset(&le);
	EXPECT_EQ(t, type(&le, "\n"), LINE_EDITING);
	EXPECT_EQ(t, type(&le, "x\n"), LINE_DONE);
	EXPECT_STREQ(t, le.buf, "x");
}

KTEST(input, lineedit_backspace_and_delete_redraw)
{
	char buf[LINE_MAX_LEN + 8];

	le_setup();
	type(&le, "abcd\b\x7f");
	EXPECT_STREQ(t, le.buf, "ab");
	EXPECT_STREQ(t, shown(&sc, buf), "ab");
	/* Left twice, Delete (ESC [ 3 ~): the 'a' goes, the 'b' slides left on screen. */
	type(&le, "\x1b[D\x1b[D\x1b[3~");
	EXPECT_STREQ(t, le.buf, "b");
	EXPECT_STREQ(t, shown(&sc, buf), "b");
	EXPECT_EQ(t, sc.cursor, 0);
	type(&le, "\b");		/* nothing left of the cursor: no change */
	EXPECT_STREQ(t, le.buf, "b");
}

KTEST(input, lineedit_inserts_in_the_middle)
{
	char buf[LINE_MAX_LEN + 8];

	le_setup();
	type(&le, "alc 3\x1b[H\x1b[C");	/* Home, Right: after the 'a' */
	type(&le, "l");
	EXPECT_STREQ(t, le.buf, "allc 3");
	type(&le, "\x7f\x1b[Co");
	EXPECT_STREQ(t, le.buf, "aloc 3");
	EXPECT_STREQ(t, shown(&sc, buf), "aloc 3");
	EXPECT_EQ(t, sc.cursor, 3);
	EXPECT_EQ(t, le.pos, 3);
}

KTEST(input, lineedit_history_up_and_down)
{
	char buf[LINE_MAX_LEN + 8];

	le_setup();
	type(&le, "first\r");
	lineedit_reset(&le);
	type(&le, "second\r");
	lineedit_reset(&le);
	type(&le, "second\r");		/* a repeat is kept once */
	lineedit_reset(&le);
	EXPECT_EQ(t, le.nhistory, 2);
	sc = (struct screen){ 0 };
	lineedit_key(&le, KEY_UP);
	EXPECT_STREQ(t, le.buf, "second");
	type(&le, "\x1b[A");
	EXPECT_STREQ(t, le.buf, "first");
	EXPECT_STREQ(t, shown(&sc, buf), "first");
	lineedit_key(&le, KEY_UP);		/* no older line: stays */
	EXPECT_STREQ(t, le.buf, "first");
	lineedit_key(&le, KEY_DOWN);
	lineedit_key(&le, KEY_DOWN);
	EXPECT_STREQ(t, le.buf, "");
	EXPECT_STREQ(t, shown(&sc, buf), "");
}

KTEST(input, lineedit_ctrl_c_and_ctrl_u)
{
	le_setup();
	type(&le, "junk");
	EXPECT_EQ(t, lineedit_key(&le, CTRL('u')), LINE_EDITING);
	EXPECT_STREQ(t, le.buf, "");
	type(&le, "more");
	EXPECT_EQ(t, lineedit_key(&le, CTRL('c')), LINE_CANCEL);
	EXPECT_STREQ(t, le.buf, "");
	EXPECT_EQ(t, le.nhistory, 0);
}

KTEST(input, lineedit_stops_at_the_buffer_size)
{
	le_setup();
	for (int i = 0; i < LINE_MAX_LEN + 10; i++)
		lineedit_key(&le, 'x');
	EXPECT_EQ(t, le.len, LINE_MAX_LEN - 1);
	EXPECT_EQ(t, le.buf[LINE_MAX_LEN - 1], 0);
}
