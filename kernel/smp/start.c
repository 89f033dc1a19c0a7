// SPDX-License-Identifier: MIT
/*
 * SMP start-up, the kernel's half: the MADT's CPUs become arch's CPU list,
 * the kernel's vectors (the mailbox IPI among them) are set up, the APs go
 * from arch's bring-up into the idle loop, and the boot waits until every
 * one of them is idle.
 */
#include <arch/apic.h>
#include <arch/ipi.h>
#include <arch/irq.h>
#include <arch/pic.h>
#include <arch/smp.h>
#include <arch/tsc.h>
#include <kernel/acpi.h>
#include <kernel/cmdline.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/shell_parse.h>
#include <kernel/smp.h>

#define NOT_AN_APIC_ID		0xFFFFFFFFu	/* ktest.late_ap= must be below this */
#define TLB_TIMEOUT_MAX_S	(24 * 3600)

_Static_assert(SMP_MAX_CPUS <= NR_CPUS, "the CPU masks cover every CPU");

struct irqvec kernel_vectors;
static uint8_t ipi_vector;
static struct smp_cpu_list cpu_list;

uint8_t smp_ipi_vector(void)
{
	return ipi_vector;
}

/* The LINT pin wired to NMI on every processor (LAPIC NMI entries for all), or -1. */
static int nmi_lint(const struct madt_info *m)
{
	for (unsigned int i = 0; i < m->nnmis; i++)
		if ((m->nmis[i].uid == 0xFF || m->nmis[i].uid == 0xFFFFFFFF) && m->nmis[i].lint <= 1)
			return m->nmis[i].lint;
	return -1;
}

/* The MADT's enabled CPUs, in its order, and its APIC wiring, as arch takes them. */
static void cpu_list_from_madt(const struct madt_info *m, struct smp_cpu_list *list)
{
	list->lapic_addr = m->lapic_addr;
	list->nmi_lint = nmi_lint(m);
	list->ncpus = 0;
	for (unsigned int i = 0; i < m->ncpus && list->ncpus < SMP_MAX_CPUS; i++)
		if (m->cpus[i].flags & MADT_ENABLED)
			list->apic_id[list->ncpus++] = m->cpus[i].apic_id;
}

/* The CPUs bring-up tried: the boot CPU and every other listed one. */
static unsigned int cpus_tried(const struct smp_cpu_list *list)
{
	unsigned int n = 1;

	for (unsigned int i = 0; i < list->ncpus; i++)
		n += list->apic_id[i] != cpus[0].apic_id;
	return n;
}

static void ipi_handler(void)
{
	/* Nothing to do: waking from hlt is the point; the idle loop reads the mailbox. */
}

static void setup_vectors(void)
{
	irqvec_init(&kernel_vectors);
	irqvec_reserve_range(&kernel_vectors, PIC_VECTOR_BASE, 16);
	irqvec_reserve(&kernel_vectors, APIC_SPURIOUS_VECTOR);
	ipi_vector = (uint8_t)irqvec_alloc(&kernel_vectors, IRQVEC_HIGH);
	irq_register(ipi_vector, ipi_handler);
}

/* Tests only: ktest.late_ap=<APIC ID> makes that AP answer after its deadline. */
static void set_late_ap(const char *cmdline)
{
	char val[16];
	uint64_t id;

	if (!cmdline_get(cmdline, "ktest.late_ap", val, sizeof(val)))
		return;
	if (!shell_parse_u64(val, &id) || id >= NOT_AN_APIC_ID) {
		pr_err("smp: ktest.late_ap=%s: not an APIC ID; ignored\n", val);
		return;
	}
	smp_set_late_ap((uint32_t)id);
	pr_info("smp: ktest.late_ap: APIC ID %lu answers after its deadline (a test)\n", id);
}

/* smp.tlb_timeout=<seconds>: how long a shootdown waits for a silent CPU (0: for ever). */
static void set_tlb_timeout(const char *cmdline)
{
	char val[16];
	uint64_t s;

	if (!cmdline_get(cmdline, "smp.tlb_timeout", val, sizeof(val)))
		return;
	if (!shell_parse_u64(val, &s) || s > TLB_TIMEOUT_MAX_S) {
		pr_err("smp: smp.tlb_timeout=%s: not a number of seconds (0..%d); keeping %d\n",
		       val, TLB_TIMEOUT_MAX_S, SMP_TLB_TIMEOUT_S);
		return;
	}
	smp_set_tlb_timeout_ms(s * 1000);
	pr_info("smp: TLB shootdowns wait %lu s for a silent CPU%s\n", s, s ? "" : " (for ever)");
}

/*
 * smp.tlb_warn_ms=<ms>: after how long a shootdown names a CPU slow to
 * flush (default 1000). Lower, a slow-CPU test need not stall for seconds.
 */
static void set_tlb_warn(const char *cmdline)
{
	char val[16];
	uint64_t ms;

	if (!cmdline_get(cmdline, "smp.tlb_warn_ms", val, sizeof(val)))
		return;
	if (!shell_parse_u64(val, &ms) || ms < 1 || ms > TLB_TIMEOUT_MAX_S * 1000ull) {
		pr_err("smp: smp.tlb_warn_ms=%s: not a number of milliseconds (1..%llu); keeping %d\n",
		       val, TLB_TIMEOUT_MAX_S * 1000ull, SMP_TLB_WARN_MS);
		return;
	}
	smp_set_tlb_warn_ms(ms);
	pr_info("smp: TLB shootdowns name a CPU slow to flush after %lu ms\n", ms);
}

/* An AP's life once arch has it online: into the online mask, then the idle loop. */
static void __attribute__((noreturn)) ap_entry(void)
{
	cpumask_set_atomic(&cpu_online_mask, smp_cpu_id());
	smp_idle_loop();
}

/*
 * The bring-up time in total and, over the APs online, the least and the
 * most from an AP's SIPI to its being online (arch's per-AP lines say which).
 */
static void print_summary(void)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	char idle[64], each[64] = "";

	for (unsigned int i = 1; i < smp_cpus_online(); i++) {
		lo = cpus[i].up_cycles < lo ? cpus[i].up_cycles : lo;
		hi = cpus[i].up_cycles > hi ? cpus[i].up_cycles : hi;
	}
	if (smp_cpus_online() > 1 && tsc_khz())
		snprintf(each, sizeof(each), ", each %lu-%lu us after its SIPI",
			 lo * 1000 / tsc_khz(), hi * 1000 / tsc_khz());
	cpumask_print(idle, sizeof(idle), &cpu_idle_mask, smp_cpus_online());
	pr_info("smp: %u of %u CPUs online, all APs up in %lu us (INIT wait included)%s; "
		"idle: %s\n", smp_cpus_online(), cpus_tried(&cpu_list), smp_bringup_us(), each,
		idle);
}

void smp_start(const struct madt_info *madt, const char *cmdline)
{
	if (!madt)
		return;
	cpu_list_from_madt(madt, &cpu_list);
	/* xAPIC registers at their physical address (x2APIC mode does not use them). */
	if (!mm_map_mmio(madt->lapic_addr, 4096))
		panic("smp: cannot map the local APIC's registers at 0x%lx", madt->lapic_addr);
	setup_vectors();
	smp_init_boot_cpu(&cpu_list);
	cpumask_set_atomic(&cpu_online_mask, 0);
	pr_info("smp: boot CPU: APIC ID %u (%s), TSS selector 0x%x, IPI vector 0x%x, "
		"timer %u ticks/ms\n", cpus[0].apic_id, apic_x2apic() ? "x2APIC" : "xAPIC",
		cpus[0].tss_sel, ipi_vector, apic_timer_calibrate());
	set_late_ap(cmdline);
	set_tlb_timeout(cmdline);
	set_tlb_warn(cmdline);
	if (!smp_start_aps(&cpu_list, ap_entry))
		return;
	smp_wait_idle();
	print_summary();
}
