/* SPDX-License-Identifier: MIT */
/*
 * Interrupt vectors from a bitmap: one bit per IDT vector, 0-31 reserved
 * for exceptions. Portable (host-tested); each allocator owns its lock.
 *
 * The local APIC ranks a vector's priority by its upper nibble, so
 * IRQVEC_HIGH takes the highest free vector (IPIs, the timer) and
 * IRQVEC_LOW the lowest (devices).
 */
#ifndef KERNEL_IRQVEC_H
#define KERNEL_IRQVEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bitmap/bitmap.h>
#include <kernel/errno.h>
#include <kernel/spinlock.h>

#define IRQVEC_NR		256
#define IRQVEC_FIRST		32	/* below: exceptions, never handed out */

enum irqvec_pref {
	IRQVEC_LOW,
	IRQVEC_HIGH,
};

struct irqvec {
	struct spinlock lock;
	BM_DECLARE(used, IRQVEC_NR);
};

/* All of [IRQVEC_FIRST, 256) free; exceptions reserved. */
void irqvec_init(struct irqvec *v);
/* A free vector, the lowest or highest as asked: the vector, or -ENOSPC. */
int irqvec_alloc(struct irqvec *v, enum irqvec_pref pref);
/* Take vector `vec` (fixed by hardware, like the spurious 0xFF): 0, -EBUSY, -EINVAL. */
int irqvec_reserve(struct irqvec *v, unsigned int vec);
/* Take [first, first + n) (e.g. the 8259's 16): 0, or -EBUSY/-EINVAL and nothing taken. */
int irqvec_reserve_range(struct irqvec *v, unsigned int first, unsigned int n);
/* Give vec back: 0, or -EINVAL if it is an exception or not taken. */
int irqvec_free(struct irqvec *v, unsigned int vec);
/* Is vec taken? */
bool irqvec_used(struct irqvec *v, unsigned int vec);
/* How many vectors are free? */
unsigned int irqvec_nfree(struct irqvec *v);

#endif /* KERNEL_IRQVEC_H */
