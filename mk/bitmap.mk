# lib/bitmap: the library (kernel + host), its portable test suites, the TSan claim test.

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

# ---------------------------------------------------------------- compat dialects
# lib/bitmap/compat: the Linux, NanoVMs and RTL dialects and their suites.
# Each header must compile on its own: build/host/compat-<name>-alone.o is
# a file that includes only that header, built by `make test` (through
# HOST_TEST_DEPS).

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

COMPAT_DIALECTS := linux nanos rtl
COMPAT_ALONE := $(patsubst %,$(BUILD)/host/compat-%-alone.o,$(COMPAT_DIALECTS))
HOST_TEST_DEPS += $(COMPAT_ALONE)

$(BUILD)/host/compat-%-alone.o: lib/bitmap/compat/%.h $(wildcard lib/bitmap/*.h)
	$(quiet) ALONE $<
	$(Q)mkdir -p $(@D)
	$(Q)printf '#include <bitmap/compat/%s.h>\n' $* | \
		$(HOSTCC) $(filter-out -MMD -MP,$(HOSTCFLAGS)) -x c -c - -o $@

# Claiming under ThreadSanitizer: its own main(), KTAP on stdout.
BITMAP_TSAN := $(BUILD)/host/bitmap-tsan
HOST_TEST_BINS += $(BITMAP_TSAN)

$(BITMAP_TSAN): tests/lib/bitmap/claim_tsan.c lib/bitmap/claim.c lib/bitmap/atomic.c lib/bitmap/bitmap.c \
		$(wildcard lib/bitmap/*.h)
	$(quiet) HOSTCC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(filter-out -MMD -MP,$(HOSTCFLAGS)) $(TSAN) -pthread \
		$(filter %.c,$^) -o $@

# ---------------------------------------------------------------- fuzzing
# make fuzz: clang libFuzzer + ASan/UBSan, the library built with BM_DEBUG.
# New inputs go to build/fuzz/corpus; tests/fuzz/corpus is the seed.
# tests/runner/fuzz-smoke.sh (run by `make test`) replays every fuzzer's seed corpus
# and fuzzes each for 6 s; mk/kernel.mk adds its fuzzers to HOST_TEST_DEPS.

FUZZ_SECONDS ?= 60
FUZZ_BITMAP  := $(BUILD)/fuzz/fuzz_bitmap
FUZZ_SRCS     = tests/fuzz/fuzz_bitmap.c $(BITMAP_SRCS)
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS  := -std=gnu11 -O1 -g -fno-omit-frame-pointer -Wall -Wextra -Werror \
	-MMD -MP -DSETBIT_HOST -DBM_DEBUG $(HOST_INCLUDES) $(FUZZ_SAN)
FUZZ_OBJS     = $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(FUZZ_SRCS))

HOST_TEST_BINS += tests/runner/fuzz-smoke.sh
HOST_TEST_DEPS += $(FUZZ_BITMAP)

# Coverage guides the fuzzer through the library only: the harness's
# bit-at-a-time model loops would otherwise cost most of each run.
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

# ---------------------------------------------------------------- benchmarks
# make bench: setbit against libbitmask, libbsd bitstring and a naive loop,
# ns/op per workload (never fails on time; exits 1 if answers differ).
# make bench ICOUNT=1: instructions per op under callgrind instead.
# BENCH_ONLY=word: only the workloads whose name contains it.

BENCH_BITMAP := $(BUILD)/bench/bench_bitmap
BENCH_SRCS    = tests/bench/bench_bitmap.c $(BITMAP_SRCS)
BENCH_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -MMD -MP -DSETBIT_HOST \
	$(HOST_INCLUDES) -pthread
BENCH_LIBS   := -lbitmask -lbsd -pthread
BENCH_OBJS    = $(patsubst %.c,$(BUILD)/bench/obj/%.o,$(BENCH_SRCS))

$(BUILD)/bench/obj/%.o: %.c
	$(quiet) BENCHCC $<
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(BENCH_CFLAGS) -c $< -o $@

$(BENCH_BITMAP): $(BENCH_OBJS)
	$(quiet) BENCHLD $@
	$(Q)$(HOSTCC) $(BENCH_CFLAGS) $^ $(BENCH_LIBS) -o $@

bench: $(BENCH_BITMAP)
ifeq ($(ICOUNT),1)
	$(Q)$(PYTHON) tests/bench/icount.py $(BENCH_BITMAP) $(BENCH_ONLY)
else
	$(Q)$(BENCH_BITMAP) $(BENCH_ONLY)
endif

-include $(patsubst %.o,%.d,$(BENCH_OBJS))
