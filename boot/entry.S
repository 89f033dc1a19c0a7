/* SPDX-License-Identifier: MIT */
/*
 * The 32-bit entry from GRUB: check the CPU, build the boot page tables,
 * switch to long mode, move to the higher half and call kmain().
 */
#include <arch/layout.h>

#define PHYS(x)		((x) - KERNEL_VMA)

#define BOOT_CS32	0x08
#define BOOT_DS		0x10
#define BOOT_CS64	0x18

#define PTE_PRESENT	0x001
#define PTE_WRITE	0x002
#define PTE_HUGE	0x080

#define CR0_WP		(1 << 16)
#define CR0_PG		(1 << 31)
#define CR4_PAE		(1 << 5)
#define EFER_LME	(1 << 8)
#define EFER_NXE	(1 << 11)

#define COM1		0x3F8

	.section .boot.text, "ax"
	.code32
	.globl	_start
_start:
	cli
	cld
	/* Multiboot2 hands over EAX = magic, EBX = info; keep them until kmain. */
	movl	%eax, %ebp
	movl	%ebx, %esi

	/*
	 * Clear .bss now rather than in long mode: the page tables and the
	 * boot stack live there and are about to be filled in.
	 */
	movl	$PHYS(__bss_start), %edi
	movl	$PHYS(__bss_end), %ecx
	subl	%edi, %ecx
	shrl	$2, %ecx
	xorl	%eax, %eax
	rep stosl

	/* The earliest timestamp we can take: boot-to-summary starts here. */
	rdtsc
	movl	%eax, PHYS(boot_tsc)
	movl	%edx, PHYS(boot_tsc) + 4

	movl	$PHYS(boot_stack_top), %esp
	lgdt	PHYS(boot_gdt_ptr)
	ljmp	$BOOT_CS32, $PHYS(1f)
1:	movw	$BOOT_DS, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs

	call	check_long_mode		/* returns EDI = EFER bits to set */
	call	build_page_tables	/* keeps EBP, ESI, EDI */

	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$PHYS(boot_pml4), %eax
	movl	%eax, %cr3
	movl	$0xC0000080, %ecx
	rdmsr
	orl	%edi, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_WP), %eax
	movl	%eax, %cr0
	ljmp	$BOOT_CS64, $PHYS(long_mode_low)

/* Halt with a message on COM1 unless CPUID reports long mode; EDI = EFER bits. */
check_long_mode:
	/* CPUID exists iff EFLAGS.ID (bit 21) can be toggled. */
	pushfl
	popl	%eax
	movl	%eax, %ecx
	xorl	$(1 << 21), %eax
	pushl	%eax
	popfl
	pushfl
	popl	%eax
	pushl	%ecx
	popfl
	cmpl	%eax, %ecx
	je	no_long_mode

	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	jb	no_long_mode
	movl	$0x80000001, %eax
	cpuid
	testl	$(1 << 29), %edx	/* LM */
	jz	no_long_mode
	movl	$EFER_LME, %edi
	testl	$(1 << 20), %edx	/* NX */
	jz	1f
	orl	$EFER_NXE, %edi
1:	ret

/*
 * Identity-map the first 4 GiB (boot info, ACPI tables and the framebuffer
 * can be anywhere below 4 GiB) and map the first 2 GiB again at KERNEL_VMA,
 * all with 2 MiB pages.
 */
build_page_tables:
	movl	$PHYS(boot_pd), %ebx
	movl	$(PTE_PRESENT | PTE_WRITE | PTE_HUGE), %eax
	movl	$2048, %ecx
1:	movl	%eax, (%ebx)
	addl	$0x200000, %eax
	addl	$8, %ebx
	loop	1b

	movl	$PHYS(boot_pd) + (PTE_PRESENT | PTE_WRITE), %eax
	movl	%eax, PHYS(boot_pdpt_low)
	movl	%eax, PHYS(boot_pdpt_high) + 510 * 8
	addl	$4096, %eax
	movl	%eax, PHYS(boot_pdpt_low) + 8
	movl	%eax, PHYS(boot_pdpt_high) + 511 * 8
	addl	$4096, %eax
	movl	%eax, PHYS(boot_pdpt_low) + 16
	addl	$4096, %eax
	movl	%eax, PHYS(boot_pdpt_low) + 24

	movl	$PHYS(boot_pdpt_low) + (PTE_PRESENT | PTE_WRITE), %eax
	movl	%eax, PHYS(boot_pml4)
	movl	$PHYS(boot_pdpt_high) + (PTE_PRESENT | PTE_WRITE), %eax
	movl	%eax, PHYS(boot_pml4) + 511 * 8
	ret

/* No long mode: say so on COM1 by hand (no console yet) and stop. */
no_long_mode:
	movw	$(COM1 + 3), %dx	/* LCR: DLAB, then 8N1 */
	movb	$0x80, %al
	outb	%al, %dx
	movw	$COM1, %dx		/* divisor 1: 115200 baud */
	movb	$1, %al
	outb	%al, %dx
	movw	$(COM1 + 1), %dx
	xorb	%al, %al
	outb	%al, %dx
	movw	$(COM1 + 3), %dx
	movb	$0x03, %al
	outb	%al, %dx

	movl	$PHYS(no_long_mode_msg), %esi
1:	movb	(%esi), %bl
	testb	%bl, %bl
	jz	3f
	movl	$100000, %ecx		/* bounded: there may be no UART at all */
	movw	$(COM1 + 5), %dx
2:	inb	%dx, %al
	testb	$0x20, %al
	loopz	2b
	movw	$COM1, %dx
	movb	%bl, %al
	outb	%al, %dx
	incl	%esi
	jmp	1b
3:	cli
	hlt
	jmp	3b

	.code64
long_mode_low:
	movw	$BOOT_DS, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs
	movabsq	$long_mode_high, %rax
	jmp	*%rax

	.text
long_mode_high:
	movabsq	$boot_stack_top, %rsp
	/* The upper halves of registers are undefined after the mode switch. */
	movl	%ebp, %edi		/* magic */
	movl	%esi, %esi		/* info, physical */
	xorl	%ebp, %ebp		/* ends every backtrace */
	call	kmain
1:	cli
	hlt
	jmp	1b

	.section .boot.rodata, "a"
	.balign 8
boot_gdt:
	.quad	0
	.quad	0x00CF9A000000FFFF	/* BOOT_CS32: 32-bit code, 4 GiB */
	.quad	0x00CF92000000FFFF	/* BOOT_DS: data, 4 GiB */
	.quad	0x00209A0000000000	/* BOOT_CS64: 64-bit code */
boot_gdt_end:
	.balign 8
boot_gdt_ptr:
	.word	boot_gdt_end - boot_gdt - 1
	.long	PHYS(boot_gdt)

no_long_mode_msg:
	.asciz	"setbit: this CPU has no 64-bit long mode; halting.\r\n"

	.data
	.balign 8
	.globl	boot_tsc
boot_tsc:
	.quad	0

	.bss
	.balign 4096
boot_pml4:	.skip 4096
boot_pdpt_low:	.skip 4096
boot_pdpt_high:	.skip 4096
boot_pd:	.skip 4 * 4096
	.balign 4096
boot_stack_guard: .skip 4096	/* unmapped once the kernel's own page tables are loaded */
	.globl	boot_stack, boot_stack_top
boot_stack:	.skip KERNEL_STACK_SIZE
boot_stack_top:

	.section stack_guards, "a"
	.balign 8
	.quad	boot_stack_guard
