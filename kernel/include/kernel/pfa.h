/* SPDX-License-Identifier: MIT */
/*
 * The physical page-frame allocator: one bit per 4 KiB frame in a
 * hierarchical bitmap (lib/bitmap hbm) and a lock, with small per-CPU
 * caches of single frames in front, each refilled next-fit from its own
 * part of the map.
 *
 * The portable core (kernel/mm/pfa.c, host-tested): struct pfa and
 * pfa_<verb>(p, ...), an allocator over frame numbers [0, nframes).
 * Failure is PFA_NONE. The caller says which CPU it runs on; a CPU's cache
 * is only ever used by code running on that CPU, except drains, which take
 * its lock. The kernel's own instance, over physical addresses, and its
 * wrappers (page_alloc(), page_free(), ...) are in <kernel/page.h>.
 *
 * Frame states, each tracked by one bitmap:
 *
 *	pool	  hbm bit clear: free in the bitmap
 *	cached	  hbm bit set, in some CPU's cache: free, not in the pool;
 *		  always at or above the floor
 *	in use	  hbm bit set, inuse bit set: owned by a caller
 *	poisoning hbm bit set, counted in pfa.poisoning: a run taken back,
 *		  being filled with the poison pattern before it is pooled
 *	reserved  hbm bit set, reserved bit set: never allocatable
 *
 * The hbm, the caches' hints and the poisoning count belong to pfa.lock;
 * the rest of each cache to its own lock (lock order: a cache, then the
 * pool). A frame changes state, its inuse bit included, only under the
 * lock of the cache or the pool it leaves or joins, so whoever holds every
 * lock (pfa_lock_all) sees each frame in exactly one state. The inuse bits
 * are still atomic, since CPUs under different cache locks change bits of
 * one word (a frame freed on another CPU than took it), and exactly one of
 * two racing frees of a frame wins. Bad frees (out of range, unaligned, reserved, not in use) are
 * refused, logged with the caller's address and counted; nothing is
 * "fixed".
 *
 * Not callable from interrupt handlers (the locks leave interrupts on).
 */
#ifndef KERNEL_PFA_H
#define KERNEL_PFA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bitmap/hbitmap.h>
#include <kernel/spinlock.h>

#define PFA_NONE		UINT64_MAX

#ifndef PFA_MAX_CPUS
#define PFA_MAX_CPUS		32
#endif
#define PFA_CACHE_MAX		64	/* frames a CPU keeps at most */
#define PFA_CACHE_BATCH		32	/* frames moved per refill or spill */
/*
 * Frames whose inuse bits fill one 64-byte cache line (when the storage
 * is 64-byte aligned). CPU k's refills start at
 * floor + (nframes - floor) * k / ncpus rounded down to a multiple of
 * this (never below the floor), so each CPU's hot frames, and the inuse
 * word its every alloc and free changes atomically, sit a share of the
 * map away from every other CPU's: two CPUs on one line pass it to and
 * fro on each operation.
 */
#define PFA_LINE_FRAMES		512

#define PFA_POISON_WORD		0xDEADBEEFu

enum pfa_flags {
	PFA_POISON		= 1 << 0,	/* fill freed frames with PFA_POISON_WORD */
	PFA_CHECK_POISON	= 1 << 1,	/* and check it when they are handed out again */
};

struct pfa_cache {
	struct spinlock lock;
	unsigned int count;
	uint64_t hint;			/* pool lock: where this CPU's next refill searches */
	uint64_t frames[PFA_CACHE_MAX];
} __attribute__((aligned(64)));

struct pfa_stats {
	uint64_t total;		/* frames the bitmap covers: [0, nframes) */
	uint64_t reserved;	/* never allocatable */
	uint64_t usable;	/* total - reserved */
	uint64_t free;		/* in the pool or in a cache */
	uint64_t cached;	/* of which in per-CPU caches */
	uint64_t used;		/* usable - free */
	uint64_t bad_frees;	/* refused frees */
	uint64_t failed;	/* requests that found nothing */
	uint64_t poison_errors;	/* frames written to while free */
};

/* Fields are private to pfa.c. */
struct pfa {
	struct spinlock lock;		/* the pool: free, the caches' hints */
	struct hbm free;		/* set: not in the pool */
	uint64_t *reserved;		/* read-only after init */
	uint64_t *inuse;		/* atomic */
	uint64_t *poisoned;		/* atomic: holds the poison pattern */
	uint64_t nframes;
	uint64_t floor;			/* first frame general requests may use */
	uint64_t poisoning;		/* frames taken back, not yet pooled */
	uint64_t nreserved;
	uintptr_t virt_base;		/* where frame 0 is mapped, or 0: none */
	unsigned int flags;
	unsigned int ncpus;
	uint64_t bad_frees, failed, poison_errors;	/* atomic */
	struct pfa_cache cache[PFA_MAX_CPUS];
};

/* Storage words pfa_init needs for nframes frames. */
size_t pfa_storage_words(uint64_t nframes);
/*
 * Start p over [0, nframes) with every frame reserved, on storage of
 * pfa_storage_words(nframes) words, for CPUs [0, ncpus) (capped at
 * PFA_MAX_CPUS). Requests whose limit is above floor never get frames
 * below it (the kernel keeps the first MiB for page_alloc_below).
 */
void pfa_init(struct pfa *p, uint64_t *storage, uint64_t nframes, uint64_t floor,
	      unsigned int ncpus);
/* Make [first, first + n) free: RAM the memory map says is usable. Only during init. */
void pfa_add_frames(struct pfa *p, uint64_t first, uint64_t n);
/* Where frame 0 is mapped (0: nowhere; zeroing and poisoning need a mapping) and the debug flags. */
void pfa_set_mapping(struct pfa *p, uintptr_t virt_base, unsigned int flags);

/* One frame for CPU cpu, or PFA_NONE when everything is in use (logged). */
uint64_t pfa_alloc_frame(struct pfa *p, unsigned int cpu);
/*
 * n frames in a row, the first a multiple of align (a power of two, 0
 * counts as 1), all below frame `limit`; PFA_NONE if there is no such run
 * (logged) or align is not a power of two.
 */
uint64_t pfa_alloc_frames(struct pfa *p, uint64_t n, uint64_t align, uint64_t limit);
/*
 * Give back a frame from pfa_alloc_frame (or one of a run): 0, or -1 if
 * refused (logged, counted). It goes to CPU cpu's cache, or straight to the
 * pool if it is below the floor, so only requests limited to below the
 * floor see it again.
 */
int pfa_free_frame(struct pfa *p, unsigned int cpu, uint64_t frame, const void *caller);
/* Give back n frames: all of them, or none and -1 if any is not in use (logged, counted). */
int pfa_free_frames(struct pfa *p, uint64_t first, uint64_t n, const void *caller);
/* Return every frame in CPU cpu's cache to the pool. */
void pfa_drain(struct pfa *p, unsigned int cpu);

/*
 * The counts at one instant, taken under every lock, safe while other CPUs
 * allocate and free. Frames being poisoned count as used. The three event
 * counters (bad_frees, failed, poison_errors) are read after the locks are
 * dropped, so may include events after that instant.
 */
void pfa_get_stats(struct pfa *p, struct pfa_stats *s);
/* Is frame in use by a caller? (Atomic read, for tests and assertions.) */
bool pfa_frame_in_use(const struct pfa *p, uint64_t frame);
/* Is frame reserved? */
bool pfa_frame_reserved(const struct pfa *p, uint64_t frame);
/*
 * Do the bitmaps, the caches and the counts agree? Logs the first
 * disagreement. Holds every lock throughout, so it is exact and safe while
 * other CPUs allocate and free (they wait); it writes nothing they change.
 */
bool pfa_check(struct pfa *p);
/*
 * Log the counts, then the free and used ranges (up to max_ranges each)
 * and a density map, one char per block, 64 per line, all under every
 * lock: the ranges and the map agree; the counts come from just before.
 */
void pfa_dump_frames(struct pfa *p, size_t max_ranges);
/*
 * Every cache lock in index order, then the pool's: p stands still until
 * pfa_unlock_all. For the checks and the dump; never call the allocator
 * in between.
 */
void pfa_lock_all(struct pfa *p);
void pfa_unlock_all(struct pfa *p);

#endif /* KERNEL_PFA_H */
