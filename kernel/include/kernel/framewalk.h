/* SPDX-License-Identifier: MIT */
/*
 * Walking a frame-pointer chain without trusting it (portable: kernel and host).
 *
 * A frame is two words at fp: the caller's frame pointer, then the return
 * address. Frame pointers come from memory that may be corrupt, so the
 * walk reads a frame only if
 *	- fp is 8-byte aligned and [fp, fp + 16) lies inside one known stack
 *	  (stack_of says which stacks exist and where they end), and
 *	- within one stack, each frame is higher than the last (stacks grow
 *	  down: callers sit above), so the chain cannot loop; or
 *	- it is the first frame of another known stack not walked before (a
 *	  task's stack entered from its CPU's stack, an interrupt stack back to
 *	  the interrupted one).
 * A zero return address ends the chain, and at most max addresses come
 * back: the walk is bounded whatever the stacks hold.
 */
#ifndef KERNEL_FRAMEWALK_H
#define KERNEL_FRAMEWALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Stacks one walk may pass through; a chain through more is cut there. */
#define FRAME_WALK_MAX_STACKS	8

/* A stack's readable bytes: [lo, hi). */
struct frame_stack {
	uint64_t lo, hi;
};

/* Is addr on a known stack? If so, *s is that whole stack. */
typedef bool (*frame_stack_of_fn)(void *ctx, uint64_t addr, struct frame_stack *s);

/* Store the return addresses of the chain starting at fp, innermost first; returns how many. */
size_t frame_walk(uint64_t fp, frame_stack_of_fn stack_of, void *ctx, uint64_t *rets, size_t max);

#endif /* KERNEL_FRAMEWALK_H */
