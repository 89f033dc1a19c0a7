// SPDX-License-Identifier: MIT
/* The IDT and GDT as the CPU sees them: gates, stubs, IST stacks, selectors. */
#include <arch/layout.h>
#include <arch/trap.h>
#include <kernel/ktest.h>

KTEST(idt, loaded_with_all_vectors)
{
	uint64_t base;
	uint16_t limit;

	idt_current(&base, &limit);
	EXPECT_EQ(t, limit, NR_VECTORS * 16 - 1);
	EXPECT_NE(t, base, 0);
}

KTEST(idt, exception_gates_point_at_their_stubs)
{
	for (int v = 0; v < NR_EXCEPTIONS; v++) {
		struct idt_gate_info g = idt_gate(v);

		EXPECT_TRUE(t, g.present);
		EXPECT_EQ(t, g.handler, idt_stub_address(v));
		EXPECT_EQ(t, g.selector, GDT_KERNEL_CS);
		EXPECT_EQ(t, g.type, 0xE);
		EXPECT_EQ(t, g.dpl, 0);
	}
}

KTEST(idt, critical_vectors_use_ist)
{
	EXPECT_EQ(t, idt_gate(VEC_DF).ist, IST_DOUBLE_FAULT);
	EXPECT_EQ(t, idt_gate(VEC_NMI).ist, IST_NMI);
	EXPECT_EQ(t, idt_gate(VEC_MC).ist, IST_MACHINE_CHECK);
	EXPECT_EQ(t, idt_gate(VEC_PF).ist, 0);
	EXPECT_EQ(t, idt_gate(VEC_GP).ist, 0);
}

KTEST(idt, stubs_are_evenly_spaced)
{
	EXPECT_EQ(t, idt_stub_address(1) - idt_stub_address(0), ISR_STUB_SIZE);
	EXPECT_EQ(t, idt_stub_address(255) - idt_stub_address(0), 255 * ISR_STUB_SIZE);
}

KTEST(idt, vector_names)
{
	EXPECT_STREQ(t, trap_name(VEC_PF), "#PF page fault");
	EXPECT_STREQ(t, trap_name(VEC_DF), "#DF double fault");
	EXPECT_STREQ(t, trap_name(VEC_DE), "#DE divide error");
	EXPECT_STREQ(t, trap_name(0x30), "interrupt");
}
