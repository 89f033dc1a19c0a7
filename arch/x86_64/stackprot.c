// SPDX-License-Identifier: MIT
/*
 * The stack protector's guard and its failure path (the kernel builds with
 * -fstack-protector-strong -mstack-protector-guard=global: no GS canary).
 *
 * stack_guard_init() runs first thing in kmain, before any protected
 * function returns; kmain never returns, so no live frame checks the old
 * value. Neither function here has a canary of its own.
 */
#include <stdint.h>
#include <arch/cpu.h>
#include <arch/stackprot.h>
#include <kernel/ksyms.h>
#include <kernel/panic.h>

#define CPUID1_ECX_RDRAND	(1u << 30)
#define CPUID7_EBX_RDSEED	(1u << 18)
#define HW_RANDOM_TRIES		10	/* Intel's advice for a transient underflow */

uint64_t __stack_chk_guard = 0x595e9fbd94fda766ull;	/* until seeded: not zero */

static bool has_rdseed(void)
{
	uint32_t a, b, c, d;

	cpuid(0, 0, &a, &b, &c, &d);
	if (a < 7)
		return false;
	cpuid(7, 0, &a, &b, &c, &d);
	return b & CPUID7_EBX_RDSEED;
}

static bool has_rdrand(void)
{
	uint32_t a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	return c & CPUID1_ECX_RDRAND;
}

/* One value from RDSEED (seed) or RDRAND; false if the CPU gave none in HW_RANDOM_TRIES. */
static bool hw_random(bool seed, uint64_t *v)
{
	for (int i = 0; i < HW_RANDOM_TRIES; i++) {
		bool ok;

		if (seed)
			__asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
		else
			__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
		if (ok)
			return true;
	}
	return false;
}

__attribute__((no_stack_protector)) const char *stack_guard_init(void)
{
	const char *source = "TSC";
	uint64_t v;

	if (has_rdseed() && hw_random(true, &v))
		source = "RDSEED";
	else if (has_rdrand() && hw_random(false, &v))
		source = "RDRAND";
	else
		v = rdtsc() * 0x9e3779b97f4a7c15ull;	/* spread the low bits that change */
	/* A zero low byte stops an overflow by a C string from copying the guard. */
	__stack_chk_guard = v & ~0xffull;
	return source;
}

/* Called from a protected function's epilogue: the return address is in that function. */
__attribute__((noreturn, no_stack_protector)) void __stack_chk_fail(void)
{
	char sym[96];
	uint64_t ip = (uint64_t)__builtin_return_address(0) - 1;

	panic("stack protector: canary smashed in %s", ksym_format(sym, sizeof(sym), ip));
}
