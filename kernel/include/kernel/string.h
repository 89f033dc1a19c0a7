/* SPDX-License-Identifier: MIT */
/*
 * The kernel's string and memory functions (the compiler may call the mem*
 * ones). A tight group: arch/x86_64/string.c implements memset and memcpy
 * (rep stosb/movsb), kernel/lib/string.c the rest (portable, host-tested).
 */
#ifndef KERNEL_STRING_H
#define KERNEL_STRING_H

#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
/* Copy at most size - 1 bytes and NUL-terminate; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);

#endif /* KERNEL_STRING_H */
