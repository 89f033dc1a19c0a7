// SPDX-License-Identifier: MIT
/*
 * The kernel GDT: the fixed segments first, then one TSS descriptor pair
 * per CPU, handed out by the slot allocator (kernel/gdtslot.h) and
 * encoded by <arch/gdtdesc.h>. The table has room for SMP_MAX_CPUS pairs;
 * its limit, what the CPUs see, grows to fit the CPUs the MADT lists. The boot TSS (static IST stacks) serves
 * until smp_init_boot_cpu() gives the boot CPU a TSS of its own.
 */
#include <stdint.h>
#include <arch/gdt.h>
#include <arch/gdtdesc.h>
#include <arch/stack.h>
#include <arch/smp.h>
#include <kernel/gdtslot.h>
#include <kernel/panic.h>
#include <kernel/vsprintf.h>

#define GDT_FIXED	(GDT_TSS / 8)	/* null, kernel CS/DS, user CS32/DS/CS64 */
#define GDT_PAIRS(n)	(GDT_FIXED + 2 * (n))
/* Every CPU's pair, plus the boot TSS's until the boot CPU moves off it. */
#define GDT_CAPACITY	GDT_PAIRS(SMP_MAX_CPUS + 1)

_Static_assert(GDT_CAPACITY <= GDT_MAX_SLOTS, "the GDTR limit is 16 bits");

static uint64_t gdt[GDT_CAPACITY] __attribute__((aligned(16))) = {
	[GDT_KERNEL_CS / 8]	= SEG_CODE64(0),
	[GDT_KERNEL_DS / 8]	= SEG_DATA(0),
	[GDT_USER32_CS / 8]	= SEG_CODE32(3),
	[GDT_USER_DS / 8]	= SEG_DATA(3),
	[GDT_USER64_CS / 8]	= SEG_CODE64(3),
};
static BM_DECLARE(gdt_used, GDT_CAPACITY);
static struct gdt_slots slots;

static struct tss boot_tss;
/* The boot CPU's IST stacks, each above a guard page. */
static struct {
	uint8_t guard[4096];
	uint8_t stack[IST_STACK_SIZE];
} ist_stacks[3] __attribute__((aligned(4096)));
STACK_GUARD(ist1, ist_stacks[0].guard);
STACK_GUARD(ist2, ist_stacks[1].guard);
STACK_GUARD(ist3, ist_stacks[2].guard);
static int boot_tss_sel;

struct gdt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

void gdt_load_cpu(uint16_t tss_sel)
{
	struct gdt_ptr ptr = { gdt_slots_limit(&slots), (uint64_t)gdt };

	/* CS by a far return; GS and FS null (GS base is an MSR, set after this). */
	__asm__ volatile(
		"lgdt %0\n\t"
		"pushq %1\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movw %w2, %%ds\n\t"
		"movw %w2, %%es\n\t"
		"movw %w2, %%ss\n\t"
		"movw %w3, %%fs\n\t"
		"movw %w3, %%gs\n\t"
		"ltr %w4"
		: : "m"(ptr), "i"(GDT_KERNEL_CS), "r"(GDT_KERNEL_DS), "r"(0),
		    "r"(tss_sel)
		: "rax", "memory");
}

void gdt_init(void)
{
	gdt_slots_init(&slots, gdt, gdt_used, GDT_CAPACITY, GDT_FIXED, GDT_PAIRS(1));
	for (int i = 0; i < 3; i++)
		boot_tss.ist[i] = (uint64_t)&ist_stacks[i].stack[IST_STACK_SIZE];
	boot_tss.iomap_base = sizeof(boot_tss);
	boot_tss_sel = gdt_alloc_tss(&boot_tss);
	if (boot_tss_sel != GDT_TSS)
		panic("gdt: boot TSS at 0x%x, expected 0x%x", boot_tss_sel, GDT_TSS);
	gdt_load_cpu(GDT_TSS);
}

int gdt_reserve_cpus(unsigned int ncpus)
{
	if (ncpus > SMP_MAX_CPUS)
		return -EINVAL;
	/* +1: the boot TSS still holds its pair while the boot CPU moves. */
	if (GDT_PAIRS(ncpus + 1) <= slots.nslots)
		return 0;
	return gdt_slots_grow(&slots, GDT_PAIRS(ncpus + 1));
}

int gdt_alloc_tss(struct tss *tss)
{
	uint64_t desc[2];

	gdt_encode_tss(desc, (uint64_t)tss, sizeof(*tss) - 1);
	return gdt_slots_alloc_pair(&slots, desc);
}

int gdt_free_tss(int sel)
{
	return sel < 0 ? -EINVAL : gdt_slots_free_pair(&slots, (unsigned int)sel);
}

void gdt_release_boot_tss(void)
{
	if (gdt_free_tss(boot_tss_sel) < 0)
		panic("gdt: boot TSS pair 0x%x was not allocated", boot_tss_sel);
}

const struct gdt_slots *gdt_slots(void)
{
	return &slots;
}

/* The TSS this CPU's task register points at, from its descriptor. */
static const struct tss *current_tss(void)
{
	uint16_t sel = cpu_str();

	if (!sel || (size_t)sel / 8 + 1 >= slots.nslots)
		return NULL;
	return (const struct tss *)gdt_decode_tss(&gdt[sel / 8]).base;
}

uint64_t tss_ist_top(int ist)
{
	const struct tss *tss = current_tss();

	return ist >= 1 && ist <= 3 && tss ? tss->ist[ist - 1] : 0;
}

bool tss_ist_contains(int ist, uint64_t sp)
{
	uint64_t top = tss_ist_top(ist);

	return top && sp >= top - IST_STACK_SIZE && sp < top;
}

/* "TSS of CPU n" for a pair holding a CPU's TSS descriptor, else "TSS (no CPU)". */
static const char *describe_pair(const uint64_t desc[2])
{
	static char buf[32];	/* gdt_print runs under the slots' lock: one caller at a time */
	uint64_t base = gdt_decode_tss(desc).base;

	for (unsigned int i = 0; i < smp_cpus_online(); i++)
		if (base == (uint64_t)&cpus[i].tss) {
			snprintf(buf, sizeof(buf), "TSS of CPU %u", i);
			return buf;
		}
	return "TSS (no CPU)";
}

void gdt_print(void (*print)(const char *fmt, ...))
{
	gdt_slots_print(&slots, print, describe_pair);
}
