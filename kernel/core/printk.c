// SPDX-License-Identifier: MIT
/*
 * printk: timestamped, levelled lines on the serial port and the screen, and the raw path.
 *
 * Lines from several CPUs never mix: the CPU that starts a line owns the
 * output (the line lock) until it writes the line's '\n', however many calls that takes
 * (KTAP lines are built piecewise). Interrupt handlers on the owning CPU
 * write through. A CPU that cannot get the line lock within
 * 20 ms (its owner is stopped, or left a prompt open while it
 * waits for a key) writes anyway: a mixed line beats a silent machine. A
 * panic stops the other CPUs first and then bypasses the lock for good;
 * the screen then waits for its own lock 20 ms at most (screen_panic).
 */
#include <stdbool.h>
#include <arch/cpu.h>
#include <arch/smp.h>
#include <arch/tsc.h>
#include <arch/uart.h>
#include <kernel/console.h>
#include <kernel/printk.h>

#define LINE_MAX	512
#define NO_OWNER	(-1)

static bool at_line_start = true;
static int owner = NO_OWNER;	/* atomic: CPU in the middle of a line */
static int depth;		/* the owner's nested line_lock()s */
static bool bypass;		/* atomic: panic, no more locking */
static unsigned int wait_ms = 20;	/* atomic: see printk_set_wait_ms */

/* Interrupts off, so a handler's printk on this CPU never sees owner and depth disagree. */
static uint64_t irq_save(void)
{
	uint64_t flags = cpu_rflags();

	cpu_cli();
	return flags;
}

static void irq_restore(uint64_t flags)
{
	if (flags & RFLAGS_IF)
		cpu_sti();
}

/* Own the output (or nest in our own ownership): true, or false to write unlocked. */
static bool try_own(int self)
{
	uint64_t flags = irq_save();
	int expected = NO_OWNER;
	bool own = __atomic_load_n(&owner, __ATOMIC_RELAXED) == self ||
		   __atomic_compare_exchange_n(&owner, &expected, self, false,
					       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);

	if (own)
		depth++;
	irq_restore(flags);
	return own;
}

/* Spin for the line lock; true if this CPU owns it now (it may have already). */
static bool line_lock(void)
{
	int self = (int)smp_cpu_id();
	uint64_t start = rdtsc(), limit = tsc_khz() * __atomic_load_n(&wait_ms, __ATOMIC_RELAXED);

	while (!__atomic_load_n(&bypass, __ATOMIC_RELAXED)) {
		if (try_own(self))
			return true;
		if (rdtsc() - start > limit)
			break;
		cpu_relax();
	}
	return false;
}

/* Give the output up once our line is complete and no outer call of ours is still writing. */
static void line_unlock(bool owned)
{
	uint64_t flags;

	if (!owned)
		return;
	flags = irq_save();
	/* At a line's end, else ours until its '\n', whichever call writes it. */
	if (--depth == 0 && at_line_start)
		__atomic_store_n(&owner, NO_OWNER, __ATOMIC_RELEASE);
	irq_restore(flags);
}

unsigned int printk_set_wait_ms(unsigned int ms)
{
	return __atomic_exchange_n(&wait_ms, ms, __ATOMIC_RELAXED);
}

void printk_panic(void)
{
	__atomic_store_n(&bypass, true, __ATOMIC_RELEASE);
	screen_panic();
}

static void write_out(const char *s, size_t len, bool screen)
{
	bool owned;

	if (!len)
		return;
	owned = line_lock();
	uart_write(s, len);
	if (screen)
		screen_write(s, len);
	at_line_start = s[len - 1] == '\n';
	line_unlock(owned);
}

void printk_write(const char *s, size_t len)
{
	write_out(s, len, true);
}

void printk_write_serial(const char *s, size_t len)
{
	write_out(s, len, false);
}

void vprintk_raw(const char *fmt, va_list ap)
{
	char buf[LINE_MAX];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	printk_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void printk_raw(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk_raw(fmt, ap);
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

	printk_raw("[%5lu.%06lu] %c ", ns / 1000000000, ns / 1000 % 1000000, level);
}

void vprintk(const char *fmt, va_list ap)
{
	char buf[LINE_MAX];
	char level = printk_level(&fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len = n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1;

	/* Each line of the message gets its own prefix; the screen colours it by level. */
	bool owned = line_lock();

	screen_set_level(level);
	for (size_t start = 0, i = 0; i < len; start = i) {
		while (i < len && buf[i++] != '\n')
			;
		if (at_line_start)
			printk_prefix(level);
		printk_write(buf + start, i - start);
	}
	screen_set_level(0);
	line_unlock(owned);
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}
