/*
 * The monitor shell: after the self-tests, a prompt on the screen and on
 * COM1 (both feed one input queue) with commands that show each bitmap of
 * the kernel live. Every command validates all its arguments before it
 * changes anything; a bad one gets a one-line error and the prompt back.
 */
#include <arch/cpu.h>
#include <arch/gdt.h>
#include <arch/gdtdesc.h>
#include <arch/smp.h>
#include <arch/tsc.h>
#include <bitmap/bitmap.h>
#include <bitmap/list.h>
#include <bitmap/hbitmap.h>
#include <kernel/console.h>
#include <kernel/cpumask.h>
#include <kernel/gdtslot.h>
#include <kernel/heap.h>
#include <kernel/input.h>
#include <kernel/ktest_run.h>
#include <kernel/mm.h>
#include <kernel/pfa.h>
#include <kernel/pid.h>
#include <kernel/printk.h>
#include <kernel/shell.h>
#include <kernel/smp.h>
#include <kernel/string.h>
#include <kernel/task.h>

#define PROMPT		"setbit> "
#define MAX_ARGS	8
#define SCRATCH_BITS	128
#define ALLOC_MAX	(1u << 18)	/* frames per alloc/free: 1 GiB */

struct command {
	const char *name;
	const char *usage;
	const char *help;
	int (*run)(int argc, char **argv);	/* 0, or -1 to print the usage */
	int min_args, max_args;			/* after the name */
};

static const struct command commands[];
static BM_DECLARE(scratch, SCRATCH_BITS);

#define out(...)	console_printf(__VA_ARGS__)

static int not_available(const char *why)
{
	out("not available: %s\n", why);
	return 0;
}

/* ---------------------------------------------------------------- help */

static int cmd_help(int argc, char **argv)
{
	(void)argc, (void)argv;
	for (const struct command *c = commands; c->name; c++)
		out("  %-24s %s\n", c->usage, c->help);
	out("  keys: Left/Right, Home/End, Up/Down history, Ctrl-U clear, Ctrl-C cancel\n");
	return 0;
}

/* ---------------------------------------------------------------- memory */

static int cmd_mem(int argc, char **argv)
{
	struct pfa_stats s;

	(void)argc, (void)argv;
	pfa_stats(&s);
	out("frames: %lu total, %lu usable, %lu free (%lu cached), %lu used, %lu reserved\n",
	    s.total, s.usable, s.free, s.cached, s.used, s.reserved);
	out("free memory: %lu MiB of %lu MiB usable; bad frees %lu, failed requests %lu\n",
	    s.free * FRAME_SIZE / MIB, s.usable * FRAME_SIZE / MIB, s.bad_frees, s.failed);
	pfa_dump();
	return 0;
}

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
	pfa_stats(&s);
	handed = kzalloc(BM_WORDS(s.total) * sizeof(uint64_t));
	handed_frames = handed ? s.total : 0;
	return handed != NULL;
}

/* Did alloc hand out every frame of [first, first + n), and free not take it back? */
static bool handed_out(uint64_t first, uint64_t n)
{
	return handed && bm_range_is_set(handed, handed_frames, first, n);
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
	addr = n == 1 ? pfa_alloc() : pfa_alloc_contig(n, 1);
	if (!addr) {
		out("alloc: no run of %lu free frames\n", n);
		return 0;
	}
	bm_set_range(handed, addr / FRAME_SIZE, n);
	out("allocated %lu frame%s at 0x%lx-0x%lx\n", n, n == 1 ? "" : "s", addr,
	    addr + n * FRAME_SIZE - 1);
	return 0;
}

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
	if (pfa_free_range(addr, n) < 0) {
		out("free: refused: not all of 0x%lx-0x%lx is allocated (nothing freed)\n",
		    addr, addr + n * FRAME_SIZE - 1);
		return 0;
	}
	bm_clear_range(handed, addr / FRAME_SIZE, n);
	out("freed %lu frame%s at 0x%lx\n", n, n == 1 ? "" : "s", addr);
	return 0;
}

/* ---------------------------------------------------------------- CPUs, GDT, PIDs, tasks */

static int cmd_cpus(int argc, char **argv)
{
	unsigned int n = smp_cpus_online();
	char online[128], idle[128];

	(void)argc, (void)argv;
	cpumask_print(online, sizeof(online), &cpu_online_mask, SMP_MAX_CPUS);
	cpumask_print(idle, sizeof(idle), &cpu_idle_mask, SMP_MAX_CPUS);
	out("online: %s (%u CPUs), idle: %s\n", online[0] ? online : "0", n, idle[0] ? idle : "none");
	out("  CPU  APIC  TSS\n");
	for (unsigned int i = 0; i < n; i++)
		out("  %3u  %4u  0x%x%s\n", cpus[i].id, cpus[i].apic_id, cpus[i].tss_sel,
		    i == smp_cpu_id() ? "  (this one)" : "");
	return 0;
}

/* The CPU whose TSS the descriptor pair at slot points at, or -1. */
static int tss_owner(const struct gdt_slots *g, size_t slot)
{
	struct gdt_tss_desc d = gdt_decode_tss(&g->table[slot]);

	for (unsigned int i = 0; i < smp_cpus_online(); i++)
		if (d.base == (uint64_t)&cpus[i].tss)
			return (int)i;
	return -1;
}

/* One character per slot: F fixed segment, T/t a TSS pair's halves, . free. */
static int cmd_gdt(int argc, char **argv)
{
	const struct gdt_slots *g = gdt_slots();
	size_t used = 0;

	(void)argc, (void)argv;
	out("%zu slots (%zu fixed), limit 0x%x:\n  ", g->nslots, g->nfixed, gdt_slots_limit(g));
	for (size_t i = 0; i < g->nslots; i++) {
		bool taken = bm_test(g->used, i);

		used += taken;
		out("%c%s", i < g->nfixed ? 'F' : !taken ? '.' : (i - g->nfixed) % 2 ? 't' : 'T',
		    i % 64 == 63 && i + 1 < g->nslots ? "\n  " : "");
	}
	out("\n  fixed: 0-%zu (null, kernel and user segments)\n", g->nfixed - 1);
	for (size_t i = g->nfixed; i + 1 < g->nslots; i += 2) {
		if (!bm_test(g->used, i))
			continue;
		int cpu = tss_owner(g, i);

		if (cpu >= 0)
			out("  0x%zx: TSS of CPU %d\n", i * GDT_SLOT_SIZE, cpu);
		else
			out("  0x%zx: TSS (no CPU)\n", i * GDT_SLOT_SIZE);
	}
	out("  %zu of %zu slots used, %zu free\n", used, g->nslots, g->nslots - used);
	return 0;
}

/* Append "a" or "a-b" to the list in buf; false once it is full. */
static bool list_append(char *buf, size_t size, size_t *len, int a, int b)
{
	int n = a == b ? snprintf(buf + *len, size - *len, "%s%d", *len ? "," : "", a)
		       : snprintf(buf + *len, size - *len, "%s%d-%d", *len ? "," : "", a, b);

	if (n < 0 || (size_t)n >= size - *len)
		return false;
	*len += (size_t)n;
	return true;
}

static int cmd_pids(int argc, char **argv)
{
	struct pid_map *m = pid_kernel_map();
	char list[512];
	size_t len = 0, count = 0, max, i;
	bool full = false;
	int last;

	(void)argc, (void)argv;
	list[0] = '\0';
	spin_lock(&m->lock);
	max = (size_t)m->pid_max;
	last = m->last;
	/* PID 0 is never handed out; its bit is always set. */
	for (i = hbm_find_next(&m->used, 1); i < max; i = hbm_find_next(&m->used, i)) {
		size_t end = hbm_find_next_zero(&m->used, i);

		if (end > max)
			end = max;
		count += end - i;
		if (!full)
			full = !list_append(list, sizeof(list), &len, (int)i, (int)end - 1);
		i = end;
	}
	spin_unlock(&m->lock);
	out("pid_max %zu, last %d, %zu allocated: %s%s\n", max, last, count,
	    count ? list : "none", full ? ",..." : "");
	return 0;
}

/* A short task: note its CPU in the mask arg, spin a little so the tasks spread out. */
static int spawn_job(void *arg)
{
	uint64_t until = rdtsc() + tsc_khz() / 10;	/* 100 us */

	cpumask_set_atomic(arg, smp_cpu_id());
	while (rdtsc() < until)
		cpu_relax();
	return task_current(&kernel_tasks)->pid;
}

static int cmd_spawn(int argc, char **argv)
{
	struct cpumask used = { 0 };	/* CPUs that ran a task (atomic bits) */
	struct task **tasks;
	uint64_t n, start, us;
	int lo = 0, hi = 0, err = 0, wrong = 0;
	size_t made = 0;
	char cpulist[128];

	(void)argc;
	if (!shell_parse_u64(argv[1], &n) || n < 1 || n > 1000) {
		out("bad task count '%s': expected 1-1000\n", argv[1]);
		return 0;
	}
	tasks = kmalloc(n * sizeof(*tasks));
	if (!tasks) {
		out("spawn: no memory for %lu task pointers\n", n);
		return 0;
	}
	start = rdtsc();
	while (made < n && (err = task_spawn(&kernel_tasks, spawn_job, &used, NULL,
					       &tasks[made])) == 0)
		made++;
	for (size_t i = 0; i < made; i++) {
		int pid = tasks[i]->pid;

		lo = i == 0 || pid < lo ? pid : lo;
		hi = pid > hi ? pid : hi;
		wrong += task_wait(&kernel_tasks, tasks[i]) != pid;
	}
	us = (rdtsc() - start) * 1000 / (tsc_khz() ? tsc_khz() : 1);
	kfree(tasks);
	cpumask_print(cpulist, sizeof(cpulist), &used, SMP_MAX_CPUS);
	out("spawned %zu of %lu tasks: PIDs %d-%d, on CPUs %s, %lu us; %d wrong exit codes\n",
	    made, n, lo, hi, made ? cpulist : "none", us, wrong);
	if (err)
		out("spawn: stopped early: error %d\n", err);
	return 0;
}

static int cmd_ps(int argc, char **argv)
{
	(void)argc, (void)argv;
	task_dump(&kernel_tasks, console_printf);
	return 0;
}

/* ---------------------------------------------------------------- scratch bitmap */

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

/* ---------------------------------------------------------------- tests, benchmarks */

static int cmd_test(int argc, char **argv)
{
	ktest_run_filter(argc > 1 ? argv[1] : NULL);
	return 0;
}

static uint64_t cycles_to_ns(uint64_t cycles)
{
	uint64_t khz = tsc_khz();

	return khz ? cycles * 1000000 / khz : 0;
}

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

static void bench_find(void)
{
	uint64_t seed = 0x9E3779B97F4A7C15ull, t, found = 0;

	for (size_t i = 0; i < BM_WORDS(BENCH_BITS); i++)
		bench_map[i] = xorshift(&seed);
	t = rdtsc();
	for (size_t i = bm_find_first(bench_map, BENCH_BITS); i < BENCH_BITS;
	     i = bm_find_next(bench_map, BENCH_BITS, i + 1))
		found++;
	t = rdtsc() - t;
	out("  bm_find_next, dense (%lu of %u bits): %lu ns per bit found\n", found,
	    BENCH_BITS, cycles_to_ns(t) / (found ? found : 1));
	bm_zero(bench_map, BENCH_BITS);
	for (int i = 0; i < 655; i++)
		bm_set(bench_map, xorshift(&seed) % BENCH_BITS);
	found = 0;
	t = rdtsc();
	for (size_t i = bm_find_first(bench_map, BENCH_BITS); i < BENCH_BITS;
	     i = bm_find_next(bench_map, BENCH_BITS, i + 1))
		found++;
	t = rdtsc() - t;
	out("  bm_find_next, sparse (%lu bits): %lu ns per bit found\n", found,
	    cycles_to_ns(t) / (found ? found : 1));
}

static void bench_frames(void)
{
	enum { ROUNDS = 10000 };
	uint64_t t = rdtsc();

	for (int i = 0; i < ROUNDS; i++) {
		uint64_t f = pfa_alloc();

		if (!f) {
			out("  pfa_alloc: out of memory\n");
			return;
		}
		pfa_free(f);
	}
	t = rdtsc() - t;
	out("  pfa_alloc + pfa_free, one frame: %lu ns per pair\n", cycles_to_ns(t) / ROUNDS);
}

static int cmd_bench(int argc, char **argv)
{
	(void)argc, (void)argv;
	if (!tsc_khz())
		return not_available("the TSC is not calibrated");
	bench_find();
	bench_frames();
	return 0;
}

/* ---------------------------------------------------------------- machine */

static int cmd_reboot(int argc, char **argv)
{
	(void)argc, (void)argv;
	machine_reboot();
}

static int cmd_halt(int argc, char **argv)
{
	(void)argc, (void)argv;
	machine_halt();
}

static const struct command commands[] = {
	{ "help", "help", "this list", cmd_help, 0, 0 },
	{ "mem", "mem", "frame allocator counts and density map", cmd_mem, 0, 0 },
	{ "alloc", "alloc N", "allocate N contiguous frames", cmd_alloc, 1, 1 },
	{ "free", "free ADDR [N]", "free N frames (default 1) at ADDR that alloc handed out",
	  cmd_free, 1, 2 },
	{ "cpus", "cpus", "online and idle CPU masks, APIC IDs, TSS selectors", cmd_cpus, 0, 0 },
	{ "gdt", "gdt", "GDT slot map", cmd_gdt, 0, 0 },
	{ "pids", "pids", "allocated PIDs, pid_max, last", cmd_pids, 0, 0 },
	{ "spawn", "spawn N", "start N short tasks across the CPUs and wait for them", cmd_spawn, 1, 1 },
	{ "ps", "ps", "list tasks", cmd_ps, 0, 0 },
	{ "bitmap", "bitmap [set|clear LIST]", "scratch bitmap; also find N, alloc N, reset",
	  cmd_bitmap, 0, 2 },
	{ "test", "test [GLOB]", "rerun the self-tests (GLOB[,GLOB...] selects)", cmd_test, 0, 1 },
	{ "bench", "bench", "in-kernel micro-benchmarks", cmd_bench, 0, 0 },
	{ "reboot", "reboot", "restart the machine", cmd_reboot, 0, 0 },
	{ "halt", "halt", "stop the machine", cmd_halt, 0, 0 },
	{ NULL, NULL, NULL, NULL, 0, 0 },
};

static void run_line(char *line)
{
	char *argv[MAX_ARGS];
	int argc = shell_split(line, argv, MAX_ARGS);
	const struct command *c;

	if (argc == 0)
		return;
	for (c = commands; c->name && strcmp(c->name, argv[0]) != 0; c++)
		;
	if (!c->name) {
		out("unknown command '%s' (try 'help')\n", argv[0]);
		return;
	}
	if (argc - 1 < c->min_args || argc - 1 > c->max_args || c->run(argc, argv) < 0)
		out("usage: %s\n", c->usage);
}

static void echo(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	console_write(s, len);
}

void shell_run(void)
{
	static struct lineedit le = { .echo = echo };

	input_init();
	if (!handed_ready())
		printk(KERN_WARNING "shell: no memory for the list of frames alloc hands out: "
		       "alloc and free will refuse\n");
	out("\nsetbit monitor: type 'help' for commands\n");
	for (;;) {
		enum lineedit_result r;

		out(PROMPT);
		lineedit_reset(&le);
		screen_show_cursor(true);
		do
			r = lineedit_key(&le, input_getc());
		while (r == LINE_EDITING);
		screen_show_cursor(false);
		if (r == LINE_DONE)
			run_line(le.buf);
	}
}
