// SPDX-License-Identifier: MIT
/* The frame allocator as a person reads it: range lists and a density map, through mm_log. */

#include <kernel/mm.h>
#include <kernel/pfa.h>

#define DUMP_COLS	64
#define DUMP_MAX_CHARS	1024	/* a map of at most 16 lines */

static void log_run(const char *what, uint64_t start, uint64_t end)
{
	mm_log("pfa:   %s 0x%012llx-0x%012llx %9llu frames", what,
	       (unsigned long long)(start << FRAME_SHIFT),
	       (unsigned long long)((end << FRAME_SHIFT) - 1),
	       (unsigned long long)(end - start));
}

/* Runs of set bits in map as address ranges, the first max of them. */
static void dump_runs(const char *what, const uint64_t *map, uint64_t nframes, size_t max)
{
	size_t rs, re, shown = 0, more = 0;

	bm_for_each_run(rs, re, map, nframes) {
		if (shown < max) {
			log_run(what, rs, re);
			shown++;
		} else {
			more++;
		}
	}
	if (more)
		mm_log("pfa:   ... and %zu more %s ranges", more, what);
}

/* Runs of free (clear) frames of the pool map, as dump_runs. */
static void dump_free_runs(const struct hbm *pool, uint64_t nframes, size_t max)
{
	size_t rs, re, shown = 0, more = 0;

	for (rs = hbm_find_first_zero(pool); rs < nframes; rs = hbm_find_next_zero(pool, re)) {
		re = hbm_find_next(pool, rs);
		if (shown < max) {
			log_run("free", rs, re);
			shown++;
		} else {
			more++;
		}
	}
	if (more)
		mm_log("pfa:   ... and %zu more free ranges", more);
}

/* One character for a block: ' ' free, ".:+*" up to a quarter, half, ... used, '#' full, '-' no RAM. */
static char density_glyph(const struct pfa *p, uint64_t start, uint64_t len)
{
	uint64_t used = hbm_weight_range(&p->free, start, len);

	if (bm_weight_range(p->reserved, start, len) == len)
		return '-';
	if (used == 0)
		return ' ';
	if (used == len)
		return '#';
	return ".:+*"[used * 4 / len];
}

/* Frames per character: a power of two that keeps the map within DUMP_MAX_CHARS. */
static uint64_t density_block(uint64_t nframes)
{
	uint64_t block = 1;

	while (nframes > block * DUMP_MAX_CHARS)
		block <<= 1;
	return block;
}

static void dump_density(const struct pfa *p)
{
	uint64_t block = density_block(p->nframes), start, line_start;
	char line[DUMP_COLS + 1];
	unsigned int col = 0;

	mm_log("pfa: density map, one char = %llu KiB: ' ' free, '.' <25%% used, ':' <50%%, '+' <75%%, '*' <100%%, '#' full, '-' no RAM",
	       (unsigned long long)(block << FRAME_SHIFT >> 10));
	for (start = line_start = 0; start < p->nframes; start += block) {
		uint64_t len = p->nframes - start < block ? p->nframes - start : block;

		line[col++] = density_glyph(p, start, len);
		if (col == DUMP_COLS || start + len == p->nframes) {
			line[col] = '\0';
			mm_log("pfa: 0x%012llx |%s|", (unsigned long long)(line_start << FRAME_SHIFT),
			       line);
			line_start = start + len;
			col = 0;
		}
	}
}

void pfa_dump_frames(struct pfa *p, size_t max_ranges)
{
	struct pfa_stats s;

	pfa_get_stats(p, &s);
	mm_log("pfa: %llu frames: %llu reserved, %llu usable, %llu free (%llu cached), %llu used; %llu bad frees, %llu failed requests",
	       (unsigned long long)s.total, (unsigned long long)s.reserved,
	       (unsigned long long)s.usable, (unsigned long long)s.free,
	       (unsigned long long)s.cached, (unsigned long long)s.used,
	       (unsigned long long)s.bad_frees, (unsigned long long)s.failed);
	pfa_lock_all(p);
	if (max_ranges) {
		dump_free_runs(&p->free, p->nframes, max_ranges);
		dump_runs("used", p->inuse, p->nframes, max_ranges);
	}
	dump_density(p);
	pfa_unlock_all(p);
}
