/*
 * Reboot and halt, and the monitor's commands for them. Reboot tries, in
 * order: the FADT's reset register (ACPI 2.0+, what firmware says works on
 * this board), the keyboard controller's reset line, and a triple fault,
 * which resets every PC.
 */
#include <arch/cpu.h>
#include <arch/io.h>
#include <arch/trap.h>
#include <kernel/acpi.h>
#include <kernel/bootinfo.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/reboot.h>
#include <kernel/shell.h>

/* FADT fields (ACPI 6.5, table 5.9): flags, RESET_REG (a GAS), RESET_VALUE. */
#define FADT_FLAGS		112
#define FADT_RESET_REG		116
#define FADT_RESET_VALUE	128
#define FADT_RESET_REG_SUP	(1u << 10)
#define GAS_SYSTEM_MEMORY	0
#define GAS_SYSTEM_IO		1


#define KBC_STATUS		0x64
#define KBC_IN_FULL		0x02
#define KBC_PULSE_RESET		0xFE

static const struct boot_rsdp *boot_rsdp;

void machine_reboot_init(const struct boot_rsdp *rsdp)
{
	boot_rsdp = rsdp;
}

static const void *acpi_map(void *ctx, uint64_t phys, size_t len)
{
	(void)ctx;
	return mm_firmware_ptr(phys, len);
}

static uint32_t read32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t read64(const uint8_t *p)
{
	return read32(p) | (uint64_t)read32(p + 4) << 32;
}

static void acpi_reset(void)
{
	const struct acpi_env env = { .map = acpi_map };
	const struct acpi_rsdp *rsdp = acpi_find_rsdp(&env, boot_rsdp);
	const uint8_t *fadt = rsdp ? (const void *)acpi_find_table(&env, rsdp, "FACP") : NULL;
	uint64_t addr;
	uint8_t value;

	if (!fadt || read32(fadt + 4) <= FADT_RESET_VALUE ||
	    !(read32(fadt + FADT_FLAGS) & FADT_RESET_REG_SUP))
		return;
	addr = read64(fadt + FADT_RESET_REG + 4);
	value = fadt[FADT_RESET_VALUE];
	if (fadt[FADT_RESET_REG] == GAS_SYSTEM_IO && addr <= 0xFFFF)
		outb((uint16_t)addr, value);
	else if (fadt[FADT_RESET_REG] == GAS_SYSTEM_MEMORY)
		*(volatile uint8_t *)phys_to_virt(addr) = value;
}

static void spin_ms(unsigned int ms)
{
	/* ~1 us per port write: the time the reset logic gets before the next attempt. */
	for (unsigned int i = 0; i < ms * 1000; i++)
		io_wait();
}

void machine_reboot(void)
{
	cpu_cli();
	printk_raw("rebooting\n");
	acpi_reset();
	spin_ms(50);
	for (int spin = 0; spin < 100000 && (inb(KBC_STATUS) & KBC_IN_FULL); spin++)
		;
	outb(KBC_STATUS, KBC_PULSE_RESET);
	spin_ms(50);
	idt_load_empty();
	__builtin_trap();
	cpu_halt_forever();
}

void machine_halt(void)
{
	printk_raw("halted: it is now safe to turn off the machine\n");
	cpu_halt_forever();
}

/* ---------------------------------------------------------------- the monitor's commands */

static int cmd_reboot(int argc, char **argv)
{
	(void)argc, (void)argv;
	machine_reboot();
}
SHELL_COMMAND(reboot, cmd_reboot, "reboot", 0, 0, "restart the machine");

static int cmd_halt(int argc, char **argv)
{
	(void)argc, (void)argv;
	machine_halt();
}
SHELL_COMMAND(halt, cmd_halt, "halt", 0, 0, "stop the machine");
