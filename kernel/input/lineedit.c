// SPDX-License-Identifier: MIT
/* The shell's line editor: keys in, a line out, with history; echo redraws through "\b". */
#include <kernel/input.h>

static void echo(struct lineedit *le, const char *s, size_t len)
{
	if (len)
		le->echo(le->ctx, s, len);
}

static void echo_char(struct lineedit *le, char c, size_t times)
{
	while (times--)
		echo(le, &c, 1);
}

static void copy(char *dst, const char *src, size_t max)
{
	size_t i = 0;

	for (; i + 1 < max && src[i]; i++)
		dst[i] = src[i];
	dst[i] = 0;
}

static size_t length(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

void lineedit_reset(struct lineedit *le)
{
	le->len = le->pos = 0;
	le->buf[0] = 0;
	le->esc = 0;
	le->browsing = 0;
}

/* Redraw from the cursor to the end, blank `erase` cells after it, and come back. */
static void redraw_tail(struct lineedit *le, size_t erase)
{
	echo(le, le->buf + le->pos, le->len - le->pos);
	echo_char(le, ' ', erase);
	echo_char(le, '\b', le->len - le->pos + erase);
}

static void insert(struct lineedit *le, char c)
{
	if (le->len + 1 >= LINE_MAX_LEN)
		return;
	for (size_t i = le->len; i > le->pos; i--)
		le->buf[i] = le->buf[i - 1];
	le->buf[le->pos] = c;
	le->buf[++le->len] = 0;
	echo(le, &c, 1);
	le->pos++;
	redraw_tail(le, 0);
}

/* Remove the character at the cursor. */
static void delete_at(struct lineedit *le)
{
	if (le->pos == le->len)
		return;
	for (size_t i = le->pos; i < le->len; i++)
		le->buf[i] = le->buf[i + 1];
	le->len--;
	redraw_tail(le, 1);
}

static void move_to(struct lineedit *le, size_t pos)
{
	if (pos < le->pos)
		echo_char(le, '\b', le->pos - pos);
	else
		echo(le, le->buf + le->pos, pos - le->pos);
	le->pos = pos;
}

/* Replace the whole line with s, as if typed. */
static void replace(struct lineedit *le, const char *s)
{
	size_t old = le->len;

	move_to(le, 0);
	copy(le->buf, s, LINE_MAX_LEN);
	le->len = le->pos = length(le->buf);
	echo(le, le->buf, le->len);
	if (old > le->len) {
		echo_char(le, ' ', old - le->len);
		echo_char(le, '\b', old - le->len);
	}
}

/* Up (older, +1) or Down (newer, -1) through the history; 0 is the line being typed, lost on Up. */
static void browse(struct lineedit *le, int step)
{
	unsigned int to = le->browsing + step;

	if (step < 0 && le->browsing == 0)
		return;
	if (to > le->nhistory)
		return;
	le->browsing = to;
	replace(le, to ? le->history[to - 1] : "");
}

static bool same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* history[0] is the latest line; empty lines and repeats of the latest are not kept. */
static void remember(struct lineedit *le)
{
	if (!le->len || (le->nhistory && same(le->history[0], le->buf)))
		return;
	for (unsigned int i = LINE_HISTORY - 1; i > 0; i--)
		copy(le->history[i], le->history[i - 1], LINE_MAX_LEN);
	copy(le->history[0], le->buf, LINE_MAX_LEN);
	if (le->nhistory < LINE_HISTORY)
		le->nhistory++;
}

/* ESC [ A..D, ESC [ H/F, ESC [ 3 ~: what terminals send for the cursor keys. Returns a key or -1. */
static int escape(struct lineedit *le, int key)
{
	static const int keys[] = { ['A'] = KEY_UP, ['B'] = KEY_DOWN, ['C'] = KEY_RIGHT,
				    ['D'] = KEY_LEFT, ['H'] = KEY_HOME, ['F'] = KEY_END };

	if (le->esc == 1) {
		le->esc = key == '[' || key == 'O' ? 2 : 0;
		return -1;
	}
	if (le->esc == 3) {		/* ESC [ 3: Delete once the '~' arrives */
		le->esc = 0;
		return key == '~' ? KEY_DELETE : -1;
	}
	le->esc = key == '3' ? 3 : 0;
	if (key >= 'A' && key <= 'H' && keys[key])
		return keys[key];
	return -1;
}

static enum lineedit_result finish(struct lineedit *le)
{
	echo(le, "\n", 1);
	remember(le);
	le->browsing = 0;
	return LINE_DONE;
}

static void edit(struct lineedit *le, int key)
{
	switch (key) {
	case '\b':
	case 0x7F:
		if (le->pos > 0) {
			move_to(le, le->pos - 1);
			delete_at(le);
		}
		break;
	case KEY_DELETE:
		delete_at(le);
		break;
	case KEY_LEFT:
		if (le->pos > 0)
			move_to(le, le->pos - 1);
		break;
	case KEY_RIGHT:
		if (le->pos < le->len)
			move_to(le, le->pos + 1);
		break;
	case KEY_HOME:
	case CTRL('a'):
		move_to(le, 0);
		break;
	case KEY_END:
	case CTRL('e'):
		move_to(le, le->len);
		break;
	case KEY_UP:
		browse(le, 1);
		break;
	case KEY_DOWN:
		browse(le, -1);
		break;
	case CTRL('u'):
		replace(le, "");
		break;
	default:
		if (key >= 0x20 && key < 0x7F)
			insert(le, (char)key);
		break;
	}
}

enum lineedit_result lineedit_key(struct lineedit *le, int key)
{
	bool after_cr = le->last_cr;

	le->last_cr = key == '\r';
	if (le->esc) {
		key = escape(le, key);
		if (key < 0)
			return LINE_EDITING;
	}
	switch (key) {
	case 0x1B:
		le->esc = 1;
		return LINE_EDITING;
	case '\n':
		if (after_cr)
			return LINE_EDITING;
		return finish(le);
	case '\r':
		return finish(le);
	case CTRL('c'):
		echo(le, "^C\n", 3);
		lineedit_reset(le);
		return LINE_CANCEL;
	}
	edit(le, key);
	return LINE_EDITING;
}
