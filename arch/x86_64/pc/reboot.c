// SPDX-License-Identifier: MIT
/* Restarting a PC: the ACPI reset register, the keyboard controller's reset line, a triple fault. */
#include <arch/cpu.h>
#include <arch/io.h>
#include <arch/reboot.h>
#include <arch/trap.h>
#include <kernel/mm.h>

#define KBC_STATUS		0x64
#define KBC_IN_FULL		0x02
#define KBC_PULSE_RESET		0xFE
#define KBC_SPIN		100000

static void write_reset_reg(const struct reset_reg *r)
{
	if (r->space == RESET_SPACE_IO && r->addr <= 0xFFFF)
		outb((uint16_t)r->addr, r->value);
	else if (r->space == RESET_SPACE_MEMORY)
		*(volatile uint8_t *)phys_to_virt(r->addr) = r->value;
}

static void spin_ms(unsigned int ms)
{
	/* ~1 us per port write: the time the reset logic gets before the next attempt. */
	for (unsigned int i = 0; i < ms * 1000; i++)
		io_wait();
}

/* Pulse the CPU reset line through the 8042, once its input buffer is empty (or we gave up waiting). */
static void kbc_reset(void)
{
	for (int spin = 0; spin < KBC_SPIN && (inb(KBC_STATUS) & KBC_IN_FULL); spin++)
		;
	outb(KBC_STATUS, KBC_PULSE_RESET);
}

void pc_reboot(const struct reset_reg *acpi)
{
	cpu_cli();
	if (acpi)
		write_reset_reg(acpi);
	spin_ms(50);
	kbc_reset();
	spin_ms(50);
	idt_load_empty();
	__builtin_trap();
	cpu_halt_forever();
}
