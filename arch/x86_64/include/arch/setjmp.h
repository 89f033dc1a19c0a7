/* SPDX-License-Identifier: MIT */
/* setjmp/longjmp for the kernel: the test runner's way out of a failed case. */
#ifndef ARCH_SETJMP_H
#define ARCH_SETJMP_H

#define JB_RBX	0
#define JB_RBP	1
#define JB_R12	2
#define JB_R13	3
#define JB_R14	4
#define JB_R15	5
#define JB_RSP	6
#define JB_RIP	7
#define JB_SIZE	8

#ifndef __ASSEMBLY__
#include <stdint.h>

/* The callee-saved registers, the stack pointer and the resume address. */
typedef struct {
	uint64_t regs[JB_SIZE];
} jmp_buf[1];

/* Save the context; returns 0, then again (with longjmp's val) after a longjmp. */
int setjmp(jmp_buf env) __attribute__((returns_twice));
/* Resume at env's setjmp, which returns val (1 if val is 0). */
void longjmp(jmp_buf env, int val) __attribute__((noreturn));

_Static_assert(sizeof(jmp_buf) == JB_SIZE * 8, "setjmp.S stores JB_SIZE registers");

#endif /* __ASSEMBLY__ */
#endif /* ARCH_SETJMP_H */
