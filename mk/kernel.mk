# SPDX-License-Identifier: MIT
# mk/kernel.mk: the kernel build: KERNEL_* and the suites (mk/sources.mk) -> build/kernel.elf, build/setbit.iso.
#
# Two-pass link. Pass 1 (build/kernel/kernel.1.elf) links an empty symbol
# table; tools/ksyms.sh turns its `nm` into build/kernel/ksyms.S, and pass 2
# links that in. The table is the last segment (linker.ld.S), so no other
# symbol moves: the build compares both passes' `nm` to make sure.
#
# ISOs: tools/mkiso.sh OUT.iso "kernel command line" [kernel.elf] wraps an
# already-built kernel in a BIOS + UEFI ISO with that command line in
# grub.cfg, so runs with other command lines need no kernel rebuild. It
# fails (naming the Debian package) if a GRUB platform, xorriso or mtools
# is missing, and checks that the ISO has both El Torito images. `make`
# builds $(ISO) with it, using CMDLINE (default "ktest=run ktest.quick=1"). Other
# fragments can use $(MKISO).

KERNEL_ELF := $(BUILD)/kernel.elf
ISO        := $(BUILD)/setbit.iso
# The default ISO's command line (the KTEST_SLOW cases skipped: the prompt in
# seconds); `make CMDLINE=...` overrides it.
DEFAULT_CMDLINE := ktest=run ktest.quick=1
ISO_CMDLINE = $(or $(CMDLINE),$(DEFAULT_CMDLINE))
MKISO   := tools/mkiso.sh
KSYMS   := tools/ksyms.sh
KBUILD  := $(BUILD)/kernel

# Deferred: the lists are complete only once every mk/ file is read.
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
