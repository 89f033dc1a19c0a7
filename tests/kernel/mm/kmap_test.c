/*
 * kmap: the kernel's own page tables as the CPU applies them (kernel only).
 * A page is writable if R/W (bit 1) is set at every level and executable if
 * XD (bit 63) is set at none (Intel SDM vol. 3, 4.6); no page may be both.
 */
#include <arch/cpu.h>
#include <kernel/ktest.h>
#include <kernel/mm.h>

KTEST(kmap, no_page_is_both_writable_and_executable)
{
	unsigned long pages, wx;
	uint64_t first;

	if (!(rdmsr(MSR_EFER) & EFER_NXE))
		ktest_skip(t, "EFER.NXE is off: every page is executable");
	wx = kmap_scan_wx(&pages, &first);
	ktest_diag(t, "wx: %lu pages checked, %lu W+X", pages, wx);
	EXPECT_GT(t, pages, 0);
	EXPECT_EQ(t, wx, 0);
	if (wx)
		ktest_diag(t, "wx: the first W+X page is at 0x%lx", first);
}
