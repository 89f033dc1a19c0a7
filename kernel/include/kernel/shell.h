/* SPDX-License-Identifier: MIT */
/*
 * The monitor shell: a prompt on the screen and the serial line, and a
 * dispatcher for the commands each subsystem registers where it writes them.
 *
 * A command is a function and one line of registration, in the subsystem
 * whose state it shows (kernel/mm/ has `mem`, kernel/proc/ has `ps`):
 *
 *	static int show_tasks(int argc, char **argv) { ... return 0; }
 *	SHELL_COMMAND(ps, show_tasks, "ps", 0, 0, "list tasks");
 *
 * The dispatcher splits the line at spaces, finds the command by its first
 * word and checks the argument count against [min_args, max_args] before
 * it calls run(argc, argv) (argv[0] is the name); run returns 0, or -1 to
 * have the usage printed. A command validates every argument before it
 * changes anything, and prints its output with printk_raw. The
 * subsystem prints its own state through its own function, under its own
 * lock: a command never takes another subsystem's lock.
 *
 * The linker gathers the registrations (linker.ld) sorted by name, so
 * `help` lists the commands in name order whatever the link order is.
 * SHELL_BENCH registers an in-kernel benchmark the same way, beside the
 * code it measures; `bench` runs them all, in name order.
 */
#ifndef KERNEL_SHELL_H
#define KERNEL_SHELL_H

#include <stddef.h>
#include <stdint.h>

struct shell_command {
	const char *name;
	int (*run)(int argc, char **argv);	/* 0, or -1 to print the usage */
	const char *usage;			/* "free ADDR [N]": help and errors show it */
	int min_args, max_args;			/* after the name */
	const char *help;			/* one line for `help` */
	void (*prepare)(void);			/* NULL, or run once before the first prompt */
};

struct shell_bench {
	const char *name;
	void (*run)(void);	/* prints one or more "  what: N ns per op" lines */
};

#define SHELL_COMMAND(name, run, usage, min_args, max_args, help)		\
	SHELL_COMMAND_PREPARE(name, run, usage, min_args, max_args, help, NULL)

/* A command with state to set up when the shell starts (prepare prints any problem). */
#define SHELL_COMMAND_PREPARE(name, run, usage, min_args, max_args, help, prepare)	\
	static const struct shell_command shell_command_##name			\
	__attribute__((used, section("shell_commands." #name), aligned(8))) = {	\
		#name, run, usage, min_args, max_args, help, prepare		\
	}

#define SHELL_BENCH(name, run)							\
	static const struct shell_bench shell_bench_##name			\
	__attribute__((used, section("shell_benches." #name), aligned(8))) = {	\
		#name, run							\
	}

/* Read and run commands forever (from kmain, after the self-tests). */
void shell_run(void) __attribute__((noreturn));

/* The registered commands, *n of them, sorted by name. */
const struct shell_command *shell_commands(size_t *n);
/* The command called name, or NULL. */
const struct shell_command *shell_find(const char *name);

/* For benchmarks: TSC cycles as nanoseconds (`bench` runs none before the TSC is calibrated). */
uint64_t shell_cycles_to_ns(uint64_t cycles);

#endif /* KERNEL_SHELL_H */
