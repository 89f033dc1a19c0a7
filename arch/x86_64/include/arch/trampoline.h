/* SPDX-License-Identifier: MIT */
/*
 * The AP gates and slots: how the trampoline (trampoline.S) and the boot
 * CPU (smpboot.c) agree on which AP may enter the kernel, and on which
 * CPU slot (struct cpu, stacks, TSS).
 *
 * Every AP is started at once, so the trampoline page holds no per-AP
 * data. Before the SIPIs the boot CPU fills, in the kernel's data (RW+NX):
 *
 *   - one gate per AP it starts: its APIC ID, state AP_WAIT;
 *   - one slot per AP: the struct cpu and its kernel stack's top;
 *   - the slot ticket, 0.
 *
 * Each AP, in long mode, reads its APIC ID (CPUID), finds its gate and
 * moves it AP_WAIT -> AP_IN with one locked compare-exchange; the boot
 * CPU, at the AP's deadline, moves it AP_WAIT -> AP_OUT the same way.
 * Exactly one of the two wins. An AP that won takes the next slot with a
 * locked fetch-and-add on the ticket and calls the kernel entry on that
 * slot's stack with (slot's cpu, its gate): slots go out densely, in the
 * order the APs arrive, and only to APs that won their gate. An AP whose
 * APIC ID has no gate, or that lost (AP_OUT), halts with interrupts off
 * and has written nothing.
 *
 *	AP_WAIT	admitted, not arrived	(boot CPU, before the SIPI)
 *	AP_IN	arrived, took a slot	(the AP, cmpxchg from AP_WAIT)
 *	AP_OUT	given up: halts if it comes	(boot CPU, cmpxchg from AP_WAIT)
 */
#ifndef ARCH_TRAMPOLINE_H
#define ARCH_TRAMPOLINE_H

#define AP_WAIT		1
#define AP_IN		2
#define AP_OUT		3

#define AP_GATE_APIC	0	/* uint32_t: the APIC ID (x2APIC ID in x2APIC mode) */
#define AP_GATE_STATE	4	/* uint32_t: AP_* */
#define AP_GATE_SIZE	16

#define AP_SLOT_CPU	0	/* struct cpu *: the entry's first argument */
#define AP_SLOT_STACK	8	/* uint64_t: the kernel stack's top */
#define AP_SLOT_SHIFT	4	/* 16 bytes a slot */

#ifndef __ASSEMBLY__
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpu;

struct ap_gate {
	uint32_t apic_id;
	uint32_t state;
	uint64_t sipi_tsc;	/* the boot CPU's TSC when the AP's first SIPI went out */
};

struct ap_slot {
	struct cpu *cpu;
	uint64_t stack;
};

_Static_assert(offsetof(struct ap_gate, apic_id) == AP_GATE_APIC, "trampoline.S reads the ID here");
_Static_assert(offsetof(struct ap_gate, state) == AP_GATE_STATE, "trampoline.S swaps the state here");
_Static_assert(sizeof(struct ap_gate) == AP_GATE_SIZE, "trampoline.S steps by AP_GATE_SIZE");
_Static_assert(offsetof(struct ap_slot, cpu) == AP_SLOT_CPU, "trampoline.S reads the CPU here");
_Static_assert(offsetof(struct ap_slot, stack) == AP_SLOT_STACK, "trampoline.S reads the stack here");
_Static_assert(sizeof(struct ap_slot) == 1 << AP_SLOT_SHIFT, "trampoline.S indexes by AP_SLOT_SHIFT");

/* For tests: the gates of the bring-up (*n of them, in the CPU list's order). */
const struct ap_gate *smp_ap_gates(unsigned int *n);
/* For tests: how many slots APs took (the ticket), and slot k's stack top. */
unsigned int smp_ap_slots_taken(void);
uint64_t smp_ap_slot_stack(unsigned int k);
/* For tests: the ktest.late_ap= AP reached its claim (after it was given up). */
bool smp_late_ap_tried(void);
#endif

#endif /* ARCH_TRAMPOLINE_H */
