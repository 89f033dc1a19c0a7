// SPDX-License-Identifier: MIT
/*
 * Host only: <kernel/errno.h> holds Linux's values, checked against the
 * host C library's <errno.h> (glibc on Linux: the same numbers).
 */
#include <kernel/errno.h>
#include <kernel/ktest.h>

/* Ours, taken before the host's header replaces the names. */
static const int ours[] = { ENOENT, EAGAIN, ENOMEM, EBUSY, EEXIST, EINVAL, ENOSPC, ERANGE,
			    EOVERFLOW };

#undef ENOENT
#undef EAGAIN
#undef ENOMEM
#undef EBUSY
#undef EEXIST
#undef EINVAL
#undef ENOSPC
#undef ERANGE
#undef EOVERFLOW
#include <errno.h>

static const int hosts[] = { ENOENT, EAGAIN, ENOMEM, EBUSY, EEXIST, EINVAL, ENOSPC, ERANGE,
			     EOVERFLOW };

KTEST(error_codes, kernel_codes_are_the_host_c_librarys)
{
	size_t i;

	_Static_assert(sizeof(ours) == sizeof(hosts), "one host value per code");
	for (i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
		EXPECT_EQ(t, ours[i], hosts[i]);
}

/* And the numbers themselves, from Linux's include/uapi/asm-generic/errno-base.h and errno.h. */
KTEST(error_codes, kernel_codes_are_linuxs_numbers)
{
	static const int linux_values[] = { 2, 11, 12, 16, 17, 22, 28, 34, 75 };
	size_t i;

	for (i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
		EXPECT_EQ(t, ours[i], linux_values[i]);
}
