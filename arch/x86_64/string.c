// SPDX-License-Identifier: MIT
/*
 * memset and memcpy with the string instructions: on CPUs with ERMS
 * (Ivy Bridge and later) "rep stosb/movsb" is the fast path for all sizes.
 * kernel/lib/string.c has the other functions of <kernel/string.h>.
 */
#include <kernel/string.h>

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;

	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return dst;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	void *d = dst;

	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
	return dst;
}
