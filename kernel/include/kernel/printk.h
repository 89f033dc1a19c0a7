/* SPDX-License-Identifier: MIT */
/*
 * Kernel output: the serial port and the screen (kernel/console/), a line
 * at a time.
 *
 * printk() prefixes each line with the time since boot and a level letter,
 * "[    1.234567] I ", taking the level from a KERN_* marker at the start of
 * the format (KERN_INFO when there is none). printk_write() is the raw
 * path (printk_raw() formats): no prefix, used for KTAP lines, panic banners
 * and the monitor shell.
 */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <stdarg.h>
#include <stddef.h>

#include <kernel/vsprintf.h>	/* snprintf, for printk's users too */

#define KERN_SOH	"\001"
#define KERN_ERR	KERN_SOH "3"
#define KERN_WARNING	KERN_SOH "4"
#define KERN_INFO	KERN_SOH "6"
#define KERN_DEBUG	KERN_SOH "7"

void printk(const char *fmt, ...) __printf(1, 2);
void vprintk(const char *fmt, va_list ap);

#define pr_err(...)	printk(KERN_ERR __VA_ARGS__)
#define pr_warn(...)	printk(KERN_WARNING __VA_ARGS__)
#define pr_info(...)	printk(KERN_INFO __VA_ARGS__)
#define pr_debug(...)	printk(KERN_DEBUG __VA_ARGS__)

/* Raw output to the serial port and the screen: no timestamp, no level. */
void printk_write(const char *s, size_t len);
/* The same, to the serial port alone (ktest.quick=1 keeps the screen to each suite's result). */
void printk_write_serial(const char *s, size_t len);
/* Formatted raw output. */
void printk_raw(const char *fmt, ...) __printf(1, 2);
void vprintk_raw(const char *fmt, va_list ap);
/* How long a CPU waits for another's line before it writes anyway (default 20 ms); returns the old value. */
unsigned int printk_set_wait_ms(unsigned int ms);
/* Panic: the other CPUs are stopped; no line lock from now on, and the screen waits 20 ms at most. */
void printk_panic(void);

#endif /* KERNEL_PRINTK_H */
