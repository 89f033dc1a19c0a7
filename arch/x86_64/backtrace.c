// SPDX-License-Identifier: MIT
/*
 * Backtraces: walk the rbp chain (the kernel keeps frame pointers) over
 * every stack the kernel runs on, and print the frames symbolized.
 */
#include <arch/backtrace.h>
#include <arch/cpu.h>
#include <arch/gdt.h>
#include <arch/layout.h>
#include <arch/smp.h>
#include <kernel/framewalk.h>
#include <kernel/ksyms.h>
#include <kernel/printk.h>

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

/* Task stacks, once the kernel says where they are (backtrace_set_task_stacks). */
static bool (*task_stacks)(uint64_t addr, struct frame_stack *s);

void backtrace_set_task_stacks(bool (*stack_of)(uint64_t addr, struct frame_stack *s))
{
	__atomic_store_n(&task_stacks, stack_of, __ATOMIC_RELEASE);
}

static bool task_stack(uint64_t addr, struct frame_stack *s)
{
	bool (*stack_of)(uint64_t, struct frame_stack *) =
		__atomic_load_n(&task_stacks, __ATOMIC_ACQUIRE);

	return stack_of && stack_of(addr, s);
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
