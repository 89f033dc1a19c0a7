// SPDX-License-Identifier: MIT
/* Expected exceptions: each case must raise exactly the one it declares. */
#include <arch/fault.h>
#include <arch/gdt.h>
#include <arch/trap.h>
#include <kernel/ktest.h>
#include <kernel/ktest_run.h>

/* Canonical, but far above the 4 GiB identity map: never mapped. */
#define UNMAPPED_ADDR		0x0000004000000000ull
#define NONCANONICAL_ADDR	0x8000000000000000ull

KTEST_FAULT(exception, ud2_raises_ud, VEC_UD, 0)
{
	fault_ud2();
	EXPECT_TRUE(t, false);		/* not reached */
}

KTEST_FAULT(exception, int3_raises_bp, VEC_BP, 0)
{
	fault_int3();
}

KTEST_FAULT(exception, divide_by_zero_raises_de, VEC_DE, 0)
{
	fault_divide_by_zero();
}

KTEST_FAULT(exception, unmapped_read_raises_pf, VEC_PF, UNMAPPED_ADDR)
{
	fault_read(UNMAPPED_ADDR);
}

KTEST_FAULT(exception, pf_any_address, VEC_PF, KTEST_ANY_ADDR)
{
	fault_read(UNMAPPED_ADDR + 0x1238);
}

KTEST_FAULT(exception, noncanonical_read_raises_gp, VEC_GP, 0)
{
	fault_read(NONCANONICAL_ADDR);
}

KTEST_FAULT(exception, bad_segment_raises_gp, VEC_GP, 0)
{
	fault_load_bad_segment(0xFFF8);
}

static void restore_gate(void *vector)
{
	idt_set_present((int)(uintptr_t)vector, true);
}

/*
 * With the #GP gate gone, a #GP raises #NP while being delivered: two
 * contributory faults make a #DF, which runs on its IST stack.
 */
KTEST_FAULT(exception, gp_without_gate_raises_df, VEC_DF, 0)
{
	ktest_defer(t, restore_gate, (void *)(uintptr_t)VEC_GP);
	idt_set_present(VEC_GP, false);
	fault_read(NONCANONICAL_ADDR);
}

static void body_gp_without_gate(struct ktest *t)
{
	ktest_defer(t, restore_gate, (void *)(uintptr_t)VEC_GP);
	idt_set_present(VEC_GP, false);
	fault_read(NONCANONICAL_ADDR);
}

static void body_ud2(struct ktest *t)
{
	(void)t;
	fault_ud2();
}

/* Run a synthetic case declared to raise `vector`; returns how it went. */
static struct ktest_outcome run_expecting(ktest_fn fn, int vector)
{
	struct ktest_case tc = {
		"synthetic", "case", __FILE__, __LINE__, fn, vector, KTEST_ANY_ADDR, false, 0, 0
	};
	struct ktest_outcome out;

	ktest_run_quiet(&tc, &out);
	return out;
}

KTEST(exception, double_fault_runs_on_its_ist_stack)
{
	struct ktest_outcome o = run_expecting(body_gp_without_gate, VEC_DF);

	EXPECT_EQ(t, o.failures, 0);
	EXPECT_EQ(t, o.fault.vector, VEC_DF);
	EXPECT_TRUE(t, tss_ist_contains(IST_DOUBLE_FAULT, o.fault.handler_sp));
	EXPECT_TRUE(t, idt_gate(VEC_GP).present);
}

KTEST(exception, other_faults_stay_on_the_current_stack)
{
	struct ktest_outcome o = run_expecting(body_ud2, VEC_UD);
	uint64_t here = (uint64_t)&o;

	EXPECT_EQ(t, o.failures, 0);
	EXPECT_FALSE(t, tss_ist_contains(IST_DOUBLE_FAULT, o.fault.handler_sp));
	EXPECT_LT(t, here - o.fault.handler_sp, 4096);	/* just below us */
}

/* The gate is back: the previous case's deferred action ran. */
KTEST_FAULT(exception, gp_gate_restored, VEC_GP, 0)
{
	EXPECT_TRUE(t, idt_gate(VEC_GP).present);
	fault_read(NONCANONICAL_ADDR);
}

/* The machinery goes on working after many faults in a row. */
KTEST(exception, survives_repeated_faults)
{
	EXPECT_TRUE(t, idt_gate(VEC_UD).present);
}
