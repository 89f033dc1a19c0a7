// SPDX-License-Identifier: MIT
/* Per-CPU control registers: one known CR0, and CR4 with what CPUID offers. */
#include <arch/cpu.h>
#include <arch/cpufeat.h>
#include <kernel/string.h>
#include <kernel/printk.h>

/* CPUID leaf 1 EDX and leaf 7 (subleaf 0) EBX/ECX feature bits (SDM vol. 2A, CPUID). */
#define CPUID1_EDX_MCE		(1u << 7)
#define CPUID1_EDX_PGE		(1u << 13)
#define CPUID1_EDX_FXSR		(1u << 24)
#define CPUID1_EDX_SSE		(1u << 25)
#define CPUID7_EBX_SMEP		(1u << 7)
#define CPUID7_EBX_SMAP		(1u << 20)
#define CPUID7_ECX_UMIP		(1u << 2)

struct cpuid_bits {
	uint32_t edx1;		/* leaf 1 EDX */
	uint32_t ebx7, ecx7;	/* leaf 7.0 EBX, ECX; 0 if the leaf does not exist */
};

static struct cpuid_bits read_cpuid_bits(void)
{
	struct cpuid_bits b = { 0 };
	uint32_t max, eax, ebx, ecx;

	cpuid(0, 0, &max, &ebx, &ecx, &eax);
	cpuid(1, 0, &eax, &ebx, &ecx, &b.edx1);
	if (max >= 7)
		cpuid(7, 0, &eax, &b.ebx7, &b.ecx7, &ebx);
	return b;
}

/* Each optional CR4 bit with the CPUID bit that offers it. */
static const struct {
	const char *name;	/* for the log; NULL: not worth a word */
	uint64_t cr4;
	int leaf;		/* 1: leaf 1 EDX, 7: leaf 7 EBX, 70: leaf 7 ECX */
	uint32_t bit;
} optional[] = {
	{ NULL, CR4_MCE, 1, CPUID1_EDX_MCE },
	{ NULL, CR4_PGE, 1, CPUID1_EDX_PGE },
	{ NULL, CR4_OSFXSR, 1, CPUID1_EDX_FXSR },
	{ NULL, CR4_OSXMMEXCPT, 1, CPUID1_EDX_SSE },
	{ "SMEP", CR4_SMEP, 7, CPUID7_EBX_SMEP },
	{ "SMAP", CR4_SMAP, 7, CPUID7_EBX_SMAP },
	{ "UMIP", CR4_UMIP, 70, CPUID7_ECX_UMIP },
};

static bool offered(const struct cpuid_bits *b, int leaf, uint32_t bit)
{
	uint32_t reg = leaf == 1 ? b->edx1 : leaf == 7 ? b->ebx7 : b->ecx7;

	return reg & bit;
}

uint64_t cpu_wanted_cr4(void)
{
	struct cpuid_bits b = read_cpuid_bits();
	uint64_t cr4 = CR4_PAE;

	for (size_t i = 0; i < sizeof(optional) / sizeof(optional[0]); i++)
		if (offered(&b, optional[i].leaf, optional[i].bit))
			cr4 |= optional[i].cr4;
	return cr4;
}

void cpu_setup_control_regs(void)
{
	uint64_t cr0 = CR0_KERNEL, cr4 = cpu_wanted_cr4();

	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0) : "memory");
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
}

/* Add " word" (no space first) to a list of at most 63 characters. */
static void add_word(char list[64], const char *word)
{
	size_t n = strlen(list);

	snprintf(list + n, 64 - n, "%s%s", n ? " " : "", word);
}

char *cpu_describe_protection(char *buf, size_t len)
{
	uint64_t cr4 = read_cr4();
	bool nx = rdmsr(MSR_EFER) & EFER_NXE;
	char on[64] = "", missing[64] = "";

	for (size_t i = 0; i < sizeof(optional) / sizeof(optional[0]); i++)
		if (optional[i].name)
			add_word(cr4 & optional[i].cr4 ? on : missing, optional[i].name);
	add_word(nx ? on : missing, "NX");
	if (!missing[0])
		snprintf(buf, len, "%s", on);
	else
		snprintf(buf, len, "%s%smissing %s (not offered by CPUID)", on,
			 on[0] ? "; " : "", missing);
	return buf;
}
