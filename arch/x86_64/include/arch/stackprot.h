/* SPDX-License-Identifier: MIT */
/* The stack protector's guard: seeded once at boot; a smashed canary panics naming the function. */
#ifndef ARCH_STACKPROT_H
#define ARCH_STACKPROT_H

#include <stdbool.h>
#include <stdint.h>

/* The canary every protected frame copies and checks (-mstack-protector-guard=global). */
extern uint64_t __stack_chk_guard;

/*
 * Seed the guard from RDSEED, else RDRAND, else the TSC; returns which
 * ("RDSEED", "RDRAND", "TSC"). Call once, before any protected function
 * that is live now could return.
 */
const char *stack_guard_init(void);

/* What a protected function calls when its canary changed: panics. */
void __stack_chk_fail(void) __attribute__((noreturn));

#endif /* ARCH_STACKPROT_H */
