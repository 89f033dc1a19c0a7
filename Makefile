# SPDX-License-Identifier: MIT
# setbit: one Makefile, all output in build/.
#
#   make            build/kernel.elf and build/setbit.iso (BIOS + UEFI)
#   make run        boot the ISO in QEMU (SMP=4 MEM=512M UEFI=1 KVM=1 CMDLINE=...)
#   make debug      QEMU paused with the gdbstub; prints the gdb command line
#   make test       host suites (ASan/UBSan, TSan), fuzz smoke, QEMU matrix (QUICK=1: one config)
#   make check      the layering rules (tests/runner/layercheck.py; make test runs it)
#   make fuzz       libFuzzer targets (FUZZ_SECONDS=N)
#   make bench      host benchmarks (ICOUNT=1: the bitmap one's instruction counts under callgrind)
#   make mutate     mutation score of the portable cores (FILES=, JOBS=; slow)
#   make clean
#   make DEBUG=1 ...  kernel with invariant checks (BM_DEBUG, PFA_DEBUG) in build-debug/
#   make UBSAN=1 ...  kernel with undefined-behaviour checks in build-ubsan/
#
# Toolchain: CROSS=x86_64-elf- and CC=clang are honoured; V=1 shows commands.

# UBSAN=1: the kernel with gcc's undefined-behaviour checks (kernel/core/ubsan.c
# reports a failed one and panics), in build-ubsan/. make test boots one.
# DEBUG=1: lib/bitmap and allocator invariant checks in the kernel, in build-debug/.
ifeq ($(UBSAN),1)
BUILD    := build-ubsan
EXTRA_KCFLAGS += -fsanitize=undefined -DSETBIT_UBSAN
else ifeq ($(DEBUG),1)
BUILD    := build-debug
EXTRA_KCFLAGS += -DBM_DEBUG -DPFA_DEBUG
else
BUILD    := build
endif
CROSS    ?=
ifeq ($(origin CC),default)
CC       := $(CROSS)gcc
endif
NM       := $(CROSS)nm
OBJCOPY  := $(CROSS)objcopy
export OBJCOPY		# tools/mkiso.sh strips the ISO's copy of the kernel with it
HOSTCC   ?= gcc
CLANG    ?= clang
PYTHON   ?= python3

ifeq ($(V),1)
Q :=
quiet = @:
else
Q := @
quiet = @printf '  %-8s %s\n'
endif

# ---------------------------------------------------------------- flags

KERNEL_INCLUDES := -Ikernel/include -Iarch/x86_64/include -Ilib

# Hardening (issue 11): a stack protector on a guard arch/x86_64/stackprot.c seeds at
# boot (GS holds no canary, so a global one), no alias or null-check based deletions,
# zeroed locals, probed big frames. clang 14 wants its opt-in for the zeroing.
KHARDEN := -fstack-protector-strong -mstack-protector-guard=global -fno-strict-aliasing \
	-fno-delete-null-pointer-checks -ftrivial-auto-var-init=zero -fstack-clash-protection
ifneq ($(findstring clang,$(notdir $(CC))),)
KHARDEN += -enable-trivial-auto-var-init-zero-knowing-it-will-be-removed-from-clang
endif

KCFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-pie -fno-pic -mcmodel=kernel \
	-mno-red-zone -mgeneral-regs-only $(KHARDEN) \
	-fno-omit-frame-pointer -fcf-protection=none \
	-fno-asynchronous-unwind-tables -fno-builtin \
	-Wall -Wextra -Werror -MMD -MP \
	-DSETBIT_KERNEL $(KERNEL_INCLUDES) $(EXTRA_KCFLAGS)
KASFLAGS := $(filter-out -std=gnu11,$(KCFLAGS)) -D__ASSEMBLY__
KLDFLAGS := -nostdlib -static -no-pie -Wl,-z,max-page-size=0x1000 \
	-Wl,--build-id=none -T $(BUILD)/kernel/linker.ld

HOST_INCLUDES := -Ikernel/include -Iarch/x86_64/include -Ilib
HOSTCFLAGS := -std=gnu11 -O1 -g -fno-strict-aliasing -fno-omit-frame-pointer -Wall -Wextra -Werror \
	-MMD -MP -DSETBIT_HOST $(HOST_INCLUDES) $(EXTRA_HOSTCFLAGS)
ASAN := -fsanitize=address,undefined -fno-sanitize-recover=all
TSAN := -fsanitize=thread

# ---------------------------------------------------------------- pieces
# mk/ by build kind:
#   mk/sources.mk  every source list, by place in the tree (a new file goes here)
#   mk/kernel.mk   kernel.elf (two-pass link, symbols), the ISO
#   mk/host.mk     host test programs: ktest-host, TSan; the host_program template
#   mk/fuzz.mk     libFuzzer targets        mk/bench.mk   host benchmarks
#   mk/test.mk     the QEMU runner, run/debug/test/check targets
#   mk/mutate.mk   mutation testing
# The source lists they share (mk/sources.mk):
#   BITMAP_SRCS            lib/bitmap sources (kernel + host)
#   KERNEL_PORTABLE_SRCS   portable kernel cores (kernel + host)
#   TEST_PORTABLE_SRCS     suites that run in the kernel and on the host
#   TEST_KERNEL_SRCS       suites that run only in the kernel

.PHONY: all run debug test check fuzz bench clean deps
all:

include mk/sources.mk
include mk/kernel.mk
include mk/host.mk
include mk/fuzz.mk
include mk/bench.mk
include mk/test.mk
include mk/mutate.mk

clean:
	$(quiet) CLEAN $(BUILD)
	$(Q)rm -rf $(BUILD) $(if $(filter build,$(BUILD)),build-ubsan)

deps:
	$(Q)tools/deps.sh
