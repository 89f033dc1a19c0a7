/* SPDX-License-Identifier: MIT */
/*
 * The kernel command line: space-separated "key=value" or bare "key" words.
 * The parser is portable (it also runs in host tests).
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#define CMDLINE_MAX	512

/*
 * Look up key; if present copy its value ("" for a bare key) into val,
 * truncated to size - 1 bytes, and return true. The last occurrence wins.
 */
bool cmdline_get(const char *cmdline, const char *key, char *val, size_t size);
/* Is key set to "1", "y", "yes", "on" or "true" (or given bare)? */
bool cmdline_flag(const char *cmdline, const char *key);

/*
 * The kernel's command line: the boot loader's, saved once at boot
 * (boot_info_read() in kmain); "" before. At most CMDLINE_MAX - 1 bytes:
 * kernel_cmdline_set() cuts a longer line there and returns its full
 * length, so the caller can warn.
 */
size_t kernel_cmdline_set(const char *line);
const char *kernel_cmdline(void);

#endif /* KERNEL_CMDLINE_H */
