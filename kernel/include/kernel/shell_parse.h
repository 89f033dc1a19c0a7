/* SPDX-License-Identifier: MIT */
/* Words and numbers for the monitor shell's commands. Portable: the host runs its tests too. */
#ifndef KERNEL_SHELL_PARSE_H
#define KERNEL_SHELL_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/* Parse a decimal or 0x-prefixed hexadecimal number; false unless all of s is one. */
bool shell_parse_u64(const char *s, uint64_t *out);
/* Split line in place at spaces into at most max words; returns how many (max + 1: too many). */
int shell_split(char *line, char **argv, int max);

#endif /* KERNEL_SHELL_PARSE_H */
