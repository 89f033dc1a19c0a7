// SPDX-License-Identifier: MIT
/* The monitor shell's `test`: the registered self-tests again, as at boot. */
#include <kernel/ktest_run.h>
#include <kernel/shell.h>

static int rerun_tests(int argc, char **argv)
{
	ktest_run_filter(argc > 1 ? argv[1] : NULL);
	return 0;
}
SHELL_COMMAND(test, rerun_tests, "test [GLOB]", 0, 1,
	      "rerun the self-tests (GLOB[,GLOB...] selects)");
