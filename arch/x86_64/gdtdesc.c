// SPDX-License-Identifier: MIT
/* x86-64 TSS descriptor encoding and decoding (portable: the host tests build it too). */
#include <arch/gdtdesc.h>

#define DESC_LIMIT_LOW(l)	((uint64_t)(l) & 0xFFFF)
#define DESC_LIMIT_HIGH(l)	(((uint64_t)(l) >> 16 & 0xF) << 48)
#define DESC_BASE_LOW(b)	(((uint64_t)(b) & 0xFFFFFF) << 16)
#define DESC_BASE_MID(b)	(((uint64_t)(b) >> 24 & 0xFF) << 56)
#define DESC_TYPE(t)		((uint64_t)(t) << 40)

void gdt_encode_tss(uint64_t desc[2], uint64_t base, uint32_t limit)
{
	desc[0] = DESC_LIMIT_LOW(limit) | DESC_LIMIT_HIGH(limit) | DESC_BASE_LOW(base) |
		  DESC_BASE_MID(base) | DESC_TYPE(GDT_TYPE_TSS_AVAIL) | SEG_PRESENT;
	desc[1] = base >> 32;	/* the upper dword of the second slot must be zero */
}

struct gdt_tss_desc gdt_decode_tss(const uint64_t desc[2])
{
	uint64_t d = desc[0];

	return (struct gdt_tss_desc){
		.base = (d >> 16 & 0xFFFFFF) | (d >> 56 & 0xFF) << 24 |
			(desc[1] & 0xFFFFFFFF) << 32,
		.limit = (uint32_t)((d & 0xFFFF) | (d >> 48 & 0xF) << 16),
		.type = d >> 40 & 0xF,
		.dpl = d >> 45 & 3,
		.present = d & SEG_PRESENT,
		.granularity = d & SEG_GRAN,
		.system = !(d & SEG_CODE_DATA),
	};
}
