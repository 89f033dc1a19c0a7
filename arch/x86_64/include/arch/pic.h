/* SPDX-License-Identifier: MIT */
/* The legacy 8259 PIC pair: moved out of the exception vectors and masked. */
#ifndef ARCH_PIC_H
#define ARCH_PIC_H

#include <stdbool.h>
#include <stdint.h>

#define PIC_VECTOR_BASE	0x20	/* IRQ 0-15 arrive at 0x20-0x2F */

/* Remap IRQ 0-15 to PIC_VECTOR_BASE and mask them all. */
void pic_init(void);
/* Run fn (with interrupts off) for each IRQ irq (0-15) and unmask it. */
void pic_irq_register(unsigned int irq, void (*fn)(void));
/* If vector is a registered IRQ, run its handler, acknowledge it and return true. */
bool pic_irq_dispatch(uint64_t vector);
/* Handle an interrupt nobody asked for: acknowledge it if the PIC needs that. */
void pic_spurious(uint64_t vector);

#endif /* ARCH_PIC_H */
