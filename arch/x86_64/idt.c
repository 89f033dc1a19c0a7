// SPDX-License-Identifier: MIT
/* The IDT: one interrupt gate per vector, IST stacks for #DF, NMI and #MC. */
#include <stdint.h>
#include <arch/layout.h>
#include <arch/trap.h>

#define GATE_INTERRUPT	0xE

struct idt_entry {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;	/* P, DPL, type */
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __attribute__((packed));

_Static_assert(sizeof(struct idt_entry) == 16, "64-bit IDT gates are 16 bytes");

struct idt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

extern const char isr_stubs[];
static struct idt_entry idt[NR_VECTORS] __attribute__((aligned(16)));

uint64_t idt_stub_address(int vector)
{
	return (uint64_t)isr_stubs + (uint64_t)vector * ISR_STUB_SIZE;
}

static void idt_set_gate(int vector, int ist)
{
	uint64_t addr = idt_stub_address(vector);

	idt[vector] = (struct idt_entry){
		.offset_low = addr & 0xFFFF,
		.selector = GDT_KERNEL_CS,
		.ist = ist,
		.type_attr = 0x80 | GATE_INTERRUPT,	/* present, DPL 0 */
		.offset_mid = addr >> 16 & 0xFFFF,
		.offset_high = addr >> 32,
	};
}

static void idt_load(const void *base, uint16_t limit)
{
	struct idt_ptr ptr = { limit, (uint64_t)base };

	__asm__ volatile("lidt %0" : : "m"(ptr) : "memory");
}

/* Interrupt gates (IF cleared on entry): no handler here expects nesting. */
void idt_init(void)
{
	for (int v = 0; v < NR_VECTORS; v++)
		idt_set_gate(v, 0);
	/* These can arrive on a broken or unknown stack: give them their own. */
	idt_set_gate(VEC_DF, IST_DOUBLE_FAULT);
	idt_set_gate(VEC_NMI, IST_NMI);
	idt_set_gate(VEC_MC, IST_MACHINE_CHECK);
	idt_load_kernel();
}

void idt_load_kernel(void)
{
	idt_load(idt, sizeof(idt) - 1);
}

struct idt_gate_info idt_gate(int vector)
{
	const struct idt_entry *e = &idt[vector];

	return (struct idt_gate_info){
		.present = e->type_attr & 0x80,
		.handler = e->offset_low | (uint64_t)e->offset_mid << 16 |
			   (uint64_t)e->offset_high << 32,
		.selector = e->selector,
		.ist = e->ist & 7,
		.type = e->type_attr & 0xF,
		.dpl = e->type_attr >> 5 & 3,
	};
}

void idt_set_present(int vector, bool present)
{
	if (present)
		idt[vector].type_attr |= 0x80;
	else
		idt[vector].type_attr &= ~0x80;
}

void idt_load_empty(void)
{
	idt_load(0, 0);
}

void idt_current(uint64_t *base, uint16_t *limit)
{
	struct idt_ptr ptr;

	__asm__ volatile("sidt %0" : "=m"(ptr));
	*base = ptr.base;
	*limit = ptr.limit;
}
