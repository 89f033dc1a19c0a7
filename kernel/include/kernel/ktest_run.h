/* SPDX-License-Identifier: MIT */
/* The kernel side of ktest: running the registered cases after boot. */
#ifndef KERNEL_KTEST_RUN_H
#define KERNEL_KTEST_RUN_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Run the cases the command line selects and print KTAP and the summary;
 * with ktest.exit=1 end the QEMU run. Returns true if nothing failed
 * (also when ktest=off).
 */
bool ktest_main(const char *cmdline);

/*
 * Run the cases GLOB[,GLOB...] selects (NULL or "": all) again, as the
 * monitor's `test` does: a fresh KTAP report and summary, no exit, the
 * suites in the order ktest.shuffle= set at boot (name order without it).
 * Returns true if nothing failed.
 */
bool ktest_run_filter(const char *globs);

struct ktest;
struct ktest_case;

/*
 * Run fn(arg) when the current case ends, however it ends (return, ASSERT,
 * skip or exception); the latest deferred runs first. For kernel-only
 * cases that must undo what they changed, e.g. an IDT gate. At most 4 per
 * case: a fifth runs fn(arg) at once, fails the case and ends it.
 */
void ktest_defer(struct ktest *t, void (*fn)(void *arg), void *arg);

/* An exception that ended a case, as the handler saw it (ktest_main hooks the traps). */
struct ktest_fault {
	uint64_t vector;
	uint64_t error;		/* the CPU's error code, or 0 */
	uint64_t addr;		/* #PF: CR2 */
	uint64_t ip;		/* where it happened */
	uint64_t handler_sp;	/* the stack the handler ran on */
};

/* How a case ended, for tests of the runner itself. */
struct ktest_outcome {
	int failures;
	bool skipped;
	bool faulted;
	struct ktest_fault fault;	/* if faulted */
};

/*
 * Run tc (a case not in the ktest_cases section) inside the current one and
 * report how it ended, printing nothing.
 */
void ktest_run_quiet(const struct ktest_case *tc, struct ktest_outcome *out);

#endif /* KERNEL_KTEST_RUN_H */
