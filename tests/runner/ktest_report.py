# SPDX-License-Identifier: MIT
"""ktest_report: what `ktest-runner.py test` leaves for CI: results.xml (JUnit), results.json, failure details.

The runner judges; this module only reports. Each run becomes a list of
cases whose counts are the run's share of the closing line ("P passed, F
failed"; skips aside):
  - a boot or host command with a KTAP log: one case per KTAP case, named
    suite.case; a failed run with no failing case (a timeout, a panic, a bad
    exit status) adds a failed case "run.verdict" carrying the reason;
  - a boot without a serial line: one case "boot.exit_status";
  - a break-on-purpose boot: one case "runner.caught", failed if it was missed.
"""

import json
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

TAIL_LINES = 30         # log lines shown under a failing run, and kept in its JUnit case
CONTEXT_LINES = 12      # log lines before a failing case's result line...
CONTEXT_AFTER = 3       # ...and after it
MAX_CASES_SHOWN = 5     # failing cases printed per run under the table

# XML 1.0 has no place for most control characters; a serial log has plenty.
XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
RESULT_LINE = re.compile(r"^( +)(ok|not ok) (\d+)(?: ([^#]*?))?\s*(?:#\s*(.*))?$")
SUBTEST_LINE = re.compile(r"^ +# Subtest: (.*)$")
FILE_LINE = re.compile(r"\S+\.\w+:\d+: ")


@dataclass
class CaseResult:
    name: str                   # suite.case
    status: str                 # "passed", "failed" or "skipped"
    messages: list = field(default_factory=list)    # the case's diagnostics
    context: list = field(default_factory=list)     # log lines around a failure

    def message(self):
        """The one line CI shows: the first file:line diagnostic, else the first one."""
        located = [m for m in self.messages if FILE_LINE.match(m)]
        return (located or self.messages or [self.status])[0]


@dataclass
class RunResult:
    outcome: object             # ktest-runner's Outcome
    cases: list
    tail: list                  # the last TAIL_LINES lines of the log

    def count(self, status):
        return sum(1 for c in self.cases if c.status == status)


# ------------------------------------------------------------------ collecting

def read_log(path, clean):
    """The log's lines as the judge saw them, safe for XML. Missing log: no lines."""
    try:
        with open(path, errors="replace") as f:
            text = f.read()
    except OSError:
        return [], ""
    return [xml_safe(clean(raw)) for raw in text.splitlines()], text


def xml_safe(s):
    return XML_INVALID.sub("?", s)


def result_lines(lines):
    """Where each nested KTAP result is: {(suite, number): (line index, directive)}."""
    where, suite = {}, "?"
    for i, line in enumerate(lines):
        if m := SUBTEST_LINE.match(line):
            suite = m.group(1).strip()
        elif (m := RESULT_LINE.match(line)) and (suite, int(m.group(3))) not in where:
            where[(suite, int(m.group(3)))] = (i, (m.group(5) or "").strip())
    return where


def ktap_cases(rep, lines):
    """One CaseResult per KTAP case, failures with the log lines before their result."""
    where = result_lines(lines)
    cases = []
    for suite, case in rep.cases():
        at, directive = where.get((suite.name, case.number), (None, ""))
        if not case.ok:
            ctx = lines[max(0, at - CONTEXT_LINES):at + CONTEXT_AFTER + 1] if at is not None else []
            cases.append(CaseResult(f"{suite.name}.{case.name}", "failed",
                                    [xml_safe(d) for d in case.diagnostics], ctx))
        elif case.skipped:
            why = re.sub(r"(?i)^skip\s*", "", directive) or "skipped"
            cases.append(CaseResult(f"{suite.name}.{case.name}", "skipped", [why]))
        else:
            cases.append(CaseResult(f"{suite.name}.{case.name}", "passed"))
    return cases


def run_cases(o, rep, lines, tail):
    """The cases of one run (see the module comment)."""
    if o.run.expect is not None:
        if o.ok:
            return [CaseResult("runner.caught", "passed")]
        return [CaseResult("runner.caught", "failed", [o.reason()], tail)]
    if not o.run.serial:
        if o.verdict.ok:
            return [CaseResult("boot.exit_status", "passed")]
        return [CaseResult("boot.exit_status", "failed", [o.verdict.reason], tail)]
    cases = ktap_cases(rep, lines) if rep is not None else []
    failed = sum(1 for c in cases if c.status == "failed")
    if not o.ok and failed < o.counted()[1]:
        cases.append(CaseResult("run.verdict", "failed", [o.reason()], tail))
    return cases


def collect(outcomes, parse, clean):
    """RunResults for outcomes (in table order); parse and clean are the judge's."""
    results = []
    for o in outcomes:
        lines, text = read_log(o.run.log, clean)
        tail = lines[-TAIL_LINES:]
        rep = parse(text) if o.run.serial else None
        results.append(RunResult(o, run_cases(o, rep, lines, tail), tail))
    return results


# ------------------------------------------------------------------ JUnit XML

def junit_tree(results, seconds):
    """One testsuite per run, one testcase per case (Jenkins' junit-10.xsd)."""
    root = ET.Element("testsuites", name="setbit make test")
    for r in results:
        root.append(junit_suite(r))
    root.set("tests", str(sum(len(r.cases) for r in results)))
    root.set("failures", str(sum(r.count("failed") for r in results)))
    root.set("errors", "0")
    root.set("time", f"{seconds:.3f}")
    return ET.ElementTree(root)


def junit_suite(r):
    o = r.outcome
    suite = ET.Element("testsuite", name=o.run.name, tests=str(len(r.cases)),
                       failures=str(r.count("failed")), errors="0",
                       skipped=str(r.count("skipped")), time=f"{o.seconds:.3f}",
                       log=o.run.log)
    props = ET.SubElement(suite, "properties")
    for name, value in (("command", " ".join(command(o))),
                        ("exit_status", "killed" if o.status is None else str(o.status)),
                        ("verdict", o.result_word()),
                        ("reason", o.reason() or "")):
        ET.SubElement(props, "property", name=name, value=xml_safe(value))
    for c in r.cases:
        suite.append(junit_case(o.run.name, c))
    return suite


def junit_case(run_name, c):
    case = ET.Element("testcase", name=c.name, classname=run_name)
    if c.status == "failed":
        fail = ET.SubElement(case, "failure", message=c.message(), type="failure")
        text = [f"# {m}" for m in c.messages]
        if c.context:
            text += ["", "log:"] + c.context
        fail.text = "\n".join(text)
    elif c.status == "skipped":
        ET.SubElement(case, "skipped", message=c.message())
    return case


# ------------------------------------------------------------------ JSON

def command(o):
    """The argv the run was started with (a boot's includes its ISO)."""
    return list(getattr(o.run, "command", None) or o.run.argv)


def configuration(run):
    """What a run was: for a boot, firmware, machine, CPUs, memory, serial, kernel command line."""
    if not run.qemu:
        return {"kind": "host"}
    argv = run.argv

    def value(flag):
        return argv[argv.index(flag) + 1] if flag in argv else None
    smp = value("-smp")
    return {"kind": "qemu",
            "firmware": "uefi" if value("-machine") == "q35" else "bios",
            "machine": value("-machine"), "smp": int(smp) if smp else None,
            "memory": value("-m"), "serial": run.serial,
            "kernel_cmdline": run.cmdline, "expect_failure": run.expect,
            "shuffle": getattr(run, "shuffle", None)}


def json_doc(results, seconds, shard, closing):
    runs = []
    for r in results:
        o = r.outcome
        runs.append({
            "name": o.run.name, "configuration": configuration(o.run),
            "command": command(o), "exit_status": o.status,
            "verdict": o.result_word(), "reason": o.reason() or "",
            "seconds": round(o.seconds, 3), "log": o.run.log,
            "passed": r.count("passed"), "failed": r.count("failed"),
            "skipped": r.count("skipped"),
            "cases": [{"name": c.name, "result": c.status, "messages": c.messages}
                      for c in r.cases]})
    return {"closing_line": closing, "shard": shard, "seconds": round(seconds, 3),
            "passed": sum(r["passed"] for r in runs),
            "failed": sum(r["failed"] for r in runs),
            "skipped": sum(r["skipped"] for r in runs), "runs": runs}


def write(results, outdir, seconds, shard, closing):
    """Writes results.xml and results.json into outdir; returns their paths."""
    xml_path = os.path.join(outdir, "results.xml")
    json_path = os.path.join(outdir, "results.json")
    tree = junit_tree(results, seconds)
    ET.indent(tree)
    tree.write(xml_path, encoding="UTF-8", xml_declaration=True)
    with open(json_path, "w") as f:
        json.dump(json_doc(results, seconds, shard, closing), f, indent=1)
        f.write("\n")
    return xml_path, json_path


# ------------------------------------------------------------------ in place

def failure_details(results):
    """Under the table, for each failed run: its failing cases' messages and
    the last TAIL_LINES lines of its log. Returns the lines to print."""
    out = []
    for r in results:
        if r.outcome.ok:
            continue
        bad = [c for c in r.cases if c.status == "failed"]
        out += ["", f"--- {r.outcome.run.name}: {r.outcome.reason()}"]
        for c in bad[:MAX_CASES_SHOWN]:
            out.append(f"not ok {c.name}")
            out += [f"    # {m}" for m in c.messages]
        if len(bad) > MAX_CASES_SHOWN:
            out.append(f"(+{len(bad) - MAX_CASES_SHOWN} more failing cases)")
        out.append(f"last {len(r.tail)} lines of {r.outcome.run.log}:")
        out += [f"  | {line}" for line in r.tail]
    return out
