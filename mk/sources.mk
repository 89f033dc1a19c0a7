# SPDX-License-Identifier: MIT
# mk/sources.mk: every source the kernel and the host test programs are built from, by place in the tree.
#
#   BITMAP_SRCS            lib/bitmap (kernel + host)
#   KERNEL_ASM_SRCS        boot/ and arch/ assembly (kernel only)
#   KERNEL_C_SRCS          kernel-only C: glue, policy, the hardware
#   KERNEL_PORTABLE_SRCS   portable cores: built into the kernel and the host suites
#   TEST_PORTABLE_SRCS     suites that run in the kernel and on the host (ktest-host)
#   TEST_KERNEL_SRCS       suites that run only in the kernel
# A new file goes in one list here; the kind files (kernel.mk, host.mk, fuzz.mk,
# bench.mk) say how each list is built.

# ---------------------------------------------------------------- lib/bitmap

BITMAP_SRCS += lib/bitmap/bitmap.c
BITMAP_SRCS += lib/bitmap/find.c
BITMAP_SRCS += lib/bitmap/runs.c
BITMAP_SRCS += lib/bitmap/claim.c
BITMAP_SRCS += lib/bitmap/atomic.c
BITMAP_SRCS += lib/bitmap/dyn.c
BITMAP_SRCS += lib/bitmap/hbitmap.c
BITMAP_SRCS += lib/bitmap/list.c

TEST_PORTABLE_SRCS += tests/lib/bitmap/hbitmap_test.c
TEST_PORTABLE_SRCS += tests/lib/bitmap/list_test.c
TEST_PORTABLE_SRCS += tests/lib/bitmap/bitmap_test.c
TEST_PORTABLE_SRCS += tests/lib/bitmap/find_test.c
TEST_PORTABLE_SRCS += tests/lib/bitmap/runs_test.c
TEST_PORTABLE_SRCS += tests/lib/bitmap/dyn_test.c

# lib/bitmap/compat: the Linux, NanoVMs and RTL dialects and their suites.
BITMAP_SRCS += lib/bitmap/compat/linux.c
BITMAP_SRCS += lib/bitmap/compat/nanos.c
BITMAP_SRCS += lib/bitmap/compat/rtl.c

TEST_PORTABLE_SRCS += tests/lib/bitmap/compat_linux.c
TEST_PORTABLE_SRCS += tests/lib/bitmap/seed_linux.c
TEST_PORTABLE_SRCS += tests/lib/bitmap/compat_nanos.c
TEST_PORTABLE_SRCS += tests/lib/bitmap/compat_rtl.c
# The seed articles' code as written (NanoVMs, The NT Insider), -Wall -Wextra -Werror.
TEST_PORTABLE_SRCS += tests/lib/bitmap/seed_nanos.c
TEST_PORTABLE_SRCS += tests/lib/bitmap/seed_rtl.c

# ---------------------------------------------------------------- boot/, arch/x86_64/, kernel/

KERNEL_ASM_SRCS := \
	boot/header.S \
	boot/entry.S \
	arch/x86_64/isr.S \
	arch/x86_64/setjmp.S

KERNEL_C_SRCS := \
	arch/x86_64/backtrace.c \
	arch/x86_64/gdt.c \
	arch/x86_64/idt.c \
	arch/x86_64/pic.c \
	arch/x86_64/string.c \
	arch/x86_64/trap.c \
	arch/x86_64/tsc.c \
	arch/x86_64/uart.c \
	kernel/boot/boot.c \
	kernel/core/assert.c \
	kernel/core/ksyms.c \
	kernel/core/ubsan.c \
	kernel/ktest/ktest.c \
	kernel/ktest/leak.c \
	kernel/main.c \
	kernel/core/panic.c \
	kernel/core/printk.c \
	kernel/lib/string.c \
	kernel/lib/vsprintf.c

KERNEL_PORTABLE_SRCS += \
	kernel/boot/bootinfo.c \
	kernel/boot/cmdline.c \
	kernel/boot/multiboot2.c \
	kernel/ktest/core.c \
	kernel/lib/framewalk.c \
	kernel/lib/glob.c

TEST_PORTABLE_SRCS += \
	tests/kernel/boot/bootinfo_test.c \
	tests/kernel/boot/cmdline_test.c \
	tests/kernel/lib/framewalk_test.c \
	tests/kernel/ktest/core_test.c \
	tests/kernel/ktest/ktest_order_test.c \
	tests/kernel/boot/multiboot2_test.c

TEST_KERNEL_SRCS += \
	tests/arch/x86_64/backtrace_test.c \
	tests/kernel/boot/boot_test.c \
	tests/kernel/core/printk_lock_test.c \
	tests/arch/x86_64/fault_test.c \
	tests/kernel/mm/firmware_map_test.c \
	tests/arch/x86_64/idt_test.c \
	tests/kernel/core/ksyms_test.c \
	tests/kernel/core/ubsan_test.c \
	tests/kernel/ktest/ktest_test.c \
	tests/kernel/core/panic_test.c \
	tests/kernel/core/printk_test.c \
	tests/kernel/ktest/selftest_test.c \
	tests/kernel/lib/string_test.c

# SMP (issue 5): ACPI/MADT, GDT slots, IRQ vectors, the idle-CPU mask
# (portable); the local APIC, AP start-up and dispatch (kernel).
KERNEL_ASM_SRCS += arch/x86_64/trampoline.S

KERNEL_C_SRCS += arch/x86_64/stackprot.c arch/x86_64/cpufeat.c

KERNEL_C_SRCS += \
	arch/x86_64/apic.c \
	arch/x86_64/kstack.c \
	arch/x86_64/smpboot.c \
	arch/x86_64/irq.c \
	arch/x86_64/ipi.c \
	kernel/smp/dispatch.c \
	kernel/smp/start.c

TEST_KERNEL_SRCS += tests/kernel/smp/smp_test.c tests/arch/x86_64/kstack_test.c \
	tests/arch/x86_64/paging_kernel_test.c \
	tests/arch/x86_64/cpufeat_test.c

KERNEL_PORTABLE_SRCS += \
	arch/x86_64/gdtdesc.c \
	arch/x86_64/paging.c \
	kernel/boot/acpi.c \
	kernel/smp/cpumask.c \
	kernel/smp/gdtslot.c \
	kernel/smp/irqvec.c

TEST_PORTABLE_SRCS += \
	tests/arch/x86_64/gdtdesc_test.c \
	tests/arch/x86_64/paging_test.c \
	tests/kernel/boot/acpi_test.c \
	tests/kernel/smp/cpumask_test.c \
	tests/kernel/smp/gdtslot_test.c \
	tests/kernel/smp/irqvec_test.c

# PIDs and tasks (issue 6): the PID allocator and task cores, their suites;
# the kernel's instances (kernel/proc/proc.c) and the in-kernel spawn stress.
KERNEL_PORTABLE_SRCS += kernel/proc/pid.c kernel/proc/task.c
TEST_PORTABLE_SRCS += tests/kernel/proc/pid_test.c tests/kernel/proc/task_test.c
KERNEL_C_SRCS += kernel/proc/proc.c
TEST_KERNEL_SRCS += tests/kernel/proc/task_kernel_test.c tests/kernel/proc/pid_kernel_test.c

# Memory (issue 4): the memory map, frame allocator and heap cores
# (portable), the kernel glue and the direct map (kernel only), their suites.
KERNEL_PORTABLE_SRCS += \
	kernel/mm/heap.c \
	kernel/mm/memmap.c \
	kernel/mm/pfa.c \
	kernel/mm/pfa_dump.c

KERNEL_C_SRCS += \
	kernel/mm/directmap.c \
	kernel/mm/kmap.c \
	kernel/mm/mm.c

TEST_PORTABLE_SRCS += \
	tests/kernel/mm/heap_test.c \
	tests/kernel/mm/memmap_test.c \
	tests/kernel/mm/pfa_test.c

TEST_KERNEL_SRCS += tests/kernel/mm/mm_kernel_test.c tests/kernel/mm/kmap_test.c

# Screen, keyboard and monitor shell (issue 7): the console grid, its
# framebuffer and VGA text backends, the font, the input decoders and the
# line editor (portable); the screen, input devices, shell and reboot (kernel).
KERNEL_PORTABLE_SRCS += \
	kernel/console/console.c \
	kernel/console/fb.c \
	kernel/console/font8x16.c \
	kernel/console/vga.c \
	kernel/input/kbd.c \
	kernel/input/lineedit.c \
	kernel/input/queue.c \
	kernel/shell/shell_parse.c

TEST_PORTABLE_SRCS += \
	tests/kernel/console/console_test.c \
	tests/kernel/input/input_test.c \
	tests/kernel/shell/shell_parse_test.c

KERNEL_C_SRCS += \
	arch/x86_64/pc/i8042.c \
	arch/x86_64/pc/reboot.c \
	arch/x86_64/pc/vga.c \
	kernel/console/screen.c \
	kernel/input/input.c \
	kernel/reboot.c \
	kernel/shell/shell.c \
	kernel/shell/scratch.c

# Monitor commands registered beside the subsystem they show (<kernel/shell.h>).
KERNEL_C_SRCS += \
	kernel/ktest/ktest_shell.c \
	kernel/mm/mm_shell.c \
	kernel/proc/proc_shell.c \
	kernel/smp/smp_shell.c

TEST_KERNEL_SRCS += tests/kernel/shell/shell_commands_test.c

