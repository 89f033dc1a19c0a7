/* SPDX-License-Identifier: MIT */
/*
 * Frame-pointer backtraces, symbolized with the kernel symbol table.
 *
 * The walk (<kernel/framewalk.h>) follows the rbp chain across the stacks
 * the kernel runs on, and reads a frame only inside one of them:
 *	- each CPU's kernel stack and its IST stacks (#DF, NMI, #MC), in its
 *	  window of the stack area (<arch/smp.h>);
 *	- task stacks, through the finder the kernel registers once they can
 *	  exist (kernel/proc: the mapped pages of a slot of <arch/kstack.h>);
 *	- the boot stack and the boot TSS's IST stacks, before SMP is up.
 * A chain may leave a stack for another one (a task's first frame links to
 * the stack that called it; an NMI's handler to the interrupted code), each
 * at most once; anything else ends the backtrace.
 */
#ifndef ARCH_BACKTRACE_H
#define ARCH_BACKTRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/framewalk.h>

#define BACKTRACE_MAX	32	/* return addresses printed at most */

/*
 * Register the kernel's task-stack finder: true, with *s the stack's bounds,
 * if addr is on a task's stack. Until then no task stack is known.
 */
void backtrace_set_task_stacks(bool (*stack_of)(uint64_t addr, struct frame_stack *s));
/* Is addr on one of the stacks above? If so, *s is that stack's bounds. */
bool backtrace_stack_of(uint64_t addr, struct frame_stack *s);
/* The return addresses of the chain starting at frame pointer fp, at most max: how many. */
size_t backtrace_collect(uint64_t fp, uint64_t *rets, size_t max);
/* Print ip, then each caller up the rbp chain starting at fp. */
void backtrace_print(uint64_t ip, uint64_t fp);
/* Print the backtrace of the caller. */
void backtrace_here(void);

#endif /* ARCH_BACKTRACE_H */
