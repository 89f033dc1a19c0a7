// SPDX-License-Identifier: MIT
/*
 * Where failed asserts land in the kernel: ours (<kernel/assert.h>) and
 * lib/bitmap's BM_ASSERT (built with BM_DEBUG, `make DEBUG=1`). Also the
 * build-time check that lib/bitmap's error codes are the kernel's.
 */
#include <bitmap/bitmap.h>
#include <kernel/assert.h>
#include <kernel/errno.h>
#include <kernel/panic.h>

/* lib/bitmap includes only <std*.h>, so it spells the codes itself: they must agree. */
_Static_assert(BM_EINVAL == EINVAL && BM_ERANGE == ERANGE && BM_ENOMEM == ENOMEM &&
	       BM_EBUSY == EBUSY && BM_EOVERFLOW == EOVERFLOW,
	       "lib/bitmap's BM_E* codes must equal <kernel/errno.h>'s");

void assert_fail(const char *expr, const char *file, int line, const char *func)
{
	panic("assertion failed: %s() at %s:%d: %s", func, file, line, expr);
}

void bm_assert_fail(const char *expr, const char *file, int line)
{
	panic("assertion failed: lib/bitmap at %s:%d: %s", file, line, expr);
}
