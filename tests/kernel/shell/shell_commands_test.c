// SPDX-License-Identifier: MIT
/* The monitor's command table (kernel): every command registered once, in name order. */
#include <kernel/ktest.h>
#include <kernel/shell.h>
#include <kernel/string.h>

extern const struct shell_bench __start_shell_benches[], __stop_shell_benches[];

/* The monitor's commands as the README and tests/runner/shell_test.py name them, sorted. */
static const char *const monitor_commands[] = {
	"alloc", "bench", "bitmap", "cpus", "free", "gdt", "halt",
	"help", "mem", "pids", "ps", "reboot", "spawn", "test",
};
#define NCOMMANDS	(sizeof(monitor_commands) / sizeof(monitor_commands[0]))

KTEST(shell, every_command_is_registered_once_in_name_order)
{
	size_t n;
	const struct shell_command *c = shell_commands(&n);

	ASSERT_EQ(t, n, NCOMMANDS);
	for (size_t i = 0; i < n; i++)
		EXPECT_STREQ(t, c[i].name, monitor_commands[i]);
}

KTEST(shell, each_command_has_usage_help_and_an_argument_range)
{
	size_t n;
	const struct shell_command *c = shell_commands(&n);

	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(c[i].name);

		EXPECT_EQ(t, strncmp(c[i].usage, c[i].name, len), 0);
		EXPECT_TRUE(t, c[i].usage[len] == '\0' || c[i].usage[len] == ' ');
		EXPECT_GT(t, strlen(c[i].help), 0);
		EXPECT_NOT_NULL(t, c[i].run);
		EXPECT_LE(t, c[i].min_args, c[i].max_args);
	}
}

KTEST(shell, find_takes_whole_names_only)
{
	const struct shell_command *c = shell_find("free");

	ASSERT_NOT_NULL(t, c);
	EXPECT_STREQ(t, c->usage, "free ADDR [N]");
	EXPECT_EQ(t, c->min_args, 1);
	EXPECT_EQ(t, c->max_args, 2);
	EXPECT_NULL(t, shell_find("fre"));
	EXPECT_NULL(t, shell_find("freed"));
	EXPECT_NULL(t, shell_find("FREE"));
	EXPECT_NULL(t, shell_find(""));
}

KTEST(shell, benchmarks_run_in_name_order)
{
	static const char *const names[] = { "bitmap_find_next", "pfa_alloc_free" };
	const struct shell_bench *b = __start_shell_benches;

	ASSERT_EQ(t, __stop_shell_benches - b, 2);
	EXPECT_STREQ(t, b[0].name, names[0]);
	EXPECT_STREQ(t, b[1].name, names[1]);
}
