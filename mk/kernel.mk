# mk/kernel.mk: boot/, arch/x86_64/ and kernel/ -> build/kernel.elf, build/setbit.iso.
#
# Two-pass link. Pass 1 (build/kernel/kernel.1.elf) links an empty symbol
# table; tools/ksyms.sh turns its `nm` into build/kernel/ksyms.S, and pass 2
# links that in. The table is the last segment (linker.ld), so no other
# symbol moves: the build compares both passes' `nm` to make sure.
#
# ISOs: tools/mkiso.sh OUT.iso "kernel command line" [kernel.elf] wraps an
# already-built kernel in a BIOS + UEFI ISO with that command line in
# grub.cfg, so runs with other command lines need no kernel rebuild. It
# fails (naming the Debian package) if a GRUB platform, xorriso or mtools
# is missing, and checks that the ISO has both El Torito images. `make`
# builds $(ISO) with it, using CMDLINE (default "ktest=run"). Other
# fragments can use $(MKISO).

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

# Under ThreadSanitizer, each with its own main() printing KTAP: concurrent
# PID alloc/free, and 100,000 tasks on threads playing CPUs.
PID_TSAN  := $(BUILD)/host/pid-tsan
TASK_TSAN := $(BUILD)/host/task-tsan
PID_HOST_SRCS := kernel/proc/pid.c kernel/boot/cmdline.c \
	lib/bitmap/hbitmap.c lib/bitmap/bitmap.c lib/bitmap/find.c
TASK_HOST_SRCS := $(PID_HOST_SRCS) kernel/proc/task.c kernel/smp/cpumask.c lib/bitmap/list.c \
	lib/bitmap/claim.c lib/bitmap/atomic.c
HOST_TEST_BINS += $(PID_TSAN) $(TASK_TSAN)

$(PID_TSAN): tests/kernel/proc/pid_tsan.c $(PID_HOST_SRCS)
$(TASK_TSAN): tests/kernel/proc/task_tsan.c $(TASK_HOST_SRCS)
$(PID_TSAN) $(TASK_TSAN): $(wildcard lib/bitmap/*.h kernel/include/kernel/*.h)
	$(quiet) HOSTCC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(filter-out -MMD -MP,$(HOSTCFLAGS)) $(TSAN) -pthread \
		$(filter %.c,$^) -o $@

# `make bench`: PID alloc+free at 0-99.9% occupancy, hbm against a linear scan.
PID_BENCH := $(BUILD)/bench/bench-pid

$(PID_BENCH): tests/bench/bench_pid.c $(PID_HOST_SRCS) \
		$(wildcard lib/bitmap/*.h kernel/include/kernel/*.h)
	$(quiet) HOSTCC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(filter-out -O1 -MMD -MP,$(HOSTCFLAGS)) -O2 $(filter %.c,$^) -o $@

.PHONY: bench-pid
bench: bench-pid
bench-pid: $(PID_BENCH)
	$(Q)$(PID_BENCH)

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

# `make fuzz`: random memory maps and alloc/free sequences against the
# frame allocator (FUZZ_CFLAGS and FUZZ_SECONDS come from mk/bitmap.mk).
# Seeds, and inputs that once failed: tests/fuzz/pfa-corpus.
FUZZ_PFA := $(BUILD)/fuzz/fuzz_pfa
HOST_TEST_DEPS += $(FUZZ_PFA)

$(FUZZ_PFA): tests/fuzz/fuzz_pfa.c kernel/mm/memmap.c kernel/mm/pfa.c $(BITMAP_SRCS) \
		$(wildcard lib/bitmap/*.h kernel/include/kernel/*.h)
	$(quiet) FUZZLD $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(filter-out -MMD -MP,$(FUZZ_CFLAGS)) -fsanitize=fuzzer $(filter %.c,$^) -o $@

.PHONY: fuzz-pfa
fuzz: fuzz-pfa
fuzz-pfa: $(FUZZ_PFA)
	$(Q)mkdir -p $(BUILD)/fuzz/corpus-pfa
	$(Q)$(FUZZ_PFA) -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		$(BUILD)/fuzz/corpus-pfa tests/fuzz/pfa-corpus

# The frame allocator under ThreadSanitizer (issue 15): threads playing CPUs
# allocate, free and drain while another checks; its own main(), KTAP.
PFA_TSAN := $(BUILD)/host/pfa-tsan
HOST_TEST_BINS += $(PFA_TSAN)

$(PFA_TSAN): tests/kernel/mm/pfa_tsan.c kernel/mm/pfa.c kernel/mm/pfa_dump.c kernel/mm/memmap.c \
		$(BITMAP_SRCS) $(wildcard lib/bitmap/*.h kernel/include/kernel/*.h)
	$(quiet) HOSTCC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(filter-out -MMD -MP,$(HOSTCFLAGS)) $(TSAN) -pthread \
		$(filter %.c,$^) -o $@

# The heap under ThreadSanitizer (issue 15): threads allocate, measure and free
# objects of every class and large runs while another takes stats; KTAP.
HEAP_TSAN := $(BUILD)/host/heap-tsan
HEAP_TSAN_SRCS := kernel/mm/heap.c kernel/mm/pfa.c kernel/mm/pfa_dump.c kernel/mm/memmap.c \
	$(BITMAP_SRCS)
HOST_TEST_BINS += $(HEAP_TSAN)

$(HEAP_TSAN): tests/kernel/mm/heap_tsan.c $(HEAP_TSAN_SRCS) \
		$(wildcard lib/bitmap/*.h kernel/include/kernel/*.h)
	$(quiet) HOSTCC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(filter-out -MMD -MP,$(HOSTCFLAGS)) $(TSAN) -pthread \
		$(filter %.c,$^) -o $@

# `make bench`: single frames flat vs hbm vs the allocator, 2 MiB runs, 1 vs 2 threads.
PFA_BENCH := $(BUILD)/bench/bench-pfa

$(PFA_BENCH): tests/bench/bench_pfa.c kernel/mm/memmap.c kernel/mm/pfa.c $(BITMAP_SRCS) \
		$(wildcard lib/bitmap/*.h kernel/include/kernel/*.h)
	$(quiet) HOSTCC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(filter-out -O1 -MMD -MP,$(HOSTCFLAGS)) -O2 -pthread $(filter %.c,$^) -o $@

.PHONY: bench-pfa
bench: bench-pfa
bench-pfa: $(PFA_BENCH)
	$(Q)$(PFA_BENCH)

# The ACPI reader's fuzzer: `make fuzz` runs it too; `make test` a smoke (tests/runner/fuzz-smoke.sh).
FUZZ_ACPI      := $(BUILD)/fuzz/fuzz_acpi
FUZZ_ACPI_SRCS := tests/fuzz/fuzz_acpi.c kernel/boot/acpi.c kernel/boot/bootinfo.c \
	kernel/boot/multiboot2.c
HOST_TEST_DEPS += $(FUZZ_ACPI)

$(FUZZ_ACPI): $(FUZZ_ACPI_SRCS) kernel/include/kernel/acpi.h kernel/include/kernel/bootinfo.h \
		kernel/include/kernel/multiboot2.h
	$(quiet) FUZZLD $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(filter-out -MMD -MP,$(FUZZ_CFLAGS)) -fsanitize=fuzzer $(FUZZ_ACPI_SRCS) -o $@

.PHONY: fuzz-acpi
fuzz: fuzz-acpi
fuzz-acpi: $(FUZZ_ACPI)
	$(Q)mkdir -p $(BUILD)/fuzz/acpi-corpus
	$(Q)$(FUZZ_ACPI) -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		$(BUILD)/fuzz/acpi-corpus tests/fuzz/acpi-corpus

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

# The monitor driven over COM1 and the PS/2 keyboard, screenshots read back
# glyph by glyph (one QEMU boot, ~15 s); it boots $(KERNEL_ELF).
HOST_TEST_BINS += tests/runner/shell_test.py

KERNEL_ELF := $(BUILD)/kernel.elf
ISO        := $(BUILD)/setbit.iso
# The default ISO's command line; `make CMDLINE=...` overrides it.
DEFAULT_CMDLINE := ktest=run
ISO_CMDLINE = $(or $(CMDLINE),$(DEFAULT_CMDLINE))
MKISO   := tools/mkiso.sh
KSYMS   := tools/ksyms.sh
KBUILD  := $(BUILD)/kernel

# Deferred: mk/test.mk, included after this file, may still add suites.
KERNEL_SRCS = $(KERNEL_ASM_SRCS) $(KERNEL_C_SRCS) $(KERNEL_PORTABLE_SRCS) \
	$(BITMAP_SRCS) $(TEST_PORTABLE_SRCS) $(TEST_KERNEL_SRCS)
KERNEL_OBJS = $(addprefix $(KBUILD)/,$(addsuffix .o,$(basename $(KERNEL_SRCS))))

# The kernel has no use for the GNU-stack note the .S files lack. clang's
# driver, which never links PIE by default, warns that -no-pie is unused.
KERNEL_LDFLAGS = $(if $(findstring clang,$(notdir $(CC))),$(filter-out -no-pie,$(KLDFLAGS)),$(KLDFLAGS))
KERNEL_LINK = $(CC) $(KERNEL_LDFLAGS) -Wl,-z,noexecstack

all: $(ISO)

# The compiler and its flags, rewritten only when they change: every object
# depends on it, so a flag change (hardening, CC=clang) rebuilds all of them.
KFLAGS_STAMP := $(KBUILD)/flags
$(shell mkdir -p $(KBUILD); printf '%s\n' '$(CC) $(KCFLAGS)' | cmp -s - $(KFLAGS_STAMP) || \
	printf '%s\n' '$(CC) $(KCFLAGS)' > $(KFLAGS_STAMP))

$(KBUILD)/%.o: %.c $(KFLAGS_STAMP)
	$(quiet) CC $<
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

# The UBSan runtime itself is never instrumented: a check failing inside it would recurse.
$(KBUILD)/kernel/core/ubsan.o: KCFLAGS += -fno-sanitize=all

$(KBUILD)/%.o: %.S $(KFLAGS_STAMP)
	$(quiet) AS $<
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

# The linker script takes the kernel's addresses from <arch/layout.h>, like the C code.
LINKER_SCRIPT := $(KBUILD)/linker.ld
$(LINKER_SCRIPT): arch/x86_64/linker.ld.S arch/x86_64/include/arch/layout.h
	$(quiet) CPP $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -E -P -undef -x c -D__ASSEMBLY__ -Iarch/x86_64/include $< -o $@

$(KBUILD)/ksyms0.S: $(KSYMS)
	$(Q)mkdir -p $(@D)
	$(Q)$(KSYMS) $(NM) > $@

$(KBUILD)/ksyms.S: $(KBUILD)/kernel.1.elf $(KSYMS)
	$(quiet) KSYMS $@
	$(Q)$(KSYMS) $(NM) $< > $@

$(KBUILD)/ksyms0.o $(KBUILD)/ksyms.o: $(KBUILD)/%.o: $(KBUILD)/%.S
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

.SECONDEXPANSION:

$(KBUILD)/kernel.1.elf: $$(KERNEL_OBJS) $(KBUILD)/ksyms0.o $(LINKER_SCRIPT)
	$(quiet) LD $@
	$(Q)$(KERNEL_LINK) -o $@ $(KERNEL_OBJS) $(KBUILD)/ksyms0.o

# Pass 2, then the checks: same symbols as pass 1, and a multiboot2 image.
$(KERNEL_ELF): $$(KERNEL_OBJS) $(KBUILD)/ksyms.o $(LINKER_SCRIPT)
	$(quiet) LD $@
	$(Q)$(KERNEL_LINK) -o $@.tmp $(KERNEL_OBJS) $(KBUILD)/ksyms.o
	$(Q)$(NM) -n $(KBUILD)/kernel.1.elf | grep -v ' __kernel_end$$' > $(KBUILD)/nm.1
	$(Q)$(NM) -n $@.tmp | grep -v ' __kernel_end$$' > $(KBUILD)/nm.2
	$(Q)cmp -s $(KBUILD)/nm.1 $(KBUILD)/nm.2 || { \
		echo "kernel: symbols moved between link passes:" >&2; \
		diff $(KBUILD)/nm.1 $(KBUILD)/nm.2 | head >&2; exit 1; }
	$(Q)grub-file --is-x86-multiboot2 $@.tmp || { \
		echo "kernel: $@ is not a multiboot2 image" >&2; exit 1; }
	$(Q)mv $@.tmp $@

# Rebuild the ISO when its command line changes, not on every make.
$(KBUILD)/cmdline: FORCE
	$(Q)mkdir -p $(@D)
	$(Q)printf '%s\n' '$(ISO_CMDLINE)' | cmp -s - $@ || printf '%s\n' '$(ISO_CMDLINE)' > $@

$(ISO): $(KERNEL_ELF) $(KBUILD)/cmdline boot/grub.cfg $(MKISO)
	$(quiet) ISO "$@ ($(ISO_CMDLINE))"
	$(Q)$(MKISO) $@ '$(ISO_CMDLINE)' $(KERNEL_ELF)

.PHONY: FORCE
FORCE:

-include $(shell find $(KBUILD) -name '*.d' 2>/dev/null)
