// SPDX-License-Identifier: MIT
/* IRQ vector allocation: a 256-bit map under a lock, exceptions kept out. */
#include <kernel/irqvec.h>

void irqvec_init(struct irqvec *v)
{
	spin_init(&v->lock);
	bm_zero(v->used, IRQVEC_NR);
	bm_set_range(v->used, 0, IRQVEC_FIRST);
}

int irqvec_alloc(struct irqvec *v, enum irqvec_pref pref)
{
	size_t vec;

	spin_lock(&v->lock);
	if (pref == IRQVEC_HIGH)
		vec = bm_find_prev_zero(v->used, IRQVEC_NR, IRQVEC_NR);
	else
		vec = bm_find_first_zero(v->used, IRQVEC_NR);
	if (vec < IRQVEC_NR)
		bm_set(v->used, vec);
	spin_unlock(&v->lock);
	return vec < IRQVEC_NR ? (int)vec : -ENOSPC;
}

int irqvec_reserve(struct irqvec *v, unsigned int vec)
{
	return irqvec_reserve_range(v, vec, 1);
}

int irqvec_reserve_range(struct irqvec *v, unsigned int first, unsigned int n)
{
	int ret = 0;

	if (first < IRQVEC_FIRST || n == 0 || first >= IRQVEC_NR || n > IRQVEC_NR - first)
		return -EINVAL;
	spin_lock(&v->lock);
	if (!bm_range_is_clear(v->used, IRQVEC_NR, first, n))
		ret = -EBUSY;
	else
		bm_set_range(v->used, first, n);
	spin_unlock(&v->lock);
	return ret;
}

int irqvec_free(struct irqvec *v, unsigned int vec)
{
	int ret = -EINVAL;

	if (vec < IRQVEC_FIRST || vec >= IRQVEC_NR)
		return ret;
	spin_lock(&v->lock);
	if (bm_test_and_clear(v->used, vec))
		ret = 0;
	spin_unlock(&v->lock);
	return ret;
}

bool irqvec_used(struct irqvec *v, unsigned int vec)
{
	bool used;

	spin_lock(&v->lock);
	used = vec < IRQVEC_NR && bm_test(v->used, vec);
	spin_unlock(&v->lock);
	return used;
}

unsigned int irqvec_nfree(struct irqvec *v)
{
	unsigned int n;

	spin_lock(&v->lock);
	n = IRQVEC_NR - (unsigned int)bm_weight(v->used, IRQVEC_NR);
	spin_unlock(&v->lock);
	return n;
}
