/* SPDX-License-Identifier: MIT */
/* Running a function on another stack: how a kernel task gets its own. */
#ifndef ARCH_STACK_H
#define ARCH_STACK_H

#include <stdint.h>

/*
 * Call fn(arg) with the stack pointer at top (16-byte aligned), and return
 * on the caller's stack. The old stack pointer waits in rbx, which fn
 * preserves; rbp is left alone, so backtraces walk from fn's frames into
 * the caller's. Every register fn may change is an output or a clobber.
 */
static inline void call_on_stack(uintptr_t top, void (*fn)(void *), void *arg)
{
	__asm__ volatile("movq %%rsp, %%rbx\n\t"
			 "movq %[top], %%rsp\n\t"
			 "callq *%[fn]\n\t"
			 "movq %%rbx, %%rsp"
			 : "+D"(arg), [top] "+S"(top), [fn] "+a"(fn)
			 :
			 : "rbx", "rcx", "rdx", "r8", "r9", "r10", "r11", "memory", "cc");
}

/*
 * Register page (a page-aligned address in the kernel image) as a stack's
 * guard: the kernel's page tables leave it unmapped, so running off the
 * stack's end faults instead of overwriting what lies below.
 */
#define STACK_GUARD(name, page)						\
	static const void *const stack_guard_##name			\
	__attribute__((used, section("stack_guards"), aligned(8))) = (page)

#endif /* ARCH_STACK_H */
