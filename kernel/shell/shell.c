// SPDX-License-Identifier: MIT
/*
 * The monitor shell's dispatcher: after the self-tests, a prompt on the
 * screen and on COM1 (both feed one input queue); each line runs one of
 * the commands the subsystems register (<kernel/shell.h>). Bad input gets
 * a one-line error and the prompt back.
 */
#include <arch/tsc.h>
#include <kernel/console.h>
#include <kernel/input.h>
#include <kernel/printk.h>
#include <kernel/shell.h>
#include <kernel/shell_parse.h>
#include <kernel/string.h>

#define PROMPT		"setbit> "
#define MAX_ARGS	8

/* linker.ld gathers the registrations here, sorted by name. */
extern const struct shell_command __start_shell_commands[], __stop_shell_commands[];
extern const struct shell_bench __start_shell_benches[], __stop_shell_benches[];

#define out(...)	printk_raw(__VA_ARGS__)

const struct shell_command *shell_commands(size_t *n)
{
	*n = (size_t)(__stop_shell_commands - __start_shell_commands);
	return __start_shell_commands;
}

const struct shell_command *shell_find(const char *name)
{
	for (const struct shell_command *c = __start_shell_commands; c < __stop_shell_commands; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

uint64_t shell_cycles_to_ns(uint64_t cycles)
{
	uint64_t khz = tsc_khz();

	return khz ? cycles * 1000000 / khz : 0;
}

/* ---------------------------------------------------------------- help, bench */

static int list_commands(int argc, char **argv)
{
	(void)argc, (void)argv;
	for (const struct shell_command *c = __start_shell_commands; c < __stop_shell_commands; c++)
		out("  %-24s %s\n", c->usage, c->help);
	out("  keys: Left/Right, Home/End, Up/Down history, Ctrl-U clear, Ctrl-C cancel\n");
	return 0;
}
SHELL_COMMAND(help, list_commands, "help", 0, 0, "this list");

static int run_benches(int argc, char **argv)
{
	(void)argc, (void)argv;
	if (!tsc_khz()) {
		out("not available: the TSC is not calibrated\n");
		return 0;
	}
	for (const struct shell_bench *b = __start_shell_benches; b < __stop_shell_benches; b++)
		b->run();
	return 0;
}
SHELL_COMMAND(bench, run_benches, "bench", 0, 0, "in-kernel micro-benchmarks");

/* ---------------------------------------------------------------- the prompt */

static void run_line(char *line)
{
	char *argv[MAX_ARGS];
	int argc = shell_split(line, argv, MAX_ARGS);
	const struct shell_command *c;

	if (argc == 0)
		return;
	c = shell_find(argv[0]);
	if (!c) {
		out("unknown command '%s' (try 'help')\n", argv[0]);
		return;
	}
	if (argc - 1 < c->min_args || argc - 1 > c->max_args || c->run(argc, argv) < 0)
		out("usage: %s\n", c->usage);
}

static void echo(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	printk_write(s, len);
}

void shell_run(void)
{
	static struct lineedit le = { .echo = echo };

	input_init();
	for (const struct shell_command *c = __start_shell_commands; c < __stop_shell_commands; c++)
		if (c->prepare)
			c->prepare();
	out("\nsetbit monitor: type 'help' for commands\n");
	for (;;) {
		enum lineedit_result r;

		out(PROMPT);
		lineedit_reset(&le);
		screen_show_cursor(true);
		do
			r = lineedit_key(&le, input_getc());
		while (r == LINE_EDITING);
		screen_show_cursor(false);
		if (r == LINE_DONE)
			run_line(le.buf);
	}
}
