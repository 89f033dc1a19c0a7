/*
 * The kernel's instance of the PID core (kernel/proc/proc.c): one struct
 * pid_map, sized by "pid_max=" on the command line, and plain wrappers
 * over it. The core and its contract are in <kernel/pid.h>.
 */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include <kernel/pid.h>

/* Size the kernel's map from the command line and take its storage from the frame allocator. */
void pid_init(void);
/* A PID from the kernel's map, or -EAGAIN when every PID is taken. */
int pid_alloc(void);
/*
 * Give back a PID from pid_alloc: 0, or pid_map_free's -EINVAL or -ENOENT
 * after logging the refusal with the caller (the map counts it).
 */
int pid_free(int pid);
/* The kernel's map, for counts and tests. */
struct pid_map *pid_kernel_map(void);
/*
 * Print "pid_max N, last L, C allocated: 1-3,300" through print; a list
 * longer than 511 characters ends after its last whole run, then ",...".
 */
void pid_print_state(void (*print)(const char *fmt, ...));

#endif /* KERNEL_PROC_H */
