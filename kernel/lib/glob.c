/* glob_match: '*' and '?' wildcards, without recursion. */
#include <stddef.h>
#include <kernel/glob.h>

/*
 * Greedy with one backtrack point: on a mismatch, let the last '*' swallow
 * one more character. Earlier stars never need revisiting, which keeps this
 * O(len(pattern) * len(str)) at worst.
 */
bool glob_match(const char *pattern, const char *str)
{
	const char *star = NULL, *resume = NULL;

	while (*str) {
		if (*pattern == '*') {
			star = ++pattern;
			resume = str;
		} else if (*pattern == '?' || *pattern == *str) {
			pattern++;
			str++;
		} else if (star) {
			pattern = star;
			str = ++resume;
		} else {
			return false;
		}
	}
	while (*pattern == '*')
		pattern++;
	return *pattern == '\0';
}
