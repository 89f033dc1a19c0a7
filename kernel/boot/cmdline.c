// SPDX-License-Identifier: MIT
/* Kernel command-line lookup ("ktest=run ktest.filter=bitmap*") and the kernel's saved line. */
#include <kernel/cmdline.h>

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Does the word at w start with key followed by '=' or the word's end? */
static const char *match_key(const char *w, const char *key)
{
	while (*key && *w == *key)
		w++, key++;
	if (*key)
		return NULL;
	if (*w == '=')
		return w + 1;
	return *w == '\0' || is_space(*w) ? w : NULL;
}

static void copy_word(char *dst, size_t size, const char *src)
{
	size_t n = 0;

	if (!size)
		return;
	while (n + 1 < size && src[n] && !is_space(src[n])) {
		dst[n] = src[n];
		n++;
	}
	dst[n] = '\0';
}

bool cmdline_get(const char *cmdline, const char *key, char *val, size_t size)
{
	const char *found = NULL;
	const char *p = cmdline;

	if (!p || !*key)
		return false;
	while (*p) {
		while (is_space(*p))
			p++;
		const char *v = match_key(p, key);
		if (v)
			found = v;
		while (*p && !is_space(*p))
			p++;
	}
	if (found)
		copy_word(val, size, found);
	return found != NULL;
}

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

bool cmdline_flag(const char *cmdline, const char *key)
{
	static const char *const yes[] = { "", "1", "y", "yes", "on", "true" };
	char val[8];

	if (!cmdline_get(cmdline, key, val, sizeof(val)))
		return false;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (str_eq(val, yes[i]))
			return true;
	return false;
}

static char saved_line[CMDLINE_MAX];

size_t kernel_cmdline_set(const char *line)
{
	size_t n = 0;

	while (line[n]) {
		if (n < CMDLINE_MAX - 1)
			saved_line[n] = line[n];
		n++;
	}
	saved_line[n < CMDLINE_MAX - 1 ? n : CMDLINE_MAX - 1] = '\0';
	return n;
}

const char *kernel_cmdline(void)
{
	return saved_line;
}
