#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""junit_check: checks a JUnit XML file against the schema CI tools accept, and its counts.

    tests/runner/junit_check.py FILE [--closing "P passed, F failed"]

The schema is Jenkins' junit-10.xsd (xunit-plugin), the one GitLab, Jenkins
and the GitHub reporters read: element names and where each may appear,
required and allowed attributes, the time format. On top of it, what the
tools compute from: every tests/failures/errors/skipped count must be a
non-negative integer equal to the testcases it counts. With --closing, the
totals must also equal ktest-runner's closing line: P = tests - failures -
errors - skipped and F = failures + errors. Exit status 0 if all holds.
"""

import re
import sys
import xml.etree.ElementTree as ET

RERUN = {"children": {"stackTrace", "system-out", "system-err"},
         "required": {"type"}, "optional": {"message"}}
RESULT = {"children": set(), "required": set(), "optional": {"type", "message"}}
TEXT = {"children": set(), "required": set(), "optional": set()}

# element: the elements it may contain, its required and its optional attributes.
SCHEMA = {
    "testsuites": {"children": {"testsuite"}, "required": set(),
                   "optional": {"name", "time", "tests", "failures", "errors"}},
    "testsuite": {"children": {"testsuite", "properties", "testcase",
                               "system-out", "system-err"},
                  "required": {"name", "tests", "failures", "errors"},
                  "optional": {"group", "time", "skipped", "timestamp", "hostname",
                               "id", "package", "file", "log", "url"}},
    "properties": {"children": {"property"}, "required": set(), "optional": set()},
    "property": {"children": set(), "required": {"name", "value"}, "optional": set()},
    "testcase": {"children": {"skipped", "error", "failure", "rerunFailure", "rerunError",
                              "flakyFailure", "flakyError", "system-out", "system-err"},
                 "required": {"name"}, "optional": {"time", "classname", "group"}},
    "failure": RESULT, "error": RESULT, "skipped": RESULT,
    "rerunFailure": RERUN, "rerunError": RERUN, "flakyFailure": RERUN, "flakyError": RERUN,
    "system-out": TEXT, "system-err": TEXT, "stackTrace": TEXT,
}
ROOTS = ("testsuites", "testsuite")
# The xsd's SUREFIRE_TIME: digits, optionally grouped by commas, then an optional fraction.
TIME_RE = re.compile(r"(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?")
TIMED = {"testsuites", "testsuite"}
COUNTS = ("tests", "failures", "errors", "skipped")
CLOSING_RE = re.compile(r"^(\d+) passed, (\d+) failed$")


def structure(elem, path, problems):
    """Names, nesting and attributes, element by element (the xsd's part)."""
    rule = SCHEMA.get(elem.tag)
    if rule is None:
        problems.append(f"{path}: unknown element <{elem.tag}>")
        return
    attrs = set(elem.attrib)
    problems += [f"{path}: missing required attribute {a!r}"
                 for a in sorted(rule["required"] - attrs)]
    problems += [f"{path}: attribute {a!r} not allowed on <{elem.tag}>"
                 for a in sorted(attrs - rule["required"] - rule["optional"])]
    if elem.tag in TIMED and "time" in elem.attrib \
            and not TIME_RE.fullmatch(elem.attrib["time"]):
        problems.append(f"{path}: time={elem.attrib['time']!r} is not a SUREFIRE_TIME")
    for i, child in enumerate(elem):
        where = f"{path}/{child.tag}[{i}]"
        if child.tag not in rule["children"]:
            problems.append(f"{where}: <{child.tag}> not allowed in <{elem.tag}>")
            continue
        structure(child, where, problems)


def suite_counts(suite, path, problems):
    """Checks one testsuite's counts against its testcases; returns them."""
    cases = suite.findall("testcase")
    real = {"tests": len(cases),
            "failures": sum(1 for c in cases if c.find("failure") is not None),
            "errors": sum(1 for c in cases if c.find("error") is not None),
            "skipped": sum(1 for c in cases if c.find("skipped") is not None)}
    for nested in suite.findall("testsuite"):
        inner = suite_counts(nested, f"{path}/testsuite", problems)
        real = {k: real[k] + inner[k] for k in real}
    compare(suite, path, real, problems)
    return real


def compare(elem, path, real, problems):
    for name in COUNTS:
        if name not in elem.attrib:
            continue
        said = elem.attrib[name]
        if not said.isdigit():
            problems.append(f"{path}: {name}={said!r} is not a count")
        elif int(said) != real[name]:
            problems.append(f"{path} {elem.attrib.get('name', '')}: {name}={said} "
                            f"but {real[name]} testcases")


def check(path):
    """Returns (problems, totals) for the file at path."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        return [f"{path}: not readable XML: {e}"], None
    if root.tag not in ROOTS:
        return [f"{path}: root is <{root.tag}>, not <testsuites> or <testsuite>"], None
    problems = []
    structure(root, root.tag, problems)
    if root.tag == "testsuite":
        return problems, suite_counts(root, root.tag, problems)
    totals = dict.fromkeys(COUNTS, 0)
    for i, suite in enumerate(root.findall("testsuite")):
        got = suite_counts(suite, f"testsuites/testsuite[{i}]", problems)
        totals = {k: totals[k] + got[k] for k in totals}
    compare(root, "testsuites", totals, problems)
    return problems, totals


def closing_problems(totals, closing):
    """The totals against the runner's closing line "P passed, F failed"."""
    m = CLOSING_RE.match(closing.strip())
    if not m:
        return [f"not a closing line: {closing!r}"]
    passed, failed = int(m.group(1)), int(m.group(2))
    got_failed = totals["failures"] + totals["errors"]
    got_passed = totals["tests"] - got_failed - totals["skipped"]
    if (got_passed, got_failed) == (passed, failed):
        return []
    return [f"the XML says {got_passed} passed, {got_failed} failed "
            f"but the closing line says {closing.strip()!r}"]


def main(argv):
    if len(argv) not in (1, 3) or (len(argv) == 3 and argv[1] != "--closing"):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    problems, totals = check(argv[0])
    if totals is not None and len(argv) == 3:
        problems += closing_problems(totals, argv[2])
    for p in problems:
        print(f"junit_check: {p}", file=sys.stderr)
    if totals is not None:
        print("{tests} tests, {failures} failures, {errors} errors, {skipped} skipped"
              .format(**totals))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
