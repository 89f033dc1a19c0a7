#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the KTAP judge on canned logs and the host backend against golden output; prints KTAP.

    tests/runner/runner_test.py [KTEST_DEMO]     (default: build/host/ktest-demo)
"""

import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

sys.dont_write_bytecode = True     # no __pycache__ in tests/runner/
import ktap      # noqa: E402  (tests/runner/, next to this file)
import loadtool  # noqa: E402
import matrix    # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


runner = loadtool.load("ktest-runner.py")
TIMEOUT = "timeout"         # stands for "killed by the runner's timer" in the table below

# (name, log, exit status, pass?, substrings the reason must contain, (passed, failed, skipped))
CANNED = [
    ("clean_pass", "pass.log", 33, True, [], (4, 0, 1)),
    ("serial_crlf_escapes", "serial-crlf.log", 33, True, [], (1, 0, 0)),
    ("one_not_ok", "not-ok.log", 35, False,
     ["not ok: bitmap.find_first (tests/lib/bitmap/find_test.c:42: ", "exit status 35"], (3, 1, 0)),
    ("truncated", "truncated.log", 33, False,
     ["truncated: log ends inside suite bitmap (2 of 3 cases)"], (2, 0, 0)),
    ("panic", "panic.log", 35, False,
     ["panic: [    0.210000] E KERNEL PANIC on cpu 0: pfa: double free"], (1, 0, 0)),
    ("panic_without_backtrace", "panic.log", 35, False,
     ["short backtrace: 0 named frames, want 3"], (1, 0, 0)),
    ("panic_with_backtrace", "panic-backtrace.log", 35, False,
     ["panic: KERNEL PANIC: ktest.selftest=task_panic"], (0, 0, 0)),
    ("assert_panic", "panic-assert.log", 35, False,
     ["panic: KERNEL PANIC: assertion failed: hand_out() at kernel/mm/pfa.c:121: newly_in_use"],
     (0, 0, 0)),
    ("missing_plan", "no-plan.log", 33, False, ["missing plan"], (1, 0, 0)),
    ("plan_mismatch", "plan-mismatch.log", 33, False,
     ["plan mismatch: 1..3 but 2 suite results"], (2, 0, 0)),
    ("suite_plan_mismatch", "suite-plan-mismatch.log", 33, False,
     ["plan mismatch in suite bitmap: 1..4 but 3 results"], (3, 0, 0)),
    ("missing_version", "no-version.log", 33, False, ["missing 'KTAP version 1'"], (1, 0, 0)),
    ("missing_summary", "no-summary.log", 33, False, ["missing summary line"], (1, 0, 0)),
    ("wrong_summary", "wrong-summary.log", 33, False,
     ["summary says 3 passed, 0 failed, 0 skipped but the results say 2, 0, 0"], (2, 0, 0)),
    ("rebooted", "rebooted.log", 33, False, ["KTAP restarted"], (1, 0, 0)),
    ("no_cases", "empty.log", 33, False, ["no test cases ran"], (0, 0, 0)),
    ("suite_with_plan_zero", "suite-plan-zero.log", 33, False,
     ["no test cases ran in suite pfa"], (2, 0, 0)),
    ("every_case_skipped", "all-skipped.log", 33, False,
     ["no test cases ran: all 3 skipped"], (0, 0, 3)),
    ("some_cases_skipped", "some-skipped.log", 33, True, [], (1, 0, 2)),
    # Every case passed, but the suite kept frames: the suite's own diagnostic is the reason.
    ("suite_failed_by_leak", "selftest-leak.log", 35, False,
     ["not ok: selftest (leak: suite selftest: 2 frames, 1 heap object)"], (1, 0, 0)),
    ("triple_fault_status", "pass.log", 0, False,
     ["exit status 0 (triple fault"], (4, 0, 1)),
    ("fail_status_clean_log", "pass.log", 35, False,
     ["exit status 35 (kernel reported failure)"], (4, 0, 1)),
    ("timeout", "truncated.log", TIMEOUT, False, ["timeout after 120s", "truncated"], (2, 0, 0)),
]

# The host backend's own output, compared line for line with a golden file.
# (name, arguments (a filter, options), golden file, exit status)
GOLDEN = [
    ("all_cases", [], "ktest-demo.ktap", 1),
    ("filter_case_glob", ["alpha.s*"], "ktest-demo-alpha-s.ktap", 1),
    ("filter_suite", ["zulu"], "ktest-demo-zulu.ktap", 0),
    ("filter_glob_list", ["zulu,alpha.skips"], "ktest-demo-list.ktap", 0),
    # As ktest.filter=selftest ktest.selftest=fail: the filter alone selects no selftest case.
    ("selftest_only_by_name", ["--selftest=fail", "selftest"], "ktest-demo-selftest.ktap", 1),
    ("selftest_not_by_filter", ["selftest,zulu"], "ktest-demo-zulu.ktap", 0),
]


class Suite:
    """A KTAP suite printed as its cases finish."""

    def __init__(self, name, ncases):
        self.name, self.n, self.failed, self.passed = name, 0, 0, 0
        print(f"  KTAP version 1\n  # Subtest: {name}\n  1..{ncases}")

    def case(self, name, problems):
        self.n += 1
        for p in problems:
            print(f"  # {p}")
        if problems:
            self.failed += 1
            print(f"  not ok {self.n} {name}")
        else:
            self.passed += 1
            print(f"  ok {self.n} {name}")

    def end(self, number):
        print(f"{'not ok' if self.failed else 'ok'} {number} {self.name}")


def check_canned(log, status, want_ok, want_reasons, want_counts):
    with open(os.path.join(HERE, "logs", log)) as f:
        text = f.read()
    killed = "timeout after 120s" if status == TIMEOUT else None
    v = ktap.judge(text, None if killed else status, killed=killed)
    problems = []
    if v.ok != want_ok:
        problems.append(f"{log}: expected {'pass' if want_ok else 'fail'}, "
                        f"got {'pass' if v.ok else 'fail'} ({v.reason})")
    problems += [f"{log}: reason lacks {r!r}: {v.reason!r}"
                 for r in want_reasons if r not in v.reason]
    if (v.passed, v.failed, v.skipped) != want_counts:
        problems.append(f"{log}: expected counts {want_counts}, "
                        f"got {(v.passed, v.failed, v.skipped)}")
    return problems


def check_host_verdicts():
    """A host log passes with exit status 0 and fails with anything else; it
    may be flat KTAP with no ktest summary line."""
    with open(os.path.join(HERE, "logs", "pass.log")) as f:
        text = f.read()
    problems = []
    if not ktap.judge(text, 0, expected=0, qemu=False).ok:
        problems.append("host run with exit status 0 judged failed")
    v = ktap.judge(text, 1, expected=0, qemu=False)
    if v.ok or v.reason != "exit status 1":
        problems.append(f"host run with exit status 1: got {v.reason!r}")
    with open(os.path.join(HERE, "logs", "flat-host.log")) as f:
        v = ktap.judge(f.read(), 0, expected=0, qemu=False)
    if not v.ok or (v.passed, v.failed, v.skipped) != (2, 0, 1):
        problems.append(f"flat-host.log: expected a pass with counts (2, 0, 1), "
                        f"got {(v.passed, v.failed, v.skipped)}: {v.reason!r}")
    for log, want in (("flat-empty.log", "no test cases ran"),
                      ("flat-skipped.log", "no test cases ran: all 1 skipped")):
        with open(os.path.join(HERE, "logs", log)) as f:
            v = ktap.judge(f.read(), 0, expected=0, qemu=False)
        if v.ok or want not in v.reason:
            problems.append(f"{log} with exit status 0: expected a failure with {want!r}, "
                            f"got {'pass' if v.ok else 'fail'} ({v.reason!r})")
    return problems


def check_shuffle_verdicts():
    """A run given ktest.shuffle=SEED passes only if its log says it shuffled
    with that seed and its suites did not run in name order."""
    with open(os.path.join(HERE, "logs", "shuffled.log")) as f:
        shuffled = f.read().replace("SEED", "7")
    with open(os.path.join(HERE, "logs", "pass.log")) as f:
        plain = f.read()
    with open(os.path.join(HERE, "logs", "shuffle-ignored.log")) as f:
        in_name_order = f.read()
    problems = []
    for name, text, seed, want in (
            ("shuffled.log", shuffled, 7, None),
            ("pass.log", plain, 7, "not shuffled: no '# ktest.shuffle=7' line"),
            ("shuffled.log", shuffled, 8, "shuffled with seed 7, not 8"),
            ("shuffle-ignored.log", in_name_order, 7,
             "not shuffled: seed 7 but the suites ran in name order"),
            ("pass.log unshuffled", plain, None, None)):
        v = ktap.judge(text, 33, shuffle=seed)
        if v.ok != (want is None) or (want and want not in v.reason):
            problems.append(f"{name} with seed {seed}: expected "
                            f"{'a pass' if want is None else repr(want)}, got "
                            f"{'pass' if v.ok else 'fail'} ({v.reason!r})")
    return problems


def suite_key(name, seed):
    """ktest.shuffle's sort key, written from the published algorithms:
    64-bit FNV-1a of the name, xor seed + 0x9e3779b97f4a7c15, splitmix64's mix."""
    mask = 2 ** 64 - 1
    h = 0xcbf29ce484222325
    for byte in name.encode():
        h = ((h ^ byte) * 0x100000001b3) & mask
    z = h ^ ((seed + 0x9e3779b97f4a7c15) & mask)
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & mask
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & mask
    return z ^ (z >> 31)


def check_host_shuffle(demo):
    """--shuffle=SEED and KTEST_SHUFFLE=SEED run the demo's suites in the order
    the key gives, print the seed, and reject a bad seed."""
    if not os.path.exists(demo):
        return [f"{demo} is missing"]
    suites = ["alpha", "selftest", "zulu"]
    problems, reordered = [], 0
    for seed in range(1, 9):
        want = sorted(suites, key=lambda n: (suite_key(n, seed), n))
        reordered += want != suites
        for argv, env in (([f"--shuffle={seed}"], {}), ([], {"KTEST_SHUFFLE": str(seed)})):
            proc = subprocess.run([demo, "--selftest=fail"] + argv + [",".join(suites)],
                                  capture_output=True,
                                  text=True, cwd=ROOT, env=dict(os.environ, **env))
            rep = ktap.parse_ktap(proc.stdout)
            got = [s.name for s in rep.suites]
            if got != want or rep.shuffle != seed:
                problems.append(f"{argv or env}: expected {want} and seed {seed}, "
                                f"got {got} and seed {rep.shuffle}")
    if not reordered:
        problems.append("no seed in 1-8 reorders the demo's suites: pick others")
    proc = subprocess.run([demo, "--shuffle=12x"], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 2 or 'bad --shuffle="12x"' not in proc.stderr or proc.stdout:
        problems.append(f"--shuffle=12x: expected status 2 and an error, got "
                        f"{proc.returncode}, {proc.stderr.strip()!r}, {proc.stdout[:60]!r}")
    return problems


def check_golden(demo, args, golden, want_status):
    if not os.path.exists(demo):
        return [f"{demo} is missing: build it with make {os.path.relpath(demo, ROOT)}"]
    proc = subprocess.run([demo] + args, capture_output=True,
                          text=True, cwd=ROOT)
    with open(os.path.join(HERE, "expected", golden)) as f:
        want = f.read().splitlines()
    got = proc.stdout.splitlines()
    problems = []
    if proc.returncode != want_status:
        problems.append(f"exit status: expected {want_status}, got {proc.returncode}")
    for i in range(max(len(want), len(got))):
        w = want[i] if i < len(want) else "<end>"
        g = got[i] if i < len(got) else "<end>"
        if w != g:
            problems.append(f"line {i + 1}: expected {w!r}, got {g!r}")
            break
    return problems


def check_judge_on_demo(demo):
    """The judge reads the backend's real output the way the golden file says."""
    if not os.path.exists(demo):
        return [f"{demo} is missing"]
    proc = subprocess.run([demo], capture_output=True, text=True, cwd=ROOT)
    v = ktap.judge(proc.stdout, proc.returncode, expected=0, qemu=False)
    want = "not ok: alpha.expect_goes_on (tests/host/ktest_demo.c:"
    problems = []
    if (v.passed, v.failed, v.skipped) != (2, 3, 2):
        problems.append(f"expected counts (2, 3, 2), got {(v.passed, v.failed, v.skipped)}")
    if v.ok or not v.reason.startswith(want) or "(+2 more)" not in v.reason:
        problems.append(f"unexpected verdict: {v.reason!r}")
    return problems


def end_to_end_cases():
    """The whole runner with fake-qemu.sh and fake-mkiso.sh, on the real matrix:
    one host command, the boots (one without a serial line counts as one case)
    and the break-on-purpose boots; pass.log holds 4 passing cases.
    Yields (name, environment for fake-qemu, exit status, closing line,
    regexps the output must match)."""
    boots = runner.matrix_runs(runner.parse_args(["test"]))
    serial = sum(1 for b in boots if b.serial)
    silent = len(boots) - serial
    breaks = len(matrix.SELFTESTS)
    everything = 4 + 4 * serial + silent + breaks
    shuffled = f"{matrix.SHUFFLED_BOOT}-shuffle{runner.SHUFFLE_SEED}"
    yield ("all_pass", {}, 0, f"{everything} passed, 0 failed",
           [r"uefi-q35-smp4-2G-cpumax +\| PASS +\| +4 \| +0 \| +1 \|",
            rf"{shuffled} +\| PASS +\| +4 \| +0 \| +1 \|",
            r"selftest-hang +\| CAUGHT \|",
            r"caught selftest-hang: timeout: no output after '" + re.escape(matrix.HANG_MARK)
            + r"' for 0\.3s",
            r"bios-pc-smp2-128M-noserial +\| PASS +\| +1 \| +0 \| +0 \|",
            rf"\n# {everything} cases run, \d+ distinct"])
    yield ("matrix_fails", {"FAKE_QEMU_LOG": "not-ok.log", "FAKE_QEMU_STATUS": "35"}, 1,
           f"{4 + 3 * serial + breaks} passed, {serial + silent} failed",
           [r"FAIL bios-pc-smp1-128M: not ok: bitmap\.find_first \(tests/lib/bitmap/find_test\.c:42",
            r"exit status 35 \(kernel reported failure\) \[.*/bios-pc-smp1-128M\.log\]",
            r"FAIL bios-pc-smp2-128M-noserial: exit status 35 \(kernel reported failure\)",
            # Under the table: the failing case's message and the log's tail.
            r"\n--- bios-pc-smp1-128M: not ok: bitmap\.find_first.*\nnot ok bitmap\.find_first\n"
            r"    # tests/lib/bitmap/find_test\.c:42: bitmap_find_first\(map, 128\): expected 70",
            r"last 18 lines of .*/bios-pc-smp1-128M\.log:\n  \| \[    0\.000000\] I setbit"])
    yield ("selftests_missed", {"FAKE_QEMU_IGNORE_SELFTEST": "1"}, 1,
           f"{everything - breaks} passed, {breaks} failed",
           [r"FAIL selftest-panic: passed, but must fail with 'panic: '",
            r"selftest-fail +\| MISSED \|"])
    # The hang never says it spins: only --hang-timeout stops it, and that is no catch.
    yield ("hang_not_announced", {"FAKE_QEMU_HANG_SILENT": "1"}, 1,
           f"{everything - 1} passed, 1 failed",
           [r"FAIL selftest-hang: expected 'timeout: no output after '.*', judged: timeout after 1\.5s"])
    # The late-AP boot passes its suites but never logged the AP left out.
    yield ("late_ap_not_logged", {"FAKE_QEMU_LATE_SILENT": "1"}, 1,
           f"{everything} passed, 1 failed",
           [r"FAIL bios-pc-lateap-smp3-512M: no 'smp: CPU with APIC ID 1 did not answer"])
    # Every boot with a serial log passes its cases but never says the leak check ran.
    yield ("leak_check_silent", {"FAKE_QEMU_NO_LEAK_LINE": "1"}, 1,
           f"{everything} passed, {serial} failed",
           [r"FAIL bios-pc-smp1-128M: no 'ktest: leak check ran after each of' in the log"])
    yield ("shuffle_ignored", {"FAKE_QEMU_LOG": "pass.log"}, 1,
           f"{everything} passed, 1 failed",     # its 4 cases passed; the run did not
           [rf"FAIL {shuffled}: not shuffled: no '# ktest\.shuffle={runner.SHUFFLE_SEED}' line"])
    yield ("host_command_fails", {"FAKE_HOST_FAIL": "1"}, 1,
           f"{everything} passed, 1 failed", [r"FAIL host:fake-host: exit status 1 \["])


def check_end_to_end(name, env, want_status, want_last, want_text):
    out = os.path.join(ROOT, "build", "test", "runner-selftest", name)
    host = os.path.join(out, "fake-host.sh")
    os.makedirs(out, exist_ok=True)
    with open(host, "w") as f:
        f.write(f"#!/bin/sh\ncat {HERE}/logs/pass.log\nexit ${{FAKE_HOST_FAIL:-0}}\n")
    os.chmod(host, 0o755)
    proc = subprocess.run(
        [sys.executable, os.path.join(HERE, "ktest-runner.py"), "test",
         "--selftests", "--hang-timeout", "1.5", "--hang-stall", "0.3", "--jobs", "4", "--out", out,
         "--qemu", os.path.join(HERE, "fake-qemu.sh"),
         "--mkiso", os.path.join(HERE, "fake-mkiso.sh"),
         "--ovmf-vars", os.path.join(HERE, "fake-mkiso.sh"), host],
        capture_output=True, text=True, env=dict(os.environ, **env), timeout=120)
    lines = proc.stdout.splitlines()
    problems = []
    if proc.returncode != want_status:
        problems.append(f"exit status: expected {want_status}, got {proc.returncode}")
    if not lines or lines[-1] != want_last:
        problems.append(f"last line: expected {want_last!r}, got "
                        f"{lines[-1] if lines else proc.stderr.strip()[-200:]!r}")
    problems += [f"output does not match {t!r}" for t in want_text
                 if not re.search(t, proc.stdout)]
    return problems


def check_start_order():
    """Runs start longest first by the last results.json's times, else by a
    guess, so a long host command does not start last."""
    out = os.path.join(ROOT, "build", "test", "runner-order")
    os.makedirs(out, exist_ok=True)
    runs = [runner.Run("host:shell_test", ["x"], "x.log", 1, qemu=False),
            runner.Run("bios-pc-smp1-128M", ["x"], "x.log", 1),
            runner.Run("uefi-q35-smp1-128M", ["x"], "x.log", 1),
            runner.Run("bios-pc-new-boot", ["x"], "x.log", 1)]
    path = os.path.join(out, "results.json")
    if os.path.exists(path):
        os.remove(path)
    problems = []
    cold = [r.name for r in runner.start_order(runs, out)]
    if cold != ["host:shell_test", "uefi-q35-smp1-128M", "bios-pc-new-boot",
                "bios-pc-smp1-128M"]:
        problems.append(f"without results.json: {cold}")
    with open(path, "w") as f:
        f.write('{"runs": [{"name": "bios-pc-smp1-128M", "seconds": 9.5},'
                ' {"name": "host:shell_test", "seconds": 95.0},'
                ' {"name": "uefi-q35-smp1-128M", "seconds": 20.0}]}')
    warm = [r.name for r in runner.start_order(runs, out)]
    if warm != ["host:shell_test", "uefi-q35-smp1-128M", "bios-pc-smp1-128M",
                "bios-pc-new-boot"]:
        problems.append(f"with the last times: {warm}")
    return problems


def check_stall():
    """A boot that goes quiet is killed long before its timeout, and says so."""
    out = os.path.join(ROOT, "build", "test", "runner-stall")
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, os.path.join(HERE, "ktest-runner.py"), "test",
         "--matrix", "quick", "--timeout", "60", "--stall", "0.5",
         "--out", out, "--qemu", os.path.join(HERE, "fake-qemu.sh"),
         "--mkiso", os.path.join(HERE, "fake-mkiso.sh")],
        capture_output=True, text=True, timeout=120, env=dict(os.environ, FAKE_QEMU_HANG="1"))
    problems = []
    if "FAIL bios-pc-smp4-512M: timeout: no output for 0.5s" not in proc.stdout:
        problems.append(f"no stall verdict in: {proc.stdout.strip()[-300:]!r}")
    if proc.returncode != 1 or time.monotonic() - started > 30:
        problems.append(f"exit status {proc.returncode} after "
                        f"{time.monotonic() - started:.0f}s (want 1, well before 60s)")
    return problems


KTEST_DECL = re.compile(r"^KTEST\w*\(\s*(\w+)\s*,", re.M)


def make_list(var):
    """The files mk/sources.mk adds to var (VAR += a b \\ c ...)."""
    with open(os.path.join(ROOT, "mk", "sources.mk")) as f:
        text = f.read().replace("\\\n", " ")
    files = []
    for m in re.finditer(rf"^{var}\s*[:+]?=(.*)$", text, re.M):
        files += m.group(1).split()
    return files


def suites_of(files):
    suites = set()
    for path in files:
        with open(os.path.join(ROOT, path)) as f:
            suites.update(KTEST_DECL.findall(f.read()))
    return suites


def check_portable_suites_are_the_portable_sources():
    """matrix.PORTABLE_SUITES is exactly the suites of TEST_PORTABLE_SRCS that
    no kernel-only source adds a case to (such a case would be left out)."""
    portable = suites_of(make_list("TEST_PORTABLE_SRCS"))
    kernel = suites_of(make_list("TEST_KERNEL_SRCS"))
    listed = set(matrix.PORTABLE_SUITES)
    problems = []
    if not portable or not kernel:
        return [f"found {len(portable)} portable and {len(kernel)} kernel-only suites"]
    if listed != portable - kernel:
        problems.append(f"PORTABLE_SUITES lacks {sorted(portable - kernel - listed)}, "
                        f"has others {sorted(listed - (portable - kernel))}")
    if both := sorted(kernel & listed):
        problems.append(f"kernel-only sources add cases to {both}")
    if wild := [s for s in listed if "*" in s or "?" in s]:
        problems.append(f"globs, not names: {wild}")
    return problems


def host_suites(host, *args):
    """The suites of the cases ktest-host selects with args (--list: it runs none)."""
    proc = subprocess.run([host, "--list", *args], capture_output=True, text=True, cwd=ROOT)
    return {line.split(".", 1)[0] for line in proc.stdout.splitlines()}


def check_skip_filter_drops_exactly_them(host):
    """The real filter code (ktest-host, the same core as the kernel's) given
    SKIP_PORTABLE's value selects every suite of ktest-host but the listed ones.
    (ktest-host --list: the selection without the 1.5 s of running every case.)"""
    if not os.path.exists(host):
        return [f"{host} is missing"]
    value = matrix.SKIP_PORTABLE.split("=", 1)[1]
    every = host_suites(host)
    left = host_suites(host, "--", value)
    want = every - set(matrix.PORTABLE_SUITES)
    problems = []
    if left != want:
        problems.append(f"ran {sorted(left)}, want {sorted(want)}")
    if stale := sorted(set(matrix.PORTABLE_SUITES) - every):
        problems.append(f"ktest-host has no suite {stale}")
    return problems


def check_command_lines_fit():
    """Every boot's command line fits the kernel's CMDLINE_MAX (512, with its NUL)."""
    with open(os.path.join(ROOT, "kernel", "include", "kernel", "cmdline.h")) as f:
        limit = int(re.search(r"#define CMDLINE_MAX\s+(\d+)", f.read()).group(1))
    args = runner.parse_args(["test"])
    runs = runner.shuffled(runner.matrix_runs(args), args) + runner.selftest_runs(args)
    return [f"{r.name}: {len(r.cmdline)} characters" for r in runs
            if len(r.cmdline) >= limit]


def check_suite_check_catches_a_drop():
    """The runner's check after a whole make test: a boot that leaves out the
    config-independent suites must still run every other suite the unfiltered
    boots of its kernel ran."""
    skip = matrix.SKIP_PORTABLE
    portable = set(matrix.PORTABLE_SUITES[:2])
    base = [("all", "ktest=run", None, {"smp", "mm_kernel"} | portable),
            ("all-ubsan", "ktest=run", "ubsan.elf", {"smp", "mm_kernel", "ubsan"} | portable),
            ("some", f"ktest=run {skip}", None, {"smp", "mm_kernel"}),
            ("some-ubsan", f"ktest=run {skip}", "ubsan.elf", {"smp", "mm_kernel", "ubsan"})]
    problems = []
    if got := runner.suite_problems(base):
        problems.append(f"complete boots: {got}")
    dropped = base[:2] + [("some", f"ktest=run {skip}", None, {"smp"}), base[3]]
    if runner.suite_problems(dropped) != ["some ran no suite mm_kernel"]:
        problems.append(f"mm_kernel dropped: {runner.suite_problems(dropped)}")
    # Not leaving the portable suites out, it must run them too.
    unfiltered = base[:2] + [("some", "ktest=run", None, {"smp", "mm_kernel"}), base[3]]
    if runner.suite_problems(unfiltered) != \
            [f"some ran no suite {', '.join(sorted(portable))}"]:
        problems.append(f"portable suites dropped: {runner.suite_problems(unfiltered)}")
    return problems


def main():
    demo = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build/host/ktest-demo")
    host = os.path.join(os.path.dirname(demo), "ktest-host")
    print("KTAP version 1\n1..4")
    passed = failed = 0

    s = Suite("host_backend", len(GOLDEN) + 2)
    for name, arg, golden, status in GOLDEN:
        s.case(name, check_golden(demo, arg, golden, status))
    s.case("judge_reads_demo", check_judge_on_demo(demo))
    s.case("shuffle_seed_orders_suites", check_host_shuffle(demo))
    s.end(1)
    passed, failed = passed + s.passed, failed + s.failed

    s = Suite("judge", len(CANNED) + 2)
    for name, *spec in CANNED:
        s.case(name, check_canned(*spec))
    s.case("host_exit_status", check_host_verdicts())
    s.case("shuffled_run_must_shuffle", check_shuffle_verdicts())
    s.end(2)
    passed, failed = passed + s.passed, failed + s.failed

    # The end-to-end runs wait more than they compute (fake boots, a hang's
    # silence): all at once, each in its own directory, reported in order.
    cases = list(end_to_end_cases())
    with ThreadPoolExecutor(max_workers=len(cases) + 1) as pool:
        e2e = [pool.submit(check_end_to_end, *spec) for spec in cases]
        stall = pool.submit(check_stall)
        s = Suite("runner", len(cases) + 2)
        for (name, *_), fut in zip(cases, e2e):
            s.case(name, fut.result())
        s.case("longest_run_starts_first", check_start_order())
        s.case("silent_boot_stalls", stall.result())
    s.end(3)
    passed, failed = passed + s.passed, failed + s.failed

    s = Suite("matrix", 4)
    s.case("portable_suites_are_the_portable_sources",
           check_portable_suites_are_the_portable_sources())
    s.case("skip_filter_drops_exactly_them", check_skip_filter_drops_exactly_them(host))
    s.case("command_lines_fit_cmdline_max", check_command_lines_fit())
    s.case("suite_check_catches_a_drop", check_suite_check_catches_a_drop())
    s.end(4)
    passed, failed = passed + s.passed, failed + s.failed

    print(f"# ktest: {passed} passed, {failed} failed, 0 skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
