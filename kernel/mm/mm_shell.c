// SPDX-License-Identifier: MIT
/*
 * The monitor shell's memory commands (kernel): `mem` shows the frame
 * allocator, `alloc` and `free` take frames from it and give them back,
 * and the frame benchmark times it.
 */
#include <arch/cpu.h>
#include <arch/tsc.h>
#include <bitmap/bitmap.h>
#include <kernel/kmalloc.h>
#include <kernel/mm.h>
#include <kernel/page.h>
#include <kernel/printk.h>
#include <kernel/shell.h>
#include <kernel/shell_parse.h>

#define ALLOC_MAX	(1u << 18)	/* frames per alloc/free: 1 GiB */

#define out(...)	printk_raw(__VA_ARGS__)

static int cmd_mem(int argc, char **argv)
{
	struct pfa_stats s;

	(void)argc, (void)argv;
	page_stats(&s);
	out("frames: %lu total, %lu usable, %lu free (%lu cached), %lu used, %lu reserved\n",
	    s.total, s.usable, s.free, s.cached, s.used, s.reserved);
	out("free memory: %lu MiB of %lu MiB usable; bad frees %lu, failed requests %lu\n",
	    s.free * FRAME_SIZE / MIB, s.usable * FRAME_SIZE / MIB, s.bad_frees, s.failed);
	page_dump();
	return 0;
}
SHELL_COMMAND(mem, cmd_mem, "mem", 0, 0, "frame allocator counts and density map");

/* A frame count argument: 1 to ALLOC_MAX. */
static bool parse_frames(const char *arg, uint64_t *n)
{
	if (shell_parse_u64(arg, n) && *n >= 1 && *n <= ALLOC_MAX)
		return true;
	out("bad frame count '%s': expected 1-%u\n", arg, ALLOC_MAX);
	return false;
}

/*
 * The frames `alloc` handed out and `free` has not taken back, one bit per
 * frame (made when the shell starts, retried at each alloc). `free` accepts nothing else, so the
 * monitor cannot free a frame the kernel uses, such as a live page table.
 */
static uint64_t *handed;
static uint64_t handed_frames;

static bool handed_ready(void)
{
	struct pfa_stats s;

	if (handed)
		return true;
	page_stats(&s);
	handed = kzalloc(BM_WORDS(s.total) * sizeof(uint64_t));
	handed_frames = handed ? s.total : 0;
	return handed != NULL;
}

/* Did alloc hand out every frame of [first, first + n), and free not take it back? */
static bool handed_out(uint64_t first, uint64_t n)
{
	return handed && bm_range_is_set(handed, handed_frames, first, n);
}

/* At shell start, so the list's own memory is not counted in the first alloc's. */
static void prepare_handed(void)
{
	if (!handed_ready())
		printk(KERN_WARNING "shell: no memory for the list of frames alloc hands out: "
		       "alloc and free will refuse\n");
}

static int cmd_alloc(int argc, char **argv)
{
	uint64_t n, addr;

	(void)argc;
	if (!parse_frames(argv[1], &n))
		return 0;
	if (!handed_ready()) {
		out("alloc: no memory for the list of frames alloc handed out (nothing allocated)\n");
		return 0;
	}
	addr = n == 1 ? page_alloc() : page_alloc_contig(n, 1);
	if (!addr) {
		out("alloc: no run of %lu free frames\n", n);
		return 0;
	}
	bm_set_range(handed, addr / FRAME_SIZE, n);
	out("allocated %lu frame%s at 0x%lx-0x%lx\n", n, n == 1 ? "" : "s", addr,
	    addr + n * FRAME_SIZE - 1);
	return 0;
}
SHELL_COMMAND_PREPARE(alloc, cmd_alloc, "alloc N", 1, 1, "allocate N contiguous frames",
		      prepare_handed);

static int cmd_free(int argc, char **argv)
{
	uint64_t addr, n = 1;

	if (!shell_parse_u64(argv[1], &addr) || addr % FRAME_SIZE) {
		out("bad address '%s': expected a frame-aligned number\n", argv[1]);
		return 0;
	}
	if (argc > 2 && !parse_frames(argv[2], &n))
		return 0;
	if (!handed_out(addr / FRAME_SIZE, n)) {
		out("free: refused: not all of 0x%lx-0x%lx was handed out by alloc (nothing freed)\n",
		    addr, addr + n * FRAME_SIZE - 1);
		return 0;
	}
	if (page_free_range(addr, n) < 0) {
		out("free: refused: not all of 0x%lx-0x%lx is allocated (nothing freed)\n",
		    addr, addr + n * FRAME_SIZE - 1);
		return 0;
	}
	bm_clear_range(handed, addr / FRAME_SIZE, n);
	out("freed %lu frame%s at 0x%lx\n", n, n == 1 ? "" : "s", addr);
	return 0;
}
SHELL_COMMAND(free, cmd_free, "free ADDR [N]", 1, 2,
	      "free N frames (default 1) at ADDR that alloc handed out");

static void bench_frames(void)
{
	enum { ROUNDS = 10000 };
	uint64_t t = rdtsc();

	for (int i = 0; i < ROUNDS; i++) {
		uint64_t f = page_alloc();

		if (!f) {
			out("  page_alloc: out of memory\n");
			return;
		}
		page_free(f);
	}
	t = rdtsc() - t;
	out("  page_alloc + page_free, one frame: %lu ns per pair\n", shell_cycles_to_ns(t) / ROUNDS);
}
SHELL_BENCH(pfa_alloc_free, bench_frames);
