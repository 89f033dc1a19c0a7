// SPDX-License-Identifier: MIT
/*
 * The bitmap library, live in the monitor shell: `bitmap` edits and shows
 * a 128-bit scratch map, and the find benchmark times bm_find_next on
 * Linux's find_bit_benchmark maps (the host's is tests/bench/bench_bitmap.c).
 */
#include <arch/cpu.h>
#include <bitmap/bitmap.h>
#include <bitmap/list.h>
#include <kernel/printk.h>
#include <kernel/shell.h>
#include <kernel/shell_parse.h>
#include <kernel/string.h>

#define SCRATCH_BITS	128

static BM_DECLARE(scratch, SCRATCH_BITS);

#define out(...)	printk_raw(__VA_ARGS__)

static void bitmap_show(void)
{
	char list[256];

	for (size_t row = 0; row < SCRATCH_BITS; row += 64) {
		out("  %3zu ", row);
		for (size_t i = row; i < row + 64; i++)
			out("%s%c", i % 8 == 0 && i > row ? " " : "", bm_test(scratch, i) ? '1' : '.');
		out("\n");
	}
	bm_print_list(list, sizeof(list), scratch, SCRATCH_BITS);
	out("  set: %s (%zu of %u)\n", list[0] ? list : "none",
	    bm_weight(scratch, SCRATCH_BITS), SCRATCH_BITS);
}

/* "bitmap set|clear LIST": the list in Linux's "0-3,7,10-31:4/8" grammar. */
static int bitmap_change(const char *verb, const char *list)
{
	BM_DECLARE(bits, SCRATCH_BITS);
	int err = bm_parse_list(list, bits, SCRATCH_BITS);

	if (err) {
		out("bad list '%s': %s (bits are 0-%u)\n", list,
		    err == -BM_ERANGE ? "bit out of range" : "syntax error", SCRATCH_BITS - 1);
		return 0;
	}
	if (verb[0] == 's')
		bm_or(scratch, scratch, bits, SCRATCH_BITS);
	else
		bm_andnot(scratch, scratch, bits, SCRATCH_BITS);
	bitmap_show();
	return 0;
}

/* "bitmap find N" / "bitmap alloc N": the lowest run of N clear bits, and set it. */
static int bitmap_run(const char *verb, const char *arg)
{
	uint64_t n;
	size_t at;

	if (!shell_parse_u64(arg, &n) || n < 1 || n > SCRATCH_BITS) {
		out("bad run length '%s': expected 1-%u\n", arg, SCRATCH_BITS);
		return 0;
	}
	at = bm_find_zero_run(scratch, SCRATCH_BITS, 0, n);
	if (at >= SCRATCH_BITS) {
		out("no run of %lu clear bits\n", n);
		return 0;
	}
	if (verb[0] == 'a')
		bm_set_range(scratch, at, n);
	out("%lu clear bits at %zu-%zu%s\n", n, at, at + n - 1, verb[0] == 'a' ? ", now set" : "");
	if (verb[0] == 'a')
		bitmap_show();
	return 0;
}

static int cmd_bitmap(int argc, char **argv)
{
	if (argc == 1 || strcmp(argv[1], "show") == 0) {
		bitmap_show();
		return 0;
	}
	if (strcmp(argv[1], "reset") == 0 && argc == 2) {
		bm_zero(scratch, SCRATCH_BITS);
		bitmap_show();
		return 0;
	}
	if (argc != 3)
		return -1;
	if (strcmp(argv[1], "set") == 0 || strcmp(argv[1], "clear") == 0)
		return bitmap_change(argv[1], argv[2]);
	if (strcmp(argv[1], "find") == 0 || strcmp(argv[1], "alloc") == 0)
		return bitmap_run(argv[1], argv[2]);
	return -1;
}
SHELL_COMMAND(bitmap, cmd_bitmap, "bitmap [set|clear LIST]", 0, 2,
	      "scratch bitmap; also find N, alloc N, reset");

/* ---------------------------------------------------------------- the find benchmark */

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Linux's find_bit_benchmark map size; dense is ~50% random bits. */
#define BENCH_BITS	327680
static BM_DECLARE(bench_map, BENCH_BITS);

/* Walk bench_map with bm_find_next: ns per set bit found, and how many in *found. */
static uint64_t ns_per_bit_found(uint64_t *found)
{
	uint64_t t = rdtsc(), n = 0;

	for (size_t i = bm_find_first(bench_map, BENCH_BITS); i < BENCH_BITS;
	     i = bm_find_next(bench_map, BENCH_BITS, i + 1))
		n++;
	t = rdtsc() - t;
	*found = n;
	return shell_cycles_to_ns(t) / (n ? n : 1);
}

static void bench_find(void)
{
	uint64_t seed = 0x9E3779B97F4A7C15ull, found, ns;

	for (size_t i = 0; i < BM_WORDS(BENCH_BITS); i++)
		bench_map[i] = xorshift(&seed);
	ns = ns_per_bit_found(&found);
	out("  bm_find_next, dense (%lu of %u bits): %lu ns per bit found\n", found,
	    BENCH_BITS, ns);
	bm_zero(bench_map, BENCH_BITS);
	for (int i = 0; i < 655; i++)
		bm_set(bench_map, xorshift(&seed) % BENCH_BITS);
	ns = ns_per_bit_found(&found);
	out("  bm_find_next, sparse (%lu bits): %lu ns per bit found\n", found, ns);
}
SHELL_BENCH(bitmap_find_next, bench_find);
