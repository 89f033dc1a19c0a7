/* The kernel GDT and the boot CPU's TSS, whose IST stacks catch #DF, NMI and #MC. */
#include <stdint.h>
#include <arch/gdt.h>

#define SEG_PRESENT	(1ull << 47)
#define SEG_USER	(3ull << 45)
#define SEG_CODE_DATA	(1ull << 44)
#define SEG_EXEC	(1ull << 43)
#define SEG_RW		(1ull << 41)
#define SEG_LONG	(1ull << 53)
#define SEG_DB		(1ull << 54)
#define SEG_GRAN	(1ull << 55)
#define SEG_LIMIT_MAX	(0xFull << 48 | 0xFFFF)
#define SEG_TSS_AVAIL	(9ull << 40)

#define CODE64		(SEG_PRESENT | SEG_CODE_DATA | SEG_EXEC | SEG_RW | SEG_LONG)
#define DATA		(SEG_PRESENT | SEG_CODE_DATA | SEG_RW | SEG_GRAN | \
			 SEG_DB | SEG_LIMIT_MAX)
#define CODE32		(DATA | SEG_EXEC)

static uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16))) = {
	[GDT_KERNEL_CS / 8]	= CODE64,
	[GDT_KERNEL_DS / 8]	= DATA,
	[GDT_USER32_CS / 8]	= CODE32 | SEG_USER,
	[GDT_USER_DS / 8]	= DATA | SEG_USER,
	[GDT_USER64_CS / 8]	= CODE64 | SEG_USER,
};

static struct tss boot_tss;
static uint8_t ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16)));

struct gdt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/* A 64-bit TSS descriptor fills two slots: base bits 32..63 go in the second. */
static void gdt_set_tss(int index, struct tss *tss)
{
	uint64_t base = (uint64_t)tss, limit = sizeof(*tss) - 1;

	gdt[index] = SEG_PRESENT | SEG_TSS_AVAIL | (limit & 0xFFFF) |
		     (base & 0xFFFFFF) << 16 | (base >> 24 & 0xFF) << 56;
	gdt[index + 1] = base >> 32;
}

/* Load GDTR, reload every segment register (CS by a far return), load TR. */
static void gdt_load(void)
{
	struct gdt_ptr ptr = { sizeof(gdt) - 1, (uint64_t)gdt };

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
		    "r"(GDT_TSS)
		: "rax", "memory");
}

bool tss_ist_contains(int ist, uint64_t sp)
{
	uint64_t base;

	if (ist < 1 || ist > 3)
		return false;
	base = (uint64_t)ist_stacks[ist - 1];
	return sp >= base && sp < base + IST_STACK_SIZE;
}

void gdt_init(void)
{
	for (int i = 0; i < 3; i++)
		boot_tss.ist[i] = (uint64_t)&ist_stacks[i][IST_STACK_SIZE];
	boot_tss.iomap_base = sizeof(boot_tss);
	gdt_set_tss(GDT_TSS / 8, &boot_tss);
	gdt_load();
}
