/* SPDX-License-Identifier: MIT */
/*
 * Local APIC interrupts: one handler per vector, run by trap_dispatch with
 * interrupts off, then acknowledged (EOI). The vectors themselves come from
 * the kernel's allocator (kernel_vectors in <kernel/smp.h>).
 */
#ifndef ARCH_IRQ_H
#define ARCH_IRQ_H

#include <stdbool.h>
#include <stdint.h>

/* Run fn (then EOI) when a local APIC interrupt arrives on vector; NULL: none. */
void irq_register(uint8_t vector, void (*fn)(void));
/*
 * For trap_dispatch: true if vector is a local APIC vector we handled (the
 * APIC's spurious vector, once the APIC is up, needs nothing, not even EOI).
 */
bool irq_dispatch(uint64_t vector);

#endif /* ARCH_IRQ_H */
