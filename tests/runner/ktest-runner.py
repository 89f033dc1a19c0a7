#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""ktest-runner: runs setbit's tests (host commands, QEMU boots) and judges each from its KTAP log.

    ktest-runner.py test [--matrix full|quick|big|none] [--selftests] [--jobs N] HOST_CMD...
    ktest-runner.py judge LOG [--status N] [--host]

This file starts, watches and stops the runs and prints the table; what a
run passes by is ktap.py's judge, which boots there are is matrix.py's
table, and what is left for CI is ktest_report.py's. A run passes only if
its exit status is the expected one and its log a complete, consistent KTAP
report (ktap.py says exactly what that means). The last line printed by
`test` is always "N passed, N failed".
"""

import argparse
import dataclasses
import fnmatch
import json
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

sys.dont_write_bytecode = True     # no __pycache__ in tests/runner/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import junit_check      # noqa: E402  (tests/runner/, next to this file)
import ktest_report     # noqa: E402
import matrix           # noqa: E402
from ktap import (QEMU_PASS, SHORT_BACKTRACE, Verdict, clean_line,  # noqa: E402
                  judge, judge_status, parse_ktap)
from matrix import SHUFFLED_BOOT, SHUFFLED_HOST  # noqa: E402

SHUFFLE_SEED = 20261202     # make test's seed for the shuffled runs; SHUFFLE= changes it
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
OVMF_ROM = "ovmf-rom.fd"        # in --out: the two above as one -bios image (matrix.ovmf_rom)

# ------------------------------------------------------------------ runs

@dataclass
class Run:
    name: str
    argv: list
    log: str
    timeout: float
    qemu: bool = True
    cmdline: str = None         # kernel command line (QEMU runs): picks the ISO
    rom: str = None             # UEFI runs: the OVMF image (matrix.ovmf_rom), built once
    expect: str = None          # break-on-purpose: the reason it must fail with
    stall: float = None         # kill it after this many seconds without output
    stall_after: tuple = None   # (line, seconds): once the log holds line, this shorter stall
    serial: bool = True         # False: -serial none, judged by the exit status alone
    need: tuple = ()            # lines the log must hold to pass (a fault path was taken, a check ran)
    command: list = None        # argv as started (a boot's with its ISO), for results.json
    shuffle: int = None         # ktest.shuffle seed (on the command line, checked in the log)
    kernel: str = None          # the ELF the ISO wraps (None: mkiso's default, build/kernel.elf)


@dataclass
class Outcome:
    run: Run
    verdict: Verdict
    seconds: float
    status: int = None

    @property
    def ok(self):
        """A normal run must pass; a break-on-purpose run must fail for its reason."""
        if self.run.expect is None:
            return self.verdict.ok
        return (not self.verdict.ok and self.run.expect in self.verdict.reason
                and SHORT_BACKTRACE not in self.verdict.reason)

    def result_word(self):
        if self.run.expect is None:
            return "PASS" if self.ok else "FAIL"
        return "CAUGHT" if self.ok else "MISSED"

    def reason(self):
        if self.run.expect is None:
            return self.verdict.reason
        if self.verdict.ok:
            return f"passed, but must fail with '{self.run.expect}'"
        return f"expected '{self.run.expect}', judged: {self.verdict.reason}"

    def counted(self):
        """(passed, failed) this run adds to the closing line."""
        if self.run.expect is not None:
            return (1, 0) if self.ok else (0, 1)
        # A failed run with no failing case (timeout, panic) still counts once.
        failed = self.verdict.failed or (0 if self.ok else 1)
        return self.verdict.passed, failed


class IsoCache:
    """Builds one ISO per kernel command line, once, with tools/mkiso.sh."""

    def __init__(self, mkiso, outdir):
        self.mkiso, self.outdir = mkiso, outdir
        self.lock = threading.Lock()
        self.built = {}
        self.names = set()

    def get(self, name, cmdline, kernel=None):
        """Returns (path, None), or (path, why) if the ISO could not be built."""
        # One build at a time: a boot waiting for its ISO waits for any build,
        # but grub-mkrescue is quick and never competes with itself for CPUs.
        with self.lock:
            if (cmdline, kernel) not in self.built:
                # Another command line under a name already taken gets NAME-2, NAME-3...
                unique, n = name, 1
                while unique in self.names:
                    n += 1
                    unique = f"{name}-{n}"
                self.names.add(unique)
                self.built[cmdline, kernel] = self.build(unique, cmdline, kernel)
            return self.built[cmdline, kernel]

    def build(self, name, cmdline, kernel=None):
        path = os.path.join(self.outdir, name + ".iso")
        try:
            proc = subprocess.run([self.mkiso, path, cmdline] + ([kernel] if kernel else []),
                                  capture_output=True,
                                  text=True, stdin=subprocess.DEVNULL)
        except OSError as e:
            return path, f"mkiso failed: {e}"
        if proc.returncode == 0:
            return path, None
        err = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return path, f"mkiso failed ({proc.returncode}): {err}"


def boot_run(args, boot, cmdline=None, name=None, timeout=None, expect=None):
    """A row of the matrix as a run: its QEMU command line, log and limits."""
    name = name or boot.run_name()
    rom = os.path.join(args.out, OVMF_ROM) if boot.firmware == "uefi" else None
    argv = matrix.qemu_argv(args.qemu, boot.firmware, boot.smp, boot.mem, rom,
                            args.kvm, boot.serial, boot.cpu, boot.screen)
    return Run(name, argv, os.path.join(args.out, name + ".log"),
               timeout or boot.slow * args.timeout, cmdline=cmdline or boot.cmdline(),
               rom=rom, expect=expect, serial=boot.serial,
               stall=args.stall if boot.serial else None, kernel=boot.kernel,
               need=((boot.need,) if boot.need else ())
               + (matrix.EVERY_BOOT_NEEDS if boot.serial and expect is None else ()))


def matrix_runs(args):
    """The boots of --matrix, from matrix.py's table."""
    return [boot_run(args, boot) for boot in matrix.MATRICES[args.matrix]]


def shuffled(runs, args):
    """The runs, with SHUFFLED_BOOT given ktest.shuffle=SEED and its own ISO."""
    out = []
    for r in runs:
        if r.name == SHUFFLED_BOOT and args.shuffle is not None:
            r = dataclasses.replace(r, name=f"{r.name}-shuffle{args.shuffle}",
                                    cmdline=f"{r.cmdline} ktest.shuffle={args.shuffle}",
                                    shuffle=args.shuffle)
            r.log = os.path.join(args.out, r.name + ".log")
        out.append(r)
    return out


def selftest_runs(args):
    """One boot per ktest.selftest switch, each expected to fail for its reason.
    The hang's is stopped --hang-stall seconds after it says it spins."""
    runs = []
    for switch, expect, hangs in matrix.SELFTESTS:
        boot = dataclasses.replace(matrix.SELFTEST_BOOT, screen=switch in matrix.SELFTEST_SCREEN)
        r = boot_run(args, boot, matrix.SELFTEST_CMDLINE + switch,
                     name=f"selftest-{switch}", expect=expect,
                     timeout=args.hang_timeout if hangs else None)
        if hangs:
            r.stall_after = (matrix.HANG_MARK, args.hang_stall)
        runs.append(r)
    return runs


def host_runs(args):
    runs = []
    for cmd in args.host:
        base = os.path.basename(cmd).rsplit(".", 1)[0]
        runs.append(Run(f"host:{base}", [os.path.abspath(cmd)],
                        os.path.join(args.out, f"host-{base}.log"),
                        args.host_timeout, qemu=False))
        if base == SHUFFLED_HOST and args.shuffle is not None:
            name = f"{base}-shuffle{args.shuffle}"
            runs.append(Run(f"host:{name}", [os.path.abspath(cmd), f"--shuffle={args.shuffle}"],
                            os.path.join(args.out, f"host-{name}.log"),
                            args.host_timeout, qemu=False, shuffle=args.shuffle))
    return runs


def build_rom(args):
    """Writes matrix.ovmf_rom's image to args.out/OVMF_ROM. Returns None, or why it could not."""
    try:
        image = matrix.ovmf_rom(args.ovmf_code, args.ovmf_vars)
        with open(os.path.join(args.out, OVMF_ROM), "wb") as f:
            f.write(image)
    except (OSError, ValueError) as e:
        return f"OVMF image: {e}"
    return None


def execute(run, isos, rom_error=None):
    """Runs one command with its output in run.log. Returns an Outcome."""
    start = time.monotonic()
    argv = list(run.argv)
    if run.qemu:
        # One ISO per command line: normal boots differ in ktest.expect_cpus (smpN)
        # and a few words more (IsoCache names any other line apart).
        special = run.expect is not None or run.shuffle is not None or run.kernel is not None
        iso_name = run.name if special else "ktest-" + run.name.split("-")[2]
        iso, err = isos.get(iso_name, run.cmdline, run.kernel)
        err = err or (run.rom and rom_error)
        if err:
            with open(run.log, "w") as f:
                f.write(f"ktest-runner: {err}\n")
            return Outcome(run, Verdict(False, err, 0, 0, 0), time.monotonic() - start)
        argv += ["-cdrom", iso]
    run.command = argv
    status, killed = spawn(argv, run.log, run.timeout, run.stall, run.stall_after)
    with open(run.log, errors="replace") as f:
        text = f.read()
    if run.serial:
        verdict = judge(text, status, QEMU_PASS if run.qemu else 0, run.qemu, killed,
                        run.shuffle)
    else:
        verdict = judge_status(status, killed)
    missing = [n for n in run.need if n not in text]
    if missing:
        verdict = Verdict(False, "; ".join(filter(None, [verdict.reason] +
                                                  [f"no '{n}' in the log" for n in missing])),
                          verdict.passed, verdict.failed, verdict.skipped)
    return Outcome(run, verdict, time.monotonic() - start, status)


class Children:
    """The commands running now. Each has its own session, so a Ctrl-C at the
    terminal does not reach it: stop_all() ends them instead."""

    def __init__(self):
        self.lock = threading.Lock()
        self.live = set()
        self.stopping = False

    def start(self, argv, out):
        with self.lock:
            if self.stopping:
                return None
            proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
            self.live.add(proc)
            return proc

    def finish(self, proc):
        with self.lock:
            self.live.discard(proc)

    def stop_all(self):
        with self.lock:
            self.stopping = True
            for proc in self.live:
                kill_group(proc)


CHILDREN = Children()


def kill_group(proc):
    try:
        os.killpg(proc.pid, 9)
    except ProcessLookupError:
        pass                    # it exited on its own in the meantime


def spawn(argv, log, timeout, stall=None, stall_after=None):
    """Runs argv with stdout+stderr in log. Returns (status, why it was killed or None).
    A hung kernel goes quiet long before its timeout: `stall` seconds without
    a byte of output end the run early; stall_after (line, seconds): once the
    log holds line, that many."""
    with open(log, "w") as out:
        try:
            proc = CHILDREN.start(argv, out)
        except OSError as e:
            out.write(f"ktest-runner: cannot run {argv[0]}: {e}\n")
            return 127, None
        if proc is None:
            out.write("ktest-runner: interrupted before the start\n")
            return None, "interrupted"
        try:
            return watch(proc, log, timeout, stall, stall_after)
        finally:
            CHILDREN.finish(proc)


def watch(proc, log, timeout, stall, stall_after=None):
    """Waits for proc; kills its session on timeout or stall. Returns (status, killed)."""
    start = last_growth = time.monotonic()
    size = 0
    marked = False              # the log holds stall_after's line
    # Once a second, or four times per shortest limit (the runner's own tests give
    # limits of a second or less: they end on time, not on the next whole second).
    poll = min([1, timeout / 4] + ([stall / 4] if stall else [])
               + ([stall_after[1] / 4] if stall_after else []))
    while True:
        try:
            return proc.wait(timeout=poll), None
        except subprocess.TimeoutExpired:
            pass
        now = time.monotonic()
        if os.path.getsize(log) != size:
            size, last_growth = os.path.getsize(log), now
            if stall_after and not marked:
                with open(log, errors="replace") as f:
                    marked = stall_after[0] in f.read()
        if now - start >= timeout:
            killed = f"timeout after {timeout:g}s"
        elif marked and now - last_growth >= stall_after[1]:
            killed = f"timeout: no output after '{stall_after[0]}' for {stall_after[1]:g}s"
        elif stall and now - last_growth >= stall:
            killed = f"timeout: no output for {stall:g}s"
        else:
            continue
        kill_group(proc)        # its own session: QEMU and nothing else
        proc.wait()
        return None, killed


# ------------------------------------------------------------------ report

def print_table(outcomes):
    rows = [("config", "result", "passed", "failed", "skipped", "time")]
    for o in outcomes:
        v = o.verdict
        rows.append((o.run.name, o.result_word(), str(v.passed), str(v.failed),
                     str(v.skipped), f"{o.seconds:.1f}s"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for n, r in enumerate(rows):
        cells = [r[0].ljust(widths[0]), r[1].ljust(widths[1])]
        cells += [c.rjust(w) for c, w in zip(r[2:], widths[2:])]
        print(" | ".join(cells))
        if n == 0:
            print("-+-".join("-" * w for w in widths))


def cmd_test(args):
    runs = host_runs(args) + shuffled(matrix_runs(args), args) + \
        (selftest_runs(args) if args.selftests else [])
    if args.only:
        runs = [r for r in runs if any(fnmatch.fnmatchcase(r.name, g)
                                       for g in args.only.split(","))]
    runs = select_shard(runs, args.shard)
    if args.list:
        for r in sorted(runs, key=run_rank):
            print(r.name)
        return 0
    os.makedirs(args.out, exist_ok=True)
    started = time.monotonic()
    try:
        outcomes = run_all(runs, args)
    except KeyboardInterrupt:
        print("ktest-runner: interrupted", file=sys.stderr)
        return 130
    report(outcomes, runs)
    passed = sum(o.counted()[0] for o in outcomes)
    failed = sum(o.counted()[1] for o in outcomes)
    closing = f"{passed} passed, {failed} failed"
    results, bad_results = write_results(outcomes, args, time.monotonic() - started, closing)
    whole = args.matrix == "full" and not args.only and not args.shard
    dropped = suite_problems(boot_suites(results)) if whole else []
    for p in dropped:
        print(f"FAIL coverage: {p}")
    print_slowest(outcomes)
    ran, distinct = coverage(results)
    print(f"# {ran} cases run, {distinct} distinct (suite.case per configuration; "
          "a config-independent suite's once per kernel build)")
    print(f"# {len(outcomes)} runs in {time.monotonic() - started:.0f}s"
          + (f" (shard {args.shard[0]}/{args.shard[1]})" if args.shard else ""))
    print(closing)
    return 1 if failed or bad_results or dropped or not all(o.ok for o in outcomes) else 0


def coverage(results):
    """(cases run, distinct cases) over all runs, skips aside. A case is
    distinct by the configuration it depends on: a boot's case by the boot
    (its firmware, CPUs, memory, switches), a host command's by the command,
    but a config-independent suite's (matrix.PORTABLE_SUITES) by the kernel
    build alone, since every boot of that build gives it the same machine to
    run on. Dropping a repeat of those lowers the first number, not the second."""
    ran, keys = 0, set()
    for r in results:
        run = r.outcome.run
        for c in r.cases:
            if c.status == "skipped":
                continue
            ran += 1
            portable = run.qemu and run.expect is None and \
                c.name.split(".", 1)[0] in matrix.PORTABLE_SUITES
            keys.add((f"kernel {run.kernel or 'build/kernel.elf'}" if portable else run.name,
                      c.name))
    return ran, len(keys)


def boot_suites(results):
    """(name, kernel command line, kernel, suites it ran) of each matrix boot with a log."""
    return [(r.outcome.run.name, r.outcome.run.cmdline, r.outcome.run.kernel,
             {c.name.split(".", 1)[0] for c in r.cases})
            for r in results
            if r.outcome.run.qemu and r.outcome.run.expect is None and r.outcome.run.serial]


def suite_problems(boots):
    """After the whole matrix: each boot ran every suite that the boots of its
    kernel without a ktest.filter ran, less the config-independent ones if it
    leaves them out (matrix.SKIP_PORTABLE). So a filter that drops more than
    it should fails make test. Returns the problems."""
    full = {}
    for name, cmdline, kernel, suites in boots:
        if "ktest.filter=" not in cmdline:
            full.setdefault(kernel, set()).update(suites)
    problems = []
    for name, cmdline, kernel, suites in boots:
        if kernel not in full:
            problems.append(f"{name}: no boot of its kernel ran without a filter to compare with")
            continue
        want = full[kernel] - set(matrix.PORTABLE_SUITES) \
            if matrix.SKIP_PORTABLE in cmdline else full[kernel]
        if missing := sorted(want - suites):
            problems.append(f"{name} ran no suite {', '.join(missing)}")
    return problems


SLOWEST = 5


def print_slowest(outcomes):
    """The SLOWEST longest runs with their share of all runs' time (where to cut next)."""
    total = sum(o.seconds for o in outcomes)
    slow = sorted(outcomes, key=lambda o: -o.seconds)[:SLOWEST]
    if slow:
        print(f"# slowest runs ({total:.0f}s summed over all runs): " + ", ".join(
            f"{o.run.name} {o.seconds:.1f}s" for o in slow))


def select_shard(runs, shard):
    """Shard (k, n) of the runs: every n-th run in start order from the k-th,
    so each shard gets its share of the long boots. None: all of them."""
    if shard is None:
        return runs
    k, n = shard
    order = sorted(runs, key=lambda r: (-guess_seconds(r),) + start_rank(r))
    return [r for i, r in enumerate(order) if i % n == k - 1]


def write_results(outcomes, args, seconds, closing):
    """Failure details under the table, then results.xml and results.json,
    checked against the JUnit schema and the closing line. Returns the
    per-run results and whether anything is wrong with them."""
    results = ktest_report.collect(outcomes, parse_ktap, clean_line)
    for line in ktest_report.failure_details(results):
        print(line)
    shard = f"{args.shard[0]}/{args.shard[1]}" if args.shard else None
    xml_path, json_path = ktest_report.write(results, args.out, seconds, shard, closing)
    problems, totals = junit_check.check(xml_path)
    if totals is not None:
        problems += junit_check.closing_problems(totals, closing)
    for p in problems:
        print(f"FAIL results: {p}")
    print(f"# results: {xml_path}, {json_path}")
    return results, bool(problems)


def run_all(runs, args):
    """Runs everything, args.jobs at a time, printing a line as each ends."""
    isos = IsoCache(args.mkiso, os.path.join(args.out, "iso"))
    os.makedirs(isos.outdir, exist_ok=True)
    rom_error = build_rom(args) if any(r.rom for r in runs) else None
    outcomes = []
    pool = ThreadPoolExecutor(max_workers=args.jobs)
    try:
        futures = [pool.submit(execute, r, isos, rom_error) for r in start_order(runs, args.out)]
        for fut in as_completed(futures):
            o = fut.result()
            outcomes.append(o)
            print(f"  [{len(outcomes)}/{len(runs)}] {o.result_word():6} "
                  f"{o.run.name} ({o.seconds:.1f}s)", flush=True)
    except BaseException:
        CHILDREN.stop_all()
        pool.shutdown(cancel_futures=True)
        raise
    pool.shutdown()
    return outcomes


def report(outcomes, runs):
    """The table, then why each break-on-purpose run was caught, then each failure."""
    order = {r.name: i for i, r in enumerate(sorted(runs, key=run_rank))}
    outcomes.sort(key=lambda o: order[o.run.name])
    print()
    print_table(outcomes)
    for o in outcomes:
        if o.run.expect is not None and o.ok:
            print(f"caught {o.run.name}: {o.verdict.reason}")
    for o in outcomes:
        if not o.ok:
            print(f"FAIL {o.run.name}: {o.reason()} [{o.run.log}]")


def start_order(runs, out):
    """Longest first, so no worker idles at the end: by each run's time in the
    last results.json in out, else by its guess (guess_seconds), so a long
    host command such as shell_test does not start last on a first run either."""
    try:
        with open(os.path.join(out, "results.json")) as f:
            last = {r["name"]: float(r["seconds"]) for r in json.load(f)["runs"]}
    except (OSError, ValueError, KeyError, TypeError):
        last = {}
    return sorted(runs, key=lambda r: (-last.get(r.name, guess_seconds(r)),) + start_rank(r))


# A guess at the host commands' seconds on a quiet 2-core machine, for the
# first make test in a tree (after it, results.json has the real ones).
HOST_SECONDS = {"shell_test": 10, "fuzz-smoke": 4, "runner_test": 3}


def guess_seconds(run):
    """A run's seconds on a quiet 2-core machine, roughly (a make test of
    2026-12-02, 60 s): the spawn stress, shell_test, the UBSan kernel and
    OVMF cost most."""
    if not run.qemu:
        return HOST_SECONDS.get(run.name.split(":", 1)[-1], 1)
    if run.expect is not None:
        return 1
    return (8 if matrix.FULL_STRESS in (run.cmdline or "") else 0) + \
        (5 if run.kernel else 0) + (3 if "uefi" in run.name else 2)


def start_rank(run):
    """The order among runs of the same guess: UEFI boots (OVMF is slow under
    TCG), BIOS boots, the break-on-purpose boots, host commands."""
    if not run.qemu:
        return (4, run.name)
    if run.expect is None:
        return (1 if "uefi" in run.name else 2, run.name)
    return (3, run.name)


def run_rank(run):
    """Table order: host commands, the matrix, then the break-on-purpose boots."""
    return (run.qemu, run.expect is not None, run.name)


def cmd_judge(args):
    with open(args.log, errors="replace") as f:
        text = f.read()
    status = args.status if args.status is not None else (0 if args.host else QEMU_PASS)
    v = judge(text, status, 0 if args.host else QEMU_PASS, not args.host)
    print(f"{'PASS' if v.ok else 'FAIL'}: {v.passed} passed, {v.failed} failed, "
          f"{v.skipped} skipped" + (f": {v.reason}" if v.reason else ""))
    return 0 if v.ok else 1


def shard_arg(text):
    """'K/N' with 1 <= K <= N, as (K, N)."""
    k, _, n = text.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise argparse.ArgumentTypeError(f"want K/N with 1 <= K <= N, got {text!r}")
    return int(k), int(n)


def shuffle_seed(text):
    """--shuffle's value: a seed ktest.shuffle= accepts, or "none"."""
    if text == "none":
        return None
    if not text.isdigit() or int(text) >= 2 ** 64:
        raise argparse.ArgumentTypeError(f"bad seed {text!r}: expected 0 to 2^64-1 or none")
    return int(text)


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("test", help="run host commands and the QEMU matrix")
    t.add_argument("host", nargs="*", help="host test commands (KTAP on stdout, exit 0)")
    t.add_argument("--matrix", choices=("full", "quick", "big", "none"), default="full",
                   help="QEMU configs: all 15, one (BIOS, smp 4, 512M), "
                   "64 and 128 CPUs (pc), or none")
    t.add_argument("--selftests", action="store_true",
                   help="also boot each ktest.selftest switch and expect the right failure")
    t.add_argument("--jobs", type=int, default=2)
    t.add_argument("--only", metavar="GLOB[,GLOB...]",
                   help="only the runs whose name (as in the table) matches a glob")
    t.add_argument("--timeout", type=float, default=120, help="seconds per QEMU boot")
    t.add_argument("--stall", type=float, default=45,
                   help="seconds without serial output before a QEMU boot counts as hung")
    t.add_argument("--hang-timeout", type=float, default=20,
                   help="seconds before the ktest.selftest=hang boot is stopped in any case")
    t.add_argument("--hang-stall", type=float, default=2,
                   help="seconds without output after the hang case says it spins "
                   "before that boot counts as hung")
    t.add_argument("--host-timeout", type=float, default=600)
    t.add_argument("--out", default="build/test")
    t.add_argument("--mkiso", default="tools/mkiso.sh")
    t.add_argument("--qemu", default="qemu-system-x86_64")
    t.add_argument("--ovmf-code", default=OVMF_CODE)
    t.add_argument("--ovmf-vars", default=OVMF_VARS)
    t.add_argument("--kvm", action="store_true")
    t.add_argument("--shard", type=shard_arg, metavar="K/N",
                   help="run only the K-th of N deterministic parts of the runs")
    t.add_argument("--list", action="store_true", help="print the run names and stop")
    t.add_argument("--shuffle", type=shuffle_seed, default=SHUFFLE_SEED, metavar="SEED",
                   help=f"boot {SHUFFLED_BOOT} (full matrix) and run {SHUFFLED_HOST} a second "
                   f"time with the suites shuffled by SEED (default {SHUFFLE_SEED}; none: neither)")
    j = sub.add_parser("judge", help="judge one saved log")
    j.add_argument("log")
    j.add_argument("--status", type=int, help="exit status of the run (default: the passing one)")
    j.add_argument("--host", action="store_true", help="a host log: exit status 0 passes")
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    return cmd_judge(args) if args.cmd == "judge" else cmd_test(args)


if __name__ == "__main__":
    sys.exit(main())
