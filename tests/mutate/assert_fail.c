// SPDX-License-Identifier: MIT
/*
 * lib/bitmap's BM_DEBUG failure hook, for test programs that have no ktest
 * backend to provide it (make mutate builds everything with BM_DEBUG).
 */
#include <stdio.h>
#include <stdlib.h>

void bm_assert_fail(const char *expr, const char *file, int line);

void bm_assert_fail(const char *expr, const char *file, int line)
{
	fflush(stdout);
	fprintf(stderr, "assertion failed: lib/bitmap at %s:%d: %s\n", file, line, expr);
	abort();
}
