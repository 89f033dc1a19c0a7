/* SPDX-License-Identifier: MIT */
/*
 * The kernel's error codes: one vocabulary for every kernel file and
 * portable core. A function that refuses its input returns the negated
 * code (-EINVAL), and its header says which codes it returns and when.
 *
 * The values are Linux's (include/uapi/asm-generic/errno-base.h and
 * errno.h), so a number in a log reads the same as on Linux and the host's
 * <errno.h> may be included beside this header. lib/bitmap keeps its own
 * BM_E* names (it includes only <std*.h>); kernel/core/assert.c checks at
 * build time that they are these values. Beside each: what it means here.
 */
#ifndef KERNEL_ERRNO_H
#define KERNEL_ERRNO_H

#define ENOENT		2	/* no such thing: a table, an allocated PID */
#define EAGAIN		11	/* none left now; may succeed later (every PID taken) */
#define ENOMEM		12	/* out of memory */
#define EBUSY		16	/* already taken (a vector) */
#define EEXIST		17	/* the specific one asked for is taken (a PID) */
#define EINVAL		22	/* malformed input, or not something we handed out */
#define ENOSPC		28	/* the table is full (GDT slots, vectors) */
#define ERANGE		34	/* a value outside its allowed range */
#define EOVERFLOW	75	/* a result too large for its type */

#endif /* KERNEL_ERRNO_H */
