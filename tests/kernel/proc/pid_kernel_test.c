// SPDX-License-Identifier: MIT
/* The kernel's PID map as `pids` prints it: exact lines, and a long list cut at a whole run (kernel only). */
#include <stdarg.h>
#include <kernel/ktest.h>
#include <kernel/pid.h>
#include <kernel/printk.h>
#include <kernel/proc.h>
#include <kernel/string.h>

#define LIST_MAX	511	/* characters of list pid_print_state shows */

static char line[1024];

static void print_line(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
}

/* A map with nothing allocated, the cursor at a PID we took and gave back; returns it. */
static int quiet_map(struct ktest *t)
{
	int pid;

	if (pid_map_count(pid_kernel_map()) != 0)
		ktest_skip(t, "PIDs in use: the expected line could not be known");
	if (pid_map_max(pid_kernel_map()) < 4096)
		ktest_skip(t, "pid_max below 4096");
	pid = pid_alloc();
	ASSERT_GT(t, pid, 0);
	ASSERT_EQ(t, pid_free(pid), 0);
	return pid;
}

KTEST(pid_kernel, pids_line_lists_runs_and_singles)
{
	struct pid_map *m = pid_kernel_map();
	int last = quiet_map(t), max = pid_map_max(m), b = max - 100;
	char want[128];

	ASSERT_EQ(t, pid_map_alloc_specific(m, b), b);
	ASSERT_EQ(t, pid_map_alloc_specific(m, b + 1), b + 1);
	ASSERT_EQ(t, pid_map_alloc_specific(m, b + 5), b + 5);
	pid_print_state(print_line);
	snprintf(want, sizeof(want), "pid_max %d, last %d, 3 allocated: %d-%d,%d\n", max, last, b,
		 b + 1, b + 5);
	EXPECT_STREQ(t, line, want);
	EXPECT_EQ(t, pid_free(b) + pid_free(b + 1) + pid_free(b + 5), 0);
	pid_print_state(print_line);
	snprintf(want, sizeof(want), "pid_max %d, last %d, 0 allocated: none\n", max, last);
	EXPECT_STREQ(t, line, want);
}

KTEST(pid_kernel, long_pids_list_ends_at_a_whole_pid)
{
	enum { N = 200 };	/* 200 single PIDs of 4-7 digits: far more than 511 characters */
	struct pid_map *m = pid_kernel_map();
	int last = quiet_map(t), max = pid_map_max(m), b = max - 2 * N;
	static char list[LIST_MAX + 1], want[sizeof(list) + 64];
	size_t len = 0;

	for (int i = 0; i < N; i++)
		ASSERT_EQ(t, pid_map_alloc_specific(m, b + 2 * i), b + 2 * i);
	/* The expected list: whole entries while they fit in 511 characters. */
	for (int i = 0; i < N; i++) {
		char entry[16];
		size_t n = (size_t)snprintf(entry, sizeof(entry), "%s%d", i ? "," : "", b + 2 * i);

		if (len + n > LIST_MAX)
			break;
		memcpy(list + len, entry, n + 1);
		len += n;
	}
	pid_print_state(print_line);
	snprintf(want, sizeof(want), "pid_max %d, last %d, %d allocated: %s,...\n", max, last, N,
		 list);
	EXPECT_STREQ(t, line, want);
	for (int i = 0; i < N; i++)
		EXPECT_EQ(t, pid_free(b + 2 * i), 0);
}
