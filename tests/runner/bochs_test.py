#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks bochs-test.py's verdict (the KTAP judge plus the x2APIC proof) and its stop rules without Bochs; prints KTAP."""

import os
import sys
import tempfile
import time
from types import SimpleNamespace

sys.dont_write_bytecode = True     # no __pycache__ in tests/runner/
import loadtool  # noqa: E402  (tests/runner/, next to this file)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


bt = loadtool.load("bochs-test.py")

KERNEL_X2 = "[    6.690177] I smp: boot CPU: APIC ID 0 (x2APIC), TSS selector 0x40, IPI vector 0xfe\n"
KERNEL_XAPIC = "[    6.690177] I smp: boot CPU: APIC ID 0 (xAPIC), TSS selector 0x40, IPI vector 0xfe\n"
KTAP_PASS = """KTAP version 1
1..1
  KTAP version 1
  # Subtest: smp
  1..2
  ok 1 every_cpu_came_up
  ok 2 ipi_round_trip
ok 1 smp
# ktest: 2 passed, 0 failed, 0 skipped
"""
KTAP_FAIL = KTAP_PASS.replace("  ok 2 ipi_round_trip", "  # smp.c:9: expected 4, got 3\n"
                              "  not ok 2 ipi_round_trip").replace(
    "ok 1 smp", "not ok 1 smp").replace("2 passed, 0 failed", "1 passed, 1 failed")


def emu(values):
    """A Bochs log with one APIC base write per CPU (the values of IA32_APIC_BASE)."""
    return "".join(f"00152819411i[CPU{cpu}  ] WRMSR: wrote 00000000:{v:08x} to MSR_APICBASE\n"
                   for cpu, v in enumerate(values))


EMU_X2 = ("00152819406i[CPU0  ] WRMSR: wrote 00000000:fee00900 to MSR_APICBASE\n"
          + emu([0xfee00d00, 0xfee00c00, 0xfee00c00, 0xfee00c00]))
EMU_CPU3_XAPIC = EMU_X2 + emu([0xfee00d00, 0xfee00c00, 0xfee00c00, 0xfee00800])

# (name, serial log, Bochs log, Bochs' status if it exited, killed, pass?, reason must contain)
VERDICTS = [
    ("x2apic_pass", KERNEL_X2 + KTAP_PASS, EMU_X2, None, None, True, []),
    ("kernel_fell_back_to_xapic", KERNEL_XAPIC + KTAP_PASS, EMU_X2, None, None, False,
     ["the kernel used xAPIC, not x2APIC"]),
    ("no_apic_mode_line", KTAP_PASS, EMU_X2, None, None, False, ["APIC mode unknown"]),
    ("one_cpu_left_in_xapic", KERNEL_X2 + KTAP_PASS, EMU_CPU3_XAPIC, None, None, False,
     ["no x2APIC-mode APIC base write from CPU 3"]),
    ("no_emulator_log", KERNEL_X2 + KTAP_PASS, "", None, None, False, ["from CPU 0, 1, 2, 3"]),
    ("failing_case", KERNEL_X2 + KTAP_FAIL, EMU_X2, None, None, False,
     ["not ok: smp.ipi_round_trip (smp.c:9: expected 4, got 3)"]),
    ("bochs_stopped_itself", KERNEL_X2 + KTAP_PASS.split("  ok 2")[0], EMU_X2, 1, None, False,
     ["bochs stopped by itself (status 1)", "truncated"]),
    ("timeout", KERNEL_X2 + KTAP_PASS.split("  ok 2")[0], EMU_X2, None,
     "timeout after 1800s", False, ["timeout after 1800s", "truncated"]),
]


def check_verdict(serial, emu_text, status, killed, ok, needles):
    v = bt.verdict(serial, emu_text, 4, status, killed, "bochs.log")
    problems = []
    if v.ok != ok:
        problems.append(f"expected {'pass' if ok else 'fail'}, judged: {v.ok} ({v.reason})")
    problems += [f"reason lacks '{n}': {v.reason}" for n in needles if n not in v.reason]
    return problems


# The stop rules, with a shell standing in for Bochs: it writes the log, then sleeps.
# It looks at the log every 0.05 s, not every second as for Bochs, so they take
# tenths of a second. (name, what the fake writes, stall seconds, expected
# (status, killed), at most seconds)
POLL = 0.05
STOPS = [
    ("stops_at_the_summary", KTAP_PASS, 30, (None, None), 10),
    ("stall_ends_a_silent_run", "KTAP version 1\n", 0.5, (None, "timeout: no output for 0.5s"),
     10),
    ("bochs_exit_is_reported", None, 30, (3, None), 10),
]


def check_stop(tmp, written, stall, expected, limit):
    log = os.path.join(tmp, "serial.log")
    if written is None:
        script = "exit 3"
    else:
        with open(os.path.join(tmp, "text"), "w") as f:
            f.write(written)
        script = f"cat '{tmp}/text' > '{log}'; exec sleep 60"
    emu_log = os.path.join(tmp, "bochs.log")
    with open(emu_log, "w") as f:
        f.write(EMU_X2)         # an earlier run's: it must not vouch for this one
    args = SimpleNamespace(timeout=60, stall=stall)
    bt.POLL = POLL
    start = time.monotonic()
    status, killed, cpu = bt.run_bochs(args, ["sh", "-c", script], log,
                                       os.path.join(tmp, "out"), emu_log)
    got = (status, killed)
    took = time.monotonic() - start
    problems = []
    if os.path.exists(emu_log):
        problems.append("an earlier run's bochs.log survived the run")
    if got != expected:
        problems.append(f"expected {expected}, got {got}")
    if took > limit:
        problems.append(f"took {took:.1f}s, more than {limit}s")
    return problems


def report(number, name, problems):
    for p in problems:
        print(f"# {p}")
    print(f"{'not ok' if problems else 'ok'} {number} {name}")
    return not problems


def main():
    print("KTAP version 1")
    print(f"1..{len(VERDICTS) + len(STOPS)}")
    good, n = True, 0
    for name, serial, emu_text, status, killed, ok, needles in VERDICTS:
        n += 1
        good &= report(n, name, check_verdict(serial, emu_text, status, killed, ok, needles))
    with tempfile.TemporaryDirectory() as tmp:
        for name, written, stall, expected, limit in STOPS:
            n += 1
            good &= report(n, name, check_stop(tmp, written, stall, expected, limit))
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
