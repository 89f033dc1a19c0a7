# SPDX-License-Identifier: MIT
"""ktap: reads a test run's KTAP log and judges it. Pure: text and exit status in, a Verdict out.

A run passes only if its exit status is the expected one (0 on the host, 33
from QEMU's isa-debug-exit) AND its log holds a complete, consistent KTAP
report: version line, plans that match the results at both levels, no
"not ok", no "KERNEL PANIC", and the "# ktest: P passed, F failed, S skipped"
summary agreeing with the results. A boot without a serial line
(-serial none) has no log: judge_status() judges its exit status alone,
counted as one case. No subprocess, no files: ktest-runner.py runs things and
hands this module what they printed.
"""

import re
from dataclasses import dataclass, field

QEMU_PASS = 33          # isa-debug-exit: (0x10 << 1) | 1
QEMU_FAIL = 35          # isa-debug-exit: (0x11 << 1) | 1

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
    diagnostics: list = field(default_factory=list)     # after its last case: why it failed


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
    suite.diagnostics = pending
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
    bad += [s.name + (f" ({s.diagnostics[0]})" if s.diagnostics else "") for s in rep.suites
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

