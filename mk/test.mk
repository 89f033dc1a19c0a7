# SPDX-License-Identifier: MIT
# mk/test.mk: the QEMU test runner and the run/debug/test/check targets.

# The runner's own tests; make debug with gdb; the CI workflow with its shards.
HOST_TEST_BINS += tests/runner/runner_test.py tests/runner/results_test.py
HOST_TEST_BINS += tests/runner/debug_test.py tests/runner/ci_test.py
# The monitor driven over COM1 and the PS/2 keyboard, screenshots read back
# glyph by glyph (one QEMU boot, ~11.5 s); it boots $(KERNEL_ELF).
HOST_TEST_BINS += tests/runner/shell_test.py

# ---------------------------------------------------------------- QEMU

QEMU      ?= qemu-system-x86_64
SMP       ?= 4
MEM       ?= 512M
OVMF_CODE ?= /usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS ?= /usr/share/OVMF/OVMF_VARS_4M.fd
# The symbol `make debug` stops at: the first C code in long mode.
DEBUG_ENTRY ?= kmain
# The TCP port of `make debug`'s gdb stub.
GDB_PORT ?= 1234

RUN_VARS = $(BUILD)/OVMF_VARS_4M.fd

# Named, because the commas in -drive would split an $(if ...).
QEMU_BIOS := -machine pc
QEMU_UEFI  = -machine q35 \
	-drive if=pflash,format=raw,readonly=on,file=$(OVMF_CODE) \
	-drive if=pflash,format=raw,file=$(RUN_VARS)
QEMU_FIRMWARE = $(if $(filter 1,$(UEFI)),$(QEMU_UEFI),$(QEMU_BIOS))
QEMU_FLAGS = $(QEMU_FIRMWARE) -smp $(SMP) -m $(MEM) \
	$(if $(filter 1,$(KVM)),-enable-kvm -cpu host) \
	-cdrom $(ISO) -serial mon:stdio $(if $(DISPLAY),,-display none) \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot

# isa-debug-exit's 33 means the tests passed; Ctrl-A X exits 0.
QEMU_STATUS_OK = status=$$?; [ $$status -eq 0 ] || [ $$status -eq 33 ] || exit $$status

.PHONY: run-prep test-build test-runner test-big test-bochs

# Dependencies first (deps.sh installs them as root), then the build; mk/kernel.mk
# rebuilds $(ISO) whenever CMDLINE= changes. UEFI variables start fresh each run.
run-prep:
	$(Q)tools/deps.sh --check
	$(Q)$(MAKE) --no-print-directory $(if $(filter 1,$(V)),,-s) all
	$(if $(filter 1,$(UEFI)),$(Q)cp $(OVMF_VARS) $(RUN_VARS))

run: run-prep
	$(Q)$(QEMU) $(QEMU_FLAGS); $(QEMU_STATUS_OK)

debug: run-prep
	@echo "QEMU waits for gdb on :$(GDB_PORT). In another terminal:"
	@echo "  gdb $(KERNEL_ELF) -ex 'target remote :$(GDB_PORT)' -ex 'hbreak $(DEBUG_ENTRY)' -ex c"
	$(Q)$(QEMU) $(QEMU_FLAGS) -gdb tcp::$(GDB_PORT) -S; $(QEMU_STATUS_OK)

# ---------------------------------------------------------------- make test

JOBS    ?= 2
TIMEOUT ?= 120
# Seconds without serial output before a boot counts as hung (and is stopped).
STALL   ?= 45
# The seed of the shuffled-suite runs (empty: the runner's default; none: no shuffled runs).
SHUFFLE ?=

KTEST_RUNNER = $(PYTHON) tests/runner/ktest-runner.py test --jobs $(JOBS) \
	--timeout $(TIMEOUT) --stall $(STALL) --out $(BUILD)/test --mkiso $(MKISO) \
	--qemu $(QEMU) --ovmf-code $(OVMF_CODE) --ovmf-vars $(OVMF_VARS) \
	$(if $(filter 1,$(KVM)),--kvm) $(if $(SHUFFLE),--shuffle $(SHUFFLE))

test-build:
	$(Q)tools/deps.sh --check
	$(Q)$(MAKE) --no-print-directory $(if $(filter 1,$(V)),,-s) all \
		$(filter $(BUILD)/%,$(HOST_TEST_BINS)) $(HOST_TEST_DEPS) $(KTEST_DEMO)
	$(Q)$(if $(filter 1,$(QUICK)),,$(MAKE) --no-print-directory $(if $(filter 1,$(V)),,-s) \
		UBSAN=1 build-ubsan/kernel.elf)

# SHARD=K/N: only the K-th of N fixed parts of the runs, for CI machines sharing them.
# ONLY=GLOB[,GLOB...]: only the runs whose names (make test-list) match.
KTEST_SELECT = $(if $(filter 1,$(QUICK)),--matrix quick,--selftests) \
	$(if $(SHARD),--shard $(SHARD)) $(if $(ONLY),--only '$(ONLY)')

.PHONY: test-list

# Writes $(BUILD)/test/results.xml (JUnit) and results.json besides the logs.
# Then, after a whole run, README.md's samples and examples against it.
DOC_CHECK = $(if $(filter 1,$(QUICK))$(SHARD)$(ONLY),,&& $(PYTHON) tests/runner/doc-check.py --out $(BUILD)/test)
test: test-build
	$(Q)$(LAYERCHECK)
	$(Q)$(KTEST_RUNNER) $(KTEST_SELECT) $(HOST_TEST_BINS) $(DOC_CHECK)

# The layering rules (lib/ < arch/ < portable cores < kernel policy) on the sources and
# the kernel's objects; make test runs it first. Its own checks run in make test too.
LAYERCHECK = $(PYTHON) tests/runner/layercheck.py --objs $(BUILD)/kernel --nm $(NM) \
	--portable $(KERNEL_PORTABLE_SRCS)
HOST_TEST_BINS += tests/runner/layercheck_test.py

.PHONY: check
check: $(KERNEL_ELF)
	$(Q)$(LAYERCHECK)

# The names of the runs `make test` starts (with the same QUICK= and SHARD=).
test-list:
	$(Q)$(KTEST_RUNNER) --list $(KTEST_SELECT) $(HOST_TEST_BINS)

# Opt-in: 64 and 128 CPUs (pc, 2G and 4G): bring-up, dispatch and the stress at scale.
# Under TCG on two host cores they take minutes: one at a time, with room to be slow.
test-big: all
	$(Q)$(KTEST_RUNNER) --matrix big --jobs 1 --timeout 1800 --stall 600

# Only the runner's own checks: canned logs, then each ktest.selftest boot must fail.
test-runner: test-build
	$(Q)$(KTEST_RUNNER) --selftests --matrix none tests/runner/runner_test.py \
		tests/runner/results_test.py

# The x2APIC path (TCG has none): one 4-CPU boot on Bochs' Haswell model, judged from
# its log (Bochs has no isa-debug-exit), with a 2,000-task stress. .ci/run runs it.
# Its verdict and stop rules, checked without Bochs, run in make test.
HOST_TEST_BINS += tests/runner/bochs_test.py
BOCHS_ARGS ?=
test-bochs:
	$(Q)tools/deps.sh --check --bochs
	$(Q)$(MAKE) --no-print-directory $(if $(filter 1,$(V)),,-s) all
	$(Q)$(PYTHON) tests/runner/bochs-test.py --out $(BUILD)/test-bochs --mkiso $(MKISO) $(BOCHS_ARGS)
