// SPDX-License-Identifier: MIT
/* kmain: bring up the consoles and the CPU tables, report the boot, run the tests, then the monitor. */
#include <stdarg.h>
#include <stdint.h>
#include <arch/cpu.h>
#include <arch/cpufeat.h>
#include <arch/gdt.h>
#include <arch/layout.h>
#include <arch/pic.h>
#include <arch/smp.h>
#include <arch/stackprot.h>
#include <arch/trap.h>
#include <arch/tsc.h>
#include <arch/uart.h>
#include <kernel/acpi.h>
#include <kernel/boot.h>
#include <kernel/cmdline.h>
#include <kernel/console.h>
#include <kernel/ksyms.h>
#include <kernel/ktest_run.h>
#include <kernel/mm.h>
#include <kernel/multiboot2.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/reboot.h>
#include <kernel/shell.h>
#include <kernel/smp.h>
#include <kernel/string.h>

void kmain(uint32_t magic, uint64_t mbi_phys) __attribute__((noreturn));

static struct madt_info madt;

static void print_cpu(void)
{
	bool nx = rdmsr(MSR_EFER) & EFER_NXE;
	char prot[96];

	pr_info("cpu: TSC %lu.%03lu MHz, NX %s, %zu kernel symbols\n",
		tsc_khz() / 1000, tsc_khz() % 1000, nx ? "on" : "off", ksym_count());
	pr_info("cpu: %s\n", cpu_describe_protection(prot, sizeof(prot)));
}

static const void *firmware_map(void *ctx, uint64_t phys, size_t len)
{
	(void)ctx;
	return mm_firmware_ptr(phys, len);
}

static void firmware_log(void *ctx, const char *fmt, va_list ap)
{
	char line[160];

	(void)ctx;
	vsnprintf(line, sizeof(line), fmt, ap);
	pr_warn("%s\n", line);
}

/* The MADT (through the boot loader's RSDP copies, else a scan), logged; NULL if none is usable. */
static const struct madt_info *read_madt(const struct boot_rsdp *rsdp)
{
	const struct acpi_env env = { firmware_map, firmware_log, NULL };

	if (acpi_read_madt(&env, rsdp, &madt) < 0 || !madt.ncpus) {
		pr_warn("smp: no usable MADT; running on the boot CPU only\n");
		return NULL;
	}
	pr_info("acpi: MADT: %u CPUs (%u enabled), %u I/O APICs, %u overrides, LAPIC at 0x%lx%s\n",
		madt.ncpus, madt.nenabled, madt.nioapics, madt.noverrides, madt.lapic_addr,
		madt.skipped ? " (entries skipped: see above)" : "");
	return &madt;
}

/* The rest of the boot, on CPU 0's guarded stack: tasks, the tests, the monitor. */
static void __attribute__((noreturn)) kmain_late(void)
{
	task_init();
	ktest_main(kernel_cmdline());
	if (!cmdline_flag(kernel_cmdline(), "ktest.exit")) {
		/* From the kernel's first instruction; the firmware's time is not in it. */
		pr_info("setbit: prompt after %lu ms\n", tsc_ns_since_boot() / 1000000);
		shell_run();
	}

	pr_info("setbit: nothing left to do; idling\n");
	cpu_idle_forever();
}

/* Called by boot/entry.S in long mode, on the boot stack, with .bss cleared. */
void kmain(uint32_t magic, uint64_t mbi_phys)
{
	/* The boot page tables identity-map the first 4 GiB, where GRUB put it; mm_init keeps it mapped. */
	const void *info = magic == MB2_BOOTLOADER_MAGIC ? (const void *)mbi_phys : NULL;
	const char *guard_source = stack_guard_init();
	const struct boot_info *boot;

	uart_init();
	boot = boot_info_read(info);
	screen_init(&boot->framebuffer);
	cpu_setup_control_regs();
	gdt_init();
	idt_init();
	pic_init();
	tsc_calibrate();
	pr_info("setbit: hello from the higher half\n");
	pr_info("stack protector: guard from %s\n", guard_source);
	pr_info("console: serial %s, screen: %s\n", uart_present() ? "COM1" : "none",
		screen_describe());
	if (magic != MB2_BOOTLOADER_MAGIC)
		panic("not booted by multiboot2: magic 0x%x, expected 0x%x",
		      magic, MB2_BOOTLOADER_MAGIC);
	print_cpu();
	boot_info_print(boot);
	mm_init(&boot->memory);
	machine_reboot_init(&boot->rsdp);
	smp_start(read_madt(&boot->rsdp), kernel_cmdline());
	/* Off the boot stack, which has no guard page, onto CPU 0's own. */
	smp_boot_cpu_restack(kmain_late);
}
