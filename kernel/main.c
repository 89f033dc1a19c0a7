/* kmain: bring up the consoles and the CPU tables, report the boot, run the tests, then the monitor. */
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
#include <kernel/bootinfo.h>
#include <kernel/cmdline.h>
#include <kernel/console.h>
#include <kernel/ksyms.h>
#include <kernel/ktest_run.h>
#include <kernel/mm.h>
#include <kernel/multiboot2.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/shell.h>
#include <kernel/string.h>
#include <kernel/task.h>

void kmain(uint32_t magic, uint64_t mbi_phys) __attribute__((noreturn));

extern const char __kernel_start[], __kernel_end[];

static char cmdline[CMDLINE_MAX];
static const struct mb2_info *mbi;

const char *kernel_cmdline(void)
{
	return cmdline;
}

const void *bootinfo_mbi(void)
{
	return mbi;
}

uint32_t bootinfo_mbi_size(void)
{
	return mbi ? mbi->total_size : 0;
}

void kernel_image_range(uint64_t *start, uint64_t *end)
{
	*start = (uint64_t)__kernel_start - KERNEL_VMA;
	*end = (uint64_t)__kernel_end - KERNEL_VMA;
}

static void save_cmdline(const void *info)
{
	const struct mb2_tag *tag = mb2_find(info, MB2_TAG_CMDLINE);
	const char *s = tag ? mb2_tag_string(tag) : NULL;

	if (s && strlcpy(cmdline, s, sizeof(cmdline)) >= sizeof(cmdline))
		pr_warn("cmdline: %zu bytes long; only the first %zu are used\n",
			strlen(s), sizeof(cmdline) - 1);
}

static void print_cpu(void)
{
	bool nx = rdmsr(MSR_EFER) & EFER_NXE;
	char prot[96];

	pr_info("cpu: TSC %lu.%03lu MHz, NX %s, %zu kernel symbols\n",
		tsc_khz() / 1000, tsc_khz() % 1000, nx ? "on" : "off", ksym_count());
	pr_info("cpu: %s\n", cpu_describe_protection(prot, sizeof(prot)));
}

/* The rest of the boot, on CPU 0's guarded stack: tasks, the tests, the monitor. */
static void __attribute__((noreturn)) kmain_late(void)
{
	task_init();
	ktest_main(cmdline);
	if (!cmdline_flag(cmdline, "ktest.exit"))
		shell_run();

	pr_info("setbit: nothing left to do; idling\n");
	cpu_idle_forever();
}

/* Called by boot/entry.S in long mode, on the boot stack, with .bss cleared. */
void kmain(uint32_t magic, uint64_t mbi_phys)
{
	/* The boot page tables identity-map the first 4 GiB, where GRUB put it. */
	const void *info = (const void *)mbi_phys;
	const char *guard_source = stack_guard_init();

	uart_init();
	screen_init(magic == MB2_BOOTLOADER_MAGIC ? info : NULL);
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
	mbi = info;
	save_cmdline(info);
	print_cpu();
	bootinfo_print(info);
	mm_init(info);
	smp_init(info);
	/* Off the boot stack, which has no guard page, onto CPU 0's own. */
	smp_boot_cpu_restack(kmain_late);
}
