// SPDX-License-Identifier: MIT
/* Local APIC access in both modes, IPIs by the MP-spec rules, and the timer calibrated on the TSC. */
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/tsc.h>

#define MSR_APIC_BASE		0x1B
#define APIC_BASE_ENABLE	(1ull << 11)
#define APIC_BASE_X2APIC	(1ull << 10)
#define MSR_X2APIC_FIRST	0x800
#define CPUID1_ECX_X2APIC	(1u << 21)

/* Register offsets in the xAPIC page; x2APIC MSR = 0x800 + offset / 16. */
#define APIC_ID			0x020
#define APIC_TPR		0x080
#define APIC_EOI		0x0B0
#define APIC_SVR		0x0F0
#define APIC_ESR		0x280
#define APIC_ICR_LOW		0x300
#define APIC_ICR_HIGH		0x310
#define APIC_LVT_TIMER		0x320
#define APIC_LVT_LINT0		0x350
#define APIC_LVT_LINT1		0x360
#define APIC_LVT_ERROR		0x370
#define APIC_TIMER_INIT		0x380
#define APIC_TIMER_CURRENT	0x390
#define APIC_TIMER_DIVIDE	0x3E0

#define SVR_ENABLE		(1u << 8)
#define LVT_MASKED		(1u << 16)
#define LVT_PERIODIC		(1u << 17)
#define LVT_NMI			(4u << 8)
#define LVT_EXTINT		(7u << 8)
#define TIMER_DIV_16		0x3

#define ICR_FIXED		(0u << 8)
#define ICR_NMI			(4u << 8)
#define ICR_INIT		(5u << 8)
#define ICR_STARTUP		(6u << 8)
#define ICR_PENDING		(1u << 12)
#define ICR_ASSERT		(1u << 14)
#define ICR_LEVEL		(1u << 15)
#define ICR_ALL_BUT_SELF	(3u << 18)

#define CAL_MS			10

static volatile uint32_t *mmio;
static bool x2;
static int lint_nmi = -1;
static uint32_t timer_khz;

static uint32_t apic_read(uint32_t reg)
{
	if (x2)
		return (uint32_t)rdmsr(MSR_X2APIC_FIRST + (reg >> 4));
	return mmio[reg / 4];
}

static void apic_write(uint32_t reg, uint32_t val)
{
	if (x2)
		wrmsr(MSR_X2APIC_FIRST + (reg >> 4), val);
	else
		mmio[reg / 4] = val;
}

void apic_setup(uint64_t mmio_phys, int nmi_lint)
{
	uint32_t a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	x2 = c & CPUID1_ECX_X2APIC;
	lint_nmi = nmi_lint;
	/* The APIC page is not RAM, so it is outside the direct map; the kernel maps it at its own address. */
	mmio = (volatile uint32_t *)mmio_phys;
}

/* What a LINT pin carries: NMI if the MADT says so, else the 8259s on the boot CPU's LINT0. */
static uint32_t lint_mode(int pin, bool boot_cpu)
{
	if (lint_nmi == pin)
		return LVT_NMI;
	return pin == 0 && boot_cpu ? LVT_EXTINT : LVT_MASKED;
}

void apic_init_cpu(bool boot_cpu)
{
	uint64_t base = rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE;

	/* xAPIC -> x2APIC is allowed directly; enable first, then switch. */
	wrmsr(MSR_APIC_BASE, base);
	if (x2)
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_X2APIC);
	apic_write(APIC_TPR, 0);
	apic_write(APIC_LVT_TIMER, LVT_MASKED);
	apic_write(APIC_LVT_LINT0, lint_mode(0, boot_cpu));
	apic_write(APIC_LVT_LINT1, lint_mode(1, boot_cpu));
	apic_write(APIC_LVT_ERROR, LVT_MASKED);
	apic_write(APIC_SVR, SVR_ENABLE | APIC_SPURIOUS_VECTOR);
	/* The ESR latches on a write; clear what firmware left. */
	apic_write(APIC_ESR, 0);
	apic_write(APIC_ESR, 0);
	apic_eoi();
}

bool apic_x2apic(void)
{
	return x2;
}

uint32_t apic_id(void)
{
	return x2 ? apic_read(APIC_ID) : apic_read(APIC_ID) >> 24;
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

bool apic_ipi_done(void)
{
	return x2 || !(apic_read(APIC_ICR_LOW) & ICR_PENDING);
}

/*
 * The x2APIC ICR write. WRMSR to an x2APIC register is not serializing:
 * it may complete before earlier stores are globally visible (SDM vol. 3,
 * "MSR Access in x2APIC Mode"), so an IPI could overtake the mailbox or
 * TLB-flush flag it announces. MFENCE drains the stores, but WRMSR is no
 * load or store, so LFENCE then holds it until the MFENCE is done (the
 * SDM's MFENCE; LFENCE; Linux's weak_wrmsr_fence). One asm statement, so
 * nothing is scheduled between them; smp_test checks the bytes.
 */
void __attribute__((noinline)) apic_x2apic_write_icr(uint64_t icr)
{
	__asm__ volatile("mfence; lfence; wrmsr"
			 : : "c"(MSR_X2APIC_FIRST + (APIC_ICR_LOW >> 4)), "a"((uint32_t)icr),
			   "d"((uint32_t)(icr >> 32)) : "memory");
}

static void send_icr(uint32_t dest, uint32_t cmd)
{
	uint64_t flags = cpu_rflags();

	cpu_cli();
	if (x2) {
		apic_x2apic_write_icr((uint64_t)dest << 32 | cmd);
	} else {
		while (!apic_ipi_done())
			cpu_relax();
		apic_write(APIC_ICR_HIGH, dest << 24);
		apic_write(APIC_ICR_LOW, cmd);
	}
	if (flags & RFLAGS_IF)
		cpu_sti();
}

void apic_send_ipi(uint32_t dest, uint8_t vector)
{
	send_icr(dest, ICR_FIXED | ICR_ASSERT | vector);
}

void apic_send_nmi(uint32_t dest)
{
	send_icr(dest, ICR_NMI | ICR_ASSERT);
}

void apic_send_nmi_others(void)
{
	send_icr(0, ICR_NMI | ICR_ASSERT | ICR_ALL_BUT_SELF);
}

void apic_send_init(uint32_t dest)
{
	send_icr(dest, ICR_INIT | ICR_ASSERT | ICR_LEVEL);
}

void apic_send_sipi(uint32_t dest, uint8_t page)
{
	send_icr(dest, ICR_STARTUP | page);
}

void udelay(uint64_t us)
{
	uint64_t start = rdtsc(), cycles = us * tsc_khz() / 1000;

	while (rdtsc() - start < cycles)
		cpu_relax();
}

uint32_t apic_timer_calibrate(void)
{
	uint32_t left;

	if (!tsc_khz())
		return 0;
	apic_write(APIC_TIMER_DIVIDE, TIMER_DIV_16);
	apic_write(APIC_LVT_TIMER, LVT_MASKED);
	apic_write(APIC_TIMER_INIT, 0xFFFFFFFF);
	udelay(CAL_MS * 1000);
	left = apic_read(APIC_TIMER_CURRENT);
	apic_write(APIC_TIMER_INIT, 0);
	timer_khz = (0xFFFFFFFF - left) / CAL_MS;
	return timer_khz;
}

uint32_t apic_timer_khz(void)
{
	return timer_khz;
}

void apic_timer_periodic(uint8_t vector, uint32_t hz)
{
	if (!hz || !timer_khz) {
		apic_write(APIC_LVT_TIMER, LVT_MASKED);
		apic_write(APIC_TIMER_INIT, 0);
		return;
	}
	apic_write(APIC_TIMER_DIVIDE, TIMER_DIV_16);
	apic_write(APIC_LVT_TIMER, LVT_PERIODIC | vector);
	apic_write(APIC_TIMER_INIT, timer_khz * 1000 / hz);
}
