/* SPDX-License-Identifier: MIT */
/*
 * Exceptions and interrupts: the IDT, the trap frame isr.S's entry code
 * builds, vector names. A tight group: arch/x86_64/idt.c points the gates at
 * that entry code, arch/x86_64/trap.c dispatches the frames it builds.
 */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

/* Offsets into struct trap_frame, for isr.S. */
#define TF_VECTOR	(15 * 8)
#define TF_SIZE		(22 * 8)
#define ISR_STUB_SIZE	16

#define VEC_DE		0	/* divide error */
#define VEC_NMI		2
#define VEC_BP		3	/* breakpoint */
#define VEC_UD		6	/* invalid opcode */
#define VEC_DF		8	/* double fault */
#define VEC_GP		13	/* general protection */
#define VEC_PF		14	/* page fault */
#define VEC_MC		18	/* machine check */
#define NR_EXCEPTIONS	32
#define NR_VECTORS	256

#ifndef __ASSEMBLY__
#include <stdbool.h>
#include <stdint.h>

/* What isr.S pushes, lowest address first: GPRs, then vector/error, then the CPU's frame. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;
	uint64_t error;		/* 0 for vectors without an error code */
	uint64_t rip, cs, rflags, rsp, ss;
};

_Static_assert(__builtin_offsetof(struct trap_frame, vector) == TF_VECTOR,
	       "isr.S pushes the vector right after the GPRs");
_Static_assert(sizeof(struct trap_frame) == TF_SIZE,
	       "isr.S builds the whole frame");

struct idt_gate_info {
	bool present;
	uint64_t handler;
	uint16_t selector;
	int ist;		/* 0: current stack */
	int type;		/* 0xE interrupt gate, 0xF trap gate */
	int dpl;
};

/* Build the IDT (a gate for each of the 256 vectors) and load it. */
void idt_init(void);
/* Load that IDT on this CPU (an AP, once idt_init ran on the boot CPU). */
void idt_load_kernel(void);
/* Read back gate `vector` of the live IDT. */
struct idt_gate_info idt_gate(int vector);
/* Where the stub for `vector` starts: what its gate must point at. */
uint64_t idt_stub_address(int vector);
/* Mark gate `vector` present or not (tests use this to provoke #NP/#DF). */
void idt_set_present(int vector, bool present);
/* Load an IDT with limit 0: the next exception triple-faults the CPU. */
void idt_load_empty(void);
/* Base and limit of the IDT the CPU is using (SIDT). */
void idt_current(uint64_t *base, uint16_t *limit);

/* An exception, as trap_dispatch saw it: what a fault hook is given. */
struct trap_fault {
	uint64_t vector;
	uint64_t error;		/* the CPU's error code, or 0 */
	uint64_t addr;		/* #PF: CR2 */
	uint64_t ip;		/* where it happened */
	uint64_t handler_sp;	/* the stack the handler ran on (its trap frame) */
};

/*
 * Offer every exception nothing else handled to hook (NULL: none), on the
 * CPU that took it, before the panic. The hook may not return (the kernel's
 * test runner ends the running case there); if it returns, the exception
 * is a panic as without a hook. One hook: a second call replaces it.
 */
void trap_set_fault_hook(void (*hook)(const struct trap_fault *fault));

/* "#PF page fault", or "interrupt" past the exceptions. */
const char *trap_name(unsigned int vector);
/* Called by isr.S for every vector. */
void trap_dispatch(struct trap_frame *f);

#endif /* __ASSEMBLY__ */
#endif /* ARCH_TRAP_H */
