/* SPDX-License-Identifier: MIT */
/*
 * The kernel's formatter (kernel/lib/vsprintf.c), behind printk, panic and
 * ktest output. The host C library has the same two functions, so portable
 * code and its host tests may include this header on either side.
 */
#ifndef KERNEL_VSPRINTF_H
#define KERNEL_VSPRINTF_H

#include <stdarg.h>
#include <stddef.h>

#define __printf(a, b)	__attribute__((format(printf, a, b)))

/*
 * Format into buf like C's snprintf: %d %i %u %x %X %p %s %c %%, flags
 * '-' and '0', a width and precision (or '*'), lengths l, ll and z.
 * Returns the length the whole result would have; writes at most size
 * bytes including the terminating NUL.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif /* KERNEL_VSPRINTF_H */
