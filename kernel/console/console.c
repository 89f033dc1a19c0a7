// SPDX-License-Identifier: MIT
/* The text grid behind the screen console: cursor, wrapping, scrolling; draws only what changed. */
#include <kernel/console.h>

static struct con_cell *cell(const struct con *con, unsigned int row, unsigned int col)
{
	return &con->cells[(size_t)row * con->cols + col];
}

static bool is_cursor(const struct con *con, unsigned int row, unsigned int col)
{
	return con->cursor && row == con->row && col == con->col;
}

/* Swap the colours: the cursor is the cell it is on, inverted. */
static uint8_t inverted(uint8_t attr)
{
	return (uint8_t)(attr >> 4 | attr << 4);
}

static void draw(struct con *con, unsigned int row, unsigned int col)
{
	struct con_cell *c = cell(con, row, col);

	con->ops->draw(con->dev, row, col, c->ch,
		       is_cursor(con, row, col) ? inverted(c->attr) : c->attr);
}

/* Put ch at (row, col), drawing it only if the screen shows something else there. */
static void put(struct con *con, unsigned int row, unsigned int col, char ch, uint8_t attr)
{
	struct con_cell *c = cell(con, row, col);

	if (c->ch == ch && c->attr == attr)
		return;
	c->ch = ch;
	c->attr = attr;
	draw(con, row, col);
}

void con_init(struct con *con, const struct con_ops *ops, void *dev,
	      struct con_cell *cells, unsigned int rows, unsigned int cols)
{
	*con = (struct con){
		.ops = ops, .dev = dev, .cells = cells,
		.rows = rows, .cols = cols, .attr = CON_DEFAULT_ATTR,
	};
	/* Whatever the firmware left on screen is unknown: draw every cell once. */
	for (unsigned int r = 0; r < rows; r++)
		for (unsigned int c = 0; c < cols; c++) {
			*cell(con, r, c) = (struct con_cell){ ' ', CON_DEFAULT_ATTR };
			draw(con, r, c);
		}
}

/* Move every line up one and blank the last: a cell is redrawn only if its new content differs. */
static void scroll(struct con *con)
{
	for (unsigned int r = 0; r + 1 < con->rows; r++)
		for (unsigned int c = 0; c < con->cols; c++) {
			struct con_cell below = *cell(con, r + 1, c);

			put(con, r, c, below.ch, below.attr);
		}
	for (unsigned int c = 0; c < con->cols; c++)
		put(con, con->rows - 1, c, ' ', con->attr);
	con->scrolls++;
}

static void newline(struct con *con)
{
	con->col = 0;
	if (con->row + 1 < con->rows)
		con->row++;
	else
		scroll(con);
}

static void putc_at_cursor(struct con *con, char ch)
{
	switch (ch) {
	case '\n':
		newline(con);
		return;
	case '\r':
		con->col = 0;
		return;
	case '\b':
		if (con->col > 0)
			con->col--;
		return;
	case '\t':
		do
			putc_at_cursor(con, ' ');
		while (con->col % CON_TAB);
		return;
	}
	if (con->col == con->cols)
		newline(con);
	put(con, con->row, con->col, ch, con->attr);
	/* Past the last column the cursor waits: a newline there must not leave a blank line. */
	con->col++;
}

void con_write(struct con *con, const char *s, size_t len)
{
	bool shown = con->cursor;

	con_show_cursor(con, false);
	for (size_t i = 0; i < len; i++)
		putc_at_cursor(con, s[i]);
	con_show_cursor(con, shown);
}

void con_set_attr(struct con *con, uint8_t attr)
{
	con->attr = attr;
}

void con_clear(struct con *con)
{
	bool shown = con->cursor;

	con_show_cursor(con, false);
	for (unsigned int r = 0; r < con->rows; r++)
		for (unsigned int c = 0; c < con->cols; c++)
			put(con, r, c, ' ', con->attr);
	con->row = con->col = 0;
	con_show_cursor(con, shown);
}

/* The cursor cell shows inverted: redraw it when the cursor comes or goes. */
void con_show_cursor(struct con *con, bool on)
{
	if (con->cursor == on)
		return;
	con->cursor = on;
	if (con->col < con->cols)
		draw(con, con->row, con->col);
}

struct con_cell con_cell_at(const struct con *con, unsigned int row, unsigned int col)
{
	if (row >= con->rows || col >= con->cols)
		return (struct con_cell){ 0, 0 };
	return *cell(con, row, col);
}
