// SPDX-License-Identifier: MIT
/*
 * Reboot and halt, and the monitor's commands for them. Reboot finds the
 * FADT's reset register (ACPI 2.0+, what firmware says works on this
 * board) and hands it to the PC code (<arch/reboot.h>), which tries it,
 * then the keyboard controller's reset line, then a triple fault.
 */
#include <arch/cpu.h>
#include <arch/reboot.h>
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

/* The FADT's reset register, if it has one it says works: true and *r filled. */
static bool acpi_reset_reg(struct reset_reg *r)
{
	const struct acpi_env env = { .map = acpi_map };
	const struct acpi_rsdp *rsdp = acpi_find_rsdp(&env, boot_rsdp);
	const uint8_t *fadt = rsdp ? (const void *)acpi_find_table(&env, rsdp, "FACP") : NULL;

	if (!fadt || read32(fadt + 4) <= FADT_RESET_VALUE ||
	    !(read32(fadt + FADT_FLAGS) & FADT_RESET_REG_SUP))
		return false;
	*r = (struct reset_reg){
		.space = fadt[FADT_RESET_REG],	/* the GAS's address space ID */
		.addr = read64(fadt + FADT_RESET_REG + 4),
		.value = fadt[FADT_RESET_VALUE],
	};
	return true;
}

void machine_reboot(void)
{
	struct reset_reg r;

	cpu_cli();
	printk_raw("rebooting\n");
	pc_reboot(acpi_reset_reg(&r) ? &r : NULL);
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
