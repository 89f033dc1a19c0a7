/* SPDX-License-Identifier: MIT */
/*
 * The local APIC, in xAPIC (MMIO) or x2APIC (MSR) mode: identity, EOI,
 * inter-processor interrupts and the timer. Each CPU calls apic_init_cpu()
 * for itself; apic_setup() picks the mode once, on the boot CPU.
 *
 * IPIs go through the interrupt command register. In xAPIC mode that is
 * two 32-bit writes (destination first, then the command that sends it),
 * so a CPU must not be interrupted between them by code that sends an IPI
 * too: senders do it with interrupts off.
 */
#ifndef ARCH_APIC_H
#define ARCH_APIC_H

#include <stdbool.h>
#include <stdint.h>

#define APIC_SPURIOUS_VECTOR	0xFF

/*
 * Choose x2APIC if the CPU has it, else xAPIC at mmio_phys; nmi_lint is
 * the LINT pin the MADT wires to NMI (0 or 1), or -1 for none. Both from
 * the MADT.
 */
void apic_setup(uint64_t mmio_phys, int nmi_lint);
/*
 * Enable this CPU's APIC: spurious vector, the NMI pin, and on the boot CPU
 * LINT0 as ExtINT (the 8259s' wire, which the keyboard and COM1 IRQs
 * still use); everything else masked.
 */
void apic_init_cpu(bool boot_cpu);
/* Is it in x2APIC mode? */
bool apic_x2apic(void);
/* This CPU's APIC ID (8 bits in xAPIC mode, 32 in x2APIC mode). */
uint32_t apic_id(void);
/* Acknowledge the interrupt being handled. */
void apic_eoi(void);

/* Fixed interrupt `vector` to the CPU with APIC ID dest. */
void apic_send_ipi(uint32_t dest, uint8_t vector);
/* An NMI to dest. */
void apic_send_nmi(uint32_t dest);
/* An NMI to every CPU but this one. */
void apic_send_nmi_others(void);
/* INIT to dest (the MP-spec start, step one). */
void apic_send_init(uint32_t dest);
/* Start-up IPI: dest starts in real mode at page `page` (physical page << 12). */
void apic_send_sipi(uint32_t dest, uint8_t page);
/*
 * The x2APIC ICR write behind every IPI in that mode: MFENCE; LFENCE, then
 * WRMSR, so the IPI cannot overtake the stores before it. x2APIC mode only.
 */
void apic_x2apic_write_icr(uint64_t icr);
/* Has the last IPI left this APIC? (always true in x2APIC mode) */
bool apic_ipi_done(void);

/* Measure the timer against the TSC: ticks per millisecond at divide-by-16, or 0. */
uint32_t apic_timer_calibrate(void);
/* Periodic timer interrupts on `vector` at hz per second on this CPU (0 hz: stop). */
void apic_timer_periodic(uint8_t vector, uint32_t hz);
/* The timer's ticks per millisecond (divide-by-16), as calibrated. */
uint32_t apic_timer_khz(void);

/* Spin for us microseconds on the calibrated TSC. */
void udelay(uint64_t us);

#endif /* ARCH_APIC_H */
