#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bochs-test: boots the test ISO on Bochs' x2APIC CPU model and judges it like the QEMU boots.

    bochs-test.py [--smp N] [--mem MiB] [--stress N] [--append WORDS] [--cpu-model M]

QEMU's TCG has no x2APIC, so no `make test` boot takes the kernel's x2APIC
path (MSR register access, the x2APIC ICR). Bochs' corei7_haswell_4770 model
has one. Bochs runs headless with its X display on Xvfb (its ncurses display
refuses the graphics mode GRUB sets for the framebuffer); COM1 goes to a file.

Bochs has no isa-debug-exit: ktest.exit=1's write to port 0xf4 does nothing
and the kernel idles after the summary. So the exit status is no verdict.
The run ends when the log holds the "# ktest:" summary line or a panic
(then Bochs is killed), or when Bochs stops by itself (a triple fault or an
emulator panic: always a failure), or on a timeout or a stall. The verdict
comes from the log alone, through ktap.py's judge, and the log must
also say the boot CPU used x2APIC: a boot that fell back to xAPIC fails.
"""

import argparse
import os
import re
import subprocess
import sys
import time

sys.dont_write_bytecode = True     # no __pycache__ in tests/runner/
import ktap                 # noqa: E402  (tests/runner/, next to this file)
import loadtool             # noqa: E402
import matrix               # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
X2APIC_RE = re.compile(r"smp: boot CPU: APIC ID \d+ \((x2APIC|xAPIC)\)")
# Bochs' own log of each CPU's writes to IA32_APIC_BASE (MSR 0x1b).
APIC_BASE_RE = re.compile(r"\[CPU(\d+) *\] WRMSR: wrote ([0-9a-f]+):([0-9a-f]+) to MSR_APICBASE")
APIC_BASE_EN_EXTD = (1 << 11) | (1 << 10)      # global enable, x2APIC mode
# After a panic line, how long the backtrace may take to reach the log.
PANIC_GRACE = 10
# Seconds between looks at the log (bochs_test.py's stand-ins for Bochs take less).
POLL = 1


runner = loadtool.load("ktest-runner.py")


def bochsrc(args, iso, serial_log, emu_log):
    """The machine: N CPUs of the x2APIC model, the ISO as the boot CD, COM1 to a file.
    No reset on a triple fault: Bochs stops instead, so a crash cannot reboot into a rerun."""
    return f"""\
megs: {args.mem}
cpu: model={args.cpu_model}, count=1:{args.smp}:1, reset_on_triple_fault=0
romimage: file={args.bios}
vgaromimage: file={args.vgabios}
ata0-master: type=cdrom, path={iso}, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev={serial_log}
display_library: x
speaker: enabled=0
clock: sync=none, time0=local
log: {emu_log}
panic: action=fatal
error: action=report
info: action=report
debug: action=ignore
"""


def bochs_argv(args, rc, script):
    """Debian's bochs has the debugger built in and stops at its prompt:
    the script continues at once (and quits if the emulation ever returns)."""
    return ["xvfb-run", "-a", args.bochs, "-q", "-f", rc, "-rc", script]


def watch(proc, log, timeout, stall):
    """Waits until the log holds the summary or a panic, Bochs exits, or time
    runs out. Returns (Bochs' status if it exited by itself, why it was stopped)."""
    start = last_growth = time.monotonic()
    size, panic_at = 0, None
    while True:
        try:
            return proc.wait(timeout=POLL), None
        except subprocess.TimeoutExpired:
            pass
        now = time.monotonic()
        if os.path.exists(log) and os.path.getsize(log) != size:
            size, last_growth = os.path.getsize(log), now
            with open(log, errors="replace") as f:
                rep = ktap.parse_ktap(f.read())
            if rep.summary is not None:
                return None, None           # the end of the tests: stop Bochs
            if rep.panic and panic_at is None:
                panic_at = now
        if panic_at is not None and now - panic_at >= PANIC_GRACE:
            return None, None               # the panic and its backtrace are in the log
        if now - start >= timeout:
            return None, f"timeout after {timeout:g}s"
        if now - last_growth >= stall:
            return None, f"timeout: no output for {stall:g}s"


def run_bochs(args, argv, serial_log, out_log, emu_log=None):
    """Runs Bochs (and its Xvfb) in a session of its own, always killed at the end.
    No log of an earlier run survives to be judged as this one's.
    Returns (Bochs' status if it exited by itself, why it was stopped, its CPU seconds)."""
    for path in (serial_log, out_log, emu_log):
        if path and os.path.exists(path):
            os.remove(path)
    with open(out_log, "w") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        cpu = 0.0
        try:
            status, killed = watch(proc, serial_log, args.timeout, args.stall)
            cpu = session_cpu_seconds(proc.pid)
            return status, killed, cpu
        finally:
            runner.kill_group(proc)
            proc.wait()


def session_cpu_seconds(sid):
    """CPU seconds used so far by the live processes of session sid (Bochs,
    Xvfb, xvfb-run): the run's cost, whatever else loads the machine."""
    ticks = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue                # it ended meanwhile
        if int(fields[3]) == sid:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def apic_problem(text):
    """Why the log does not prove x2APIC mode; None if it does."""
    m = X2APIC_RE.search(text)
    if m is None:
        return "no 'smp: boot CPU: APIC ID N (x2APIC)' line: APIC mode unknown"
    if m.group(1) != "x2APIC":
        return f"the kernel used xAPIC, not x2APIC ('{m.group(0)}')"
    return None


def emulator_problem(emu_text, smp):
    """Why Bochs' log does not show every CPU's APIC switched to x2APIC mode
    (the last APIC base write of each CPU sets EN and EXTD); None if it does."""
    last = {}
    for m in APIC_BASE_RE.finditer(emu_text):
        last[int(m.group(1))] = int(m.group(2) + m.group(3), 16)
    bad = [cpu for cpu in range(smp)
           if last.get(cpu, 0) & APIC_BASE_EN_EXTD != APIC_BASE_EN_EXTD]
    if bad:
        return ("bochs.log: no x2APIC-mode APIC base write from CPU "
                + ", ".join(map(str, bad)))
    return None


def verdict(text, emu_text, smp, status, killed, emu_log):
    """ktest-runner's judge on the log alone, plus the x2APIC proof from
    the kernel's log and from Bochs' own."""
    v = ktap.judge(text, None, killed=killed)
    reasons = [v.reason] if v.reason else []
    if status is not None:
        reasons.append(f"bochs stopped by itself (status {status}): "
                       f"see {emu_log}")
    for why in (apic_problem(text), emulator_problem(emu_text, smp)):
        if why:
            reasons.append(why)
    return ktap.Verdict(not reasons, "; ".join(reasons), v.passed, v.failed, v.skipped)


def read(path):
    """A log's text; empty if the run never wrote it."""
    if not os.path.exists(path):
        return ""
    with open(path, errors="replace") as f:
        return f.read()


def main(argv=None):
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    name = f"bochs-{args.cpu_model}-smp{args.smp}-{args.mem}M"
    serial_log = os.path.join(args.out, name + ".log")
    emu_log = os.path.join(args.out, "bochs.log")
    cmdline = (f"{matrix.TEST_CMDLINE} ktest.expect_cpus={args.smp} "
               f"task.stress={args.stress} {args.append}").strip()
    start = time.monotonic()
    iso, err = runner.IsoCache(args.mkiso, args.out).get("ktest-bochs", cmdline)
    if err:
        print(f"bochs-test: {err}", file=sys.stderr)
        return 1
    rc = os.path.join(args.out, "bochsrc")
    script = os.path.join(args.out, "bochs.cmds")
    with open(rc, "w") as f:
        f.write(bochsrc(args, iso, serial_log, emu_log))
    with open(script, "w") as f:
        f.write("continue\nquit\n")
    print(f"bochs-test: {name}, cmdline \"{cmdline}\"", flush=True)
    status, killed, cpu = run_bochs(args, bochs_argv(args, rc, script), serial_log,
                                    os.path.join(args.out, "bochs.out"), emu_log)
    seconds = time.monotonic() - start
    text, emu_text = read(serial_log), read(emu_log)
    v = verdict(text, emu_text, args.smp, status, killed, emu_log)
    if (m := X2APIC_RE.search(text)):
        print(f"bochs-test: {m.group(0)}")
    print(f"{'PASS' if v.ok else 'FAIL'} {name}: {v.passed} passed, {v.failed} failed, "
          f"{v.skipped} skipped in {seconds:.0f}s ({cpu:.0f}s of Bochs CPU time)" + (f": {v.reason} [{serial_log}]"
                                                       if v.reason else ""))
    failed = v.failed or (0 if v.ok else 1)
    print(f"{v.passed} passed, {failed} failed")
    return 0 if v.ok else 1


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smp", type=int, default=4)
    ap.add_argument("--mem", type=int, default=512, help="MiB of RAM")
    ap.add_argument("--stress", type=int, default=2000,
                    help="task.stress=N: tasks in the spawn stress (100,000 "
                    "would take most of 9 minutes under Bochs)")
    ap.add_argument("--append", default="", help="more kernel command-line words")
    ap.add_argument("--cpu-model", default="corei7_haswell_4770",
                    help="a Bochs CPU model; it must have x2APIC to pass")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds for the whole boot")
    ap.add_argument("--stall", type=float, default=300,
                    help="seconds without serial output before the boot counts as hung")
    ap.add_argument("--out", default="build/test-bochs")
    ap.add_argument("--mkiso", default=os.path.join(ROOT, "tools", "mkiso.sh"))
    ap.add_argument("--bochs", default="bochs")
    ap.add_argument("--bios", default="/usr/share/bochs/BIOS-bochs-latest")
    ap.add_argument("--vgabios", default="/usr/share/vgabios/vgabios.bin")
    return ap.parse_args(argv)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:   # Bochs and its Xvfb are already stopped
        print("bochs-test: interrupted", file=sys.stderr)
        sys.exit(130)
