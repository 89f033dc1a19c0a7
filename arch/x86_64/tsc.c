// SPDX-License-Identifier: MIT
/* TSC calibration against PIT channel 2, and boot-relative time. */
#include <arch/cpu.h>
#include <arch/io.h>
#include <arch/tsc.h>

#define PIT_HZ		1193182
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define PIT_GATE	0x61	/* bit 0: ch2 gate, bit 1: speaker, bit 5: ch2 out */
#define CAL_MS		10

static uint64_t khz;

/*
 * Run channel 2 in mode 0 (interrupt on terminal count) for CAL_MS and count
 * TSC ticks until its output goes high. The speaker stays off. Under TCG
 * the result is only as good as QEMU's clock, which is good enough for logs.
 */
void tsc_calibrate(void)
{
	uint16_t count = PIT_HZ * CAL_MS / 1000;
	uint64_t start, end;
	uint32_t spins = 0;

	outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) | 0x01);
	outb(PIT_CMD, 0xB0);		/* ch2, lobyte/hibyte, mode 0, binary */
	outb(PIT_CH2, count & 0xFF);
	outb(PIT_CH2, count >> 8);
	start = rdtsc();
	while (!(inb(PIT_GATE) & 0x20))
		if (++spins > 100000000)	/* no PIT: keep khz at 0 */
			return;
	end = rdtsc();
	khz = (end - start) / CAL_MS;
}

uint64_t tsc_khz(void)
{
	return khz;
}

uint64_t tsc_ns_since_boot(void)
{
	if (!khz)
		return 0;
	/* cycles * 10^6 would overflow after ~5 h at 1 GHz: split it. */
	uint64_t cycles = rdtsc() - boot_tsc;
	return cycles / khz * 1000000 + cycles % khz * 1000000 / khz;
}
