# SPDX-License-Identifier: MIT
# mk/fuzz.mk: libFuzzer targets (clang, ASan/UBSan, BM_DEBUG): `make fuzz` runs each, `make test` a smoke.
#
# New inputs go to build/fuzz/<corpus>; the seeds, and inputs that once failed,
# are in tests/fuzz/. tests/runner/fuzz-smoke.sh (run by `make test`) replays
# every fuzzer's seed corpus, then runs a fixed number of new inputs on each.

FUZZ_SECONDS ?= 60
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS  := -std=gnu11 -O1 -g -fno-strict-aliasing -fno-omit-frame-pointer -Wall -Wextra -Werror \
	-MMD -MP -DSETBIT_HOST -DBM_DEBUG $(HOST_INCLUDES) $(FUZZ_SAN)
# The one-step fuzzers (host_program, mk/host.mk).
FUZZ_CC = $(CLANG) $(filter-out -MMD -MP,$(FUZZ_CFLAGS)) -fsanitize=fuzzer

HOST_TEST_BINS += tests/runner/fuzz-smoke.sh

# ---------------------------------------------------------------- fuzz_bitmap
# The library against a bit-at-a-time model. Coverage guides the fuzzer
# through the library only: the harness's model loops would otherwise cost
# most of each run. So it is built from objects, the library's with coverage.

FUZZ_BITMAP  := $(BUILD)/fuzz/fuzz_bitmap
FUZZ_SRCS     = tests/fuzz/fuzz_bitmap.c $(BITMAP_SRCS)
FUZZ_OBJS     = $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(FUZZ_SRCS))
HOST_TEST_DEPS += $(FUZZ_BITMAP)

$(BUILD)/fuzz/obj/lib/%.o: lib/%.c
	$(quiet) FUZZCC $<
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(BUILD)/fuzz/obj/tests/%.o: tests/%.c
	$(quiet) FUZZCC $<
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_BITMAP): $(FUZZ_OBJS)
	$(quiet) FUZZLD $@
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer $^ -o $@

fuzz: $(FUZZ_BITMAP)
	$(Q)mkdir -p $(BUILD)/fuzz/corpus
	$(Q)$(FUZZ_BITMAP) -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		$(BUILD)/fuzz/corpus tests/fuzz/corpus

-include $(patsubst %.o,%.d,$(FUZZ_OBJS))

# ---------------------------------------------------------------- fuzz_pfa
# Random memory maps and alloc/free sequences against the frame allocator.
# The bitmap library under it (fuzz_bitmap's target) is built without
# comparison tracing (-fsanitize-coverage=trace-cmp): the hooks on the word
# compares in its loops (hbm_check, the summaries, weights, searches) took
# 70% of each run, and an input's edges through the library still count.
# The allocator and the harness keep them. Same inputs, a third of the CPU
# (6,500 runs after the seeds: 2.4 s, now 0.8 s; the same coverage reached).

FUZZ_PFA          := $(BUILD)/fuzz/fuzz_pfa
FUZZ_PFA_SRCS     := tests/fuzz/fuzz_pfa.c kernel/mm/memmap.c kernel/mm/pfa.c
FUZZ_PFA_LIB_OBJS  = $(patsubst %.c,$(BUILD)/fuzz/obj-edges/%.o,$(BITMAP_SRCS))
HOST_TEST_DEPS += $(FUZZ_PFA)

$(BUILD)/fuzz/obj-edges/lib/%.o: lib/%.c
	$(quiet) FUZZCC $<
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -fno-sanitize-coverage=trace-cmp -c $< -o $@

$(FUZZ_PFA): $(FUZZ_PFA_SRCS) $(FUZZ_PFA_LIB_OBJS) $(HOST_HEADERS)
	$(quiet) FUZZLD $@
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(filter %.c %.o,$^) -o $@

-include $(patsubst %.o,%.d,$(FUZZ_PFA_LIB_OBJS))

.PHONY: fuzz-pfa
fuzz: fuzz-pfa
fuzz-pfa: $(FUZZ_PFA)
	$(Q)mkdir -p $(BUILD)/fuzz/corpus-pfa
	$(Q)$(FUZZ_PFA) -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		$(BUILD)/fuzz/corpus-pfa tests/fuzz/pfa-corpus

# ---------------------------------------------------------------- fuzz_acpi
# The ACPI table reader on hostile firmware images.

FUZZ_ACPI      := $(BUILD)/fuzz/fuzz_acpi
FUZZ_ACPI_SRCS := tests/fuzz/fuzz_acpi.c kernel/boot/acpi.c kernel/boot/bootinfo.c \
	kernel/boot/multiboot2.c
HOST_TEST_DEPS += $(FUZZ_ACPI)
$(eval $(call host_program,$(FUZZ_ACPI),$(FUZZ_ACPI_SRCS),$(FUZZ_CC),FUZZLD))

.PHONY: fuzz-acpi
fuzz: fuzz-acpi
fuzz-acpi: $(FUZZ_ACPI)
	$(Q)mkdir -p $(BUILD)/fuzz/acpi-corpus
	$(Q)$(FUZZ_ACPI) -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		$(BUILD)/fuzz/acpi-corpus tests/fuzz/acpi-corpus
