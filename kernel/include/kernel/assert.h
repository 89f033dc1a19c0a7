/* SPDX-License-Identifier: MIT */
/*
 * assert(): a broken invariant stops everything, saying where and what.
 *
 * The rule (README.md, "Errors and asserts"): input a caller can get
 * wrong (a double free, an index out of range, a malformed table) is
 * refused with an error return from <kernel/errno.h>, logged and counted,
 * and nothing changes. A state correct code cannot reach (a frame handed
 * out while in use) is a bug in our own code: assert() it.
 *
 * A failed assert prints "assertion failed: FUNC() at FILE:LINE: EXPR".
 * In the kernel that is a panic (registers, backtrace, the other CPUs
 * stopped); on the host (SETBIT_HOST: the host tests, TSan, the fuzzers,
 * the benchmarks) the line goes to stderr and the program aborts.
 *
 * Always on: there is no NDEBUG. Keep the expression cheap and free of
 * side effects; it is evaluated once.
 */
#ifndef KERNEL_ASSERT_H
#define KERNEL_ASSERT_H

#define assert(expr) (__builtin_expect(!!(expr), 1) ? (void)0 :		\
	assert_fail(#expr, __FILE__, __LINE__, __func__))

#ifdef SETBIT_HOST
#include <stdio.h>
#include <stdlib.h>

static inline __attribute__((noreturn, cold)) void assert_fail(const char *expr,
							      const char *file, int line,
							      const char *func)
{
	fflush(stdout);		/* the test output so far comes first */
	fprintf(stderr, "assertion failed: %s() at %s:%d: %s\n", func, file, line, expr);
	abort();
}
#else
/* Panic with the line above (kernel/core/assert.c). */
void assert_fail(const char *expr, const char *file, int line, const char *func)
	__attribute__((noreturn, cold));
#endif

#endif /* KERNEL_ASSERT_H */
