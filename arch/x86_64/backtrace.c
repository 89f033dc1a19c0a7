/*
 * Backtraces: walk the rbp chain (the kernel keeps frame pointers) over
 * every stack the kernel runs on, and print the frames symbolized.
 */
#include <arch/backtrace.h>
#include <arch/cpu.h>
#include <arch/gdt.h>
#include <arch/kstack.h>
#include <arch/layout.h>
#include <arch/smp.h>
#include <kernel/framewalk.h>
#include <kernel/ksyms.h>
#include <kernel/printk.h>
#include <kernel/task.h>

extern const char boot_stack[], boot_stack_top[];

static bool in(uint64_t addr, uint64_t lo, uint64_t hi, struct frame_stack *s)
{
	if (!hi || addr < lo || addr >= hi)
		return false;
	*s = (struct frame_stack){ lo, hi };
	return true;
}

/* A CPU's window (<arch/smp.h>): its kernel stack or one of its IST stacks, once mapped. */
static bool cpu_stack(uint64_t addr, struct frame_stack *s)
{
	uint64_t id = (addr - SMP_STACK_AREA) / SMP_STACK_WINDOW;
	const struct cpu *c;

	if (addr < SMP_STACK_AREA || id >= SMP_MAX_CPUS)
		return false;
	c = &cpus[id];
	if (in(addr, c->stack_top - KERNEL_STACK_SIZE, c->stack_top, s))
		return true;
	for (int i = 0; i < 3; i++)
		if (in(addr, c->ist_top[i] - IST_STACK_SIZE, c->ist_top[i], s))
			return true;
	return false;
}

/* A task's stack (<arch/kstack.h>): the mapped pages at the top of its slot. */
static bool task_stack(uint64_t addr, struct frame_stack *s)
{
	uint64_t slot = (addr - KSTACK_AREA) / KSTACK_SLOT_SIZE, top, lo;

	/* Before task_init there are none, and no direct map for kstack_mapped's table walk. */
	if (addr < KSTACK_AREA || slot >= KSTACK_SLOTS || !task_ncpus(&kernel_tasks))
		return false;
	top = KSTACK_AREA + (slot + 1) * KSTACK_SLOT_SIZE;
	lo = top;
	while (lo > top - KSTACK_SLOT_SIZE && kstack_mapped(lo - 4096))
		lo -= 4096;
	return in(addr, lo, top, s);
}

/* The boot stack, and the IST stacks of the TSS this CPU runs on (the boot TSS's are in .bss). */
static bool static_stack(uint64_t addr, struct frame_stack *s)
{
	if (in(addr, (uint64_t)boot_stack, (uint64_t)boot_stack_top, s))
		return true;
	for (int ist = 1; ist <= 3; ist++) {
		uint64_t top = tss_ist_top(ist);

		if (in(addr, top - IST_STACK_SIZE, top, s))
			return true;
	}
	return false;
}

bool backtrace_stack_of(uint64_t addr, struct frame_stack *s)
{
	return cpu_stack(addr, s) || task_stack(addr, s) || static_stack(addr, s);
}

static bool stack_of(void *ctx, uint64_t addr, struct frame_stack *s)
{
	(void)ctx;
	return backtrace_stack_of(addr, s);
}

size_t backtrace_collect(uint64_t fp, uint64_t *rets, size_t max)
{
	return frame_walk(fp, stack_of, NULL, rets, max);
}

static void print_frame(uint64_t ip)
{
	char sym[96];

	printk_raw("    [<%016lx>] %s\n", ip, ksym_format(sym, sizeof(sym), ip));
}

void backtrace_print(uint64_t ip, uint64_t fp)
{
	uint64_t rets[BACKTRACE_MAX];
	size_t n = backtrace_collect(fp, rets, BACKTRACE_MAX);

	printk_raw("  Backtrace:\n");
	print_frame(ip);
	/* ret - 1 is inside the call instruction, so inside the caller. */
	for (size_t i = 0; i < n; i++)
		print_frame(rets[i] - 1);
}

void backtrace_here(void)
{
	backtrace_print((uint64_t)__builtin_return_address(0),
			*(const uint64_t *)cpu_frame_pointer());
}
