/* SPDX-License-Identifier: MIT */
/*
 * The kernel's instances of the PID and task cores (kernel/proc/proc.c):
 * one struct pid_map, sized by "pid_max=" on the command line, with plain
 * wrappers over it, and the scheduler kernel_tasks on guarded stacks. The
 * cores and their contracts are in <kernel/pid.h> and <kernel/task.h>.
 */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include <kernel/pid.h>
#include <kernel/task.h>

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

/* The kernel's scheduler. */
extern struct task_sched kernel_tasks;
/* Bring up the kernel's PIDs (pid_init) and tasks, after the heap. */
void task_init(void);
/* Print the kernel's tasks: PID, CPU, state. */
void task_ps(void);

#endif /* KERNEL_PROC_H */
