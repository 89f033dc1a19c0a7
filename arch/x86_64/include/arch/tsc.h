/* SPDX-License-Identifier: MIT */
/* Time from the TSC, calibrated once against the PIT. */
#ifndef ARCH_TSC_H
#define ARCH_TSC_H

#include <stdint.h>

/* TSC value taken by the 32-bit entry code, before anything else ran. */
extern uint64_t boot_tsc;

/* Measure the TSC frequency against PIT channel 2 (takes ~10 ms). */
void tsc_calibrate(void);
/* TSC ticks per millisecond; 0 until calibrated. */
uint64_t tsc_khz(void);
/* Nanoseconds since the entry code ran; 0 until calibrated. */
uint64_t tsc_ns_since_boot(void);

#endif /* ARCH_TSC_H */
