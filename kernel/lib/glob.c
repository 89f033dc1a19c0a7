// SPDX-License-Identifier: MIT
/* glob_match: '*' and '?' wildcards, without recursion. */
#include <stddef.h>
#include <kernel/glob.h>

/*
 * Greedy with one backtrack point: on a mismatch, let the last '*' swallow
 * one more character. Earlier stars never need revisiting, which keeps this
 * O(len(pattern) * len(str)) at worst.
 */
bool glob_match_n(const char *pattern, size_t len, const char *str)
{
	const char *end = pattern + len, *star = NULL, *resume = NULL;

	while (*str) {
		if (pattern < end && *pattern == '*') {
			star = ++pattern;
			resume = str;
		} else if (pattern < end && (*pattern == '?' || *pattern == *str)) {
			pattern++;
			str++;
		} else if (star) {
			pattern = star;
			str = ++resume;
		} else {
			return false;
		}
	}
	while (pattern < end && *pattern == '*')
		pattern++;
	return pattern == end;
}

bool glob_match(const char *pattern, const char *str)
{
	size_t len = 0;

	while (pattern[len])
		len++;
	return glob_match_n(pattern, len, str);
}
