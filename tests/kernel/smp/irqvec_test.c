// SPDX-License-Identifier: MIT
/* irqvec: exceptions kept out, high and low preference, reservations, exhaustion, free. */
#include <kernel/irqvec.h>
#include <kernel/ktest.h>

static struct irqvec v;

KTEST(irqvec, exceptions_are_never_handed_out)
{
	irqvec_init(&v);
	EXPECT_EQ(t, irqvec_nfree(&v), 224);
	EXPECT_EQ(t, irqvec_alloc(&v, IRQVEC_LOW), 32);
	EXPECT_EQ(t, irqvec_reserve(&v, 2), -EINVAL);
	EXPECT_EQ(t, irqvec_free(&v, 8), -EINVAL);
	EXPECT_TRUE(t, irqvec_used(&v, 8));
}

KTEST(irqvec, high_and_low_preference)
{
	irqvec_init(&v);
	ASSERT_EQ(t, irqvec_reserve(&v, 0xFF), 0);	/* the spurious vector */
	EXPECT_EQ(t, irqvec_alloc(&v, IRQVEC_HIGH), 0xFE);
	EXPECT_EQ(t, irqvec_alloc(&v, IRQVEC_HIGH), 0xFD);
	EXPECT_EQ(t, irqvec_alloc(&v, IRQVEC_LOW), 0x20);
	EXPECT_EQ(t, irqvec_reserve(&v, 0xFF), -EBUSY);
}

KTEST(irqvec, reserve_range_is_all_or_nothing)
{
	irqvec_init(&v);
	ASSERT_EQ(t, irqvec_reserve(&v, 0x25), 0);
	EXPECT_EQ(t, irqvec_reserve_range(&v, 0x20, 16), -EBUSY);
	EXPECT_FALSE(t, irqvec_used(&v, 0x20));
	EXPECT_EQ(t, irqvec_reserve_range(&v, 0xF8, 9), -EINVAL);
	EXPECT_EQ(t, irqvec_reserve_range(&v, 0x30, 0), -EINVAL);
	EXPECT_EQ(t, irqvec_free(&v, 0x25), 0);
	EXPECT_EQ(t, irqvec_reserve_range(&v, 0x20, 16), 0);
	EXPECT_EQ(t, irqvec_alloc(&v, IRQVEC_LOW), 0x30);
}

KTEST(irqvec, exhaustion_then_free_and_reuse)
{
	int n = 0, vec;

	irqvec_init(&v);
	while ((vec = irqvec_alloc(&v, IRQVEC_LOW)) >= 0)
		EXPECT_EQ(t, vec, 32 + n++);
	EXPECT_EQ(t, n, 224);
	EXPECT_EQ(t, vec, -ENOSPC);
	EXPECT_EQ(t, irqvec_alloc(&v, IRQVEC_HIGH), -ENOSPC);
	EXPECT_EQ(t, irqvec_free(&v, 0x80), 0);
	EXPECT_EQ(t, irqvec_free(&v, 0x80), -EINVAL);
	EXPECT_EQ(t, irqvec_alloc(&v, IRQVEC_HIGH), 0x80);
	EXPECT_EQ(t, irqvec_free(&v, 256), -EINVAL);
}
