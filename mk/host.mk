# SPDX-License-Identifier: MIT
# mk/host.mk: host test programs: ktest-host (every portable suite, ASan/UBSan), its demo, the TSan programs.
#
# One template builds every program made in one step from its sources
# (here, and in mk/fuzz.mk and mk/bench.mk):
#   $(eval $(call host_program,OUT,SOURCES,COMPILER AND FLAGS,LABEL[,LIBS]))
# Its prerequisites are the sources and every header they may include.

HOST_HEADERS = $(wildcard lib/bitmap/*.h lib/bitmap/compat/*.h kernel/include/kernel/*.h \
	arch/x86_64/include/arch/*.h)

define host_program
$(1): $(2) $$(HOST_HEADERS)
	$$(quiet) $(4) $$@
	$$(Q)mkdir -p $$(@D)
	$$(Q)$(3) $$(filter %.c,$$^) $(5) -o $$@
endef

# One-step builds: no .d files (the headers above stand in for them).
HOST_ONE_STEP = $(filter-out -MMD -MP,$(HOSTCFLAGS))
# Under ThreadSanitizer, each with its own main() printing KTAP.
HOST_TSAN_CC = $(HOSTCC) $(HOST_ONE_STEP) $(TSAN) -pthread

# ---------------------------------------------------------------- ktest-host

KTEST_HOST     := $(BUILD)/host/ktest-host
KTEST_DEMO     := $(BUILD)/host/ktest-demo
KTEST_HOST_OBJ := $(BUILD)/host/ktest

# The usage example in ktest.h's opening comment, cut out as a C file.
KTEST_EXAMPLE  := $(BUILD)/host/ktest_example.c

# Every portable suite and the code it tests, under ASan/UBSan; ktest.h's example; and the
# host-only suites (the error codes against the host's, assert's abort in a child process).
KTEST_HOST_SRCS = $(BITMAP_SRCS) $(KERNEL_PORTABLE_SRCS) $(TEST_PORTABLE_SRCS) \
	tests/host/ktest_host.c $(KTEST_EXAMPLE) tests/host/assert_test.c tests/host/errno_test.c
# The backend checked against itself: failing, skipping and aborting cases.
KTEST_DEMO_SRCS := tests/host/ktest_demo.c tests/host/ktest_host.c kernel/ktest/core.c \
	kernel/lib/glob.c

ktest_objs = $(patsubst %.c,$(KTEST_HOST_OBJ)/%.o,$(1))

HOST_TEST_BINS += $(KTEST_HOST)

$(KTEST_HOST_OBJ)/%.o: %.c
	$(quiet) HOSTCC $<
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOSTCFLAGS) $(ASAN) -DBM_DEBUG -c $< -o $@

# The tab-indented lines after "registered where it is written", comment marks cut off.
$(KTEST_EXAMPLE): kernel/include/kernel/ktest.h
	$(quiet) GEN $@
	$(Q)mkdir -p $(@D)
	$(Q){ echo '/* Generated from $<: its usage example. */'; \
	  echo '#include <bitmap/bitmap.h>'; echo '#include <kernel/ktest.h>'; \
	  awk '/registered where it is written/ { on = 1 } \
	       on && /^ \*\t/ { sub(/^ \*\t/, ""); print; seen = 1; next } \
	       seen { exit }' $<; } > $@.tmp
	$(Q)grep -q '^KTEST(' $@.tmp || { echo "$<: no usage example found" >&2; exit 1; }
	$(Q)mv $@.tmp $@

$(KTEST_HOST): $(call ktest_objs,$(KTEST_HOST_SRCS))
	$(quiet) HOSTLD $@
	$(Q)$(HOSTCC) $(HOSTCFLAGS) $(ASAN) $^ -o $@

$(KTEST_DEMO): $(call ktest_objs,$(KTEST_DEMO_SRCS))
	$(quiet) HOSTLD $@
	$(Q)$(HOSTCC) $(HOSTCFLAGS) $(ASAN) $^ -o $@

-include $(patsubst %.o,%.d,$(call ktest_objs,$(sort $(KTEST_HOST_SRCS) $(KTEST_DEMO_SRCS))))

# ---------------------------------------------------------------- compat headers alone
# Each dialect header must compile on its own: build/host/compat-<name>-alone.o is
# a file that includes only that header, built by `make test` (through HOST_TEST_DEPS).

COMPAT_DIALECTS := linux nanos rtl
COMPAT_ALONE := $(patsubst %,$(BUILD)/host/compat-%-alone.o,$(COMPAT_DIALECTS))
HOST_TEST_DEPS += $(COMPAT_ALONE)

$(BUILD)/host/compat-%-alone.o: lib/bitmap/compat/%.h $(wildcard lib/bitmap/*.h)
	$(quiet) ALONE $<
	$(Q)mkdir -p $(@D)
	$(Q)printf '#include <bitmap/compat/%s.h>\n' $* | \
		$(HOSTCC) $(HOST_ONE_STEP) -x c -c - -o $@

# ---------------------------------------------------------------- ThreadSanitizer

# Claiming bits from many threads.
BITMAP_TSAN := $(BUILD)/host/bitmap-tsan
$(eval $(call host_program,$(BITMAP_TSAN),tests/lib/bitmap/claim_tsan.c lib/bitmap/claim.c \
	lib/bitmap/atomic.c lib/bitmap/bitmap.c,$(HOST_TSAN_CC),HOSTCC))

# Concurrent PID alloc/free, and 100,000 tasks on threads playing CPUs.
PID_TSAN  := $(BUILD)/host/pid-tsan
TASK_TSAN := $(BUILD)/host/task-tsan
PID_HOST_SRCS := kernel/proc/pid.c kernel/boot/cmdline.c \
	lib/bitmap/hbitmap.c lib/bitmap/bitmap.c lib/bitmap/find.c lib/bitmap/runs.c
TASK_HOST_SRCS := $(PID_HOST_SRCS) kernel/proc/task.c kernel/smp/cpumask.c lib/bitmap/list.c \
	lib/bitmap/claim.c lib/bitmap/atomic.c
$(eval $(call host_program,$(PID_TSAN),tests/kernel/proc/pid_tsan.c $(PID_HOST_SRCS),$(HOST_TSAN_CC),HOSTCC))
$(eval $(call host_program,$(TASK_TSAN),tests/kernel/proc/task_tsan.c $(TASK_HOST_SRCS),$(HOST_TSAN_CC),HOSTCC))

# The frame allocator (issue 15): threads playing CPUs allocate, free and drain
# while another checks.
PFA_TSAN := $(BUILD)/host/pfa-tsan
$(eval $(call host_program,$(PFA_TSAN),tests/kernel/mm/pfa_tsan.c kernel/mm/pfa.c \
	kernel/mm/pfa_dump.c kernel/mm/memmap.c $(BITMAP_SRCS),$(HOST_TSAN_CC),HOSTCC))

# The heap (issue 15): threads allocate, measure and free objects of every class
# and large runs while another takes stats.
HEAP_TSAN := $(BUILD)/host/heap-tsan
HEAP_TSAN_SRCS := kernel/mm/heap.c kernel/mm/pfa.c kernel/mm/pfa_dump.c kernel/mm/memmap.c \
	$(BITMAP_SRCS)
$(eval $(call host_program,$(HEAP_TSAN),tests/kernel/mm/heap_tsan.c $(HEAP_TSAN_SRCS),$(HOST_TSAN_CC),HOSTCC))

HOST_TEST_BINS += $(BITMAP_TSAN) $(PID_TSAN) $(TASK_TSAN) $(PFA_TSAN) $(HEAP_TSAN)
