/* SPDX-License-Identifier: MIT */
/*
 * The kernel's UBSan runtime (issue 11, item 4), built only into `make UBSAN=1`
 * kernels: gcc's -fsanitize=undefined calls a __ubsan_handle_* function when a
 * check fails; each one reports the check's name and source line and panics,
 * which fails the boot.
 */
#ifndef KERNEL_UBSAN_H
#define KERNEL_UBSAN_H

#include <stdint.h>

/* Where a failed check was compiled: gcc's source_location, first in every check's data. */
struct ubsan_location {
	const char *file;
	uint32_t line;
	uint32_t column;
};

/*
 * For the UBSan suite only: while a hook is set, a failed check calls it
 * instead of panicking, so a case can provoke one on purpose and look at the
 * report. NULL restores the panic.
 */
typedef void (*ubsan_hook_fn)(const char *check, const struct ubsan_location *where);
void ubsan_set_hook(ubsan_hook_fn hook);

#endif /* KERNEL_UBSAN_H */
