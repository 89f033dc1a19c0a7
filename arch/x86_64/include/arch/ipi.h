/* SPDX-License-Identifier: MIT */
/*
 * The NMI protocol between CPUs: TLB shootdown and stop. Both ride on an
 * NMI, not a maskable IPI: the boot CPU runs the boot and the test suites
 * with interrupts off, and would never take one there. The request sits in
 * the target's struct cpu (tlb_flush) or in a global flag (stopping);
 * smp_nmi() on the target reads it.
 */
#ifndef ARCH_IPI_H
#define ARCH_IPI_H

#include <stdbool.h>
#include <stdint.h>

#include <arch/trap.h>

#define SMP_TLB_TIMEOUT_S	30	/* a shootdown's default wait for a silent CPU */
#define SMP_TLB_WARN_MS		1000	/* ... and when it names a slow one first */

/*
 * NMI hook for trap_dispatch: true if the NMI was ours (a TLB flush, a
 * test probe, counted in struct cpu); a stop halts here for good.
 */
bool smp_nmi(struct trap_frame *f);
/*
 * Make every other online CPU reload CR3, and wait until each has. One
 * caller at a time (kstack's lock). A CPU slow to answer is named in a
 * warning after the warning time below (1 s; again at twice, four times
 * that...) and waited for; one silent for the timeout below is a panic.
 */
void smp_flush_tlb_others(void);
/* How long a TLB shootdown waits for a silent CPU (ms; 0: for ever; SMP_TLB_TIMEOUT_S at boot). */
void smp_set_tlb_timeout_ms(uint64_t ms);
/* After how long a TLB shootdown names a CPU slow to flush (ms, >= 1; SMP_TLB_WARN_MS at boot). */
void smp_set_tlb_warn_ms(uint64_t ms);
uint64_t smp_tlb_warn_ms(void);
/* How often a TLB shootdown has named a CPU slow to flush. */
uint64_t smp_tlb_warnings(void);
/* Stop every other online CPU (panic): an NMI each, after which they halt for good. */
void smp_stop_others(void);

#endif /* ARCH_IPI_H */
