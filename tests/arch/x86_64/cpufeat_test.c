// SPDX-License-Identifier: MIT
/*
 * Control registers (issue 11, item 2): every CPU runs with the same CR0 (caches
 * on: CD and NW clear) and the same CR4, which holds exactly the protections
 * CPUID offers. Bit positions are written here from the Intel SDM (vol. 3A 2.5,
 * vol. 2A CPUID), not taken from <arch/cpufeat.h>.
 */
#include <arch/cpu.h>
#include <arch/cpufeat.h>
#include <arch/smp.h>
#include <kernel/ktest.h>
#include <kernel/smp.h>
#include <kernel/string.h>

static uint64_t seen_cr0[SMP_MAX_CPUS], seen_cr4[SMP_MAX_CPUS];

static void record_cr(void *arg)
{
	unsigned int id = smp_cpu_id();

	(void)arg;
	seen_cr0[id] = read_cr0();
	seen_cr4[id] = read_cr4();
}

/* CR4 from CPUID alone: PAE always; MCE, PGE, OSFXSR, OSXMMEXCPT, SMEP, SMAP, UMIP if offered. */
static uint64_t expected_cr4(void)
{
	uint32_t max, a, b, c, d, b7 = 0, c7 = 0;
	uint64_t cr4 = 1ul << 5;

	cpuid(0, 0, &max, &b, &c, &d);
	cpuid(1, 0, &a, &b, &c, &d);
	if (max >= 7)
		cpuid(7, 0, &a, &b7, &c7, &c);
	cr4 |= (d >> 7 & 1) ? 1ul << 6 : 0;	/* MCE */
	cr4 |= (d >> 13 & 1) ? 1ul << 7 : 0;	/* PGE */
	cr4 |= (d >> 24 & 1) ? 1ul << 9 : 0;	/* FXSR -> OSFXSR */
	cr4 |= (d >> 25 & 1) ? 1ul << 10 : 0;	/* SSE -> OSXMMEXCPT */
	cr4 |= (b7 >> 7 & 1) ? 1ul << 20 : 0;	/* SMEP */
	cr4 |= (b7 >> 20 & 1) ? 1ul << 21 : 0;	/* SMAP */
	cr4 |= (c7 >> 2 & 1) ? 1ul << 11 : 0;	/* UMIP */
	return cr4;
}

KTEST(cpufeat, every_cpu_has_the_same_known_cr0)
{
	/* PG | WP | NE | ET | MP | PE; CD (bit 30) and NW (bit 29) clear. */
	const uint64_t want = 0x80010033;

	smp_call_all(record_cr, NULL);
	for (unsigned int i = 0; i < smp_cpus_online(); i++) {
		EXPECT_EQ(t, seen_cr0[i], want);
		EXPECT_EQ(t, seen_cr0[i] & (3ul << 29), 0);
	}
}

KTEST(cpufeat, every_cpu_has_cr4_from_cpuid)
{
	uint64_t want = expected_cr4();

	smp_call_all(record_cr, NULL);
	ktest_diag(t, "CR4 0x%lx on %u CPUs", want, smp_cpus_online());
	for (unsigned int i = 0; i < smp_cpus_online(); i++)
		EXPECT_EQ(t, seen_cr4[i], want);
}

/* Where word first occurs in s, or NULL (the kernel has no strstr). */
static const char *find(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (; *s; s++)
		if (!strncmp(s, word, n))
			return s;
	return NULL;
}

/* The boot log's words match CR4 and EFER: each protection named on or missing. */
KTEST(cpufeat, description_names_each_protection_once)
{
	static const struct { const char *name; uint64_t cr4; } prot[] = {
		{ "SMEP", 1ul << 20 }, { "SMAP", 1ul << 21 }, { "UMIP", 1ul << 11 },
	};
	char buf[96];
	const char *miss;

	cpu_describe_protection(buf, sizeof(buf));
	ktest_diag(t, "cpu: %s", buf);
	miss = find(buf, "missing");
	for (size_t i = 0; i < 3; i++) {
		const char *at = find(buf, prot[i].name);

		ASSERT_TRUE(t, at != NULL);
		EXPECT_EQ(t, !!(read_cr4() & prot[i].cr4), !miss || at < miss);
	}
	EXPECT_EQ(t, !!(rdmsr(0xC0000080) & (1ul << 11)), !miss || find(buf, "NX") < miss);
}

/* A short buffer is cut, not overrun, and still ends in NUL. */
KTEST(cpufeat, description_fits_a_short_buffer)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	cpu_describe_protection(buf, 5);
	EXPECT_EQ(t, strlen(buf), 4);
	EXPECT_EQ(t, buf[5], 'x');
}
