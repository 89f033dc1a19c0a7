#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""results_test: checks what the runner leaves for CI (results.xml, results.json, failure details, shards); prints KTAP.

One runner run with fake-qemu.sh and planted failures: a boot that fails a
case (not-ok.log), a host command that panics, one that hangs past its
timeout after 40 lines, one that passes with a skip, and the break-on-purpose
boots. Its results must validate against the JUnit schema, agree with the
closing line and carry each failure's message. Expected values come from the
canned logs, counted by hand, not from the runner.
"""

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True
import junit_check  # noqa: E402  (tests/runner/, next to this file)
import matrix  # noqa: E402
from runner_test import Suite, runner  # noqa: E402

OUT = os.path.join(ROOT, "build", "test", "results-selftest")
FIND_FIRST_MSG = ("tests/lib/bitmap/find_test.c:42: bitmap_find_first(map, 128): "
                  "expected 70 (0x46), got 71 (0x47)")
# Host commands: (name, shell script body). Counts from the logs by hand:
# pass.log 4 passed 1 skipped; panic.log 1 passed (+ the run's own failure);
# truncated.log 2 passed (+ the timeout).
HOSTS = [
    ("pass", "cat {logs}/pass.log"),
    ("panic", "cat {logs}/panic.log; exit 1"),
    ("hang", "i=1; while [ $i -le 40 ]; do echo \"filler $i\"; i=$((i+1)); done; "
             "cat {logs}/truncated.log; exec sleep 30"),
]


def run_planted():
    """Runs the runner once; returns (exit status, stdout lines)."""
    os.makedirs(OUT, exist_ok=True)
    hosts = []
    for name, body in HOSTS:
        path = os.path.join(OUT, f"{name}.sh")
        with open(path, "w") as f:
            f.write("#!/bin/sh\n" + body.format(logs=os.path.join(HERE, "logs")) + "\n")
        os.chmod(path, 0o755)
        hosts.append(path)
    for old in ("results.xml", "results.json"):
        if os.path.exists(os.path.join(OUT, old)):
            os.remove(os.path.join(OUT, old))
    env = dict(os.environ, FAKE_QEMU_LOG="not-ok.log", FAKE_QEMU_STATUS="35")
    proc = subprocess.run(
        [sys.executable, os.path.join(HERE, "ktest-runner.py"), "test",
         "--matrix", "quick", "--selftests", "--hang-timeout", "5", "--hang-stall", "0.5",
         "--host-timeout", "1", "--jobs", "6",
         "--out", OUT, "--qemu", os.path.join(HERE, "fake-qemu.sh"),
         "--mkiso", os.path.join(HERE, "fake-mkiso.sh")] + hosts,
        capture_output=True, text=True, env=env, timeout=120)
    return proc.returncode, proc.stdout.splitlines()


def want_closing():
    breaks = len(matrix.SELFTESTS)
    passed = 4 + 1 + 2 + 3 + breaks     # pass, panic, hang, the boot, caught selftests
    return f"{passed} passed, 3 failed"  # find_first, the panic, the timeout


def check_closing(status, lines):
    problems = []
    if status != 1:
        problems.append(f"exit status {status}, want 1")
    if not lines or lines[-1] != want_closing():
        problems.append(f"closing line {lines[-1] if lines else None!r}, want {want_closing()!r}")
    return problems


def check_schema(_status, lines):
    """results.xml is valid junit-10 and its totals are the closing line's."""
    problems, totals = junit_check.check(os.path.join(OUT, "results.xml"))
    if totals is not None and lines:
        problems += junit_check.closing_problems(totals, lines[-1])
    return problems


def testcase(root, suite, name):
    for s in root.iter("testsuite"):
        if s.get("name") == suite:
            for c in s.iter("testcase"):
                if c.get("name") == name:
                    return c
    return None


def check_xml_cases(_status, _lines):
    """Each planted failure is a failed testcase with its message and log lines."""
    root = ET.parse(os.path.join(OUT, "results.xml")).getroot()
    problems = []
    c = testcase(root, "bios-pc-smp4-512M", "bitmap.find_first")
    fail = c.find("failure") if c is not None else None
    if fail is None or fail.get("message") != FIND_FIRST_MSG:
        problems.append(f"find_first failure: {fail.attrib if fail is not None else None}")
    elif "  not ok 2 find_first" not in (fail.text or "") or \
            "  ok 1 set_clear" not in (fail.text or ""):
        problems.append(f"find_first failure lacks its log lines: {fail.text!r}")
    for suite, want in (("host:panic", "panic: [    0.210000] E KERNEL PANIC on cpu 0"),
                        ("host:hang", "timeout after 1s")):
        c = testcase(root, suite, "run.verdict")
        fail = c.find("failure") if c is not None else None
        if fail is None or want not in fail.get("message", ""):
            problems.append(f"{suite}: no run.verdict failure with {want!r}")
    c = testcase(root, "host:pass", "bitmap.parselist")
    skip = c.find("skipped") if c is not None else None
    if skip is None or skip.get("message") != "needs the heap":
        problems.append(f"host:pass bitmap.parselist not skipped with its reason: {skip}")
    if testcase(root, "selftest-hang", "runner.caught") is None:
        problems.append("selftest-hang has no runner.caught case")
    return problems


def check_json(_status, lines):
    with open(os.path.join(OUT, "results.json")) as f:
        doc = json.load(f)
    problems = []
    m = re.match(r"(\d+) passed, (\d+) failed", lines[-1] if lines else "")
    if not m or (doc["passed"], doc["failed"]) != (int(m.group(1)), int(m.group(2))):
        problems.append(f"totals {doc['passed']}, {doc['failed']} vs {lines[-1:]}")
    runs = {r["name"]: r for r in doc["runs"]}
    boot = runs.get("bios-pc-smp4-512M", {})
    want_conf = {"kind": "qemu", "firmware": "bios", "machine": "pc", "smp": 4,
                 "memory": "512M", "serial": True}
    conf = boot.get("configuration", {})
    if {k: conf.get(k) for k in want_conf} != want_conf:
        problems.append(f"configuration {conf}")
    if boot.get("exit_status") != 35 or boot.get("verdict") != "FAIL":
        problems.append(f"exit status/verdict {boot.get('exit_status')} {boot.get('verdict')}")
    cmd = boot.get("command", [])
    if "-cdrom" not in cmd or not cmd[0].endswith("fake-qemu.sh") or "-smp" not in cmd:
        problems.append(f"command {cmd}")
    bad = [c for c in boot.get("cases", []) if c["result"] == "failed"]
    if [(c["name"], c["messages"]) for c in bad] != [("bitmap.find_first", [FIND_FIRST_MSG])]:
        problems.append(f"failed cases {bad}")
    if not isinstance(boot.get("seconds"), float) or runs.get("host:hang", {}).get("exit_status"):
        problems.append("no duration, or the killed run has an exit status")
    if len(runs) != 3 + 1 + len(matrix.SELFTESTS):
        problems.append(f"{len(runs)} runs in results.json")
    return problems


def check_details(_status, lines):
    """Under the table, before the closing line: the failing case's message
    and the last 30 lines of the run's log, as they are in the file."""
    problems = []
    text = "\n".join(lines)
    if "not ok bitmap.find_first\n    # " + FIND_FIRST_MSG not in text:
        problems.append("no find_first message under the table")
    log = os.path.join(OUT, "host-hang.log")
    head = f"last 30 lines of {log}:"
    if head not in lines:
        return problems + [f"no {head!r} in the output"]
    at = lines.index(head)
    shown = [line[4:] for line in lines[at + 1:at + 31] if line.startswith("  | ")]
    with open(log) as f:
        want = f.read().splitlines()[-30:]
    if shown != want:
        problems.append(f"tail shown {shown[:2]}... differs from the log's {want[:2]}...")
    if at > lines.index(lines[-1]) or "|" in lines[-1]:
        problems.append("details after the closing line")
    return problems


def check_list_shards():
    """--shard K/N: the shards are disjoint and together the whole list."""
    args = runner.parse_args(["test", "--selftests", "a", "b"])
    whole = [r.name for r in runner.host_runs(args) + runner.matrix_runs(args)
             + runner.selftest_runs(args)]
    problems = [] if len(whole) > 3 else [f"list: {whole}"]
    for n in (1, 2, 3, 5):
        parts = [[r.name for r in runner.select_shard(
            runner.host_runs(args) + runner.matrix_runs(args) + runner.selftest_runs(args), (k, n))]
            for k in range(1, n + 1)]
        joined = [name for p in parts for name in p]
        if sorted(joined) != sorted(whole) or len(set(joined)) != len(joined):
            problems.append(f"{n} shards do not partition the list: {parts}")
    bad = subprocess.run([sys.executable, os.path.join(HERE, "ktest-runner.py"),
                          "test", "--list", "--shard", "4/3"], capture_output=True, text=True)
    if bad.returncode != 2 or "want K/N with 1 <= K <= N, got '4/3'" not in bad.stderr:
        problems.append(f"--shard 4/3: status {bad.returncode}, {bad.stderr.strip()[-80:]!r}")
    return problems


# Broken documents the checker must refuse, each with the problem it must name.
BAD_XML = [
    ("unknown_element", '<testsuites><testsuite name="a" tests="1" failures="0" errors="0">'
     '<testcase name="x"><oops/></testcase></testsuite></testsuites>',
     "<oops> not allowed in <testcase>"),
    ("missing_tests", '<testsuite name="a" failures="0" errors="0"/>',
     "missing required attribute 'tests'"),
    ("attribute_not_allowed", '<testsuite name="a" tests="1" failures="0" errors="0">'
     '<testcase name="x" status="run"/></testsuite>', "attribute 'status' not allowed"),
    ("bad_time", '<testsuite name="a" tests="0" failures="0" errors="0" time="1.5s"/>',
     "time='1.5s' is not a SUREFIRE_TIME"),
    ("wrong_failures", '<testsuite name="a" tests="1" failures="0" errors="0">'
     '<testcase name="x"><failure message="m"/></testcase></testsuite>',
     "failures=0 but 1 testcases"),
    ("wrong_root_total", '<testsuites tests="3"><testsuite name="a" tests="1" failures="0" '
     'errors="0"><testcase name="x"/></testsuite></testsuites>', "tests=3 but 1 testcases"),
    ("not_xml", '<testsuite name="a" tests="0" failures="0" errors="0">\x01</testsuite>',
     "not readable XML"),
]
# Valid per junit-10.xsd: its optional elements and attributes, written by hand.
GOOD_XML = ('<?xml version="1.0"?><testsuites name="n" time="1,234.5" tests="3" '
            'failures="1" errors="1"><testsuite name="a" tests="3" failures="1" errors="1" '
            'skipped="0" time="2" timestamp="t" hostname="h"><properties><property name="p" '
            'value="v"/></properties><testcase name="x" classname="c" time="0.1"><failure '
            'message="m" type="t">text</failure><system-out>o</system-out></testcase>'
            '<testcase name="y"><error/></testcase><testcase name="z"/>'
            '<system-err>e</system-err></testsuite></testsuites>')


def check_validator(doc, want):
    path = os.path.join(OUT, "check.xml")
    with open(path, "w") as f:
        f.write(doc)
    problems, _ = junit_check.check(path)
    if want is None:
        return [f"valid document refused: {problems}"] if problems else []
    if not any(want in p for p in problems):
        return [f"want a problem with {want!r}, got {problems}"]
    return []


def main():
    print("KTAP version 1\n1..2")
    status, lines = run_planted()
    checks = [("closing_line", check_closing), ("xml_schema_and_counts", check_schema),
              ("xml_planted_failures", check_xml_cases), ("json", check_json),
              ("failure_details_in_place", check_details)]
    s = Suite("results", len(checks) + 1)
    for name, check in checks:
        try:
            s.case(name, check(status, lines))
        except (OSError, ValueError, KeyError) as e:
            s.case(name, [f"{type(e).__name__}: {e}"])
    s.case("shards_partition", check_list_shards())
    s.end(1)
    passed, failed = s.passed, s.failed

    v = Suite("junit_check", len(BAD_XML) + 1)
    for name, doc, want in BAD_XML:
        v.case(name, check_validator(doc, want))
    v.case("valid_document", check_validator(GOOD_XML, None))
    v.end(2)
    passed, failed = passed + v.passed, failed + v.failed

    print(f"# ktest: {passed} passed, {failed} failed, 0 skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
