/*
 * printk and the console: timestamped, levelled lines on the serial port and the screen.
 * Single CPU for now; SMP will need a lock around the line state.
 */
#include <stdbool.h>
#include <arch/tsc.h>
#include <arch/uart.h>
#include <kernel/console.h>
#include <kernel/printk.h>

#define LINE_MAX	512

static bool at_line_start = true;

void console_write(const char *s, size_t len)
{
	if (!len)
		return;
	uart_write(s, len);
	screen_write(s, len);
	at_line_start = s[len - 1] == '\n';
}

void console_vprintf(const char *fmt, va_list ap)
{
	char buf[LINE_MAX];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	console_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void console_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	console_vprintf(fmt, ap);
	va_end(ap);
}

/* Split a KERN_* marker off the format; returns the level letter. */
static char printk_level(const char **fmt)
{
	static const char letters[] = "EEEEWNID";
	const char *f = *fmt;

	if (f[0] == KERN_SOH[0] && f[1] >= '0' && f[1] <= '7') {
		*fmt = f + 2;
		return letters[f[1] - '0'];
	}
	return 'I';
}

static void printk_prefix(char level)
{
	uint64_t ns = tsc_ns_since_boot();

	console_printf("[%5lu.%06lu] %c ", ns / 1000000000, ns / 1000 % 1000000, level);
}

void vprintk(const char *fmt, va_list ap)
{
	char buf[LINE_MAX];
	char level = printk_level(&fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len = n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1;

	/* Each line of the message gets its own prefix; the screen colours it by level. */
	screen_set_level(level);
	for (size_t start = 0, i = 0; i < len; start = i) {
		while (i < len && buf[i++] != '\n')
			;
		if (at_line_start)
			printk_prefix(level);
		console_write(buf + start, i - start);
	}
	screen_set_level(0);
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}
