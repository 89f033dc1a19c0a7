// SPDX-License-Identifier: MIT
/*
 * The monitor shell's process commands (kernel): `pids` shows the PID map,
 * `ps` the tasks, and `spawn` runs short tasks across the CPUs.
 */
#include <arch/cpu.h>
#include <arch/smp.h>
#include <arch/tsc.h>
#include <kernel/cpumask.h>
#include <kernel/kmalloc.h>
#include <kernel/pid.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/shell.h>
#include <kernel/shell_parse.h>
#include <kernel/smp.h>
#include <kernel/task.h>

#define out(...)	printk_raw(__VA_ARGS__)

static int cmd_pids(int argc, char **argv)
{
	(void)argc, (void)argv;
	pid_print_state(printk_raw);
	return 0;
}
SHELL_COMMAND(pids, cmd_pids, "pids", 0, 0, "allocated PIDs, pid_max, last");

/* A short task: note its CPU in the mask arg, spin a little so the tasks spread out. */
static int spawn_job(void *arg)
{
	uint64_t until = rdtsc() + tsc_khz() / 10;	/* 100 us */

	cpumask_set_atomic(arg, smp_cpu_id());
	while (rdtsc() < until)
		cpu_relax();
	return task_current(&kernel_tasks)->pid;
}

static int cmd_spawn(int argc, char **argv)
{
	struct cpumask used = { 0 };	/* CPUs that ran a task (atomic bits) */
	struct task **tasks;
	uint64_t n, start, us;
	int lo = 0, hi = 0, err = 0, wrong = 0;
	size_t made = 0;
	char cpulist[128];

	(void)argc;
	if (!shell_parse_u64(argv[1], &n) || n < 1 || n > 1000) {
		out("bad task count '%s': expected 1-1000\n", argv[1]);
		return 0;
	}
	tasks = kmalloc(n * sizeof(*tasks));
	if (!tasks) {
		out("spawn: no memory for %lu task pointers\n", n);
		return 0;
	}
	start = rdtsc();
	while (made < n && (err = task_spawn(&kernel_tasks, spawn_job, &used, NULL,
					       &tasks[made])) == 0)
		made++;
	for (size_t i = 0; i < made; i++) {
		int pid = tasks[i]->pid;

		lo = i == 0 || pid < lo ? pid : lo;
		hi = pid > hi ? pid : hi;
		wrong += task_wait(&kernel_tasks, tasks[i]) != pid;
	}
	us = (rdtsc() - start) * 1000 / (tsc_khz() ? tsc_khz() : 1);
	kfree(tasks);
	cpumask_print(cpulist, sizeof(cpulist), &used, SMP_MAX_CPUS);
	out("spawned %zu of %lu tasks: PIDs %d-%d, on CPUs %s, %lu us; %d wrong exit codes\n",
	    made, n, lo, hi, made ? cpulist : "none", us, wrong);
	if (err)
		out("spawn: stopped early: error %d\n", err);
	return 0;
}
SHELL_COMMAND(spawn, cmd_spawn, "spawn N", 1, 1,
	      "start N short tasks across the CPUs and wait for them");

static int cmd_ps(int argc, char **argv)
{
	(void)argc, (void)argv;
	task_dump(&kernel_tasks, printk_raw);
	return 0;
}
SHELL_COMMAND(ps, cmd_ps, "ps", 0, 0, "list tasks");

