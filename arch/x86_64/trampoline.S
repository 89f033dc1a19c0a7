/* SPDX-License-Identifier: MIT */
/*
 * The AP start-up trampoline. The boot CPU copies [trampoline_start,
 * trampoline_end) to a page below 1 MiB, fills in the tr_* fields, and
 * sends INIT-SIPI-SIPI with that page: the AP starts here in real mode at
 * CS = page >> 4, IP = 0, climbs to long mode on the kernel's page tables
 * and calls tr_entry(tr_cpu) on tr_stack. Code is position-independent
 * within the page: absolute addresses are built from tr_base at run time.
 *
 * The claim: before it touches tr_stack or tr_cpu, the AP swaps its own
 * APIC ID (from CPUID) in tr_claim for TR_NOBODY with one locked cmpxchg.
 * The boot CPU writes the ID of the AP it is starting there; giving up on
 * it, it makes the same swap itself. One of the two wins: an AP that
 * arrives late (its ID no longer there: given up, or another AP's turn)
 * halts at once, on no stack, and never runs the kernel. tr_late (tests
 * only, ktest.late_ap=) names an AP that waits until it was given up.
 */
	.section .rodata
	.balign	16
	.globl	trampoline_start, trampoline_end
	.globl	tr_cr3, tr_efer, tr_stack, tr_cpu, tr_entry, tr_claim, tr_late

#define OFF(x)		((x) - trampoline_start)
#define TR_CS32		0x08
#define TR_DS		0x10
#define TR_CS64		0x18
#define TR_NOBODY	0xFFFFFFFF	/* in tr_claim: no AP may claim (see arch/smp.h) */

	.code16
trampoline_start:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	/* Who am I? The x2APIC ID (CPUID 0xB) where there is one, else the 8-bit initial ID. */
	xorl	%eax, %eax
	cpuid
	cmpl	$0xB, %eax
	jb	1f
	movl	$0xB, %eax
	xorl	%ecx, %ecx
	cpuid
	movl	%edx, %esi
	testl	%ebx, %ebx		/* leaf 0xB present but empty: no x2APIC topology */
	jnz	2f
1:	movl	$1, %eax
	cpuid
	shrl	$24, %ebx
	movl	%ebx, %esi
2:	cmpl	OFF(tr_late), %esi	/* tests: answer only after the deadline */
	jne	3f
4:	pause
	cmpl	OFF(tr_claim), %esi
	je	4b
3:	movl	%esi, %eax
	movl	$TR_NOBODY, %edx
	lock cmpxchgl %edx, OFF(tr_claim)
	jne	tr_left_out
	/* Page base, for the far jumps and the GDT pointer (ES:BX addressing is no help in 32-bit). */
	xorl	%ebx, %ebx
	movw	%cs, %bx
	shll	$4, %ebx
	leal	OFF(tr_gdt)(%ebx), %eax
	movl	%eax, OFF(tr_gdt_ptr) + 2
	leal	OFF(tr32)(%ebx), %eax
	movl	%eax, OFF(tr32_ptr)
	leal	OFF(tr64)(%ebx), %eax
	movl	%eax, OFF(tr64_ptr)
	lgdtl	OFF(tr_gdt_ptr)
	movl	$0x33, %eax		/* PE MP ET NE; CD and NW clear (INIT sets them) */
	movl	%eax, %cr0
	ljmpl	*OFF(tr32_ptr)

	.code32
tr32:
	movw	$TR_DS, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	%cr4, %eax
	orl	$(1 << 5), %eax		/* PAE */
	movl	%eax, %cr4
	movl	OFF(tr_cr3)(%ebx), %eax
	movl	%eax, %cr3
	movl	$0xC0000080, %ecx	/* EFER: LME, and NXE if the boot CPU uses it */
	rdmsr
	orl	OFF(tr_efer)(%ebx), %eax
	wrmsr
	movl	$0x80010033, %eax	/* CR0_KERNEL: PG WP NE ET MP PE (arch/cpufeat.h) */
	movl	%eax, %cr0
	ljmpl	*OFF(tr64_ptr)(%ebx)

	.code64
tr64:
	movl	%ebx, %ebx
	movq	OFF(tr_stack)(%rbx), %rsp
	movq	OFF(tr_cpu)(%rbx), %rdi
	movq	OFF(tr_entry)(%rbx), %rax
	xorl	%ebp, %ebp		/* ends every backtrace */
	call	*%rax
1:	cli
	hlt
	jmp	1b

	.code16
tr_left_out:				/* too late: touch nothing, stay here */
	cli
	hlt
	jmp	tr_left_out

	.balign	8
tr_gdt:
	.quad	0
	/* Accessed bits preset: the page is read-only once paging is on. */
	.quad	0x00CF9B000000FFFF	/* TR_CS32: 32-bit code, 4 GiB */
	.quad	0x00CF93000000FFFF	/* TR_DS: data, 4 GiB */
	.quad	0x00209B0000000000	/* TR_CS64: 64-bit code */
tr_gdt_ptr:
	.word	4 * 8 - 1
	.long	0
	.balign	4
tr32_ptr:
	.long	0
	.word	TR_CS32
	.balign	4
tr64_ptr:
	.long	0
	.word	TR_CS64
	.balign	8
tr_cr3:		.quad	0
tr_efer:	.quad	0
tr_stack:	.quad	0
tr_cpu:		.quad	0
tr_entry:	.quad	0
tr_claim:	.long	TR_NOBODY
tr_late:	.long	TR_NOBODY
trampoline_end:
