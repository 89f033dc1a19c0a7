/* SPDX-License-Identifier: MIT */
/* panic(): the kernel's answer to a broken invariant (assert() is in <kernel/assert.h>). */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <stdbool.h>
#include <kernel/printk.h>

/*
 * Print "KERNEL PANIC: <reason>", the CPU, its registers and a backtrace,
 * then stop: with ktest.exit=1 QEMU exits with the failure code, otherwise
 * the CPU halts. Only the first CPU to panic reports; one that panics while
 * it does gets a line in its report ("CPU n panicked too: ...") and halts.
 */
void panic(const char *fmt, ...) __printf(1, 2) __attribute__((noreturn));

/* panic() in two halves, for callers that print their own details between. */
void panic_begin(const char *fmt, ...) __printf(1, 2);
void panic_end(void) __attribute__((noreturn));

/* For the NMI handler: true if this CPU is inside panic(), which must not be stopped. */
bool panic_nmi(void);

#endif /* KERNEL_PANIC_H */
