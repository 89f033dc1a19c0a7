/* SPDX-License-Identifier: MIT */
/* Private to lib/bitmap: the word-at-a-time run searches of runs.c, for hbitmap.c. */
#ifndef BITMAP_RUNS_CORE_H
#define BITMAP_RUNS_CORE_H

#include <bitmap/bitmap.h>

/*
 * Next word index after wi, with a wanted bit, or at least the word
 * count; given by the hierarchical map, NULL for flat ones.
 */
typedef size_t (*bm__skip_fn)(const void *ctx, size_t wi);

/*
 * Lowest s >= start with [s, s + n) clear, s + n <= nbits, or nbits (also
 * for n = 0); skip(ctx, wi) names the next word after wi with a clear bit
 * when word wi has none.
 */
size_t bm__zero_run_skip(const uint64_t *map, size_t nbits, size_t start, size_t n,
			 bm__skip_fn skip, const void *ctx);
/* As bm__zero_run_skip, with (s + off) & mask == 0; mask = 2^k - 1 < 64. */
size_t bm__zero_area_skip(const uint64_t *map, size_t nbits, size_t start, size_t n, size_t mask,
			  size_t off, bm__skip_fn skip, const void *ctx);

#endif /* BITMAP_RUNS_CORE_H */
