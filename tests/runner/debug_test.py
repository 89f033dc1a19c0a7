#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""debug_test: `make debug` works with gdb as it says it does; prints KTAP.

Starts `make debug` on a free port, runs the gdb command it prints in batch
mode, and checks that QEMU waited at the reset vector, that gdb stops in
kmain, and that a breakpoint in a later function (mm_init) gives a
backtrace naming both with the source lines of the kernel's own text.
Needs gdb and a built kernel (make test builds it first).
"""

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LATER = "mm_init"               # called by kmain, long after its first line
LATER_FILE = "kernel/mm/mm.c"
PRINT_TIMEOUT = 120             # for make to print the gdb line (a rebuild, a loaded machine)
GDB_TIMEOUT = 90


def free_port():
    """A TCP port nobody listens on now (so parallel runs do not share :1234)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def source_lines(path, pattern):
    """Line numbers (1-based) of the lines of path that match pattern."""
    with open(os.path.join(ROOT, path)) as f:
        return [n for n, line in enumerate(f, 1) if re.search(pattern, line)]


def function_span(path, name):
    """The lines from `name(`'s definition to the closing brace at column 0."""
    with open(os.path.join(ROOT, path)) as f:
        lines = f.read().splitlines()
    start = next(i for i, line in enumerate(lines)
                 if re.match(rf"^\w.*\b{name}\(", line) and not line.endswith(";"))
    end = next(i for i in range(start, len(lines)) if lines[i] == "}")
    return range(start + 1, end + 2)


def start_debug(port, log):
    """`make debug` in its own session; stdin closed, no display."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "DISPLAY")}
    return subprocess.Popen(["make", "-s", "--no-print-directory", "debug", f"GDB_PORT={port}"],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, env=env, start_new_session=True)


def wait_for_gdb_line(path, proc):
    """The `gdb ...` command make printed, or None."""
    deadline = time.monotonic() + PRINT_TIMEOUT
    while time.monotonic() < deadline:
        with open(path, errors="replace") as f:
            for line in f:
                if line.strip().startswith("gdb "):
                    return line.strip()
        if proc.poll() is not None:
            return None
        time.sleep(0.2)
    return None


def gdb_argv(printed):
    """The printed command in batch mode, with the checks added: where the CPU
    waits, then the printed breakpoint, then the later one and a backtrace."""
    argv = shlex.split(printed)
    at = next(i for i, a in enumerate(argv) if a.startswith("target remote")) + 1
    checks = ["-ex", "p/x $pc", "-ex", "p/x $cs"]
    tail = ["-ex", "bt", "-ex", f"hbreak {LATER}", "-ex", "c", "-ex", "bt", "-ex", "kill"]
    return ["gdb", "-batch", "-nx", "-ex", "set tcp connect-timeout 30"] + argv[1:at] \
        + checks + argv[at:] + tail


def run_gdb(printed):
    """Runs gdb_argv(printed). Returns (its output, problems that stopped it)."""
    if printed is None:
        return "", ["make debug printed no gdb command"]
    try:
        proc = subprocess.run(gdb_argv(printed), cwd=ROOT, capture_output=True, text=True,
                              timeout=GDB_TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        return str(e.stdout or ""), [f"gdb did not finish in {GDB_TIMEOUT}s"]
    return proc.stdout + proc.stderr, []


def check_printed(out, port):
    want = f"QEMU waits for gdb on :{port}."
    problems = [] if want in out else [f"make debug did not print {want!r}"]
    if f"-ex 'target remote :{port}' -ex 'hbreak kmain' -ex c" not in out:
        problems.append(f"no gdb command for :{port} in {out[-300:]!r}")
    return problems


def check_halted(out):
    """QEMU -S: the CPU has not run an instruction, it sits at the reset
    vector F000:FFF0 (Intel SDM vol. 3, 9.1.4)."""
    pcs = re.findall(r"^\$1 = (0x[0-9a-f]+)$", out, re.M)
    css = re.findall(r"^\$2 = (0x[0-9a-f]+)$", out, re.M)
    if pcs != ["0xfff0"] or css != ["0xf000"]:
        return [f"not halted at the reset vector: pc {pcs}, cs {css}"]
    return []


def check_backtraces(out):
    """First stop in kmain; then LATER, called from kmain, both with file:line
    that the source itself gives."""
    problems = []
    kmain = function_span("kernel/main.c", "kmain")
    later = function_span(LATER_FILE, LATER)
    call = source_lines("kernel/main.c", rf"^\s+{LATER}\(")
    m = re.search(r"^(?:Thread \d+ hit )?Breakpoint 1, kmain \(.*\) at kernel/main\.c:(\d+)$",
                  out, re.M)
    if not m or int(m.group(1)) not in kmain:
        problems.append(f"no stop in kmain within kernel/main.c:{kmain.start}-{kmain.stop - 1}")
    at_later = out.split("Breakpoint 2, ", 1)[-1] if "Breakpoint 2, " in out else ""
    second = re.findall(r"^#(\d+) +(?:0x[0-9a-f]+ in )?(\w+) \(.*\) at (\S+):(\d+)$",
                        at_later, re.M)
    want0 = ("0", LATER, LATER_FILE)
    if len(second) < 2 or second[0][:3] != want0 or int(second[0][3]) not in later:
        problems.append(f"frame #0 is not {LATER} at {LATER_FILE}:{later.start}-"
                        f"{later.stop - 1}: {second[:1]}")
    elif second[1][:3] != ("1", "kmain", "kernel/main.c") or int(second[1][3]) not in call:
        problems.append(f"frame #1 is not kmain at kernel/main.c:{call}: {second[1]}")
    return problems


def main():
    print("KTAP version 1\n1..1\n  KTAP version 1\n  # Subtest: make_debug\n  1..3")
    port = free_port()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        log_path = os.path.join(tmp, "make-debug.log")
        with open(log_path, "w") as log:
            make = start_debug(port, log)
        started = time.monotonic()
        try:
            printed = wait_for_gdb_line(log_path, make)
            with open(log_path, errors="replace") as f:
                results.append(("prints_gdb_command", check_printed(f.read(), port)))
            out, gdb_problems = run_gdb(printed)
            results.append(("qemu_waits_at_reset", gdb_problems or check_halted(out)))
            results.append(("backtrace_kmain_to_" + LATER, gdb_problems or check_backtraces(out)))
        finally:
            try:
                os.killpg(make.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            make.wait()
    failed = 0
    for n, (name, problems) in enumerate(results, 1):
        for p in problems:
            print(f"  # {p}")
        if problems:
            failed += 1
            print("  # gdb said:\n" + "\n".join(f"  #   {line}" for line in out.splitlines()[-25:]))
        print(f"  {'not ok' if problems else 'ok'} {n} {name}")
    print(f"{'not ok' if failed else 'ok'} 1 make_debug")
    print(f"# make debug to the {LATER} backtrace: {time.monotonic() - started:.1f}s")
    print(f"# ktest: {len(results) - failed} passed, {failed} failed, 0 skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
