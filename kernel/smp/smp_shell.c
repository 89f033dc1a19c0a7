/*
 * The monitor shell's CPU commands (kernel): `cpus` shows the online and
 * idle masks and each CPU, `gdt` the descriptor slots and whose TSS is where.
 */
#include <arch/gdt.h>
#include <arch/smp.h>
#include <kernel/cpumask.h>
#include <kernel/printk.h>
#include <kernel/shell.h>
#include <kernel/smp.h>

#define out(...)	printk_raw(__VA_ARGS__)

static int cmd_cpus(int argc, char **argv)
{
	unsigned int n = smp_cpus_online();
	char online[128], idle[128];

	(void)argc, (void)argv;
	cpumask_print(online, sizeof(online), &cpu_online_mask, SMP_MAX_CPUS);
	cpumask_print(idle, sizeof(idle), &cpu_idle_mask, SMP_MAX_CPUS);
	out("online: %s (%u CPUs), idle: %s\n", online[0] ? online : "0", n, idle[0] ? idle : "none");
	out("  CPU  APIC  TSS\n");
	for (unsigned int i = 0; i < n; i++)
		out("  %3u  %4u  0x%x%s\n", cpus[i].id, cpus[i].apic_id, cpus[i].tss_sel,
		    i == smp_cpu_id() ? "  (this one)" : "");
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
