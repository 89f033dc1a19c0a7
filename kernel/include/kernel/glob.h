/* SPDX-License-Identifier: MIT */
/* Shell-style wildcard matching, for ktest.filter. Portable. */
#ifndef KERNEL_GLOB_H
#define KERNEL_GLOB_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Does str match pattern, where '*' is any run of chars and '?' any one
 * char? Every other char, '[' and '\' included, matches only itself.
 */
bool glob_match(const char *pattern, const char *str);
/* The same for the len chars at pattern (a glob cut out of a list, no NUL needed). */
bool glob_match_n(const char *pattern, size_t len, const char *str);

#endif /* KERNEL_GLOB_H */
