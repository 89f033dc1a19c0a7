/* SPDX-License-Identifier: MIT */
/* setjmp/longjmp: save and restore the System V callee-saved state. */
#include <arch/setjmp.h>

	.text
	.globl	setjmp
	.type	setjmp, @function
setjmp:
	movq	%rbx, JB_RBX * 8(%rdi)
	movq	%rbp, JB_RBP * 8(%rdi)
	movq	%r12, JB_R12 * 8(%rdi)
	movq	%r13, JB_R13 * 8(%rdi)
	movq	%r14, JB_R14 * 8(%rdi)
	movq	%r15, JB_R15 * 8(%rdi)
	leaq	8(%rsp), %rax		/* the caller's rsp after our return */
	movq	%rax, JB_RSP * 8(%rdi)
	movq	(%rsp), %rax		/* our return address */
	movq	%rax, JB_RIP * 8(%rdi)
	xorl	%eax, %eax
	ret
	.size	setjmp, . - setjmp

	.globl	longjmp
	.type	longjmp, @function
longjmp:
	movl	%esi, %eax
	testl	%eax, %eax
	jnz	1f
	incl	%eax			/* longjmp(env, 0) makes setjmp return 1 */
1:	movq	JB_RBX * 8(%rdi), %rbx
	movq	JB_RBP * 8(%rdi), %rbp
	movq	JB_R12 * 8(%rdi), %r12
	movq	JB_R13 * 8(%rdi), %r13
	movq	JB_R14 * 8(%rdi), %r14
	movq	JB_R15 * 8(%rdi), %r15
	movq	JB_RSP * 8(%rdi), %rsp
	jmpq	*JB_RIP * 8(%rdi)
	.size	longjmp, . - longjmp
