#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""shell_test: boots setbit to its monitor shell and drives it, printing KTAP.

Over COM1 it sends commands and checks each reply, bad input included; over
the QEMU monitor it types on the PS/2 keyboard (sendkey) and takes
screenshots (screendump), which tests/runner/screenshot-check.py reads back glyph
by glyph. It also runs `test` (every suite) twice from the monitor. One
boot, about 11.5 s on a quiet 2-core machine (14 s of CPU time), 10 of them
the two `test` runs (each waits 1.5 s in the slow-CPU TLB shootdown case). It
waits for each reply (serial) and each monitor command's completion (the QEMU
monitor's prompt), never for a fixed time. Uses $KERNEL_ELF (default
build/kernel.elf); exits 0 only if every case passed.
"""

import os
import re
import select
import socket
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.dont_write_bytecode = True     # no __pycache__ in tests/runner/
import ktap      # noqa: E402  (tests/runner/, next to this file)
import loadtool  # noqa: E402

screenshot = loadtool.load("screenshot-check.py")

PROMPT = b"setbit> "
# Boot with one quick suite so the screen shows KTAP results too, with make
# run's ktest.quick=1: the screen gets the suite's result, not its cases.
# The `test` runs' slow-CPU shootdown case stalls 150 ms, not 1.5 s, as in
# most make test boots (matrix.QUICK_TLB_WARN).
CMDLINE = "ktest=run ktest.filter=input ktest.quick=1 smp.tlb_warn_ms=100"
BOOT_TIMEOUT = 60
SMP = 2
REPLY_TIMEOUT = 20
# The screen: virtio-vga, whose VGA BIOS GRUB sets to 640x480 at 32 bpp (80x30
# cells). On QEMU's default VGA GRUB picks 800x600 at 24 bpp (100x37 cells),
# and a whole `test` report cost more QEMU CPU time there: 5.5 s against 4.7 s
# (6.5 s against 4.5 s before fbcon drew 24-bit rows with 8-byte stores).
# fbcon's 24-bpp drawing is checked pixel for pixel by the fbcon suite.
DISPLAY = ["-vga", "none", "-device", "virtio-vga"]
# How long the PS/2 keys are held (sendkey's hold time, ms; QEMU's default 100).
KEY_HOLD_MS = 10
MONITOR_PROMPT = b"(qemu) "
# Every suite from the monitor (the spawn stress at its default 2,000 tasks).
TEST_TIMEOUT = 240


class Machine:
    """One QEMU: serial on a pipe, the monitor on a unix socket."""

    def __init__(self, iso, tmp):
        self.mon_path = os.path.join(tmp, "monitor.sock")
        self.tmp = tmp
        self.proc = subprocess.Popen(
            ["qemu-system-x86_64", "-machine", "pc", "-m", "128M", "-smp", str(SMP),
             "-cdrom", iso, "-serial", "stdio", "-display", "none", *DISPLAY,
             "-monitor", f"unix:{self.mon_path},server,nowait", "-no-reboot",
             "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            start_new_session=True)
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.log = b""
        self.mon = None

    def read(self):
        data = self.proc.stdout.read()
        if data:
            self.log += data
        return data

    def wait_for(self, pattern, since, timeout):
        """Serial output after offset `since` once it contains pattern; None on timeout."""
        end = time.monotonic() + timeout
        while True:
            self.read()
            if pattern in self.log[since:]:
                return self.log[since:]
            left = end - time.monotonic()
            if left <= 0:
                return None
            if self.proc.poll() is not None:
                self.read()
                return self.log[since:] if pattern in self.log[since:] else None
            select.select([self.proc.stdout], [], [], min(left, 0.5))

    def command(self, line, timeout=REPLY_TIMEOUT):
        """Send a line (CR, as a terminal does); the reply up to the next prompt, as text."""
        start = len(self.log)
        self.proc.stdin.write(line.encode() + b"\r")
        self.proc.stdin.flush()
        out = self.wait_for(PROMPT, start, timeout)
        if out is None:
            return None
        text = out[:out.index(PROMPT)].decode(errors="replace").replace("\r", "")
        first, _, rest = text.partition("\n")      # the echo of what we typed
        return rest

    def monitor_reply(self):
        """What the QEMU monitor printed up to its next prompt, which it prints
        once a command has finished; None if none came within REPLY_TIMEOUT."""
        got = b""
        try:
            while not got.endswith(MONITOR_PROMPT):
                data = self.mon.recv(4096)
                if not data:
                    return None
                got += data
        except OSError:         # socket.timeout included
            return None
        return got

    def monitor(self, cmd):
        """Run a QEMU monitor command to its end; its output, or None."""
        if self.mon is None:
            self.mon = socket.socket(socket.AF_UNIX)
            self.mon.settimeout(REPLY_TIMEOUT)
            self.mon.connect(self.mon_path)
            if self.monitor_reply() is None:        # the banner and first prompt
                return None
        self.mon.sendall(cmd.encode() + b"\n")
        return self.monitor_reply()

    def screendump(self, name):
        """The screen as a PPM file (written when the monitor command returns), or None."""
        path = os.path.join(self.tmp, name)
        if self.monitor(f"screendump {path}") is None:
            return None
        return path if os.path.exists(path) and os.path.getsize(path) > 0 else None

    def sendkey(self, key):
        """Press and release one key (or combination) on the PS/2 keyboard. QEMU
        queues the key's release after the hold time, and later keys behind it."""
        return self.monitor(f"sendkey {key} {KEY_HOLD_MS}")

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 9)
        self.proc.wait()


class Report:
    def __init__(self):
        self.results = []

    def case(self, name, ok, why=""):
        self.results.append((name, ok, why))

    def print(self):
        print("KTAP version 1")
        print(f"1..{len(self.results)}")
        for n, (name, ok, why) in enumerate(self.results, 1):
            if not ok:
                print(f"# {name}: {why}")
            print(f"{'ok' if ok else 'not ok'} {n} {name}")
        return all(ok for _, ok, _ in self.results)


def expect(report, name, reply, *patterns):
    """Pass if the reply matches every regex pattern."""
    if reply is None:
        report.case(name, False, "no prompt came back")
        return None
    for p in patterns:
        if not re.search(p, reply, re.M):
            report.case(name, False, f"expected /{p}/ in {reply.strip()[:300]!r}")
            return None
    report.case(name, True)
    return reply


def used_frames(m):
    """The used-frame count from `mem`'s frames line; None if there is none to parse."""
    reply = m.command("mem") or ""
    found = re.search(r"^frames: \d+ total, .*, (\d+) used, \d+ reserved$", reply, re.M)
    return int(found.group(1)) if found else None


def frames_case(r, name, before, after, change):
    """Pass only if `mem` gave both counts and they differ by `change`."""
    r.case(name, before is not None and after is not None and after == before + change,
           f"used went from {before} to {after}, expected {change:+d}"
           + ("" if None not in (before, after) else " (mem printed no frames line)"))


def check_commands(m, r):
    expect(r, "help_lists_every_command", m.command("help"),
           *[rf"^  {c}\b" for c in ("help", "mem", "alloc", "free", "cpus", "gdt", "pids",
                                     "spawn", "ps", "bitmap", "test", "bench", "reboot",
                                     "halt")])
    expect(r, "unknown_command", m.command("frobnicate 1"),
           r"^unknown command 'frobnicate' \(try 'help'\)$")
    expect(r, "missing_argument_prints_usage", m.command("alloc"), r"^usage: alloc N$")
    expect(r, "extra_argument_prints_usage", m.command("mem now"), r"^usage: mem$")
    expect(r, "bad_frame_count", m.command("alloc 0"), r"^bad frame count '0'")
    expect(r, "bad_number", m.command("alloc 12abc"), r"^bad frame count '12abc'")
    expect(r, "unaligned_free", m.command("free 0x1001"), r"^bad address '0x1001'")
    expect(r, "bitmap_bad_list", m.command("bitmap set 5-1"), r"^bad list '5-1': syntax error")
    expect(r, "bitmap_bit_out_of_range", m.command("bitmap set 128"),
           r"^bad list '128': bit out of range")
    expect(r, "bitmap_set_prints_row_and_list", m.command("bitmap set 0-3,70"),
           r"^    0 1111\.\.\.\. \.{8}", r"^   64 \.\.\.\.\.\.1\.", r"set: 0-3,70 \(5 of 128\)")
    expect(r, "bitmap_find_run", m.command("bitmap find 5"), r"^5 clear bits at 4-8$")
    expect(r, "bitmap_alloc_run", m.command("bitmap alloc 60"),
           r"^60 clear bits at 4-63, now set$", r"set: 0-63,70 \(65 of 128\)")
    expect(r, "bitmap_clear", m.command("bitmap clear 0-127:2/4"),
           r"set: 2-3,6-7,.*,62-63,70 \(33 of 128\)")
    expect(r, "bitmap_no_run", m.command("bitmap find 100"), r"^no run of 100 clear bits$")

    before = used_frames(m)
    reply = expect(r, "alloc_frames", m.command("alloc 3"),
                   r"^allocated 3 frames at 0x[0-9a-f]+-0x[0-9a-f]+$")
    addr = re.search(r"at (0x[0-9a-f]+)", reply).group(1) if reply else "0x0"
    frames_case(r, "alloc_shows_in_mem", before, used_frames(m), 3)
    expect(r, "free_frames", m.command(f"free {addr} 3"), rf"^freed 3 frames at {addr}$")
    expect(r, "double_free_refused", m.command(f"free {addr} 3"), r"^free: refused")
    frames_case(r, "free_shows_in_mem", before, used_frames(m), 0)
    check_free_only_what_alloc_gave(m, r)

    check_cpus_gdt_pids(m, r)
    expect(r, "spawn_bad_count", m.command("spawn 0"), r"^bad task count '0'")
    expect(r, "test_reruns_suites", m.command("test shell"),
           r"^KTAP version 1$", r"^ok 1 shell$", r"^# ktest: [1-9]\d* passed, 0 failed")
    expect(r, "bench_reports", m.command("bench"), r"ns per bit found", r"ns per pair")


def check_free_only_what_alloc_gave(m, r):
    """Issue 11: `free` takes back only frames `alloc` handed out, whole or in part.
    The first range `mem` lists as used is the kernel's own (the direct map's page
    tables, allocated at boot); freeing a frame of it, or 0x41c000 (the issue's
    example), must be refused with one line and change nothing."""
    before = used_frames(m)
    first = re.search(r"^\S*.*pfa: +used (0x[0-9a-f]+)-", m.command("mem") or "", re.M)
    r.case("mem_lists_a_kernel_frame", first is not None, "no 'used' range in mem")
    for name, addr in (("free_of_a_kernel_frame_refused", first and int(first.group(1), 16)),
                       ("free_0x41c000_refused", 0x41c000)):
        if addr is None:
            continue
        expect(r, name, m.command(f"free {addr:#x}"),
               rf"\Afree: refused: not all of {addr:#x}-{addr + 0xfff:#x} was handed out by "
               r"alloc \(nothing freed\)\n\Z")
    frames_case(r, "refused_free_changes_nothing", before, used_frames(m), 0)
    reply = expect(r, "alloc_3_for_part_frees", m.command("alloc 3"),
                   r"^allocated 3 frames at 0x[0-9a-f]+-0x[0-9a-f]+$")
    if not reply:
        return
    a = int(re.search(r"at (0x[0-9a-f]+)", reply).group(1), 16)
    expect(r, "free_past_the_allocation_refused", m.command(f"free {a:#x} 4"),
           rf"\Afree: refused: not all of {a:#x}-{a + 0x3fff:#x} was handed out by alloc ")
    expect(r, "free_middle_frame", m.command(f"free {a + 0x1000:#x}"),
           rf"^freed 1 frame at {a + 0x1000:#x}$")
    expect(r, "free_over_the_freed_middle_refused", m.command(f"free {a:#x} 3"),
           r"\Afree: refused: not all of .* was handed out by alloc ")
    expect(r, "free_first_frame", m.command(f"free {a:#x}"), rf"^freed 1 frame at {a:#x}$")
    expect(r, "free_last_frame", m.command(f"free {a + 0x2000:#x}"),
           rf"^freed 1 frame at {a + 0x2000:#x}$")
    frames_case(r, "part_frees_give_all_back", before, used_frames(m), 0)


def check_cpus_gdt_pids(m, r):
    """cpus, gdt, pids, spawn, ps against what QEMU was given (-smp 2) and each other."""
    reply = expect(r, "cpus_lists_the_cpus_qemu_has", m.command("cpus"),
                   rf"^online: 0-{SMP - 1} \({SMP} CPUs\), idle: 1(-{SMP - 1})?$",
                   *[rf"^ +{i} +{i} +0x[0-9a-f]+" for i in range(SMP)])
    tss = re.findall(r"^ +(\d+) +\d+ +(0x[0-9a-f]+)", reply or "", re.M)
    r.case("cpus_have_distinct_tss", len(set(sel for _, sel in tss)) == SMP, f"TSS {tss}")
    reply = expect(r, "gdt_shows_fixed_slots_and_a_tss_per_cpu", m.command("gdt"),
                   r"^\d+ slots \(\d+ fixed\), limit 0x[0-9a-f]+:$", r"^  F+[.Tt]*Tt[.Tt]*$",
                   r"^  fixed: 0-\d+ ", r"^  \d+ of \d+ slots used, \d+ free$")
    owners = dict(re.findall(r"^  (0x[0-9a-f]+): TSS of CPU (\d+)$", reply or "", re.M))
    r.case("gdt_tss_pairs_match_cpus", len(owners) == SMP and
           owners == {sel: cpu for cpu, sel in tss}, f"gdt {owners} vs cpus {tss}")
    pids_re = r"^pid_max (\d+), last (\d+), (\d+) allocated: (.*)$"
    before = re.search(pids_re, m.command("pids") or "", re.M)
    reply = expect(r, "spawn_runs_and_waits_for_its_tasks", m.command("spawn 10"),
                   r"^spawned 10 of 10 tasks: PIDs \d+-\d+, on CPUs [0-9,-]+, \d+ us; "
                   r"0 wrong exit codes$")
    got = re.search(r"PIDs (\d+)-(\d+), on CPUs (\d+(?:[-,]\d+)*),", reply or "")
    r.case("spawn_pids_are_ten_in_a_row", got is not None and
           int(got.group(2)) - int(got.group(1)) == 9, f"reply {reply!r}")
    r.case("spawn_uses_only_real_cpus", got is not None and
           all(int(c) < SMP for c in re.split(r"[,-]", got.group(3))), f"reply {reply!r}")
    after = re.search(pids_re, m.command("pids") or "", re.M)
    r.case("pids_shows_no_leak_after_spawn", before is not None and after is not None and
           after.group(3) == before.group(3) and after.group(4) == before.group(4) and
           got is not None and after.group(2) == got.group(2),
           f"before {before and before.group(0)!r}, after {after and after.group(0)!r}")
    expect(r, "ps_lists_no_task_after_spawn", m.command("ps"), r"\A +PID +CPU STATE\n\Z")


def check_frames_above_the_floor(m, r):
    """Issue 15: `test mm_kernel` passes twice (it frees the page below 1 MiB with page_free),
    and `alloc 1` afterwards is an ordinary frame, at or above 1 MiB."""
    for run in ("first", "second"):
        expect(r, f"test_mm_kernel_passes_{run}_time", m.command("test mm_kernel"),
               r"^ok 1 mm_kernel$", r"^# ktest: [1-9]\d* passed, 0 failed")
    reply = expect(r, "alloc_1_after_the_tests", m.command("alloc 1"),
                   r"^allocated 1 frame at 0x[0-9a-f]+-0x[0-9a-f]+$")
    addr = int(re.search(r"at (0x[0-9a-f]+)", reply).group(1), 16) if reply else None
    r.case("alloc_1_is_at_or_above_1_mib", addr is not None and addr >= 0x100000,
           f"allocated at {addr:#x}" if addr is not None else "no address")
    if addr is not None:
        expect(r, "alloc_1_frees", m.command(f"free {addr:#x}"), rf"^freed 1 frame at {addr:#x}$")


def check_test_twice(m, r):
    """`test` runs every suite; twice in a row from the monitor, both runs must
    pass as the runner judges a boot (plans, summary, no panic), with the
    same counts: a suite that leaves the machine changed fails the second."""
    counts = []
    for n in (1, 2):
        started = time.monotonic()
        reply = m.command("test", TEST_TIMEOUT)
        if reply is None:
            r.case("test_twice_passes_both_times", False,
                   f"run {n}: no prompt within {TEST_TIMEOUT}s")
            return
        v = ktap.judge(reply, 0, expected=0)
        if not v.ok:
            r.case("test_twice_passes_both_times", False, f"run {n}: {v.reason}")
            return
        counts.append((v.passed, v.failed, v.skipped, round(time.monotonic() - started)))
    r.case("test_twice_passes_both_times", counts[0][:3] == counts[1][:3],
           f"counts (passed, failed, skipped, s) differ: {counts}")
    print(f"# test twice: {counts}", file=sys.stderr)


def check_editing(m, r):
    # "bitmXp", Backspace twice, "ap show": the editor must hand over "bitmap show".
    expect(r, "backspace_edits_the_line", m.command("bitmXp\x7f\x7fap show"), r"set: ")
    # Left arrow into the middle: "mm" + Left + "e" = "mem".
    expect(r, "cursor_keys_edit_the_middle", m.command("mm\x1b[De"), r"^frames: ")
    expect(r, "history_recalls_the_last_line", m.command("\x1b[A"), r"^frames: ")
    start = len(m.log)
    m.proc.stdin.write(b"junk\x03")
    m.proc.stdin.flush()
    r.case("ctrl_c_cancels", m.wait_for(b"^C\r\n" + PROMPT, start, REPLY_TIMEOUT) is not None,
           "no ^C and fresh prompt")


def check_keyboard(m, r):
    """Type 'pids' and Enter on the PS/2 keyboard; the reply shows up on serial too."""
    start = len(m.log)
    for key in ("p", "i", "d", "s", "ret"):
        m.sendkey(key)
    out = m.wait_for(PROMPT, start, REPLY_TIMEOUT)
    text = out.decode(errors="replace") if out else ""
    r.case("ps2_keyboard_types_commands",
           re.match(r"pids\r\npid_max \d+, last \d+, \d+ allocated: ", text) is not None,
           f"serial showed {text[:200]!r}")
    start = len(m.log)
    for key in ("shift-h", "ret"):
        m.sendkey(key)
    out = m.wait_for(PROMPT, start, REPLY_TIMEOUT)
    r.case("ps2_shift_makes_capitals", out is not None and b"unknown command 'H'" in out,
           f"serial showed {out!r}")


def check_screen(m, r, name, *texts, absent=()):
    """Pass if a screenshot shows every text and none of absent. The kernel
    writes each line to the serial port before it draws it, so the screen may
    lag the reply just read: shots are taken until the texts are there (or
    REPLY_TIMEOUT passes); the last one is judged."""
    end = time.monotonic() + REPLY_TIMEOUT
    while True:
        shot = m.screendump(f"{name}.ppm")
        if shot is None:
            r.case(name, False, "no screendump")
            return
        try:
            rows = screenshot.decode(shot)
        except ValueError as e:     # not a whole PPM
            rows = [f"({e})"]
        screen = "\n".join(rows)
        missing = [t for t in texts if t not in screen]
        if not missing or time.monotonic() > end:
            break
        time.sleep(0.05)
    there = [t for t in absent if t in screen]
    r.case(name, not missing and not there,
           f"not on screen: {missing}, on screen: {there}; screen ends {rows[-6:]}")


def boot_case_lines(m):
    """The boot's KTAP case lines ("  ok 1 name") on the serial line: ktest.quick=1
    sends them there, and only there."""
    return [ln.rstrip("\r") for ln in m.log.decode(errors="replace").splitlines()
            if re.match(r"^  ok \d+ \w", ln)]


def main():
    r = Report()
    fresh = subprocess.run([sys.executable, os.path.join(TOP, "tools", "mkfont.py"), "--check"],
                           capture_output=True, text=True)
    r.case("font_c_matches_font_txt", fresh.returncode == 0, fresh.stderr.strip())
    kernel = os.environ.get("KERNEL_ELF", os.path.join(TOP, "build", "kernel.elf"))
    with tempfile.TemporaryDirectory(prefix="shell-test.") as tmp:
        iso = os.path.join(tmp, "shell.iso")
        made = subprocess.run([os.path.join(TOP, "tools", "mkiso.sh"), iso, CMDLINE, kernel],
                              capture_output=True, text=True)
        if made.returncode:
            r.case("iso", False, made.stderr.strip().splitlines()[-1:])
            return 0 if r.print() else 1
        m = Machine(iso, tmp)
        try:
            booted = m.wait_for(PROMPT, 0, BOOT_TIMEOUT) is not None
            r.case("boots_to_prompt", booted, "no prompt: " + m.log[-300:].decode(errors="replace"))
            if booted:
                cases = boot_case_lines(m)
                r.case("serial_has_every_boot_case", len(cases) >= 5,
                       f"case lines on the serial line: {cases}")
                # The plan, then the suite's result: no case line between them
                # (they go to the serial line alone), whatever the screen's height.
                check_screen(m, r, "screen_shows_boot_tests_and_prompt",
                             "KTAP version 1\n1..1\nok 1 input\n", " passed, 0 failed, 0 skipped",
                             "# boot-to-summary",
                             "# ktest.quick=1: the screen shows each suite's result",
                             "setbit monitor: type 'help' for commands", "setbit>",
                             absent=cases[:3] + ["# Subtest: input"])
                check_commands(m, r)
                check_test_twice(m, r)
                check_frames_above_the_floor(m, r)
                check_editing(m, r)
                check_keyboard(m, r)
                check_screen(m, r, "screen_shows_the_shell", "setbit> H",
                             "unknown command 'H' (try 'help')")
                m.command("reboot")
                try:
                    status = m.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    status = None
                # -no-reboot turns the reset into an exit with status 0.
                r.case("reboot_resets_the_machine", status == 0, f"QEMU status {status}")
        finally:
            m.stop()
            with open(os.path.join(tmp, "serial.log"), "wb") as f:
                f.write(m.log)
            if os.environ.get("SHELL_TEST_LOG"):
                with open(os.environ["SHELL_TEST_LOG"], "wb") as f:
                    f.write(m.log)
    return 0 if r.print() else 1


if __name__ == "__main__":
    sys.exit(main())
