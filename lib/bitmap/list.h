/* SPDX-License-Identifier: MIT */
/* Bitmaps as text: the Linux list format "0-3,7,10-31:4/8". */
#ifndef BITMAP_LIST_H
#define BITMAP_LIST_H

#include <stddef.h>
#include <stdint.h>

/*
 * Grammar (Linux bitmap_parselist / "%*pbl"):
 *
 *	list	:= [region] { sep [region] }	sep: ',' or blanks
 *	region	:= num | range [":" used "/" group]
 *	range	:= num "-" num | "all"		("all" = "0-N", any case)
 *	num	:= decimal digits | "N"		("N" = nbits - 1)
 *
 * "a-b:u/g" sets the first u bits of every group of g bits, groups
 * starting at a and cut at b: "0-31:4/8" is 0-3,8-11,16-19,24-27.
 * Regions may overlap and come in any order; the result is their union.
 * Blanks (space, tab, \v, \f, \r) separate regions like commas, so ""
 * and " , " are the empty set. The text ends at NUL or at the first
 * newline, so a line read from a file parses as it is. A region must be
 * followed by a separator or the end (Linux reads "0-7:1/2N" as two).
 *
 * Errors, as in Linux (validated before anything is written):
 *	-BM_EINVAL	bad syntax ("al", "1-", "3x"), a > b ("10-1"),
 *			g = 0, or u > g
 *	-BM_ERANGE	b >= nbits (so "N" and "all" on a 0-bit map), or a
 *			number too large for size_t (bm_parse_list_max:
 *			-BM_EOVERFLOW above its limit, as Linux)
 */

/*
 * Set map to exactly the bits listed in s (the tail as bm_zero leaves it):
 * 0, or a negative error with map unchanged.
 */
int bm_parse_list(const char *s, uint64_t *map, size_t nbits);

/*
 * bm_parse_list with Linux's number rule: a number above max_num (Linux:
 * UINT_MAX) is -BM_EOVERFLOW, refused where it is read, so an earlier
 * region's error still comes first. Map unchanged on any error.
 */
int bm_parse_list_max(const char *s, uint64_t *map, size_t nbits, size_t max_num);

/*
 * Write map as a list ("0-3,7"; "" when empty) into buf, like snprintf:
 * at most size - 1 characters and a NUL when size > 0. Returns the length
 * of the whole list (capped at INT_MAX), so a return >= size means it was
 * truncated.
 */
int bm_print_list(char *buf, size_t size, const uint64_t *map, size_t nbits);

#endif /* BITMAP_LIST_H */
