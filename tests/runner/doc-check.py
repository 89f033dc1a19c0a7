#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""doc-check: keeps README.md's sample output and examples true to a real `make test` run.

    tests/runner/doc-check.py [--update] [--out build/test] [--readme README.md]

`make test` runs it after the runner, on that run's logs. It checks, printing KTAP:
  - each ``` block after a `<!-- doc-check: KIND ARG -->` marker is what KIND
    makes of this run (boot: a boot's KTAP report, abridged; table: the
    runner's table, abridged, times aside; annotated: a log, line by line
    with what each line is);
  - the run counts in the prose ("N QEMU boots", "N runs in about");
  - every ktest.filter= example selects cases of a real boot and mkiso takes
    it; the host example runs and passes at least one case;
  - README's C example ("Adding a test") compiles (ktest.h's own is built
    into ktest-host by mk/host.mk).
--update rewrites the blocks and counts from the run instead (the examples
are left to you). Exit status 0 only if everything matches.
"""

import argparse
import fnmatch
import json
import os
import re
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True     # no __pycache__ in tests/runner/
import ktap  # noqa: E402  (tests/runner/, next to this file)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MARKER_RE = re.compile(r"^<!-- doc-check: (\w+) ?(\S*) -->\n```\n(.*?)```\n", re.M | re.S)
TIME_RE = re.compile(r"\d+(\.\d)?s\b")
HOST_EXAMPLE_RE = re.compile(r"^make build/host/ktest-host && build/host/ktest-host '([^']*)'$", re.M)
FILTER_RE = re.compile(r"ktest\.filter=([^\s`\"|]+)")
ANNOTATE_AT = 59            # the column annotations start at




def read(path):
    with open(path, errors="replace") as f:
        return f.read()


def ktap_lines(log):
    """The log's KTAP lines (report and summary), kernel log lines left out."""
    keep = (ktap.VERSION_RE, ktap.PLAN_RE, ktap.SUBTEST_RE, ktap.RESULT_RE,
            ktap.DIAG_RE)
    lines = [ktap.clean_line(raw) for raw in log.splitlines()]
    return [ln for ln in lines if any(r.match(ln) for r in keep)]


# ------------------------------------------------------------------ blocks

def make_boot(out, name):
    """A boot's report: the plan, the first suite's header and first case,
    its result, and the summary, as the log has them."""
    lines = ktap_lines(read(os.path.join(out, name + ".log")))
    first_result = next(i for i, ln in enumerate(lines) if ln.startswith("ok 1 "))
    summary = next(ln for ln in lines if ktap.SUMMARY_RE.match(ln))
    return "\n".join(lines[:6] + ["  ...", lines[first_result], "...", summary]) + "\n"


TABLE_ROWS = ("host:ktest-host", "bios-pc-smp1-128M")


def load_results(out):
    """The run's results.json (written by the runner); a shard will not do."""
    doc = json.loads(read(os.path.join(out, "results.json")))
    if doc.get("shard"):
        raise ValueError(f"{out} holds shard {doc['shard']}, not a whole make test")
    return doc


def make_table(out, _):
    """The runner's table, abridged: its header, the rows of TABLE_ROWS and
    why selftest-hang was caught."""
    doc = load_results(out)
    runs = {r["name"]: r for r in doc["runs"]}
    rows = [("config", "result", "passed", "failed", "skipped", "time")]
    rows += [(n, runs[n]["verdict"], str(runs[n]["passed"]), str(runs[n]["failed"]),
              str(runs[n]["skipped"]), f"{runs[n]['seconds']:.1f}s") for n in TABLE_ROWS]
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    lines = [" | ".join([r[0].ljust(widths[0]), r[1].ljust(widths[1])]
                        + [c.rjust(w) for c, w in zip(r[2:], widths[2:])]) for r in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    caught = re.sub(r"^expected '.*?', judged: ", "", runs["selftest-hang"]["reason"])
    lines += ["...", f"caught selftest-hang: {caught}"]
    return "\n".join(lines) + "\n"


ANNOTATIONS = [
    (re.compile(r"^\[.*cmdline"), "kernel log line: ignored"),
    (re.compile(r"^KTAP version 1$"), "the report starts"),
    (re.compile(r"^1\.\.(\d+)$"), "{} suite(s) follow"),
    (re.compile(r"^  KTAP version 1$"), "one suite, indented by two"),
    (re.compile(r"^  # Subtest: "), "its name"),
    (re.compile(r"^  1\.\.(\d+)$"), "{} case(s) follow"),
    (re.compile(r"^  # \S+:\d+: "), None),      # a failure: too long to annotate
    (re.compile(r"^  not ok "), "the case's result, after its diagnostics"),
    (re.compile(r"^(not )?ok \d+ "), "the suite's result"),
    (re.compile(r"^# ktest: "), "the summary line"),
    (re.compile(r"^# boot-to-summary: "), "how long it took"),
]


def make_annotated(out, name):
    """A failing boot's log, each line with what it is."""
    log = read(os.path.join(out, name + ".log"))
    cmdline = [ktap.clean_line(ln) for ln in log.splitlines() if "cmdline" in ln][:1]
    lines = cmdline + ktap_lines(log)
    done = []
    for ln in lines:
        for pattern, note in ANNOTATIONS:
            m = pattern.match(ln)
            if m:
                if note:
                    note = note.format(*m.groups())
                    ln = ln.ljust(ANNOTATE_AT - 1) + " " + note
                break
        done.append(ln)
    return "\n".join(done) + "\n"


MAKERS = {"boot": make_boot, "table": make_table, "annotated": make_annotated}


# What differs from boot to boot in a log: timestamps and the boot's duration.
LOG_TIMES = re.compile(r"^\[ *\d+\.\d+\]|\d+ ms \(\d+ TSC cycles\)", re.M)


def comparable(kind, line):
    """One line of a sample as it is compared. Times differ from run to run (a
    table's cells and a log's timestamps), and so do a table's column widths
    (the longest config name of the run)."""
    if kind == "table":
        return [TIME_RE.sub("Ts", c.strip()) for c in line.split("|")]
    if kind == "annotated":     # the annotations' column moves with a time's width
        return " ".join(LOG_TIMES.sub("T", line).split())
    return line


def sample_lines(kind, text):
    lines = text.splitlines()
    return [ln for ln in lines if not ln.startswith("-")] if kind == "table" else lines


def same_block(kind, have, want):
    return ([comparable(kind, ln) for ln in sample_lines(kind, have)]
            == [comparable(kind, ln) for ln in sample_lines(kind, want)])


def first_difference(kind, have, want):
    """The first line that differs in what is compared (not in times or widths)."""
    h, w = sample_lines(kind, have), sample_lines(kind, want)
    for i in range(max(len(h), len(w))):
        a = h[i] if i < len(h) else "<end>"
        b = w[i] if i < len(w) else "<end>"
        if comparable(kind, a) != comparable(kind, b):
            return f"line {i + 1}: README has {a!r}, the run {b!r}"
    return "same text"


# ------------------------------------------------------------------ prose counts

def run_counts(out):
    """The figures the prose quotes: QEMU matrix boots and runs."""
    names = [r["name"] for r in load_results(out)["runs"]]
    boots = [n for n in names if not n.startswith(("host:", "selftest-"))]
    return {r"the kernel in (\d+) QEMU boots": len(boots), r"(\d+) runs in about": len(names)}


def check_counts(readme, out, update):
    problems = []
    for pattern, want in run_counts(out).items():
        found = list(re.finditer(pattern, readme))
        if not found:
            problems.append(f"no /{pattern}/ in the README")
        for m in found:
            if int(m.group(1)) != want:
                problems.append(f"README says {m.group(0)!r}, the run has {want}")
        if update:
            readme = re.sub(pattern, lambda m: m.group(0).replace(m.group(1), str(want)),
                            readme)
    return readme, problems


# ------------------------------------------------------------------ examples

def case_names(out, name):
    """(suite, suite.case) of every case a real boot ran."""
    rep = ktap.parse_ktap(read(os.path.join(out, name + ".log")))
    return [(s.name, f"{s.name}.{c.name}") for s, c in rep.cases()]


def check_filters(readme, out, boot):
    """Each glob of each ktest.filter= example selects cases of the boot (or
    of the selftest-fail boot: the selftest suite runs only there); a -GLOB
    must exclude some, so it also matches without its '-'."""
    names = case_names(out, boot) + case_names(out, "selftest-fail")
    problems = []
    examples = dict.fromkeys(e for e in FILTER_RE.findall(readme) if "GLOB" not in e)
    if not examples:
        problems.append("no ktest.filter= example in the README")
    for arg in examples:
        if "'" in arg:
            problems.append(f"ktest.filter={arg}: tools/mkiso.sh refuses a single quote")
        for glob in (g[1:] if g.startswith("-") else g for g in arg.split(",")):
            if not any(fnmatch.fnmatchcase(s, glob) or fnmatch.fnmatchcase(full, glob)
                       for s, full in names):
                problems.append(f"ktest.filter={arg}: '{glob}' selects no case of {boot}")
    return problems


def check_host_example(readme):
    found = HOST_EXAMPLE_RE.search(readme)
    if not found:
        return ["no `make build/host/ktest-host && build/host/ktest-host '...'` example"]
    host = os.path.join(ROOT, "build", "host", "ktest-host")
    proc = subprocess.run([host, found.group(1)], capture_output=True, text=True, cwd=ROOT)
    v = ktap.judge(proc.stdout, proc.returncode, expected=0, qemu=False)
    if not v.ok or not v.passed:
        return [f"ktest-host '{found.group(1)}': {v.reason or 'no case passed'}"]
    return []


def readme_example(readme):
    m = re.search(r"^```c\n(.*?)^```", readme, re.M | re.S)
    return m.group(1) if m else None


def check_compiles(name, code):
    if code is None:
        return [f"no {name} found"]
    cc = os.environ.get("CC", "cc")
    with tempfile.NamedTemporaryFile("w", suffix=".c") as f:
        f.write(code)
        f.flush()
        proc = subprocess.run(
            [cc, "-std=gnu11", "-fsyntax-only", "-Wall", "-Wextra", "-Werror",
             "-I", os.path.join(ROOT, "kernel", "include"), "-I", os.path.join(ROOT, "lib"),
             f.name], capture_output=True, text=True)
    if proc.returncode:
        errors = [ln for ln in proc.stderr.splitlines() if "error" in ln] or ["?"]
        first = errors[0].replace(f.name, name)
        return [f"{name} does not compile: {first}"]
    return []


# ------------------------------------------------------------------ main

def check_blocks(readme, out, update):
    """Yields (case name, problems); the README text with blocks updated last."""
    results, found = [], False

    def replace(m):
        nonlocal found
        found = True
        kind, arg, have = m.group(1), m.group(2), m.group(3)
        try:
            want = MAKERS[kind](out, arg)
        except (OSError, ValueError, StopIteration, KeyError) as e:
            results.append((f"{kind}_{arg}", [f"cannot make the {kind} sample: {e!r}"]))
            return m.group(0)
        ok = same_block(kind, have, want)
        results.append((f"sample_{kind}" + (f"_{arg}" if arg else "").replace("-", "_"),
                        [] if ok else [f"README's {kind} sample differs from {out}: "
                                       + first_difference(kind, have, want)]))
        if not update:
            return m.group(0)
        start, end = m.start(3) - m.start(0), m.end(3) - m.start(0)
        return m.group(0)[:start] + want + m.group(0)[end:]

    readme = MARKER_RE.sub(replace, readme)
    if not found:
        results.append(("samples", ["no <!-- doc-check: ... --> marker in the README"]))
    return results, readme


def check_all(readme, args, update):
    """Every check; returns (results, the README text, updated if asked)."""
    results, updated = check_blocks(readme, args.out, update)
    try:
        updated, problems = check_counts(updated, args.out, args.update)
    except (OSError, ValueError) as e:
        problems = [f"cannot read the run's results: {e}"]
    results.append(("run_counts_in_prose", problems))
    try:
        results.append(("filter_examples_select_cases", check_filters(readme, args.out, args.boot)))
    except OSError as e:
        results.append(("filter_examples_select_cases", [f"cannot read the boot log: {e}"]))
    results.append(("host_filter_example_passes", check_host_example(readme)))
    results.append(("readme_example_compiles", check_compiles("README's C example",
                                                              readme_example(readme))))
    return results, updated


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "test"),
                    help="the make test run's directory of logs")
    ap.add_argument("--readme", default=os.path.join(ROOT, "README.md"))
    ap.add_argument("--boot", default="uefi-q35-smp4-2G-cpumax",
                    help="the boot whose cases the filter examples must select")
    ap.add_argument("--update", action="store_true", help="rewrite the samples from the run")
    args = ap.parse_args()
    readme = read(args.readme)
    results, updated = check_all(readme, args, args.update)
    if args.update and updated != readme:
        with open(args.readme, "w") as f:
            f.write(updated)
        print(f"doc-check: rewrote the samples in {args.readme} from {args.out}", file=sys.stderr)
        results, _ = check_all(updated, args, False)

    print(f"KTAP version 1\n1..{len(results)}")
    failed = 0
    for n, (name, problems) in enumerate(results, 1):
        for p in problems:
            print(f"# {p}")
        failed += bool(problems)
        print(f"{'not ok' if problems else 'ok'} {n} {name}")
    print(f"# ktest: {len(results) - failed} passed, {failed} failed, 0 skipped")
    if failed:
        print("doc-check: README.md does not match this run; after a full make test, "
              "tests/runner/doc-check.py --update rewrites the samples and counts", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
