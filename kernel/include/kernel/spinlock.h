/* SPDX-License-Identifier: MIT */
/* A test-and-test-and-set spinlock, portable: the kernel and host tests (TSan sees it) share it. */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <stdbool.h>

#ifdef SETBIT_KERNEL
#include <arch/cpu.h>
#define spin__relax()	cpu_relax()
#else
#define spin__relax()	__builtin_ia32_pause()
#endif

/*
 * Not for interrupt handlers yet: nothing here disables interrupts, so a
 * handler taking a lock its CPU already holds would spin forever.
 */
struct spinlock {
	int locked;
};

#define SPINLOCK_INIT	{ 0 }

static inline void spin_init(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELAXED);
}

/* Take the lock (acquire); waiters spin on a plain load so the line stays shared. */
static inline void spin_lock(struct spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			spin__relax();
}

/* Take the lock if it is free: true if taken. */
static inline bool spin_trylock(struct spinlock *l)
{
	return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

/* Release the lock: everything written inside is visible to the next holder. */
static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#endif /* KERNEL_SPINLOCK_H */
