# SPDX-License-Identifier: MIT
# mk/bench.mk: `make bench`: host benchmarks, -O2, each printing its figures (never failing on time).

# One-step builds (host_program, mk/host.mk), optimised; each keeps the flags its
# figures were measured with.
BENCH_CC = $(HOSTCC) $(filter-out -O1 -MMD -MP,$(HOSTCFLAGS)) -O2
BENCH_BITMAP_CC = $(HOSTCC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -DSETBIT_HOST \
	$(HOST_INCLUDES) -pthread

# setbit against libbitmask, libbsd bitstring and a naive loop, ns/op per workload
# (exits 1 if the answers differ). ICOUNT=1: instructions per op under callgrind
# instead. BENCH_ONLY=word: only the workloads whose name contains it.
BENCH_BITMAP := $(BUILD)/bench/bench_bitmap
BENCH_SRCS    = tests/bench/bench_bitmap.c $(BITMAP_SRCS)
$(eval $(call host_program,$(BENCH_BITMAP),$(BENCH_SRCS),$(BENCH_BITMAP_CC),BENCHLD,-lbitmask -lbsd))

bench: $(BENCH_BITMAP)
ifeq ($(ICOUNT),1)
	$(Q)$(PYTHON) tests/bench/icount.py $(BENCH_BITMAP) $(BENCH_ONLY)
else
	$(Q)$(BENCH_BITMAP) $(BENCH_ONLY)
endif

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
