/* SPDX-License-Identifier: MIT */
/*
 * setbit kernel layout: linked at KERNEL_VMA + KERNEL_PHYS, loaded at KERNEL_PHYS (1 MiB).
 * Both come from <arch/layout.h>, as in the C code: mk/kernel.mk runs this file
 * through the C preprocessor (-P -undef) into build/kernel/linker.ld.
 */
#include <arch/layout.h>

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
/* Virtual: GRUB finds the segment holding it and enters at its p_paddr. */
ENTRY(_start)

PHDRS
{
	text	PT_LOAD FLAGS(5);	/* R X */
	rodata	PT_LOAD FLAGS(4);	/* R */
	data	PT_LOAD FLAGS(6);	/* R W */
	ksyms	PT_LOAD FLAGS(4);	/* R */
}

SECTIONS
{
	. = KERNEL_VMA + KERNEL_PHYS;
	__kernel_start = .;

	/* The multiboot2 header goes first: GRUB looks in the first 32 KiB. */
	.text : AT(ADDR(.text) - KERNEL_VMA) {
		KEEP(*(.multiboot))
		*(.boot.text)
		*(.text .text.*)
	} :text

	/* Section boundaries are page-aligned: the kernel maps each part with its own rights. */
	. = ALIGN(4096);
	__text_end = .;
	.rodata : AT(ADDR(.rodata) - KERNEL_VMA) {
		*(.boot.rodata)
		*(.rodata .rodata.*)
	} :rodata

	/* ktest cases, gathered from every object; the runner walks them. */
	ktest_cases : AT(ADDR(ktest_cases) - KERNEL_VMA) ALIGN(8) {
		__start_ktest_cases = .;
		KEEP(*(ktest_cases))
		__stop_ktest_cases = .;
	} :rodata

	/* Monitor commands and benchmarks, sorted by name: `help` lists them so. */
	shell_commands : AT(ADDR(shell_commands) - KERNEL_VMA) ALIGN(8) {
		__start_shell_commands = .;
		KEEP(*(SORT_BY_NAME(shell_commands.*)))
		__stop_shell_commands = .;
	} :rodata
	shell_benches : AT(ADDR(shell_benches) - KERNEL_VMA) ALIGN(8) {
		__start_shell_benches = .;
		KEEP(*(SORT_BY_NAME(shell_benches.*)))
		__stop_shell_benches = .;
	} :rodata

	/* Stack guard pages the kernel's page tables leave unmapped (<arch/stack.h>). */
	stack_guards : AT(ADDR(stack_guards) - KERNEL_VMA) ALIGN(8) {
		__start_stack_guards = .;
		KEEP(*(stack_guards))
		__stop_stack_guards = .;
	} :rodata

	. = ALIGN(4096);
	__rodata_end = .;
	.data : AT(ADDR(.data) - KERNEL_VMA) {
		*(.data .data.*)
	} :data

	.bss : AT(ADDR(.bss) - KERNEL_VMA) ALIGN(8) {
		__bss_start = .;
		*(.bss .bss.*)
		*(COMMON)
		. = ALIGN(8);
		__bss_end = .;
	} :data

	/*
	 * The symbol table comes last, in its own segment, so that linking it
	 * in (the second pass) moves no other symbol.
	 */
	. = ALIGN(4096);
	__data_end = .;
	.ksyms : AT(ADDR(.ksyms) - KERNEL_VMA) {
		KEEP(*(.ksyms))
	} :ksyms

	/* Page-aligned, so the frame allocator can reserve whole frames. */
	. = ALIGN(4096);
	__kernel_end = .;

	/DISCARD/ : {
		*(.note .note.*)
		*(.eh_frame .eh_frame_hdr)
		*(.comment)
	}
}
