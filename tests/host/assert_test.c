// SPDX-License-Identifier: MIT
/*
 * Host only: assert() aborts with "assertion failed: FUNC() at FILE:LINE:
 * EXPR" on stderr, and the frame allocator's invariant asserts fire when
 * its state is broken behind its back. Each case runs the failing code in
 * a child process and reads what it left.
 */
#include <kernel/assert.h>
#include <kernel/ktest.h>
#include <kernel/pfa.h>

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct outcome {
	bool aborted;		/* killed by SIGABRT */
	int status;		/* waitpid's status */
	char err[512];		/* what it wrote to stderr */
};

/* Run fn(arg) in a child with stderr on a pipe: did it abort, and what did it say? */
static void run_child(void (*fn)(void *arg), void *arg, struct outcome *o)
{
	int fds[2];
	size_t n = 0;
	ssize_t r;
	pid_t pid;

	memset(o, 0, sizeof(*o));
	fflush(stdout);
	fflush(stderr);
	if (pipe(fds) != 0)
		return;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		close(fds[1]);
		fn(arg);
		_exit(0);
	}
	close(fds[1]);
	while (n + 1 < sizeof(o->err) && (r = read(fds[0], o->err + n, sizeof(o->err) - 1 - n)) > 0)
		n += (size_t)r;
	close(fds[0]);
	if (pid > 0 && waitpid(pid, &o->status, 0) == pid)
		o->aborted = WIFSIGNALED(o->status) && WTERMSIG(o->status) == SIGABRT;
}

/* Asserts that sum is 2; returns the line of that assert (both on one line). */
static int check_sum(int sum)
{
	assert(sum == 2); return __LINE__;
}

static void bad_sum(void *arg)
{
	(void)arg;
	check_sum(3);
}

static void good_sum(void *arg)
{
	(void)arg;
	check_sum(2);
}

KTEST(assert, host_assert_aborts_naming_function_file_line_and_expression)
{
	struct outcome o;
	char want[160];

	snprintf(want, sizeof(want), "assertion failed: check_sum() at tests/host/assert_test.c:%d: sum == 2\n",
		 check_sum(2));
	run_child(bad_sum, NULL, &o);
	EXPECT_TRUE(t, o.aborted);
	EXPECT_STREQ(t, o.err, want);
}

KTEST(assert, a_true_assert_does_nothing)
{
	struct outcome o;

	run_child(good_sum, NULL, &o);
	EXPECT_FALSE(t, o.aborted);
	EXPECT_TRUE(t, WIFEXITED(o.status) && WEXITSTATUS(o.status) == 0);
	EXPECT_STREQ(t, o.err, "");
}

#define NFRAMES		256

static struct pfa pa;
static uint64_t storage[HBM_STORAGE_WORDS(NFRAMES) + 3 * BM_WORDS(NFRAMES)];

/* Frames [0, 100) handed out as a run, the rest free; then frame `stray` marked in use behind pa's back. */
static void pfa_with_stray_mark(uint64_t stray)
{
	pfa_init(&pa, storage, NFRAMES, 0, 1);
	pfa_add_frames(&pa, 0, NFRAMES);
	pfa_alloc_frames(&pa, 100, 1, PFA_NONE);
	bm_set(pa.inuse, stray);
}

static void alloc_run_of_80(void *arg)
{
	(void)arg;
	pfa_alloc_frames(&pa, 80, 1, PFA_NONE);		/* frames [100, 180) */
}

static void alloc_one(void *arg)
{
	(void)arg;
	pfa_alloc_frame(&pa, 0);			/* frame 100, the pool's lowest */
}

/* "assertion failed: FUNC() at kernel/mm/pfa.c:N: newly_in_use\n", N any line. */
static bool pfa_assert_line(const char *err, const char *func)
{
	char head[96];
	const char *tail = ": newly_in_use\n";
	size_t n = strlen(err);

	snprintf(head, sizeof(head), "assertion failed: %s() at kernel/mm/pfa.c:", func);
	return strncmp(err, head, strlen(head)) == 0 && n > strlen(tail) &&
	       strcmp(err + n - strlen(tail), tail) == 0;
}

KTEST(assert, pfa_handing_out_a_run_with_a_frame_in_use_aborts)
{
	struct outcome o;

	pfa_with_stray_mark(170);			/* second word of the next run */
	run_child(alloc_run_of_80, NULL, &o);
	EXPECT_TRUE(t, o.aborted);
	EXPECT_TRUE(t, pfa_assert_line(o.err, "hand_out_run"));
	if (!pfa_assert_line(o.err, "hand_out_run"))
		ktest_diag(t, "stderr: %s", o.err);
}

KTEST(assert, pfa_handing_out_a_frame_in_use_aborts)
{
	struct outcome o;

	pfa_with_stray_mark(100);
	run_child(alloc_one, NULL, &o);
	EXPECT_TRUE(t, o.aborted);
	EXPECT_TRUE(t, pfa_assert_line(o.err, "hand_out"));
	if (!pfa_assert_line(o.err, "hand_out"))
		ktest_diag(t, "stderr: %s", o.err);
}
