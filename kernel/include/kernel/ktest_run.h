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

struct ktest;

/*
 * Run fn(arg) when the current case ends, however it ends (return, ASSERT,
 * skip or exception); the latest deferred runs first. For kernel-only
 * cases that must undo what they changed, e.g. an IDT gate.
 */
void ktest_defer(struct ktest *t, void (*fn)(void *arg), void *arg);

/*
 * Called by the exception handler. Inside a running case it records the
 * exception and ends the case (does not return); otherwise it returns.
 */
void ktest_exception(uint64_t vector, uint64_t error, uint64_t addr, uint64_t ip);

#endif /* KERNEL_KTEST_RUN_H */
