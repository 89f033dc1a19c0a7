/* SPDX-License-Identifier: MIT */
/*
 * The AP start-up trampoline. The boot CPU copies [trampoline_start,
 * trampoline_end) to a page below 1 MiB, fills in the tr_* fields and the
 * far pointers, and sends INIT-SIPI-SIPI with that page to every AP at
 * once: each starts here in real mode at CS = page >> 4, IP = 0, climbs to
 * long mode on the kernel's page tables and calls tr_entry(cpu, gate) on
 * the stack of the CPU slot it takes. Code is position-independent within
 * the page: absolute addresses come from the page base (CS << 4) at run
 * time, or from the far pointers the boot CPU filled in.
 *
 * No AP writes this page (it is mapped read-only once paging is on, and
 * many APs run it at once) and none needs a stack before the kernel's.
 * Per-AP data lives in the gates and slots (<arch/trampoline.h>), in the
 * kernel's RW+NX data: the AP finds its gate by its APIC ID (CPUID) and
 * claims it with one locked cmpxchg, AP_WAIT -> AP_IN, takes the next
 * slot with a locked xadd on the ticket, and calls tr_entry(slot's cpu,
 * gate) on the slot's stack. An AP with no gate, or one that lost the
 * claim to the boot CPU's AP_WAIT -> AP_OUT at its deadline, halts at
 * once with interrupts off, on no stack, and never runs the kernel.
 * tr_late (tests only, ktest.late_ap=) names an AP that waits until it
 * was given up, then sets *tr_late_seen (its only write) and tries its
 * claim, which must fail.
 */
#include <arch/trampoline.h>

	.section .rodata
	.balign	16
	.globl	trampoline_start, trampoline_end
	.globl	tr_cr3, tr_efer, tr_entry, tr_gates, tr_slots, tr_ticket, tr_ngates, tr_late
	.globl	tr_late_seen
	.globl	tr_gdt, tr_gdt_ptr, tr32, tr32_ptr, tr64, tr64_ptr

#define OFF(x)		((x) - trampoline_start)
#define TR_CS32		0x08
#define TR_DS		0x10
#define TR_CS64		0x18

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
2:	/* Page base, for 32-bit addressing (the far pointers hold it already). */
	xorl	%ebx, %ebx
	movw	%cs, %bx
	shll	$4, %ebx
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
	/* Find the gate with our APIC ID (%esi); none: we were never meant to start. */
	movq	OFF(tr_gates)(%rbx), %rdi
	movl	OFF(tr_ngates)(%rbx), %ecx
1:	testl	%ecx, %ecx
	jz	tr_park
	cmpl	%esi, AP_GATE_APIC(%rdi)
	je	2f
	addq	$AP_GATE_SIZE, %rdi
	decl	%ecx
	jmp	1b
2:	cmpl	OFF(tr_late)(%rbx), %esi	/* tests: claim only once given up */
	jne	3f
4:	pause
	cmpl	$AP_WAIT, AP_GATE_STATE(%rdi)
	je	4b
	movq	OFF(tr_late_seen)(%rbx), %rdx	/* tests: say we are about to try */
	movl	$1, (%rdx)
3:	movl	$AP_WAIT, %eax
	movl	$AP_IN, %edx
	lock cmpxchgl %edx, AP_GATE_STATE(%rdi)
	jne	tr_park			/* given up (AP_OUT): touch nothing more */
	movq	%rdi, %rsi		/* the entry's second argument: our gate */
	movq	OFF(tr_ticket)(%rbx), %rdx
	movl	$1, %eax
	lock xaddl %eax, (%rdx)		/* our slot: the next one (zero-extends) */
	shlq	$AP_SLOT_SHIFT, %rax
	addq	OFF(tr_slots)(%rbx), %rax
	movq	AP_SLOT_STACK(%rax), %rsp
	movq	AP_SLOT_CPU(%rax), %rdi
	movq	OFF(tr_entry)(%rbx), %rax
	xorl	%ebp, %ebp		/* ends every backtrace */
	call	*%rax
tr_park:				/* not admitted, or returned: stay here */
	cli
	hlt
	jmp	tr_park

	.balign	8
tr_gdt:
	.quad	0
	/* Accessed bits preset: the page is read-only once paging is on. */
	.quad	0x00CF9B000000FFFF	/* TR_CS32: 32-bit code, 4 GiB */
	.quad	0x00CF93000000FFFF	/* TR_DS: data, 4 GiB */
	.quad	0x00209B0000000000	/* TR_CS64: 64-bit code */
tr_gdt_ptr:
	.word	4 * 8 - 1
	.long	0			/* the boot CPU writes page + OFF(tr_gdt) */
	.balign	4
tr32_ptr:
	.long	0			/* page + OFF(tr32) */
	.word	TR_CS32
	.balign	4
tr64_ptr:
	.long	0			/* page + OFF(tr64) */
	.word	TR_CS64
	.balign	8
tr_cr3:		.quad	0
tr_efer:	.quad	0
tr_entry:	.quad	0
tr_gates:	.quad	0		/* struct ap_gate[], kernel virtual address */
tr_slots:	.quad	0		/* struct ap_slot[], kernel virtual address */
tr_ticket:	.quad	0		/* uint32_t *: the next slot's index */
tr_late_seen:	.quad	0		/* uint32_t *: tests: the late AP sets it to 1 */
tr_ngates:	.long	0
tr_late:	.long	0xFFFFFFFF	/* no APIC ID */
trampoline_end:
