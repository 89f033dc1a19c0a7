/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU data and SMP bring-up (smpboot.c). The LAPIC handler table is in
 * <arch/irq.h>, the NMI protocol (TLB shootdown, stop) in <arch/ipi.h>.
 *
 * Every CPU has a struct cpu, reached through GS base (its first field
 * points at itself, so this_cpu() is one load). Logical CPU numbers are
 * dense, 0 is the boot CPU, and index cpus[]; APIC IDs come from the MADT.
 *
 * Each CPU's stacks live in the stack area, a PML4 slot mapped with 4 KiB
 * pages so that an unmapped guard page sits below every stack:
 *
 *	window = 64 KiB per CPU, at SMP_STACK_AREA + id * SMP_STACK_WINDOW
 *	page  0	guard		pages  1-4	kernel stack (RSP0, the AP's first stack)
 *	page  5	guard		pages  6-7	IST1 (#DF)
 *	page  8	guard		pages  9-10	IST2 (NMI)
 *	page 11	guard		pages 12-13	IST3 (#MC)
 *	pages 14-15 unmapped
 *
 * The boot CPU moves to its window too: after smp_start_aps, kmain goes on
 * through smp_boot_cpu_restack() on CPU 0's guarded kernel stack, and the
 * boot stack in .bss (no guard) is left behind.
 *
 * Arch knows no firmware table and no scheduler: the kernel reads the CPUs
 * from the MADT and hands them over as a struct smp_cpu_list, with the
 * function each AP runs once it is online.
 */
#ifndef ARCH_SMP_H
#define ARCH_SMP_H

#include <stdbool.h>
#include <stdint.h>

#include <arch/gdt.h>

#define SMP_MAX_CPUS		256
#define SMP_STACK_AREA		0xFFFFFE8000000000ull	/* PML4 slot 509 */
#define SMP_STACK_WINDOW	(64 * 1024)
#define MSR_GS_BASE		0xC0000101

/* One piece of work posted to an idle CPU; `pending` says it is there. */
struct cpu_mailbox {
	void (*fn)(void *arg);
	void *arg;
	int pending;		/* 1: posted (release), 0: done (release) */
};

struct cpu {
	struct cpu *self;	/* %gs:0 */
	unsigned int id;
	uint32_t apic_id;
	int tss_sel;		/* its TSS descriptor pair in the GDT */
	bool online;
	uint64_t stack_top;
	uint64_t ist_top[3];	/* IST1..3 */
	uint64_t sipi_tsc;	/* the boot CPU's TSC when this CPU's AP got its first SIPI */
	uint64_t up_cycles;	/* that SIPI -> online, on the boot CPU's TSC */
	uint64_t nmi_count;
	uint64_t nmi_frame;	/* where the last NMI's trap frame was: on IST2? */
	int tlb_flush;		/* atomic: 1 = reload CR3 at the next NMI, then clear */
	uint32_t tlb_stall_ms;	/* tests: wait this long in the next flush NMI, then clear */
	struct cpu_mailbox mbox __attribute__((aligned(64)));
	struct tss tss __attribute__((aligned(64)));
} __attribute__((aligned(64)));

extern struct cpu cpus[SMP_MAX_CPUS];

/* The CPUs to start, as the kernel read them from the firmware (the MADT). */
struct smp_cpu_list {
	uint64_t lapic_addr;		/* the local APICs' physical base */
	int nmi_lint;			/* the LINT pin wired to NMI on every CPU (0, 1), or -1 */
	unsigned int ncpus;		/* enabled CPUs, the boot CPU among them */
	uint32_t apic_id[SMP_MAX_CPUS];	/* in firmware order */
};

/* This CPU's data (only after smp_init_boot_cpu() set GS base; see smp_cpu_id()). */
static inline struct cpu *this_cpu(void)
{
	struct cpu *c;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(c));
	return c;
}

/*
 * The boot CPU becomes CPU 0: its APIC (the mode picked once, for every
 * CPU), a TSS with guarded IST stacks in its GDT pair, GS base. GDT pairs
 * are reserved for the list's CPUs.
 */
void smp_init_boot_cpu(const struct smp_cpu_list *list);
/*
 * Start every other CPU of the list, all at once (INIT to all, 10 ms, SIPIs
 * to all; each AP finds its own gate and stack, <arch/trampoline.h>); each,
 * once online, calls ap_entry on its own kernel stack, which must not
 * return. Logical numbers go 1, 2, ... in the order the APs arrive, dense
 * whoever is left out. Returns when every AP is online or left out
 * (logged). False if no AP could be started (no trampoline).
 */
bool smp_start_aps(const struct smp_cpu_list *list, void (*ap_entry)(void));
/* Tests: the AP with this APIC ID claims its gate only after its deadline. */
void smp_set_late_ap(uint32_t apic_id);
/* True once smp_init_boot_cpu() ran: this_cpu() works, NMIs and APIC vectors may be ours. */
bool smp_is_up(void);
/*
 * Go on in fn, on the boot CPU's guarded kernel stack (as an AP runs on
 * its own); fn must not return. Without SMP (no MADT), fn runs here.
 */
void smp_boot_cpu_restack(void (*fn)(void)) __attribute__((noreturn));
/* This CPU's logical number; 0 before SMP is up. */
unsigned int smp_cpu_id(void);
/* CPUs online (1 before SMP is up). */
unsigned int smp_cpus_online(void);
/* How long starting the APs took, from their INIT until all were online (microseconds). */
uint64_t smp_bringup_us(void);
/* APs that entered the kernel (ap_main): every online AP once, never a left-out one. */
unsigned int smp_ap_entries(void);
/* APs that did not claim their gate by their deadline: logged, parked, left out. */
unsigned int smp_cpus_left_out(void);

#endif /* ARCH_SMP_H */
