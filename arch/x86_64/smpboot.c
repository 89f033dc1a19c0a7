// SPDX-License-Identifier: MIT
/*
 * SMP bring-up: the kernel's CPU list, per-CPU stacks with guard pages and TSSs
 * in GDT slots, and the INIT-SIPI-SIPI start of the APs through the
 * trampoline, all of them at once. Every AP gets a gate (<arch/trampoline.h>)
 * with its APIC ID, then its INIT; while the MP spec's 10 ms pass, the boot
 * CPU prepares one CPU slot (stacks, TSS) per AP; then every AP gets its
 * SIPIs. Each AP finds its gate by its APIC ID, claims it, and takes the
 * next free slot: no two APs share a stack, and logical numbers stay dense
 * (in the order the APs arrive). An AP that has not claimed its gate by its
 * deadline is logged and left out for good: the boot CPU closes the gate,
 * so the AP halts if it ever arrives, and sends it an INIT to park it; it
 * never takes a slot. The trampoline page goes back to the pool once every
 * AP is up or parked.
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
#include <arch/trampoline.h>
#include <arch/tsc.h>
#include <kernel/mm.h>
#include <kernel/page.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#define INIT_DELAY_US		10000	/* MP spec: INIT, then 10 ms */
#define SIPI_DELAY_US		200	/* and 200 us between the two SIPIs */
#define AP_TIMEOUT_MS		1000	/* generous: 16 vCPUs share 2 host cores under TCG */
#define NO_APIC_ID		0xFFFFFFFFu	/* tr_late: no AP answers late */
#define LATE_GRACE_MS		20	/* tests: how long a late AP may run before its INIT */
#define LATE_SEEN_MS		AP_TIMEOUT_MS	/* tests: how long to wait for it to try at all */
#define EFER_LME		(1u << 8)
#define LOW_MEMORY		(1ull << 20)
#define FOUR_GIB		(1ull << 32)

#define KSTACK_PAGES		(KERNEL_STACK_SIZE / FRAME_SIZE)
#define IST_PAGES		(IST_STACK_SIZE / FRAME_SIZE)

extern const char trampoline_start[], trampoline_end[];
extern const char tr_cr3[], tr_efer[], tr_entry[], tr_gates[], tr_slots[], tr_ticket[];
extern const char tr_ngates[], tr_late[], tr_late_seen[];
extern const char tr_gdt[], tr_gdt_ptr[], tr32[], tr32_ptr[], tr64[], tr64_ptr[];

struct cpu cpus[SMP_MAX_CPUS];

static unsigned int ncpus = 1;
static unsigned int ap_entries;	/* APs that reached ap_main: the online ones, never a late one */
static unsigned int left_out;
static uint64_t bringup_us;
static bool smp_up;
static uint32_t late_apic = NO_APIC_ID;
static uint32_t late_seen;	/* tests: the late AP is past its wait, trying its claim */
static struct ap_gate gates[SMP_MAX_CPUS];
static struct ap_slot slots[SMP_MAX_CPUS];
static uint32_t slot_ticket;	/* the next slot an AP takes (trampoline.S) */
static unsigned int ngates;
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

const struct ap_gate *smp_ap_gates(unsigned int *n)
{
	*n = ngates;
	return gates;
}

unsigned int smp_ap_slots_taken(void)
{
	return __atomic_load_n(&slot_ticket, __ATOMIC_ACQUIRE);
}

uint64_t smp_ap_slot_stack(unsigned int k)
{
	return k < SMP_MAX_CPUS ? slots[k].stack : 0;
}

bool smp_late_ap_tried(void)
{
	return __atomic_load_n(&late_seen, __ATOMIC_ACQUIRE);
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
 * Slot id: stacks, a TSS pointing at them, and a GDT pair for it. 0, or -1
 * if the GDT is full. The APIC ID is the AP's that gets the slot.
 */
static int cpu_prepare(struct cpu *c, unsigned int id)
{
	c->self = c;
	c->id = id;
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

/*
 * TSC ticks since t, a time on the boot CPU's TSC: the TSCs start together
 * at reset (QEMU; hardware with an invariant TSC), so this holds on an AP;
 * 0 if this CPU's TSC is behind.
 */
static uint64_t tsc_since(uint64_t t)
{
	uint64_t now = rdtsc();

	return now > t ? now - t : 0;
}

/*
 * The AP's first C code, on the stack of the slot c it took, called by the
 * trampoline with the gate it claimed.
 */
static void __attribute__((noreturn)) ap_main(struct cpu *c, struct ap_gate *g)
{
	__atomic_fetch_add(&ap_entries, 1, __ATOMIC_RELEASE);
	c->apic_id = g->apic_id;
	c->sipi_tsc = g->sipi_tsc;
	cpu_setup_self(c);
	if (apic_id() != c->apic_id)
		pr_warn("smp: CPU %u reports APIC ID %u, MADT said %u\n", c->id, apic_id(),
			c->apic_id);
	c->up_cycles = tsc_since(c->sipi_tsc);
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

/* The trampoline's fields sit where its code puts them, not always aligned: copy bytes. */
static void tr_put64(const char *field, uint64_t v)
{
	__builtin_memcpy(trampoline + (field - trampoline_start), &v, sizeof(v));
}

static void tr_put32(const char *field, uint32_t v)
{
	__builtin_memcpy(trampoline + (field - trampoline_start), &v, sizeof(v));
}

static uint32_t tr_phys(const char *label)
{
	return (uint32_t)(trampoline_phys + (uint64_t)(label - trampoline_start));
}

/*
 * Copy the trampoline below 1 MiB and fill in everything it reads: the
 * APs only read the page (through the direct map, the boot CPU writes).
 */
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
	tr_put32(tr_gdt_ptr + 2, tr_phys(tr_gdt));
	tr_put32(tr32_ptr, tr_phys(tr32));
	tr_put32(tr64_ptr, tr_phys(tr64));
	tr_put64(tr_cr3, read_cr3());
	tr_put64(tr_efer, rdmsr(MSR_EFER) & (EFER_LME | EFER_NXE));
	tr_put64(tr_entry, (uint64_t)ap_main);
	tr_put64(tr_gates, (uint64_t)gates);
	tr_put64(tr_slots, (uint64_t)slots);
	tr_put64(tr_ticket, (uint64_t)&slot_ticket);
	tr_put32(tr_ngates, ngates);
	tr_put32(tr_late, late_apic);
	tr_put64(tr_late_seen, (uint64_t)&late_seen);
	return true;
}

static uint8_t trampoline_page(void)
{
	return (uint8_t)(trampoline_phys >> 12);
}

static uint32_t gate_state(const struct ap_gate *g)
{
	return __atomic_load_n(&g->state, __ATOMIC_ACQUIRE);
}

/* Close a gate whose AP has not arrived. False if the AP claimed it just now. */
static bool gate_close(struct ap_gate *g)
{
	uint32_t want = AP_WAIT;

	return __atomic_compare_exchange_n(&g->state, &want, AP_OUT, false, __ATOMIC_ACQ_REL,
					   __ATOMIC_ACQUIRE);
}

void smp_set_late_ap(uint32_t apic_id)
{
	late_apic = apic_id;
}

/*
 * Tests: before the late AP gets its parking INIT, let it try its claim
 * (it says so), and give it LATE_GRACE_MS to do wrong if it would: take a
 * slot, enter the kernel. The INIT would otherwise often win the race.
 * The wait for it to try ends as soon as it does, but
 * may last LATE_SEEN_MS: under TCG on a loaded host its vCPU thread can go
 * unscheduled for tens of ms (20 ms was too short at host load 14-20).
 */
static void late_grace(uint32_t apic)
{
	uint64_t start = rdtsc(), limit = LATE_SEEN_MS * tsc_khz();

	if (apic != late_apic)
		return;
	while (!__atomic_load_n(&late_seen, __ATOMIC_ACQUIRE) && rdtsc() - start < limit)
		cpu_relax();
	udelay(LATE_GRACE_MS * 1000);
}

static bool has_gate(uint32_t apic)
{
	for (unsigned int i = 0; i < ngates; i++)
		if (gates[i].apic_id == apic)
			return true;
	return false;
}

/*
 * A gate per listed CPU but this one, in the list's order: at most one per
 * free CPU slot (SMP_MAX_CPUS - 1), and one per APIC ID (a second gate
 * could never be claimed, and its parking INIT would hit a running AP).
 */
static void fill_gates(const struct smp_cpu_list *list, uint32_t bsp_apic)
{
	ngates = 0;
	for (unsigned int i = 0; i < list->ncpus && ngates < SMP_MAX_CPUS - 1; i++) {
		if (list->apic_id[i] == bsp_apic)
			continue;
		if (has_gate(list->apic_id[i])) {
			pr_warn("smp: APIC ID %u listed twice; started once\n", list->apic_id[i]);
			continue;
		}
		gates[ngates].apic_id = list->apic_id[i];
		gates[ngates].state = AP_WAIT;
		ngates++;
	}
}

/*
 * CPUs 1..n, for the APs in the order they take them; how many are ready
 * (fewer only if the GDT is full).
 */
static unsigned int prepare_slots(unsigned int n)
{
	for (unsigned int k = 0; k < n; k++) {
		struct cpu *c = &cpus[1 + k];

		if (cpu_prepare(c, 1 + k) < 0)
			return k;
		slots[k].cpu = c;
		slots[k].stack = c->stack_top;
	}
	return n;
}

/*
 * Wait for each of the first n gates to be claimed or closed, and for
 * every AP that claimed one to be online. A gate still AP_WAIT at its deadline is closed:
 * its AP is logged, sent an INIT and left out. An AP that claimed its gate
 * runs our code, so we wait for it to say it is online with no deadline
 * (as Linux does after call-in): giving up then would leave it running on
 * a slot we would reuse. Returns how many were left out; the APs in are
 * then CPUs 1..ncpus-1.
 */
static unsigned int admit_aps(unsigned int n)
{
	unsigned int open = n, in = 0, up = 0, lost = 0;
	uint64_t timeout = AP_TIMEOUT_MS * tsc_khz();
	bool done[SMP_MAX_CPUS] = { false }, warned = false;

	while (open || up < in) {
		uint64_t now = rdtsc();

		for (unsigned int i = 0; open && i < n; i++) {
			struct ap_gate *g = &gates[i];

			if (done[i])
				continue;
			if (now - g->sipi_tsc > timeout && gate_close(g)) {
				pr_err("smp: CPU with APIC ID %u did not answer in %d ms; left out\n",
				       g->apic_id, AP_TIMEOUT_MS);
				late_grace(g->apic_id);
				apic_send_init(g->apic_id);	/* parked: waits for a SIPI that never comes */
				lost++;
			} else if (gate_state(g) == AP_IN) {
				in++;
			} else {
				continue;
			}
			done[i] = true;
			open--;
		}
		while (up < in && __atomic_load_n(&cpus[1 + up].online, __ATOMIC_ACQUIRE))
			up++;
		if (!warned && up < in && now - gates[0].sipi_tsc > timeout) {
			pr_warn("smp: %u AP(s) run the kernel but are not online after %d ms; "
				"waiting\n", in - up, AP_TIMEOUT_MS);
			warned = true;
		}
		cpu_relax();
	}
	ncpus += in;
	return lost;
}

/* One line per AP up: the time from its SIPI to online (taken on the AP). */
static void print_aps(void)
{
	for (unsigned int k = 1; k < ncpus; k++)
		pr_info("smp: CPU %u up: APIC ID %u, TSS selector 0x%x, %lu us after its SIPI\n", k,
			cpus[k].apic_id, cpus[k].tss_sel, cpus[k].up_cycles * 1000 / tsc_khz());
}

/*
 * Start every listed CPU but this one, all at once; they get logical
 * numbers 1.. in the order they arrive. INIT to all, the MP spec's 10 ms
 * once (CPU slots prepared meanwhile), SIPI to each, 200 us, a second SIPI
 * to each that has not claimed its gate yet, then admit_aps(). SIPIs go
 * to each listed APIC ID, never to all-but-self: a CPU the firmware did
 * not list (disabled) is never woken. Returns how many never answered.
 */
static unsigned int start_aps(void)
{
	uint64_t t0 = rdtsc(), init_wait = INIT_DELAY_US * tsc_khz() / 1000;
	unsigned int lost = 0, ready;

	if (!ngates)
		return 0;	/* no AP listed: no INIT to wait for */

	for (unsigned int i = 0; i < ngates; i++)
		apic_send_init(gates[i].apic_id);
	ready = prepare_slots(ngates);
	for (unsigned int i = ready; i < ngates; i++) {
		gates[i].state = AP_OUT;	/* no slot: never SIPIed, stays parked by its INIT */
		pr_err("smp: no CPU slot for APIC ID %u; left out\n", gates[i].apic_id);
		lost++;
	}
	while (rdtsc() - t0 < init_wait)
		cpu_relax();
	for (unsigned int i = 0; i < ready; i++) {
		gates[i].sipi_tsc = rdtsc();
		apic_send_sipi(gates[i].apic_id, trampoline_page());
	}
	udelay(SIPI_DELAY_US);
	for (unsigned int i = 0; i < ready; i++)
		if (gate_state(&gates[i]) == AP_WAIT)
			apic_send_sipi(gates[i].apic_id, trampoline_page());
	lost += admit_aps(ready);
	bringup_us = (rdtsc() - t0) * 1000 / tsc_khz();
	left_out = lost;
	print_aps();
	return lost;
}

void smp_init_boot_cpu(const struct smp_cpu_list *list)
{
	struct cpu *c = &cpus[0];

	apic_setup(list->lapic_addr, list->nmi_lint);
	apic_init_cpu(true);
	if (gdt_reserve_cpus(list->ncpus ? list->ncpus : 1) < 0)
		panic("smp: %u CPUs do not fit the GDT", list->ncpus);
	if (cpu_prepare(c, 0) < 0)
		panic("smp: no GDT slot for the boot CPU's TSS");
	c->apic_id = apic_id();
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
	if (!smp_up)
		return false;
	fill_gates(list, cpus[0].apic_id);
	if (!setup_trampoline())
		return false;
	ap_entry = entry;
	/*
	 * A left-out AP got an INIT after its SIPIs (delivered in order), so it
	 * waits for a SIPI and runs nothing; give that INIT the MP spec's 10 ms,
	 * then the page is free.
	 */
	if (start_aps())
		udelay(INIT_DELAY_US);
	page_free_range(trampoline_phys, 1);	/* back to the pool, below the floor */
	return true;
}
