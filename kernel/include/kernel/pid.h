/* SPDX-License-Identifier: MIT */
/*
 * Process IDs: one bit per PID in a hierarchical bitmap, a lock and a
 * cursor, handed out cyclically the way Linux does it.
 *
 * The portable core (kernel/proc/pid.c, host-tested): struct pid_map and
 * pid_map_<verb>(map, ...), an allocator of PIDs [1, pid_max). pid_max is
 * the wrap value, as in Linux's /proc/sys/kernel/pid_max: the largest PID
 * is pid_max - 1. The kernel's own map and its wrappers (pid_alloc(),
 * pid_free()) are in <kernel/proc.h>.
 *
 * Allocation is cyclic: the search starts at the last PID handed out + 1,
 * so a freed PID is not reused until the cursor comes round again. When it
 * reaches pid_max it wraps to PID_RESERVED (300), never lower: PIDs below
 * 300 belong to whatever started first (PID 1 to init, forever) and are
 * not reused once allocation has wrapped. PID 0 is never handed out. A full
 * map answers -EAGAIN after two summary searches, not a scan.
 *
 * pid_map_alloc_specific() takes a given PID (Linux's clone3 set_tid) and
 * leaves the cursor alone. Freeing a PID that is not allocated changes
 * nothing, returns -ENOENT and is counted.
 *
 * Locking: every pid_map_* function takes the map's spinlock, so callers on
 * any CPU may race freely; none may be called from an interrupt handler.
 */
#ifndef KERNEL_PID_H
#define KERNEL_PID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bitmap/hbitmap.h>
#include <kernel/errno.h>
#include <kernel/spinlock.h>

#define PID_MAX_DEFAULT		32768
#define PID_MAX_LIMIT		(4 * 1024 * 1024)	/* Linux's limit on 64-bit */
#define PID_RESERVED		300			/* where allocation wraps to */
#define PID_MAX_MIN		(PID_RESERVED + 1)	/* at least one PID after a wrap */

/* Fields are private to pid.c: use the functions. */
struct pid_map {
	struct spinlock lock;		/* everything below but the counter */
	struct hbm used;		/* bit set: PID taken; bit 0 always */
	int pid_max;
	int last;			/* last PID the cyclic search handed out */
	unsigned long bad_frees;	/* atomic */
};

/* Storage words pid_map_init needs for pid_max. */
size_t pid_map_storage_words(int pid_max);
/*
 * Start m with no PID taken, over storage of pid_map_storage_words(pid_max)
 * words. Returns 0, or -EINVAL unless PID_MAX_MIN <= pid_max <=
 * PID_MAX_LIMIT (a bad pid_max: m is then unusable).
 */
int pid_map_init(struct pid_map *m, uint64_t *storage, int pid_max);

/* The next free PID after the last one, wrapping to 300; or -EAGAIN when every PID is taken. */
int pid_map_alloc(struct pid_map *m);
/* Take pid itself: pid, -EEXIST if it is taken, -EINVAL outside [1, pid_max). */
int pid_map_alloc_specific(struct pid_map *m, int pid);
/* Give pid back: 0, -EINVAL outside [1, pid_max), -ENOENT if not allocated (counted). */
int pid_map_free(struct pid_map *m, int pid);

/* Is pid allocated? False for anything outside [1, pid_max). */
bool pid_map_in_use(struct pid_map *m, int pid);
/* How many PIDs are allocated? */
int pid_map_count(struct pid_map *m);
/* The wrap value: PIDs are [1, pid_max). */
int pid_map_max(const struct pid_map *m);
/* Frees refused with -ENOENT so far. */
unsigned long pid_map_bad_frees(const struct pid_map *m);
/*
 * Do the summaries and the count agree with the leaf bits, is PID 0 held,
 * and is the cursor inside [0, pid_max)?
 */
bool pid_map_check(struct pid_map *m);
/*
 * The map as one moment shows it, for printing: fn(arg, first, end) for each
 * run [first, end) of allocated PIDs, lowest first, called with m's lock held
 * (fn must not use m). *last gets the cursor; returns how many are allocated.
 */
int pid_map_walk(struct pid_map *m, int *last, void (*fn)(void *arg, int first, int end),
		 void *arg);

/*
 * pid_max from "pid_max=N" on cmdline: 0 with *pid_max = N, or
 * PID_MAX_DEFAULT when the key is absent; -EINVAL (default kept) when
 * N is not a decimal number, or is 31 characters or longer (never read in
 * part); -ERANGE when N is outside [PID_MAX_MIN, PID_MAX_LIMIT], with
 * *pid_max clamped into it.
 */
int pid_parse_max(const char *cmdline, int *pid_max);

#endif /* KERNEL_PID_H */
