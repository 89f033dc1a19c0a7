# SPDX-License-Identifier: MIT
# mk/bench.mk: `make bench`: host benchmarks, -O2, each printing its figures (never failing on time).

# One-step builds (host_program, mk/host.mk), optimised; each keeps the flags its
# figures were measured with.
BENCH_CC = $(HOSTCC) $(filter-out -O1 -MMD -MP,$(HOSTCFLAGS)) -O2
BENCH_BITMAP_CC = $(HOSTCC) -std=gnu11 -O2 -g -fno-strict-aliasing -Wall -Wextra -Werror -DSETBIT_HOST \
	$(HOST_INCLUDES) -pthread

# setbit (native, and through compat/linux.h, rtl.h, nanos.h) against libbitmask, libbsd
# bitstring, the baselines of tests/bench/baselines.c and a naive loop: median and min
# ns/op per workload, lines timed round-robin (exits 1 if the answers differ).
# ICOUNT=1: instructions and mispredicted branches per op under callgrind instead.
# BENCH_ONLY=word[,word]: only the workloads whose names contain one. ROUNDS=N: rounds (31).
BENCH_BITMAP := $(BUILD)/bench/bench_bitmap
BENCH_SRCS    = tests/bench/bench_bitmap.c tests/bench/bench_linux.c tests/bench/bench_rtl.c \
	tests/bench/bench_nanos.c tests/bench/baselines.c $(BITMAP_SRCS) \
	tests/bench/bench.h tests/bench/baselines.h
$(eval $(call host_program,$(BENCH_BITMAP),$(BENCH_SRCS),$(BENCH_BITMAP_CC),BENCHLD,-lbitmask -lbsd))

# The same program in --verify mode for make test: one pass of every line, checksums
# compared, and the baselines against a bit-at-a-time model (KTAP, about a second).
BENCH_VERIFY := $(BUILD)/host/bench-verify
$(eval $(call host_program,$(BENCH_VERIFY),$(BENCH_SRCS),$(BENCH_BITMAP_CC) -DBENCH_VERIFY,\
	HOSTCC,-lbitmask -lbsd))
HOST_TEST_BINS += $(BENCH_VERIFY)

bench: $(BENCH_BITMAP)
ifeq ($(ICOUNT),1)
	$(Q)$(PYTHON) tests/bench/icount.py $(BENCH_BITMAP) '$(BENCH_ONLY)'
else
	$(Q)$(BENCH_BITMAP) $(if $(ROUNDS),--rounds $(ROUNDS)) '$(BENCH_ONLY)'
endif

# Before/after: BASE=<git revision>'s bench_bitmap (A, built in $(BUILD)/bench-ab) against
# the working tree's (B), interleaved A B A B ... (RUNS=3 each, ROUNDS=11, BENCH_ONLY=).
# BASE must have this harness (make bench printing medians: December 2026 or later).
BENCH_AB_DIR := $(BUILD)/bench-ab

.PHONY: bench-ab
bench-ab: $(BENCH_BITMAP)
	$(Q)test -n "$(BASE)" || { echo "make bench-ab: give BASE=<git revision>" >&2; exit 2; }
	$(Q)rm -rf $(BENCH_AB_DIR) && mkdir -p $(BENCH_AB_DIR)/src
	$(Q)git archive --format=tar $(BASE) | tar -x -C $(BENCH_AB_DIR)/src
	$(Q)$(MAKE) --no-print-directory -C $(BENCH_AB_DIR)/src BUILD=build build/bench/bench_bitmap
	$(Q)$(PYTHON) tests/bench/ab.py $(if $(RUNS),--runs $(RUNS)) $(if $(ROUNDS),--rounds $(ROUNDS)) \
		$(BENCH_AB_DIR)/src/build/bench/bench_bitmap $(BENCH_BITMAP) '$(BENCH_ONLY)'

# PID alloc+free at 0-99.9% occupancy, hbm against a linear scan.
PID_BENCH := $(BUILD)/bench/bench-pid
$(eval $(call host_program,$(PID_BENCH),tests/bench/bench_pid.c $(PID_HOST_SRCS),$(BENCH_CC),HOSTCC))

.PHONY: bench-pid
bench: bench-pid
bench-pid: $(PID_BENCH)
	$(Q)$(PID_BENCH)

# Single frames flat vs hbm vs the allocator, 2 MiB runs, 1 vs 2 threads.
PFA_BENCH := $(BUILD)/bench/bench-pfa
$(eval $(call host_program,$(PFA_BENCH),tests/bench/bench_pfa.c kernel/mm/memmap.c \
	kernel/mm/pfa.c $(BITMAP_SRCS),$(BENCH_CC),HOSTCC,-pthread))

.PHONY: bench-pfa
bench: bench-pfa
bench-pfa: $(PFA_BENCH)
	$(Q)$(PFA_BENCH)
