/* Exceptions and interrupts: the IDT, the trap frame the stubs build, vector names. */
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

/* "#PF page fault", or "vector 0x30" past the exceptions. */
const char *trap_name(unsigned int vector);
/* Called by isr.S for every vector. */
void trap_dispatch(struct trap_frame *f);

#endif /* __ASSEMBLY__ */
#endif /* ARCH_TRAP_H */
