/* Walk the rbp chain (the kernel keeps frame pointers) and print symbolized frames. */
#include <stdbool.h>
#include <arch/backtrace.h>
#include <arch/cpu.h>
#include <kernel/ksyms.h>
#include <kernel/printk.h>

#define BACKTRACE_MAX	32

/* Every kernel stack lives inside the image (.bss), so frames must too. */
extern const char __kernel_start[], __kernel_end[];

static bool frame_ok(uint64_t fp)
{
	return fp % 8 == 0 && fp >= (uint64_t)__kernel_start &&
	       fp + 16 <= (uint64_t)__kernel_end;
}

static void print_frame(uint64_t ip)
{
	char sym[96];

	console_printf("    [<%016lx>] %s\n", ip, ksym_format(sym, sizeof(sym), ip));
}

void backtrace_print(uint64_t ip, uint64_t fp)
{
	console_printf("  Backtrace:\n");
	print_frame(ip);
	for (int depth = 0; depth < BACKTRACE_MAX && frame_ok(fp); depth++) {
		const uint64_t *frame = (const uint64_t *)fp;
		uint64_t ret = frame[1];

		if (!ret)
			break;
		/* ret - 1 is inside the call instruction, so inside the caller. */
		print_frame(ret - 1);
		if (frame[0] <= fp)	/* stacks grow down: callers sit higher */
			break;
		fp = frame[0];
	}
}

void backtrace_here(void)
{
	backtrace_print((uint64_t)__builtin_return_address(0),
			*(const uint64_t *)cpu_frame_pointer());
}
