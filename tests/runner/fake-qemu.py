#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Stands in for qemu-system-x86_64 in runner_test.py: checks the flags, then plays a canned log.

The "ISO" holds the kernel command line (see fake-mkiso.sh). A normal boot
plays $FAKE_QEMU_LOG (default pass.log; nothing with -serial none) and exits with $FAKE_QEMU_STATUS
(default 33); each ktest.selftest switch plays the failure it stands for,
unless $FAKE_QEMU_IGNORE_SELFTEST is set. A ktest.late_ap= boot logs that
AP left out first, unless $FAKE_QEMU_LATE_SILENT is set. A ktest.shuffle=SEED
boot plays shuffled.log with SEED filled in, unless $FAKE_QEMU_LOG is set.
A -cpu max boot logs that SMEP, SMAP and UMIP are on first, as the kernel does;
a UBSan kernel's boot (kernel=...ubsan... in the ISO) logs its ubsan suite.
$FAKE_QEMU_NO_LEAK_LINE drops the leak check's line, as a kernel that stopped checking would.
The hang plays its announcement (matrix.HANG_MARK) before it hangs, unless
$FAKE_QEMU_HANG_SILENT is set; $FAKE_QEMU_HANG=1 makes every boot hang after its log.
"""

import os
import sys
import time

sys.dont_write_bytecode = True     # no __pycache__ in tests/runner/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from matrix import HANG_MARK  # noqa: E402

LOGS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "logs")

# switch: (log, exit status, seconds to hang afterwards)
SELFTEST = {
    "fail": ("selftest-fail.log", 35, 0),
    "unexpected": ("selftest-unexpected.log", 35, 0),
    "panic": ("panic-backtrace.log", 35, 0),
    "hang": ("truncated.log", 0, 3600),
    "triplefault": ("truncated.log", 0, 0),
    "smp_panic": ("panic-backtrace.log", 35, 0),
    "task_panic": ("panic-backtrace.log", 35, 0),
    "panic_race": ("panic-backtrace.log", 35, 0),
    "panic_screenlock": ("panic-backtrace.log", 35, 0),
    "stack_protector": ("panic-stack-protector.log", 35, 0),
    "leak": ("selftest-leak.log", 35, 0),
    "assert": ("panic-assert.log", 35, 0),
}

REQUIRED = [["-no-reboot"], ["-display", "none"],
            ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]]


def has(argv, seq):
    return any(argv[i:i + len(seq)] == seq for i in range(len(argv)))


def value(argv, flag):
    return argv[argv.index(flag) + 1] if flag in argv else None


def main(argv):
    for seq in REQUIRED:
        if not has(argv, seq):
            sys.exit(f"fake-qemu: missing {' '.join(seq)}")
    if value(argv, "-serial") not in ("stdio", "none"):
        sys.exit("fake-qemu: missing -serial stdio or none")
    if value(argv, "-machine") == "q35":
        # OVMF as one image reaching from 4 GiB down to the TPM's registers,
        # ending with the code (matrix.ovmf_rom).
        rom = value(argv, "-bios")
        try:
            with open(rom, "rb") as f:
                image = f.read()
        except (OSError, TypeError):
            sys.exit(f"fake-qemu: no UEFI image (-bios {rom})")
        code = os.environ.get("FAKE_QEMU_OVMF_CODE", "/usr/share/OVMF/OVMF_CODE_4M.fd")
        with open(code, "rb") as f:
            tail = f.read()
        if len(image) != (1 << 32) - 0xFED40000 or not image.endswith(tail) or image[0] != 0xFF:
            sys.exit(f"fake-qemu: {rom} is not OVMF padded down to 0xFED40000")
    with open(value(argv, "-cdrom")) as f:
        cmdline = f.read().split()
    switch = [a.split("=", 1)[1] for a in cmdline if a.startswith("ktest.selftest=")]
    log, status, hang = os.environ.get("FAKE_QEMU_LOG", "pass.log"), \
        int(os.environ.get("FAKE_QEMU_STATUS", "33")), 0
    if os.environ.get("FAKE_QEMU_HANG"):
        log, hang = "truncated.log", 3600
    seed = [a.split("=", 1)[1] for a in cmdline if a.startswith("ktest.shuffle=")]
    if seed and "FAKE_QEMU_LOG" not in os.environ:
        log = "shuffled.log"
    if switch and not os.environ.get("FAKE_QEMU_IGNORE_SELFTEST"):
        log, status, hang = SELFTEST[switch[0]]
    late = [a.split("=", 1)[1] for a in cmdline if a.startswith("ktest.late_ap=")]
    with open(os.path.join(LOGS, log)) as f:
        if value(argv, "-serial") == "stdio":
            if late and not os.environ.get("FAKE_QEMU_LATE_SILENT"):
                print(f"smp: CPU with APIC ID {late[0]} did not answer in 1000 ms; left out")
            if value(argv, "-cpu") == "max":
                print("cpu: SMEP SMAP UMIP NX")
            if any(a.startswith("kernel=") and "ubsan" in a for a in cmdline):
                print("  # Subtest: ubsan")
            text = f.read().replace("SEED", seed[0] if seed else "SEED")
            if os.environ.get("FAKE_QEMU_NO_LEAK_LINE"):
                text = "".join(l for l in text.splitlines(True) if "leak check ran" not in l)
            sys.stdout.write(text)
            if switch == ["hang"] and hang and not os.environ.get("FAKE_QEMU_HANG_SILENT"):
                print(("" if text.endswith("\n") else "\n") + f"  # {HANG_MARK}")
    sys.stdout.flush()
    time.sleep(hang)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
