# SPDX-License-Identifier: MIT
# `make mutate`: mutation score of the portable cores against the host suites
# and the fuzz corpora (tools/mutate.py; slow, so not part of `make test`).
#   make mutate FILES="lib/bitmap/find.c kernel/proc/pid.c" JOBS=2 SURVIVORS=1

MUTATE_FILES ?= $(filter-out lib/bitmap/compat/%,$(BITMAP_SRCS)) \
	kernel/mm/pfa.c kernel/mm/heap.c kernel/proc/pid.c kernel/mm/memmap.c \
	kernel/boot/acpi.c kernel/boot/bootinfo.c kernel/boot/multiboot2.c
MUTATE_CFLAGS := -std=gnu11 -O1 -g0 -fno-strict-aliasing -w -DSETBIT_HOST -DBM_DEBUG $(HOST_INCLUDES)
MUTATE_REPLAY := tests/fuzz/replay.c
# BM_DEBUG's failure hook, for programs without the ktest backend.
MUTATE_ASSERT := tests/mutate/assert_fail.c

MUTATE_ARGS = --jobs $(or $(JOBS),2) --build $(BUILD)/mutate --cflags '$(MUTATE_CFLAGS)' \
	--files $(or $(FILES),$(MUTATE_FILES)) $(if $(filter 1,$(SURVIVORS)),--survivors) \
	--bin 'ktest=$(KTEST_HOST_SRCS)' \
	--bin 'fuzz_bitmap=$(MUTATE_REPLAY) $(FUZZ_SRCS)' \
	--corpus 'fuzz_bitmap=tests/fuzz/corpus' \
	--bin 'fuzz_pfa=$(MUTATE_REPLAY) tests/fuzz/fuzz_pfa.c kernel/mm/memmap.c kernel/mm/pfa.c $(BITMAP_SRCS)' \
	--corpus 'fuzz_pfa=$(wildcard tests/fuzz/pfa-corpus tests/fuzz/corpus-pfa)' \
	--bin 'fuzz_acpi=$(MUTATE_REPLAY) $(FUZZ_ACPI_SRCS)' \
	--corpus 'fuzz_acpi=tests/fuzz/acpi-corpus' \
	--bin 'pid_tsan=tests/kernel/proc/pid_tsan.c $(PID_HOST_SRCS)' \
	--bin 'task_tsan=tests/kernel/proc/task_tsan.c $(TASK_HOST_SRCS) $(MUTATE_ASSERT)' \
	--bin 'claim_tsan=tests/lib/bitmap/claim_tsan.c lib/bitmap/claim.c lib/bitmap/atomic.c lib/bitmap/bitmap.c $(MUTATE_ASSERT)' \
	--bin 'heap_tsan=tests/kernel/mm/heap_tsan.c $(HEAP_TSAN_SRCS) $(MUTATE_ASSERT)' \
	--bin 'pfa_tsan=tests/kernel/mm/pfa_tsan.c kernel/mm/pfa.c kernel/mm/pfa_dump.c kernel/mm/memmap.c \
		$(BITMAP_SRCS) $(MUTATE_ASSERT)'

.PHONY: mutate
mutate:
	$(Q)nice -n 10 $(PYTHON) tools/mutate.py $(MUTATE_ARGS)

# The generator itself (no compiling): cheap, so `make test` runs it.
HOST_TEST_BINS += tests/mutate/mutate_test.py
