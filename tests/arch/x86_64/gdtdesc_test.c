// SPDX-License-Identifier: MIT
/* gdtdesc: segment and TSS descriptors against bytes worked out by hand from the Intel SDM layout. */
#include <arch/gdtdesc.h>
#include <kernel/ktest.h>

/*
 * SDM vol. 3, figure 3-8: the high dword of a descriptor is base 31:24,
 * G D/B L AVL, limit 19:16, P DPL S, type, base 23:16; the low dword is
 * base 15:0, limit 15:0. The access byte (P DPL S type) of the code and
 * data segments: 0x9A kernel code (execute/read), 0x92 kernel data
 * (read/write), 0xFA and 0xF2 the same at DPL 3.
 */
KTEST(gdtdesc, fixed_segments_match_the_sdm_layout)
{
	EXPECT_EQ(t, SEG_CODE64(0), 0x00209A0000000000ull);	/* L=1, limit ignored */
	EXPECT_EQ(t, SEG_DATA(0), 0x00CF92000000FFFFull);	/* G=1 D=1, limit 0xFFFFF */
	EXPECT_EQ(t, SEG_CODE32(3), 0x00CFFA000000FFFFull);
	EXPECT_EQ(t, SEG_DATA(3), 0x00CFF2000000FFFFull);
	EXPECT_EQ(t, SEG_CODE64(3), 0x0020FA0000000000ull);
}

/*
 * SDM vol. 3, figure 8-4 (64-bit TSS descriptor): type 1001b (available),
 * S=0, DPL 0, P=1 gives the byte 0x89; the second slot is base 63:32 with
 * a zero upper dword.
 */
KTEST(gdtdesc, tss_in_the_kernel_window)
{
	uint64_t d[2];

	gdt_encode_tss(d, 0xFFFFFFFF80123456ull, 103);
	EXPECT_EQ(t, d[0], 0x8000891234560067ull);
	EXPECT_EQ(t, d[1], 0x00000000FFFFFFFFull);
}

KTEST(gdtdesc, tss_limit_bits_19_16_go_to_the_high_dword)
{
	uint64_t d[2];

	/* base 0x0000123456789ABC, limit 0xFFFFF: high dword 0x56 0F 89 78, low 0x9ABC FFFF. */
	gdt_encode_tss(d, 0x0000123456789ABCull, 0xFFFFF);
	EXPECT_EQ(t, d[0], 0x560F89789ABCFFFFull);
	EXPECT_EQ(t, d[1], 0x0000000000001234ull);
}

KTEST(gdtdesc, decodes_a_hand_written_busy_tss)
{
	/* base 0x1000, limit 103, type 1011b (busy, as ltr leaves it): byte 0x8B. */
	static const uint64_t d[2] = { 0x00008B0010000067ull, 0 };
	struct gdt_tss_desc x = gdt_decode_tss(d);

	EXPECT_EQ(t, x.base, 0x1000);
	EXPECT_EQ(t, x.limit, 103);
	EXPECT_EQ(t, x.type, GDT_TYPE_TSS_BUSY);
	EXPECT_EQ(t, x.dpl, 0);
	EXPECT_TRUE(t, x.present);
	EXPECT_FALSE(t, x.granularity);
	EXPECT_TRUE(t, x.system);
}

KTEST(gdtdesc, decodes_dpl_and_granularity)
{
	/* Access byte 0x70 (P=0, DPL 3, S=1: a data segment) and G=1: what a TSS never is. */
	static const uint64_t d[2] = { 0x0080700000000000ull, 0 };
	struct gdt_tss_desc x = gdt_decode_tss(d);

	EXPECT_EQ(t, x.dpl, 3);
	EXPECT_FALSE(t, x.present);
	EXPECT_TRUE(t, x.granularity);
	EXPECT_FALSE(t, x.system);
}

KTEST(gdtdesc, decode_round_trip_field_by_field)
{
	static const uint64_t bases[] = {
		0, 0x1000, 0xFFFFFFFF80123456ull, 0x0000123456789ABCull, ~0ull,
	};
	static const uint32_t limits[] = { 0, 103, 0xFFFF, 0x10000, 0xFFFFF };
	uint64_t d[2];

	for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
		for (size_t l = 0; l < sizeof(limits) / sizeof(limits[0]); l++) {
			gdt_encode_tss(d, bases[b], limits[l]);
			struct gdt_tss_desc x = gdt_decode_tss(d);

			EXPECT_EQ(t, x.base, bases[b]);
			EXPECT_EQ(t, x.limit, limits[l]);
			EXPECT_EQ(t, x.type, GDT_TYPE_TSS_AVAIL);
			EXPECT_EQ(t, x.dpl, 0);
			EXPECT_TRUE(t, x.present);
			EXPECT_FALSE(t, x.granularity);
			EXPECT_TRUE(t, x.system);
			EXPECT_EQ(t, d[1] >> 32, 0);	/* reserved, must be zero */
		}
	}
}
