/* panic() and assert(): the kernel's answer to a broken invariant. */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <kernel/printk.h>

/*
 * Print "KERNEL PANIC: <reason>" and a backtrace, then stop: with
 * ktest.exit=1 QEMU exits with the failure code, otherwise the CPU halts.
 */
void panic(const char *fmt, ...) __printf(1, 2) __attribute__((noreturn));

/* panic() in two halves, for callers that print their own details between. */
void panic_begin(const char *fmt, ...) __printf(1, 2);
void panic_end(void) __attribute__((noreturn));

#define assert(expr) do {						\
	if (!(expr))							\
		panic("assertion failed: %s() at %s:%d: %s",		\
		      __func__, __FILE__, __LINE__, #expr);		\
} while (0)

#endif /* KERNEL_PANIC_H */
