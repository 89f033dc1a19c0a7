// SPDX-License-Identifier: MIT
/* The local APIC's handler table: one function per vector, then EOI. */
#include <arch/apic.h>
#include <arch/irq.h>
#include <arch/smp.h>
#include <arch/trap.h>

static void (*handlers[NR_VECTORS])(void);

void irq_register(uint8_t vector, void (*fn)(void))
{
	handlers[vector] = fn;
}

bool irq_dispatch(uint64_t vector)
{
	if (vector == APIC_SPURIOUS_VECTOR)
		return smp_is_up();	/* never acknowledged: the APIC did not deliver it */
	if (vector >= NR_VECTORS || !handlers[vector])
		return false;
	handlers[vector]();
	apic_eoi();
	return true;
}
