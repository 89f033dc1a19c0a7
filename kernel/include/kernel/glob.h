/* Shell-style wildcard matching, for ktest.filter. Portable. */
#ifndef KERNEL_GLOB_H
#define KERNEL_GLOB_H

#include <stdbool.h>

/* Does str match pattern, where '*' is any run of chars and '?' any one char? */
bool glob_match(const char *pattern, const char *str);

#endif /* KERNEL_GLOB_H */
