#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""ci_test: the CI workflow and the README's GitLab job parse, say what they should, and their shards cover make test; prints KTAP.

.github/workflows/test.yml and the ```yaml block under "GitLab CI" in
README.md are read with Debian's python3-yaml. Each must install with
tools/deps.sh, run `make ... test SHARD=K/N` over N shards in a Debian 12
image, keep build/test/ and hand results.xml to the CI. Then the workflow's
own test command is run for every shard with test-list in place of test:
the shards must be disjoint and together exactly `make test-list`.
"""

import os
import re
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORKFLOW = os.path.join(ROOT, ".github", "workflows", "test.yml")
SHARD_RE = re.compile(r"^make (?:-j\d+ )?test SHARD=(.+)/(\d+)$")

try:
    import yaml
except ImportError:
    yaml = None


def load_yaml(text, what):
    """Parsed YAML, or raises ValueError naming what failed."""
    if yaml is None:
        raise ValueError("python3-yaml is missing (tools/deps.sh installs it)")
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise ValueError(f"{what} does not parse: {e}") from e


def workflow():
    with open(WORKFLOW) as f:
        return load_yaml(f.read(), WORKFLOW)


def gitlab_job():
    """The ```yaml block after the README's "GitLab CI" heading."""
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    m = re.search(r"^#+ .*GitLab CI.*?^```yaml\n(.*?)^```", text, re.M | re.S)
    if not m:
        raise ValueError("README.md has no ```yaml block under a GitLab CI heading")
    return load_yaml(m.group(1), "README's GitLab job")


def runs(steps):
    return [s.get("run", "").strip() for s in steps if "run" in s]


def check_workflow():
    wf = workflow()
    problems = []
    if not ({"push", "pull_request"} <= set(wf.get(True, wf.get("on")) or {})):
        problems.append("not triggered on push and pull_request")
    job = wf.get("jobs", {}).get("test", {})
    image = job.get("container")
    image = image.get("image") if isinstance(image, dict) else image
    if image != "debian:12":
        problems.append(f"test job container is {image!r}, not debian:12")
    steps = job.get("steps", [])
    if not any(s.get("uses", "").startswith("actions/checkout@") for s in steps):
        problems.append("no checkout step")
    if "tools/deps.sh" not in runs(steps):
        problems.append(f"no 'tools/deps.sh' step: {runs(steps)}")
    shards = job.get("strategy", {}).get("matrix", {}).get("shard")
    cmds = [SHARD_RE.match(r) for r in runs(steps) if SHARD_RE.match(r)]
    if len(cmds) != 1 or not shards:
        problems.append(f"want one 'make test SHARD=...' step and a shard matrix: {runs(steps)}")
    elif cmds[0].group(1) != "${{ matrix.shard }}" or cmds[0].group(2) != str(len(shards)) \
            or shards != list(range(1, len(shards) + 1)):
        problems.append(f"shards {shards} do not match {cmds[0].group(0)!r}")
    up = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")]
    paths = up[0].get("with", {}).get("path", "").split() if up else []
    if not up or "build/test/" not in paths or up[0].get("if") != "always()":
        problems.append("no upload of build/test/ that runs even when the tests fail")
    pub = wf.get("jobs", {}).get("publish", {})
    files = [s.get("with", {}).get("files", "") for s in pub.get("steps", [])
             if "publish-unit-test-result-action" in s.get("uses", "")]
    if pub.get("needs") != "test" or pub.get("if") != "always()" or \
            not files or not files[0].endswith("results.xml"):
        problems.append("no publish job for results.xml after the tests, pass or fail")
    return problems


def check_gitlab():
    job = gitlab_job()
    job = job.get("test", {}) if isinstance(job, dict) else {}
    problems = []
    if job.get("image") != "debian:12":
        problems.append(f"image {job.get('image')!r}, not debian:12")
    script = [s.strip() for s in job.get("script", [])]
    want = ["tools/deps.sh", "make -j2 test SHARD=${CI_NODE_INDEX}/${CI_NODE_TOTAL}"]
    if script != want:
        problems.append(f"script {script}, want {want}")
    if not isinstance(job.get("parallel"), int) or job["parallel"] < 2:
        problems.append("no parallel: N for the shards")
    art = job.get("artifacts", {})
    if art.get("when") != "always" or "build/test/" not in art.get("paths", []) or \
            art.get("reports", {}).get("junit") != "build/test/results.xml":
        problems.append(f"artifacts {art}: want build/test/ always and the junit report")
    return problems


def make_list(args):
    """`make -s test-list ARGS` from a clean make environment. Returns the names.
    make exports its command line's variables: `make test SHARD=1/3` (or
    QUICK=1, or ONLY=GLOB) must not narrow the lists compared here."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "SHARD", "QUICK", "ONLY")}
    proc = subprocess.run(["make", "-s", "--no-print-directory"] + args, cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise ValueError(f"make {' '.join(args)}: {proc.stderr.strip()[-200:]}")
    return proc.stdout.split()


def check_shards_cover():
    """The workflow's test command, once per shard, with test-list for test."""
    job = workflow()["jobs"]["test"]
    shards = job["strategy"]["matrix"]["shard"]
    cmd = next(r for r in runs(job["steps"]) if SHARD_RE.match(r))
    whole = make_list(["test-list"])
    parts = []
    for k in shards:
        argv = shlex.split(cmd.replace("${{ matrix.shard }}", str(k)))
        parts.append(make_list([("test-list" if a == "test" else a)
                                for a in argv[1:] if not a.startswith("-j")]))
    joined = [name for p in parts for name in p]
    problems = []
    if len(whole) < 20:
        problems.append(f"make test-list printed only {len(whole)} runs")
    if sorted(joined) != sorted(whole):
        problems.append(f"the shards run {sorted(set(joined) ^ set(whole))} "
                        "that make test does not, or miss them")
    if len(set(joined)) != len(joined):
        problems.append("a run is in two shards")
    if any(not p for p in parts):
        problems.append(f"an empty shard: {[len(p) for p in parts]}")
    return problems


def main():
    checks = [("workflow_parses_and_says_so", check_workflow),
              ("readme_gitlab_job", check_gitlab),
              ("shards_are_make_test", check_shards_cover)]
    print(f"KTAP version 1\n1..1\n  KTAP version 1\n  # Subtest: ci\n  1..{len(checks)}")
    failed = 0
    for n, (name, check) in enumerate(checks, 1):
        try:
            problems = check()
        except (OSError, ValueError, KeyError, TypeError, AttributeError,
                StopIteration, subprocess.TimeoutExpired) as e:
            problems = [f"{type(e).__name__}: {e}"]
        for p in problems:
            print(f"  # {p}")
        failed += bool(problems)
        print(f"  {'not ok' if problems else 'ok'} {n} {name}")
    print(f"{'not ok' if failed else 'ok'} 1 ci")
    print(f"# ktest: {len(checks) - failed} passed, {failed} failed, 0 skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
