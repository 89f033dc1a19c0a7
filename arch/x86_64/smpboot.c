// SPDX-License-Identifier: MIT
/*
 * SMP bring-up: the kernel's CPU list, per-CPU stacks with guard pages and TSSs
 * in GDT slots, and the INIT-SIPI-SIPI start of each AP through the
 * trampoline. Every AP gets its INIT at once; the SIPIs go one AP at a
 * time, each with a bounded wait for the AP to claim the trampoline (see
 * trampoline.S). An AP that has not claimed it by then is logged and left
 * out for good: the boot CPU takes the claim back, so the AP halts if it
 * ever arrives, and sends it an INIT to park it; its slot, stacks and TSS,
 * never touched by it, go to the next AP, and the trampoline page to the
 * pool once every AP is up or parked.
 */
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/cpufeat.h>
#include <arch/gdt.h>
#include <arch/kstack.h>
#include <arch/layout.h>
#include <arch/paging.h>
#include <arch/smp.h>
#include <arch/stack.h>
#include <arch/trap.h>
#include <arch/tsc.h>
#include <kernel/mm.h>
#include <kernel/page.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#define INIT_DELAY_US		10000	/* MP spec: INIT, then 10 ms */
#define SIPI_DELAY_US		200	/* and 200 us between the two SIPIs */
#define AP_TIMEOUT_MS		1000	/* generous: 16 vCPUs share 2 host cores under TCG */
#define TR_NOBODY		0xFFFFFFFFu	/* tr_claim: no AP may claim the trampoline */
#define EFER_LME		(1u << 8)
#define LOW_MEMORY		(1ull << 20)
#define FOUR_GIB		(1ull << 32)

#define KSTACK_PAGES		(KERNEL_STACK_SIZE / FRAME_SIZE)
#define IST_PAGES		(IST_STACK_SIZE / FRAME_SIZE)

extern const char trampoline_start[], trampoline_end[];
extern const char tr_cr3[], tr_efer[], tr_stack[], tr_cpu[], tr_entry[], tr_claim[], tr_late[];

struct cpu cpus[SMP_MAX_CPUS];

static unsigned int ncpus = 1;
static unsigned int ap_entries;	/* APs that reached ap_main: the online ones, never a late one */
static unsigned int left_out;
static uint64_t bringup_us;
static bool smp_up;
static uint32_t late_apic = TR_NOBODY;
static void (*ap_entry)(void);
static uint8_t *trampoline;
static uint64_t trampoline_phys;

_Static_assert(KSTACK_PAGES + 3 * IST_PAGES + 4 < SMP_STACK_WINDOW / FRAME_SIZE,
	       "stacks and guard pages fit a CPU's window");

unsigned int smp_cpu_id(void)
{
	return smp_up ? this_cpu()->id : 0;
}

unsigned int smp_cpus_online(void)
{
	return ncpus;
}

uint64_t smp_bringup_us(void)
{
	return bringup_us;
}

bool smp_is_up(void)
{
	return smp_up;
}

unsigned int smp_ap_entries(void)
{
	return __atomic_load_n(&ap_entries, __ATOMIC_ACQUIRE);
}

unsigned int smp_cpus_left_out(void)
{
	return left_out;
}

/* ------------------------------------------------------------ stacks */

/* Map CPU c's stacks into its window, leaving the guard pages out. */
static void cpu_stacks(struct cpu *c)
{
	uint64_t w = SMP_STACK_AREA + (uint64_t)c->id * SMP_STACK_WINDOW;

	c->stack_top = kstack_map(w + 1 * FRAME_SIZE, KSTACK_PAGES);
	c->ist_top[0] = kstack_map(w + 6 * FRAME_SIZE, IST_PAGES);
	c->ist_top[1] = kstack_map(w + 9 * FRAME_SIZE, IST_PAGES);
	c->ist_top[2] = kstack_map(w + 12 * FRAME_SIZE, IST_PAGES);
}

/*
 * Stacks, a TSS pointing at them, and a GDT pair for it. 0, or -1 if the
 * GDT is full. A slot whose AP was left out is reused as it is: that AP
 * never claimed the trampoline, so it never ran on these stacks.
 */
static int cpu_prepare(struct cpu *c, unsigned int id, uint32_t apic)
{
	c->self = c;
	c->id = id;
	c->apic_id = apic;
	c->online = false;
	if (c->stack_top)
		return 0;
	cpu_stacks(c);
	c->tss.rsp[0] = c->stack_top;
	for (int i = 0; i < 3; i++)
		c->tss.ist[i] = c->ist_top[i];
	c->tss.iomap_base = sizeof(c->tss);
	c->tss_sel = gdt_alloc_tss(&c->tss);
	if (c->tss_sel < 0) {
		pr_err("smp: no GDT slot pair for CPU %u's TSS (%d)\n", id, c->tss_sel);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ every CPU */

/* What each CPU does for itself: tables, GS base, APIC. */
static void cpu_setup_self(struct cpu *c)
{
	cpu_setup_control_regs();
	gdt_load_cpu((uint16_t)c->tss_sel);
	idt_load_kernel();
	wrmsr(MSR_GS_BASE, (uint64_t)c);
	apic_init_cpu(false);
}

/* The AP's first C code, on its own stack, called by the trampoline. */
static void __attribute__((noreturn)) ap_main(struct cpu *c)
{
	__atomic_fetch_add(&ap_entries, 1, __ATOMIC_RELEASE);
	cpu_setup_self(c);
	if (apic_id() != c->apic_id)
		pr_warn("smp: CPU %u reports APIC ID %u, MADT said %u\n", c->id, apic_id(),
			c->apic_id);
	__atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
	ap_entry();
	panic("smp: CPU %u's entry function returned", c->id);
}

/* ------------------------------------------------------------ the boot CPU */

static uint64_t *table_direct(uint64_t phys)
{
	return phys_to_virt(phys);
}

/*
 * APs fetch the trampoline at its physical address with paging on: map
 * that page there read-only and executable in the live tree (the boot CPU
 * writes it through the direct map). False if no frame for a table.
 */
static bool map_trampoline(uint64_t page)
{
	struct pt live = { .root = read_cr3() & PTE_ADDR_MASK, .alloc_table = page_alloc,
			   .table = table_direct, .nx = cpu_nx_enabled() };
	uint64_t *e = pt_lookup(&live, page, NULL);

	if (e)
		return !(*e & PTE_WRITE) && !(*e & PTE_NX);
	return pt_map(&live, page, page, PAGE_4K, PAGE_4K, 0) == 1;
}

/* Copy the trampoline below 1 MiB and fill in what every AP shares. */
static bool setup_trampoline(void)
{
	uint64_t page = page_alloc_below(LOW_MEMORY, 1, 1);
	size_t len = (size_t)(trampoline_end - trampoline_start);

	if (!page) {
		pr_err("smp: no page below 1 MiB for the AP trampoline\n");
		return false;
	}
	if (read_cr3() >= FOUR_GIB) {
		pr_err("smp: page tables above 4 GiB; the trampoline loads CR3 in 32-bit mode\n");
		return false;
	}
	if (!map_trampoline(page)) {
		pr_err("smp: cannot map the AP trampoline at 0x%lx read-only and executable\n", page);
		return false;
	}
	trampoline_phys = page;
	trampoline = phys_to_virt(page);
	memcpy(trampoline, trampoline_start, len);
	*(uint64_t *)(trampoline + (tr_cr3 - trampoline_start)) = read_cr3();
	*(uint64_t *)(trampoline + (tr_efer - trampoline_start)) =
		rdmsr(MSR_EFER) & (EFER_LME | EFER_NXE);
	*(uint64_t *)(trampoline + (tr_entry - trampoline_start)) = (uint64_t)ap_main;
	*(uint32_t *)(trampoline + (tr_late - trampoline_start)) = late_apic;
	return true;
}

static uint8_t trampoline_page(void)
{
	return (uint8_t)(trampoline_phys >> 12);
}

static uint32_t *trampoline_claim(void)
{
	return (uint32_t *)(trampoline + (tr_claim - trampoline_start));
}

/*
 * Wait (bounded) for the AP to claim the trampoline; at the deadline take
 * the claim back. True if the AP has it (it runs our code now), false if
 * it can never have it.
 */
static bool wait_claim(uint32_t apic, uint64_t deadline)
{
	uint32_t *claim = trampoline_claim();

	while (__atomic_load_n(claim, __ATOMIC_ACQUIRE) == apic) {
		if (rdtsc() > deadline) {
			uint32_t want = apic;

			/* Lost the race: the AP claimed it just now, and is coming. */
			return !__atomic_compare_exchange_n(claim, &want, TR_NOBODY, false,
							    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
		}
		cpu_relax();
	}
	return true;
}

/*
 * SIPI, SIPI, then a bounded wait for the AP, already INITed, to claim the
 * trampoline. Once it has, it runs our code on c's stack, and we wait for
 * it to say it is online with no deadline (as Linux does after call-in):
 * giving up then would leave it running on a slot we would reuse.
 */
static bool start_ap(struct cpu *c)
{
	uint64_t start = rdtsc(), deadline = start + AP_TIMEOUT_MS * tsc_khz();
	bool warned = false;

	*(uint64_t *)(trampoline + (tr_stack - trampoline_start)) = c->stack_top;
	*(uint64_t *)(trampoline + (tr_cpu - trampoline_start)) = (uint64_t)c;
	__atomic_store_n(trampoline_claim(), c->apic_id, __ATOMIC_RELEASE);
	apic_send_sipi(c->apic_id, trampoline_page());
	udelay(SIPI_DELAY_US);
	if (__atomic_load_n(trampoline_claim(), __ATOMIC_ACQUIRE) == c->apic_id)
		apic_send_sipi(c->apic_id, trampoline_page());
	if (!wait_claim(c->apic_id, deadline))
		return false;
	while (!__atomic_load_n(&c->online, __ATOMIC_ACQUIRE)) {
		if (!warned && rdtsc() > deadline) {
			pr_warn("smp: CPU %u (APIC ID %u) runs the trampoline but is not online "
				"after %d ms; waiting\n", c->id, c->apic_id, AP_TIMEOUT_MS);
			warned = true;
		}
		cpu_relax();
	}
	c->up_cycles = rdtsc() - start;
	return true;
}

void smp_set_late_ap(uint32_t apic_id)
{
	late_apic = apic_id;
}

/*
 * Start every listed CPU but this one; they get the next logical numbers.
 * INIT goes to all of them first, so the MP spec's 10 ms pass once, not
 * once per CPU; then each gets its SIPIs in turn, as they share the
 * trampoline's stack and CPU fields. Returns how many never answered.
 */
static unsigned int start_aps(const struct smp_cpu_list *list, uint32_t bsp_apic)
{
	uint64_t t0 = rdtsc();
	unsigned int lost = 0;

	for (unsigned int i = 0; i < list->ncpus; i++)
		if (list->apic_id[i] != bsp_apic)
			apic_send_init(list->apic_id[i]);
	udelay(INIT_DELAY_US);
	for (unsigned int i = 0; i < list->ncpus && ncpus < SMP_MAX_CPUS; i++) {
		struct cpu *c = &cpus[ncpus];

		if (list->apic_id[i] == bsp_apic)
			continue;
		if (cpu_prepare(c, ncpus, list->apic_id[i]) < 0)
			break;
		if (!start_ap(c)) {
			pr_err("smp: CPU with APIC ID %u did not answer in %d ms; left out\n",
			       c->apic_id, AP_TIMEOUT_MS);
			apic_send_init(c->apic_id);	/* parked: it waits for a SIPI that never comes */
			lost++;
			continue;
		}
		pr_info("smp: CPU %u up: APIC ID %u, TSS selector 0x%x, %lu us after its SIPI\n",
			c->id, c->apic_id, c->tss_sel, c->up_cycles * 1000 / tsc_khz());
		ncpus++;
	}
	bringup_us = (rdtsc() - t0) * 1000 / tsc_khz();
	left_out = lost;
	return lost;
}

void smp_init_boot_cpu(const struct smp_cpu_list *list)
{
	struct cpu *c = &cpus[0];

	apic_setup(list->lapic_addr, list->nmi_lint);
	apic_init_cpu(true);
	if (gdt_reserve_cpus(list->ncpus ? list->ncpus : 1) < 0)
		panic("smp: %u CPUs do not fit the GDT", list->ncpus);
	if (cpu_prepare(c, 0, apic_id()) < 0)
		panic("smp: no GDT slot for the boot CPU's TSS");
	gdt_load_cpu((uint16_t)c->tss_sel);
	gdt_release_boot_tss();
	wrmsr(MSR_GS_BASE, (uint64_t)c);
	c->online = true;
	smp_up = true;
}

static void (*boot_continuation)(void);

static void boot_restacked(void *arg)
{
	(void)arg;
	boot_continuation();
}

void smp_boot_cpu_restack(void (*fn)(void))
{
	boot_continuation = fn;
	if (smp_up)
		call_on_stack(cpus[0].stack_top, boot_restacked, NULL);
	else
		fn();
	panic("smp: the boot CPU's continuation returned");
}

bool smp_start_aps(const struct smp_cpu_list *list, void (*entry)(void))
{
	if (!smp_up || !setup_trampoline())
		return false;
	ap_entry = entry;
	/*
	 * A left-out AP got an INIT after its SIPIs (delivered in order), so it
	 * waits for a SIPI and runs nothing; give that INIT the MP spec's 10 ms,
	 * then the page is free.
	 */
	if (start_aps(list, cpus[0].apic_id))
		udelay(INIT_DELAY_US);
	page_free_range(trampoline_phys, 1);	/* back to the pool, below the floor */
	return true;
}
