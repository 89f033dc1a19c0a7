#!/usr/bin/env python3
"""ktest-runner: runs setbit's tests (host commands, QEMU boots) and judges each from its KTAP log.

    ktest-runner.py test [--matrix full|quick|big|none] [--selftests] [--jobs N] HOST_CMD...
    ktest-runner.py judge LOG [--status N] [--host]

A run passes only if its exit status is the expected one (0 on the host, 33
from QEMU's isa-debug-exit) AND its log holds a complete, consistent KTAP
report: version line, plans that match the results at both levels, no
"not ok", no "KERNEL PANIC", and the "# ktest: P passed, F failed, S skipped"
summary agreeing with the results. A boot without a serial line
(-serial none) has no log: its exit status alone is the verdict, counted as
one case. The last line printed by `test` is always "N passed, N failed".
"""

import argparse
import dataclasses
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

sys.dont_write_bytecode = True     # no __pycache__ in tools/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import junit_check      # noqa: E402  (tools/, next to this file)
import ktest_report     # noqa: E402

QEMU_PASS = 33          # isa-debug-exit: (0x10 << 1) | 1
QEMU_FAIL = 35          # isa-debug-exit: (0x11 << 1) | 1
TEST_CMDLINE = "ktest=run ktest.exit=1"
SHUFFLE_SEED = 20261202     # make test's seed for the shuffled runs; SHUFFLE= changes it
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"

# ------------------------------------------------------------------ KTAP

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]")
VERSION_RE = re.compile(r"^( *)KTAP version 1$")
PLAN_RE = re.compile(r"^( *)1\.\.(\d+)$")
SUBTEST_RE = re.compile(r"^( *)# Subtest: (.*)$")
RESULT_RE = re.compile(r"^( *)(ok|not ok) (\d+)(?: ([^#]*?))?\s*(?:#\s*(.*))?$")
DIAG_RE = re.compile(r"^( *)# (.*)$")
SUMMARY_RE = re.compile(r"^# ktest: (\d+) passed, (\d+) failed, (\d+) skipped$")
SHUFFLE_RE = re.compile(r"^# ktest\.shuffle=(\d+): ")


@dataclass
class Case:
    number: int
    name: str
    ok: bool
    skipped: bool
    diagnostics: list


@dataclass
class Suite:
    name: str = "?"
    plan: int = None
    cases: list = field(default_factory=list)
    result: bool = None         # the parent's ok/not ok line; None while open
    number: int = None


@dataclass
class Report:
    """What a log says, before any judgement."""
    version: bool = False
    plan: int = None
    suites: list = field(default_factory=list)
    summary: tuple = None
    panic: str = None
    restarted: bool = False     # a second top-level version line: the machine rebooted
    shuffle: int = None         # the seed of "# ktest.shuffle=SEED: ...", if printed

    def cases(self):
        return [(s, c) for s in self.suites for c in s.cases]


def clean_line(raw):
    """One serial line as the parser sees it: no CR, no terminal escapes."""
    return ANSI_ESCAPE.sub("", raw.rstrip("\r\n")).rstrip("\r")


def parse_ktap(text):
    """Reads a log that interleaves KTAP with other lines. Returns a Report."""
    rep = Report()
    suite = None            # the nested block being read
    pending = []            # diagnostics waiting for the next case result
    for raw in text.splitlines():
        line = clean_line(raw)
        if "KERNEL PANIC" in line and rep.panic is None:
            rep.panic = line.strip()
        if m := VERSION_RE.match(line):
            if m.group(1):              # a suite's nested block opens
                suite = Suite()
                rep.suites.append(suite)
                pending = []
            elif rep.version:           # a second report: the machine rebooted
                rep = Report(version=True, panic=rep.panic, restarted=True)
                suite = None
            else:
                rep.version = True
        elif m := SUBTEST_RE.match(line):
            if suite is not None and m.group(1):
                suite.name = m.group(2).strip()
        elif m := PLAN_RE.match(line):
            if not m.group(1):
                rep.plan = int(m.group(2))
            elif suite is not None:
                suite.plan = int(m.group(2))
        elif m := RESULT_RE.match(line):
            suite = record_result(rep, suite, m, pending)
            pending = []
        elif m := SUMMARY_RE.match(line):
            rep.summary = tuple(int(g) for g in m.groups())
        elif m := SHUFFLE_RE.match(line):
            rep.shuffle = int(m.group(1))
        elif m := DIAG_RE.match(line):
            pending.append(m.group(2))
    return rep


def record_result(rep, suite, m, pending):
    """Files one ok/not ok line; returns the block still open afterwards."""
    indent, status, number, name, directive = m.groups()
    ok = status == "ok"
    skipped = bool(directive) and directive.upper().startswith("SKIP")
    name = (name or "").strip()
    if indent:
        if suite is None:       # a case outside any block: keep it visible
            suite = Suite(name="?")
            rep.suites.append(suite)
        suite.cases.append(Case(int(number), name, ok, skipped, pending))
        return suite
    if suite is None:
        # A top-level test without a nested block counts as one case.
        suite = Suite(name=name, plan=1)
        suite.cases.append(Case(1, name, ok, skipped, pending))
        rep.suites.append(suite)
    suite.result, suite.number = ok, int(number)
    if suite.name == "?":
        suite.name = name
    return None


# ------------------------------------------------------------------ verdicts

@dataclass
class Verdict:
    ok: bool
    reason: str
    passed: int
    failed: int
    skipped: int


def exit_reason(status, expected, qemu):
    """Why an exit status is wrong, in words; None if it is the expected one."""
    if status == expected:
        return None
    if status is None:
        return None             # timed out: the timeout says it all
    if status < 0:
        return f"killed by signal {-status}"
    if not qemu:
        return f"exit status {status}"
    if status == QEMU_FAIL:
        return f"exit status {status} (kernel reported failure)"
    if status == 0:
        return "exit status 0 (triple fault or reset: no isa-debug-exit)"
    return f"exit status {status} (QEMU error)"


def structure_problems(rep):
    """Plans, numbering and truncation, top level and per suite."""
    problems = []
    if not rep.version:
        return ["missing 'KTAP version 1'"]
    if rep.plan is None:
        problems.append("missing plan")
    if rep.restarted:
        problems.append("KTAP restarted (the machine rebooted)")
    closed = [s for s in rep.suites if s.result is not None]
    open_ = [s for s in rep.suites if s.result is None]
    if open_:
        s = open_[-1]
        problems.append(f"truncated: log ends inside suite {s.name} "
                        f"({len(s.cases)} of {s.plan if s.plan is not None else '?'} cases)")
    elif rep.plan is not None and len(closed) < rep.plan and rep.summary is None:
        problems.append(f"truncated: {len(closed)} of {rep.plan} suites reported")
    elif rep.plan is not None and len(closed) != rep.plan:
        problems.append(f"plan mismatch: 1..{rep.plan} but {len(closed)} suite results")
    for s in closed:
        if s.plan is None:
            problems.append(f"missing plan in suite {s.name}")
        elif len(s.cases) != s.plan:
            problems.append(f"plan mismatch in suite {s.name}: "
                            f"1..{s.plan} but {len(s.cases)} results")
        if [c.number for c in s.cases] != list(range(1, len(s.cases) + 1)):
            problems.append(f"misnumbered results in suite {s.name}")
    if [s.number for s in closed] != list(range(1, len(closed) + 1)):
        problems.append("misnumbered suite results")
    return problems


def failure_summary(rep):
    """The first failing case (with its first diagnostic) and how many more."""
    bad = [f"{s.name}.{c.name}" + (f" ({c.diagnostics[0]})" if c.diagnostics else "")
           for s, c in rep.cases() if not c.ok]
    bad += [s.name for s in rep.suites
            if s.result is False and all(c.ok for c in s.cases)]
    if not bad:
        return None
    more = f" (+{len(bad) - 1} more)" if len(bad) > 1 else ""
    return f"not ok: {bad[0]}{more}"


def judge(text, status, expected=QEMU_PASS, qemu=True, killed=None, shuffle=None):
    """Judges one run from its log text and exit status. Returns a Verdict.
    killed: why the runner had to kill it ("timeout after 120s"), if it did.
    shuffle: the ktest.shuffle seed the run was given, if any."""
    rep = parse_ktap(text)
    counts = count_cases(rep)
    reasons = [killed] if killed else []
    if rep.panic:
        reasons.append(f"panic: {rep.panic}")
        if (named := backtrace_names(text)) < MIN_BACKTRACE:
            reasons.append(f"{SHORT_BACKTRACE}: {named} named frames, want {MIN_BACKTRACE}")
    if (bad := failure_summary(rep)):
        reasons.append(bad)
    reasons += structure_problems(rep)
    reasons += empty_problems(rep, counts)
    if shuffle is not None:
        reasons += shuffle_problems(rep, shuffle)
    if rep.version and not any(r.startswith("truncated") for r in reasons):
        # Only ktest prints the summary; other host commands may print plain KTAP.
        reasons += summary_problems(rep, counts, required=qemu)
    if (why := exit_reason(status, expected, qemu)):
        reasons.append(why)
    return Verdict(not reasons, "; ".join(reasons), *counts)


def empty_problems(rep, counts):
    """A verdict with nothing behind it: no case ran (a lost ktest_cases
    section, a filter that matches nothing), a suite ran none, or every case
    was skipped. Each is a failure, not a pass."""
    if not rep.version or rep.plan is None:
        return []
    if not rep.suites:
        return ["no test cases ran"]
    problems = [f"no test cases ran in suite {s.name}"
                for s in rep.suites if s.result is not None and not s.cases]
    passed, failed, skipped = counts
    if not passed and not failed and skipped:
        problems.append(f"no test cases ran: all {skipped} skipped")
    return problems


# A panic's backtrace must name this many functions, or it cannot be debugged
# from the log: a break-on-purpose panic with fewer is MISSED, not CAUGHT.
MIN_BACKTRACE = 3
SHORT_BACKTRACE = "short backtrace"
FRAME_RE = re.compile(r"^\s*\[<[0-9a-f]+>\] (\S+)")


def backtrace_names(text):
    """How many frames of the first panic's backtrace have a function name."""
    lines = [clean_line(raw) for raw in text.splitlines()]
    start = next((i for i, line in enumerate(lines) if "KERNEL PANIC" in line), len(lines))
    at = next((i for i in range(start, len(lines)) if lines[i].strip() == "Backtrace:"), None)
    named = 0
    for line in lines[at + 1:] if at is not None else []:
        if not (m := FRAME_RE.match(line)):
            break
        named += not m.group(1).startswith("0x")
    return named


def shuffle_problems(rep, seed):
    """A run given ktest.shuffle=SEED must say so and run its suites out of name order."""
    if rep.shuffle is None:
        return [f"not shuffled: no '# ktest.shuffle={seed}' line"]
    if rep.shuffle != seed:
        return [f"shuffled with seed {rep.shuffle}, not {seed}"]
    names = [s.name for s in rep.suites]
    if len(names) > 2 and names == sorted(names):
        return [f"not shuffled: seed {seed} but the suites ran in name order"]
    return []


def judge_status(status, killed):
    """A boot with no serial line has no log: isa-debug-exit's status is the verdict."""
    reasons = [killed] if killed else []
    if (why := exit_reason(status, QEMU_PASS, True)):
        reasons.append(why)
    ok = not reasons
    return Verdict(ok, "; ".join(reasons), int(ok), int(not ok), 0)


def summary_problems(rep, counts, required):
    if rep.summary is None:
        return ["missing summary line"] if required else []
    if rep.summary != counts:
        return ["summary says %d passed, %d failed, %d skipped" % rep.summary
                + " but the results say %d, %d, %d" % counts]
    return []


def count_cases(rep):
    passed = sum(1 for _, c in rep.cases() if c.ok and not c.skipped)
    skipped = sum(1 for _, c in rep.cases() if c.ok and c.skipped)
    failed = sum(1 for _, c in rep.cases() if not c.ok)
    return passed, failed, skipped


# ------------------------------------------------------------------ runs

@dataclass
class Run:
    name: str
    argv: list
    log: str
    timeout: float
    qemu: bool = True
    cmdline: str = None         # kernel command line (QEMU runs): picks the ISO
    vars_fd: str = None         # UEFI runs: a fresh copy of vars_src, writable
    vars_src: str = None
    expect: str = None          # break-on-purpose: the reason it must fail with
    stall: float = None         # kill it after this many seconds without output
    serial: bool = True         # False: -serial none, judged by the exit status alone
    need: str = None            # a line the log must hold to pass (a fault path was taken)
    command: list = None        # argv as started (a boot's with its ISO), for results.json
    shuffle: int = None         # ktest.shuffle seed (on the command line, checked in the log)


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

    def get(self, name, cmdline):
        """Returns (path, None), or (path, why) if the ISO could not be built."""
        # One build at a time: a boot waiting for its ISO waits for any build,
        # but grub-mkrescue is quick and never competes with itself for CPUs.
        with self.lock:
            if cmdline not in self.built:
                self.built[cmdline] = self.build(name, cmdline)
            return self.built[cmdline]

    def build(self, name, cmdline):
        path = os.path.join(self.outdir, name + ".iso")
        try:
            proc = subprocess.run([self.mkiso, path, cmdline], capture_output=True,
                                  text=True, stdin=subprocess.DEVNULL)
        except OSError as e:
            return path, f"mkiso failed: {e}"
        if proc.returncode == 0:
            return path, None
        err = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return path, f"mkiso failed ({proc.returncode}): {err}"


def qemu_argv(args, firmware, smp, mem, vars_fd=None, serial=True):
    """The QEMU command line shared by every test boot, ISO appended later."""
    argv = [args.qemu]
    if firmware == "uefi":
        argv += ["-machine", "q35",
                 "-drive", f"if=pflash,format=raw,readonly=on,file={args.ovmf_code}",
                 "-drive", f"if=pflash,format=raw,file={vars_fd}"]
    else:
        argv += ["-machine", "pc"]
    if args.kvm:
        argv += ["-enable-kvm", "-cpu", "host"]
    argv += ["-smp", str(smp), "-m", mem, "-serial", "stdio" if serial else "none",
             "-display", "none",
             "-monitor", "none", "-no-reboot",
             "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    return argv


def qemu_run(args, firmware, smp, mem, cmdline=None, name=None,
             timeout=None, expect=None, serial=True):
    machine = "q35" if firmware == "uefi" else "pc"
    # The SMP suite checks that every CPU QEMU was given came up.
    cmdline = cmdline or f"{TEST_CMDLINE} ktest.expect_cpus={smp}"
    name = name or f"{firmware}-{machine}-smp{smp}-{mem}" + ("" if serial else "-noserial")
    vars_fd = os.path.join(args.out, name + ".vars.fd") if firmware == "uefi" else None
    return Run(name, qemu_argv(args, firmware, smp, mem, vars_fd, serial),
               os.path.join(args.out, name + ".log"), timeout or args.timeout,
               cmdline=cmdline, vars_fd=vars_fd, vars_src=args.ovmf_vars, expect=expect,
               serial=serial, stall=args.stall if serial else None)


def matrix(args):
    """The boot configurations: firmware/machine x CPUs x memory."""
    if args.matrix == "none":
        return []
    if args.matrix == "quick":
        return [qemu_run(args, "bios", 4, "512M")]
    if args.matrix == "big":
        return [full_stress_run(args, "bios", smp, mem) for smp, mem in ((64, "2G"), (128, "4G"))]
    # Every firmware with one and with four CPUs, each at 128M and 2G...
    grid = [qemu_run(args, fw, smp, mem)
            for fw in ("bios", "uefi") for smp in (1, 4) for mem in ("128M", "2G")]
    # ...and the larger CPU counts once per firmware (a full cross product of
    # them would not fit the time budget).
    grid += [qemu_run(args, fw, 8, "512M") for fw in ("bios", "uefi")]
    grid += [full_stress_run(args, fw, 16, "2G") for fw in ("bios", "uefi")]
    # Memory sizes for the frame allocator: tiny, crossing the PCI hole at
    # 3.5 GiB, and RAM above 4 GiB (OVMF needs more than 32M).
    sizes = [qemu_run(args, fw, 2, mem)
             for fw, mem in (("bios", "32M"), ("uefi", "3584M"), ("bios", "8G"), ("uefi", "8G"))]
    # No COM1 at all (bare metal without a serial port): it must still boot and pass.
    return grid + sizes + [qemu_run(args, "bios", 2, "128M", serial=False), late_ap_run(args)]


def full_stress_run(args, firmware, smp, mem):
    """A boot that runs the full 100,000-task spawn stress (other boots run the
    kernel's default of 2,000): the 16-CPU boot of each firmware and the big
    boots, where contention is highest. About 10 s of TCG time at 16 CPUs on a
    quiet machine, many times that on a loaded one, so its time limit is three
    times the others'; a hang is still caught by --stall (the stress prints
    its progress)."""
    return qemu_run(args, firmware, smp, mem,
                    f"{TEST_CMDLINE} ktest.expect_cpus={smp} task.stress=100000",
                    timeout=3 * args.timeout)


def late_ap_run(args):
    """A fault path: APIC ID 1 answers after its deadline. It must be logged and
    left out, APIC ID 2 comes up in its slot, and every suite passes."""
    run = qemu_run(args, "bios", 3, "512M", f"{TEST_CMDLINE} ktest.expect_cpus=2 ktest.late_ap=1",
                   name="bios-pc-lateap-smp3-512M")
    run.need = "smp: CPU with APIC ID 1 did not answer in 1000 ms; left out"
    return run


# Each ktest.selftest switch breaks the kernel on purpose; the runner must
# notice, and say why. The filter leaves only the selftest case running, so
# an unrelated failure cannot pass for the one under test.
# (switch, the reason the runner must give, whether it only ends by timeout)
SELFTESTS = [
    ("fail", "not ok: selftest.fail", False),
    ("panic", "panic: ", False),
    ("hang", "timeout", True),
    ("triplefault", "exit status 0 (triple fault", False),
    ("unexpected", "not ok: selftest.unexpected", False),
    ("smp_panic", "panic: ", False),     # an AP panics: it must stop the boot CPU too
    ("task_panic", "panic: ", False),    # a task panics (every panic: 3 named frames)
    ("panic_race", "panic: ", False),    # CPUs 0 and 1 panic at once: one full report
    ("panic_screenlock", "panic: ", False),  # a stopped CPU holds the screen lock
    ("stack_protector", "panic: KERNEL PANIC: stack protector: canary smashed in smash_my_canary",
     False),                             # the canary check names the function
]


# The matrix boot that also runs its suites shuffled (ktest.shuffle=SEED, SEED
# from --shuffle): one boot that exists anyway, so make test takes no longer.
SHUFFLED_BOOT = "bios-pc-smp4-2G"
SHUFFLED_HOST = "ktest-host"    # a host command run a second time, shuffled the same way


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
    return [qemu_run(args, "bios", 2, "128M",
                     f"{TEST_CMDLINE} ktest.filter=selftest ktest.selftest={switch}",
                     name=f"selftest-{switch}", expect=expect,
                     timeout=args.hang_timeout if hangs else None)
            for switch, expect, hangs in SELFTESTS]


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


def execute(run, isos):
    """Runs one command with its output in run.log. Returns an Outcome."""
    start = time.monotonic()
    argv = list(run.argv)
    if run.qemu:
        # One ISO per command line: normal boots differ in ktest.expect_cpus (smpN).
        special = run.expect is not None or run.shuffle is not None
        iso_name = run.name if special else "ktest-" + run.name.split("-")[2]
        iso, err = isos.get(iso_name, run.cmdline)
        if err:
            with open(run.log, "w") as f:
                f.write(f"ktest-runner: {err}\n")
            return Outcome(run, Verdict(False, err, 0, 0, 0), time.monotonic() - start)
        argv += ["-cdrom", iso]
        if run.vars_fd:
            shutil.copyfile(run.vars_src, run.vars_fd)
    run.command = argv
    status, killed = spawn(argv, run.log, run.timeout, run.stall)
    with open(run.log, errors="replace") as f:
        text = f.read()
    if run.serial:
        verdict = judge(text, status, QEMU_PASS if run.qemu else 0, run.qemu, killed,
                        run.shuffle)
    else:
        verdict = judge_status(status, killed)
    if run.need and run.need not in text:
        verdict = Verdict(False, "; ".join(filter(None, [verdict.reason, f"no '{run.need}' in the log"])),
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


def spawn(argv, log, timeout, stall=None):
    """Runs argv with stdout+stderr in log. Returns (status, why it was killed or None).
    A hung kernel goes quiet long before its timeout: `stall` seconds without
    a byte of output end the run early."""
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
            return watch(proc, log, timeout, stall)
        finally:
            CHILDREN.finish(proc)


def watch(proc, log, timeout, stall):
    """Waits for proc; kills its session on timeout or stall. Returns (status, killed)."""
    start = last_growth = time.monotonic()
    size = 0
    while True:
        try:
            return proc.wait(timeout=1), None
        except subprocess.TimeoutExpired:
            pass
        now = time.monotonic()
        if os.path.getsize(log) != size:
            size, last_growth = os.path.getsize(log), now
        if now - start >= timeout:
            killed = f"timeout after {timeout:g}s"
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
    runs = host_runs(args) + shuffled(matrix(args), args) + \
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
    bad_results = write_results(outcomes, args, time.monotonic() - started, closing)
    print(f"# {len(outcomes)} runs in {time.monotonic() - started:.0f}s"
          + (f" (shard {args.shard[0]}/{args.shard[1]})" if args.shard else ""))
    print(closing)
    return 1 if failed or bad_results or not all(o.ok for o in outcomes) else 0


def select_shard(runs, shard):
    """Shard (k, n) of the runs: every n-th run in start order from the k-th,
    so each shard gets its share of the long boots. None: all of them."""
    if shard is None:
        return runs
    k, n = shard
    return [r for i, r in enumerate(sorted(runs, key=start_rank)) if i % n == k - 1]


def write_results(outcomes, args, seconds, closing):
    """Failure details under the table, then results.xml and results.json,
    checked against the JUnit schema and the closing line. Returns whether
    anything is wrong with them."""
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
    return bool(problems)


def run_all(runs, args):
    """Runs everything, args.jobs at a time, printing a line as each ends."""
    isos = IsoCache(args.mkiso, os.path.join(args.out, "iso"))
    os.makedirs(isos.outdir, exist_ok=True)
    outcomes = []
    pool = ThreadPoolExecutor(max_workers=args.jobs)
    try:
        futures = [pool.submit(execute, r, isos) for r in start_order(runs, args.out)]
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
    last results.json in out (a long host command such as shell_test must not
    start last), then the runs it does not know, by start_rank."""
    try:
        with open(os.path.join(out, "results.json")) as f:
            last = {r["name"]: float(r["seconds"]) for r in json.load(f)["runs"]}
    except (OSError, ValueError, KeyError, TypeError):
        last = {}
    return sorted(runs, key=lambda r: (0, -last[r.name], r.name) if r.name in last
                  else (1,) + start_rank(r))


def start_rank(run):
    """Start order, longest first so no worker idles at the end: the hang
    (always a full timeout), UEFI boots (OVMF is slow under TCG), BIOS boots,
    the other break-on-purpose boots (they stop early), host commands."""
    if not run.qemu:
        return (4, run.name)
    if run.expect is None:
        return (1 if "uefi" in run.name else 2, run.name)
    return (0 if run.expect.startswith("timeout") else 3, run.name)


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
                   help="seconds before the ktest.selftest=hang boot counts as hung")
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
