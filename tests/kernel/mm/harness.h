/* SPDX-License-Identifier: MIT */
/* Fixtures for the mm suites: synthetic memory maps and a log hook that counts and keeps the last line. */
#ifndef TESTS_MM_HARNESS_H
#define TESTS_MM_HARNESS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/ktest.h>
#include <kernel/memmap.h>
#include <kernel/mm.h>

/* Both the kernel and the host C library provide it with this signature. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#define AVAIL		MEMMAP_AVAILABLE
#define RESV		MEMMAP_RESERVED

struct mm_capture {
	int lines;
	char last[160];
	char keep[24][100];	/* lines with `match` in them, in order */
	int kept;
	const char *match;
};

static struct mm_capture mm_cap;
static void (*mm_saved_hook)(const char *fmt, va_list ap);

static inline int mm_strstr(const char *s, const char *sub)
{
	size_t i, j;

	for (i = 0; s[i]; i++) {
		for (j = 0; sub[j] && s[i + j] == sub[j]; j++)
			;
		if (!sub[j])
			return 1;
	}
	return 0;
}

static void mm_capture_hook(const char *fmt, va_list ap)
{
	vsnprintf(mm_cap.last, sizeof(mm_cap.last), fmt, ap);
	mm_cap.lines++;
	if (mm_cap.match && mm_strstr(mm_cap.last, mm_cap.match) &&
	    mm_cap.kept < (int)(sizeof(mm_cap.keep) / sizeof(mm_cap.keep[0]))) {
		size_t i;

		for (i = 0; i + 1 < sizeof(mm_cap.keep[0]) && mm_cap.last[i]; i++)
			mm_cap.keep[mm_cap.kept][i] = mm_cap.last[i];
		mm_cap.keep[mm_cap.kept++][i] = '\0';
	}
}

/* Route mm_log into mm_cap (keeping lines containing match, if any) until mm_capture_end. */
static inline void mm_capture_begin(const char *match)
{
	mm_cap.lines = 0;
	mm_cap.kept = 0;
	mm_cap.last[0] = '\0';
	mm_cap.match = match;
	mm_saved_hook = mm_log_hook;
	mm_log_hook = mm_capture_hook;
}

static inline void mm_capture_end(void)
{
	mm_log_hook = mm_saved_hook;
}

/* Build m from entries with a 40-bit physical address width, capturing the log. */
static inline void mm_build(struct memmap *m, const struct memmap_entry *e, size_t n)
{
	mm_capture_begin(NULL);
	memmap_init(m, 40);
	memmap_parse(m, e, n, sizeof(*e));
	mm_capture_end();
}

#endif /* TESTS_MM_HARNESS_H */
