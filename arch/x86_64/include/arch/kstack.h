/* SPDX-License-Identifier: MIT */
/*
 * Kernel stacks with guard pages: the stack area's task slots.
 *
 * The area above the per-CPU windows (<arch/smp.h>) is carved into
 * KSTACK_SLOTS slots of KSTACK_SLOT_SIZE bytes. A stack of n pages is
 * mapped, with 4 KiB pages from the frame allocator, at the top of its
 * slot; the slot's lower pages stay unmapped, so an overflow faults on the
 * guard (#PF with CR2 just below the stack) instead of trampling memory.
 * Which slots are taken is a bitmap.
 *
 * TLB: a freed stack is unmapped with invlpg on the freeing CPU only.
 * Other CPUs may still cache its translations (a waiter read a struct on a
 * task's stack), so its slot is not reused at once: it goes to the stale
 * bitmap. When no clean slot is left, one shootdown (smp_flush_tlb_others:
 * an NMI to every other online CPU, each reloads CR3 and says so) makes
 * every stale slot clean again: one round per KSTACK_SLOTS frees at most. The frames go
 * back at once; only a use-after-free of a dead stack could reach them
 * through a stale entry, as with any freed memory.
 *
 * Locking: an allocation claims a clear bit of the slot bitmap atomically
 * and a free sets its stale bit atomically; only the shootdown round (an
 * allocation that found no clean slot) takes a lock. A slot freed while a
 * round runs waits for the next one (kstack.c, reclaim).
 */
#ifndef ARCH_KSTACK_H
#define ARCH_KSTACK_H

#include <stdbool.h>
#include <stdint.h>

#include <arch/smp.h>

#define KSTACK_AREA		(SMP_STACK_AREA + (1ull << 30))
#define KSTACK_SLOT_SIZE	(32 * 1024)
#define KSTACK_SLOTS		4096	/* 128 MiB of address space, 64 page tables */
#define KSTACK_MAX_PAGES	(KSTACK_SLOT_SIZE / 4096 - 1)	/* at least one guard page */

struct kstack_stats {
	uint64_t live;		/* slots holding a stack */
	uint64_t stale;		/* freed, awaiting a shootdown */
	uint64_t shootdowns;	/* IPI rounds so far */
	uint64_t failed;	/* requests that found no slot or no frames */
};

/* Build the area's page tables now, so stacks never allocate any. */
void kstack_init(void);
/* A stack of pages pages (1..KSTACK_MAX_PAGES) with a guard below: its top, or 0. */
uint64_t kstack_alloc(unsigned int pages);
/* Unmap the stack at top (from kstack_alloc(pages)) and give its frames back. */
void kstack_free(uint64_t top, unsigned int pages);
/* The lowest address of that stack: the guard page ends just below it. */
static inline uint64_t kstack_bottom(uint64_t top, unsigned int pages)
{
	return top - (uint64_t)pages * 4096;
}
/* Back [va, va + pages pages) with fresh zeroed frames (per-CPU stacks); returns the top. */
uint64_t kstack_map(uint64_t va, unsigned int pages);
/* Is va, in the stack area (4 KiB pages only), mapped? Builds nothing. */
bool kstack_mapped(uint64_t va);
/* Is addr on a stack of the area? If so, [*lo, *top) is its mapped pages. Builds nothing. */
bool kstack_bounds(uint64_t addr, uint64_t *lo, uint64_t *top);
/* Is top the top of a live stack (its top page mapped)? kstack_free panics if not. */
bool kstack_live(uint64_t top);
/* Was the slot under top freed and not yet made clean by a shootdown? */
bool kstack_stale(uint64_t top);
/*
 * Tests only (NULL otherwise): called in a reclaim round, under the slot
 * lock, after the stale slots were snapshotted and the shootdown done and
 * before those slots are made clean. It may free stacks, not allocate.
 */
extern void (*kstack_reclaim_hook)(void);
/* The counters, each read atomically (not all at one moment while others allocate). */
void kstack_get_stats(struct kstack_stats *st);

#endif /* ARCH_KSTACK_H */
