/* SPDX-License-Identifier: MIT */
/*
 * x86-64 GDT descriptors, bit by bit (Intel SDM vol. 3, 3.4.5 and 8.2.3).
 * Pure data: built for the kernel and for the host tests.
 *
 * A code or data segment descriptor is one 8-byte slot; in long mode the
 * CPU ignores base and limit for code, and uses only P, DPL, S, type, L
 * and D. A 64-bit TSS descriptor is 16 bytes, two slots: the low slot has
 * the legacy layout (limit 15:0, base 23:0, type, DPL, P, limit 19:16,
 * G, base 31:24), the high slot base 63:32 and a zero upper dword.
 */
#ifndef ARCH_GDTDESC_H
#define ARCH_GDTDESC_H

#include <stdbool.h>
#include <stdint.h>

/* Access and flag bits of a segment descriptor (as bit positions in the 8-byte slot). */
#define SEG_ACCESSED		(1ull << 40)
#define SEG_RW			(1ull << 41)	/* code: readable; data: writable */
#define SEG_EXEC		(1ull << 43)
#define SEG_CODE_DATA		(1ull << 44)	/* S: clear for system segments (TSS) */
#define SEG_DPL(n)		((uint64_t)(n) << 45)
#define SEG_PRESENT		(1ull << 47)
#define SEG_LONG		(1ull << 53)	/* L: 64-bit code */
#define SEG_DB			(1ull << 54)	/* D/B: 32-bit operands or stack */
#define SEG_GRAN		(1ull << 55)	/* G: limit in 4 KiB units */
#define SEG_LIMIT_MAX		(0xFull << 48 | 0xFFFF)

/* The fixed segments: flat, present, DPL 0 or 3. Constant expressions, for static tables. */
#define SEG_CODE64(dpl)		(SEG_PRESENT | SEG_DPL(dpl) | SEG_CODE_DATA | SEG_EXEC | \
				 SEG_RW | SEG_LONG)
#define SEG_DATA(dpl)		(SEG_PRESENT | SEG_DPL(dpl) | SEG_CODE_DATA | SEG_RW | \
				 SEG_GRAN | SEG_DB | SEG_LIMIT_MAX)
#define SEG_CODE32(dpl)		(SEG_DATA(dpl) | SEG_EXEC)

/* System-segment types (Intel SDM vol. 3, table 3-2). */
#define GDT_TYPE_TSS_AVAIL	0x9
#define GDT_TYPE_TSS_BUSY	0xB

/* A TSS descriptor, decoded field by field. */
struct gdt_tss_desc {
	uint64_t base;
	uint32_t limit;		/* in bytes, before granularity */
	unsigned int type;	/* GDT_TYPE_TSS_AVAIL or _BUSY */
	unsigned int dpl;
	bool present;
	bool granularity;	/* limit in 4 KiB units */
	bool system;		/* S bit clear: a system segment */
};

/* Write a present, available, DPL 0 TSS descriptor for [base, base + limit] (limit < 2^20) into desc[0..1]. */
void gdt_encode_tss(uint64_t desc[2], uint64_t base, uint32_t limit);
/* Read a TSS descriptor pair back. */
struct gdt_tss_desc gdt_decode_tss(const uint64_t desc[2]);

#endif /* ARCH_GDTDESC_H */
