// SPDX-License-Identifier: MIT
/*
 * The monitor shell's CPU commands (kernel): `cpus` shows the online and
 * idle masks and each CPU, `gdt` the descriptor slots and whose TSS is where.
 */
#include <arch/gdt.h>
#include <kernel/printk.h>
#include <kernel/shell.h>
#include <kernel/smp.h>

static int cmd_cpus(int argc, char **argv)
{
	(void)argc, (void)argv;
	smp_print_cpus(printk_raw);
	return 0;
}
SHELL_COMMAND(cpus, cmd_cpus, "cpus", 0, 0, "online and idle CPU masks, APIC IDs, TSS selectors");

static int cmd_gdt(int argc, char **argv)
{
	(void)argc, (void)argv;
	gdt_print(printk_raw);
	return 0;
}
SHELL_COMMAND(gdt, cmd_gdt, "gdt", 0, 0, "GDT slot map");
