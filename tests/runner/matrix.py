# SPDX-License-Identifier: MIT
"""matrix: the QEMU machines make test boots, as data: each row one boot, each column one knob.

ktest-runner.py turns a row into a command line (qemu_argv) and a run; this
module only says what to boot. A row's name is FIRMWARE-MACHINE-smpN-MEM
unless it gives its own, and its kernel command line is TEST_CMDLINE with
ktest.expect_cpus= (the SMP suite checks that every CPU QEMU was given came
up) and the row's extra words.
"""

from dataclasses import dataclass, replace

TEST_CMDLINE = "ktest=run ktest.exit=1"
# Lines every matrix boot with a serial log must hold: the per-suite leak check
# (kernel/ktest/leak.c) ran, so a boot that silently stopped checking fails.
EVERY_BOOT_NEEDS = ("ktest: leak check ran after each of",)
# `make UBSAN=1`'s kernel: every suite with gcc's undefined-behaviour checks on.
UBSAN_KERNEL = "build-ubsan/kernel.elf"
# The full 100,000-task spawn stress (other boots run the kernel's default of 2,000).
FULL_STRESS = "task.stress=100000"
# smp.tlb_shootdown_waits_for_a_slow_cpu stalls a CPU for 1.5 times the
# shootdown's warning time: 1.5 s at the default 1 s, 150 ms with this. The
# boots with the full stress keep the default (and the 1.5 s stall, longer
# than the 1 s after which the shootdown used to panic); the others take this.
QUICK_TLB_WARN = "smp.tlb_warn_ms=100"
MACHINE = {"bios": "pc", "uefi": "q35"}


@dataclass(frozen=True)
class Boot:
    firmware: str               # "bios" (machine pc, SeaBIOS) or "uefi" (machine q35, OVMF)
    smp: int
    mem: str
    extra: str = ""             # kernel command line words after ktest.expect_cpus=
    expect_cpus: int = None     # CPUs the kernel must bring up (default: smp)
    name: str = None            # default: FIRMWARE-MACHINE-smpN-MEM[-noserial]
    serial: bool = True         # False: -serial none, judged by the exit status alone
    slow: int = 1               # time limit: this many times --timeout
    need: str = None            # a line the log must hold to pass (a fault path was taken)
    cpu: str = None             # QEMU -cpu model (default: QEMU's, qemu64: no SMEP/SMAP/UMIP)
    kernel: str = None          # the kernel ELF to boot (default: build/kernel.elf)
    screen: bool = True         # False: -vga none (no framebuffer: the kernel logs "screen: none")

    def run_name(self):
        return self.name or (f"{self.firmware}-{MACHINE[self.firmware]}-smp{self.smp}-{self.mem}"
                             + (f"-cpu{self.cpu}" if self.cpu else "")
                             + ("" if self.serial else "-noserial"))

    portable: bool = True       # False: the config-independent suites are filtered out

    def cmdline(self):
        words = [TEST_CMDLINE, f"ktest.expect_cpus={self.expect_cpus or self.smp}", self.extra,
                 "" if FULL_STRESS in self.extra else QUICK_TLB_WARN,
                 "" if self.portable else SKIP_PORTABLE]
        return " ".join(w for w in words if w)


# The config-independent suites: the portable ones (mk/sources.mk's
# TEST_PORTABLE_SRCS, also built into ktest-host). They run on data they make
# themselves (bitmaps, synthetic memory maps, ACPI tables, boot info records,
# a private frame allocator and heap over a static arena, a text grid), on
# CPU 0 alone, and tests/runner/layercheck.py keeps their code from calling
# into arch/ or the kernel's policy: what the firmware, the CPU count, the RAM
# or the CPU model is cannot change what they do. So a boot that runs them
# again tests nothing new, and most boots leave them out (SKIP_PORTABLE). The
# suites that read the machine stay in every boot: smp, mm_kernel, kmap,
# firmware_map, boot, paging_kernel, cpufeat, task_kernel, pid_kernel, ...
# Each name is a whole suite, all of whose cases are in portable files
# ("shell" is not: shell_commands_test.c adds kernel-only cases to it);
# runner_test.py checks the list against the sources, and the runner checks
# after a whole make test that the boots together ran every suite.
PORTABLE_SUITES = (
    "acpi", "bitmap", "bitmap_alloc", "bitmap_atomic", "bitmap_dyn", "bitmap_find",
    "bitmap_list", "bitmap_logic", "bitmap_runs", "bootinfo", "cmdline", "compat_linux",
    "compat_nanos", "compat_rtl", "console", "cpumask", "fb_tag", "fbcon", "framewalk",
    "gdtdesc", "gdtslot", "glob", "hbitmap", "heap", "input", "irqvec", "ktest_core",
    "ktest_order", "memmap", "multiboot2", "paging", "pfa", "pid", "seed_linux",
    "seed_nanos", "seed_rtl", "task", "vgacon",
)
# ktest.filter's exclusions (-GLOB, <kernel/ktest_core.h>): every suite but those.
SKIP_PORTABLE = "ktest.filter=" + ",".join("-" + s for s in PORTABLE_SUITES)
# The boots that still run them (and every other suite):
#  - the shuffled boot: it checks that no suite depends on the ones before it,
#    which needs every suite in the shuffle;
#  - the UBSan boot: another build of the same code, with every check on;
#  - one UEFI boot: OVMF leaves other memory behind than SeaBIOS, a second
#    look at the same code for a bug that reads what it never wrote; the one on
#    -cpu max (no screen), so they also run once with SMEP, SMAP and UMIP on.
#    README's sample of a whole report comes from its log.
PORTABLE_BOOTS = {"bios-pc-smp4-2G", "bios-pc-smp4-512M-ubsan", "uefi-q35-smp4-2G-cpumax"}


def stress(boot):
    """boot, running the full spawn stress: one boot per firmware, and the big
    boots. Many times its usual time on a loaded machine, so its time limit
    is three times the others'; a hang is still caught by --stall (the stress
    prints its progress).

    Where: the 16-CPU boot of each firmware, where contention is highest.
    Moving UEFI's to its 4-CPU -cpu max boot was tried: the stress alone took
    31 s of QEMU's CPU time at 16 CPUs and 23 s at 4 (BIOS: 28 s at 16, 21 s
    at 8, 18 s at 4), but on the clock of a loaded machine it took longer
    (148 s against 137 s, interleaved, load 13-18), and in make test at load
    10-14 the two UEFI boots took 58 s + 15 s against 35 s for the 16-CPU boot
    with the stress. Not far cheaper, so it stays at 16 CPUs."""
    return replace(boot, extra=" ".join(filter(None, [boot.extra, FULL_STRESS])), slow=3)


def cpu_max(firmware, smp, mem):
    """A boot on QEMU's -cpu max, which offers SMEP, SMAP and UMIP: every
    suite must pass with them on (the default model has none of them), and the
    boot log must say they are on."""
    return Boot(firmware, smp, mem, cpu="max", need="cpu: SMEP SMAP UMIP NX")


# --matrix full: what make test boots.
FULL = [
    # Every firmware with one and with four CPUs, each at 128M and 2G (two boots
    # on -cpu max, with SMEP, SMAP and UMIP on; the others on QEMU's default model,
    # without them)...
    Boot("bios", 1, "128M"), Boot("bios", 1, "2G"), Boot("bios", 4, "128M"), Boot("bios", 4, "2G"),
    Boot("uefi", 1, "128M"), Boot("uefi", 1, "2G"), Boot("uefi", 4, "128M"),
    cpu_max("uefi", 4, "2G"),
    # ...and the larger CPU counts once per firmware (a full cross product of
    # them would not fit the time budget).
    cpu_max("bios", 8, "512M"), Boot("uefi", 8, "512M"),
    stress(Boot("bios", 16, "2G")), stress(Boot("uefi", 16, "2G")),
    # Memory sizes for the frame allocator: tiny, crossing the PCI hole at
    # 3.5 GiB, and RAM above 4 GiB (OVMF needs more than 32M).
    Boot("bios", 2, "32M"), Boot("uefi", 2, "3584M"), Boot("bios", 2, "8G"), Boot("uefi", 2, "8G"),
    # No COM1 at all (bare metal without a serial port): it must still boot and pass.
    Boot("bios", 2, "128M", serial=False),
    # The UBSan kernel: a failed check panics with its name and line, so every
    # suite passing means none failed; the ubsan suite checks the reports.
    Boot("bios", 4, "512M", kernel=UBSAN_KERNEL, name="bios-pc-smp4-512M-ubsan",
         need="# Subtest: ubsan"),
    # A fault path: APIC ID 1 answers after its deadline. It must be logged and
    # left out, APIC ID 2 comes up in its slot, and every suite passes.
    Boot("bios", 3, "512M", extra="ktest.late_ap=1", expect_cpus=2, name="bios-pc-lateap-smp3-512M",
         need="smp: CPU with APIC ID 1 did not answer in 1000 ms; left out"),
]

# The full matrix's boots that draw their log on QEMU's screen (the framebuffer
# GRUB sets up): one per firmware. Drawing the ~1,000 lines of a boot's log
# takes more than half its CPU time under TCG and is the same on every boot, so
# the others boot with -vga none. Two break-on-purpose boots keep the screen
# (SELFTEST_SCREEN), so do make run and QUICK=1.
# The UBSan boot has none: its screen cost 3.5 s of its 12.1 s of QEMU CPU time
# (8.6 s without; same ISO, medians of 2, load 9-17), and no suite needs one: the console and
# fbcon suites, which it runs, draw and scroll on memory, through both 24-bit
# paths. What UBSan no longer sees is screen.c on a live framebuffer.
SCREEN_BOOTS = {"bios-pc-smp4-128M", "uefi-q35-smp4-128M"}
assert SCREEN_BOOTS <= {b.run_name() for b in FULL}, "SCREEN_BOOTS names a boot not in FULL"
FULL = [b if b.run_name() in SCREEN_BOOTS else replace(b, screen=False) for b in FULL]
assert PORTABLE_BOOTS <= {b.run_name() for b in FULL}, "PORTABLE_BOOTS names a boot not in FULL"
FULL = [b if b.run_name() in PORTABLE_BOOTS else replace(b, portable=False) for b in FULL]

MATRICES = {
    "full": FULL,
    "quick": [Boot("bios", 4, "512M")],
    # Opt-in (make test-big): 64 and 128 CPUs, bring-up, dispatch and the stress at scale.
    "big": [stress(Boot("bios", 64, "2G")), stress(Boot("bios", 128, "4G"))],
    "none": [],
}

# The matrix boot that also runs its suites shuffled (ktest.shuffle=SEED, SEED
# from --shuffle): one boot that exists anyway, so make test takes no longer.
SHUFFLED_BOOT = "bios-pc-smp4-2G"
SHUFFLED_HOST = "ktest-host"    # a host command run a second time, shuffled the same way

# Each ktest.selftest switch breaks the kernel on purpose; the runner must
# notice, and say why. The filter leaves only the selftest case running, so
# an unrelated failure cannot pass for the one under test. Each boots
# SELFTEST_BOOT with SELFTEST_CMDLINE + the switch, as selftest-SWITCH.
# (switch, the reason the runner must give, whether it only ends by timeout)
SELFTEST_BOOT = Boot("bios", 2, "128M", screen=False)
# The break-on-purpose boots that draw on the screen: a panic's report there,
# and a panic while a stopped CPU holds the screen lock. The others need no
# screen, and a framebuffer costs each about a second of TCG time.
SELFTEST_SCREEN = {"panic", "panic_screenlock"}
# The hang case logs this just before it spins: from then on the runner stops
# the boot after --hang-stall seconds without output (2 s), not the 45 s any
# boot gets, and the reason names the line, so a boot that stalled anywhere
# else (or never got there) is not taken for the hang; --hang-timeout (20 s)
# still ends one that never says it.
HANG_MARK = "selftest.hang: spinning with interrupts off from here"
SELFTEST_CMDLINE = f"{TEST_CMDLINE} ktest.filter=selftest ktest.selftest="
SELFTESTS = [
    ("fail", "not ok: selftest.fail", False),
    ("panic", "panic: ", False),
    ("hang", f"timeout: no output after '{HANG_MARK}'", True),
    ("triplefault", "exit status 0 (triple fault", False),
    ("unexpected", "not ok: selftest.unexpected", False),
    ("smp_panic", "panic: ", False),     # an AP panics: it must stop the boot CPU too
    ("task_panic", "panic: ", False),    # a task panics (every panic: 3 named frames)
    ("panic_race", "panic: ", False),    # CPUs 0 and 1 panic at once: one full report
    ("panic_screenlock", "panic: ", False),  # a stopped CPU holds the screen lock
    ("stack_protector", "panic: KERNEL PANIC: stack protector: canary smashed in smash_my_canary",
     False),                             # the canary check names the function
    # The case passes, but keeps 2 frames and a heap object: the leak check fails its suite.
    ("leak", "not ok: selftest (leak: suite selftest: 2 frames, 1 heap object)", False),
    ("assert", "panic: KERNEL PANIC: assertion failed: hand_out() at kernel/mm/pfa.c:",
     False),                             # a broken invariant: assert() names where and what
]


assert SELFTEST_SCREEN <= {s[0] for s in SELFTESTS}, "SELFTEST_SCREEN names no selftest"


# Where OVMF looks for a TPM (TIS/CRB registers). ovmf_rom() makes the
# firmware image reach down to it.
TPM_BASE = 0xFED40000


def ovmf_rom(code, varstore):
    """OVMF as one read-only image for -bios: 0xFF up to TPM_BASE, then the
    variable store template and the code, so the code ends at 4 GiB as it
    does in flash (OVMF.fd is the same two halves, without the padding).

    Why: Debian's OVMF probes a TPM in PEI (Tcg2ConfigPei, TcgPei). A chip
    that is absent reads 0xFF on real hardware and the probe ends at once,
    but QEMU reads unmapped memory as 0, so OVMF takes it for a TPM and polls
    its registers until their timeouts: 1.5 to 1.9 s of a busy loop on the
    ACPI PM timer (2.6 million port reads under TCG, about 1.3 s of CPU) in
    every UEFI boot, found with QEMU's memory_region_ops trace and gdb on
    its stub (the loop's stack held 0xFED40000 and the 750 ms TIS timeout).
    The image's padding is that 0xFF. The ROM also keeps OVMF from writing
    its variables to flash (it finds the store read-only and keeps them in
    RAM), so each boot starts from the template, as the fresh copy per boot
    used to. The kernel sees the same machine otherwise; SeaBIOS, which has
    no TPM probe, needs none of this."""
    with open(varstore, "rb") as f:
        vars_data = f.read()
    with open(code, "rb") as f:
        code_data = f.read()
    size = (1 << 32) - TPM_BASE
    pad = size - len(vars_data) - len(code_data)
    if pad < 0:
        raise ValueError(f"{code} and {varstore} are larger than {size} bytes")
    return b"\xff" * pad + vars_data + code_data


def qemu_argv(qemu, firmware, smp, mem, ovmf_rom_path=None, kvm=False, serial=True,
              cpu=None, screen=True):
    """The QEMU command line shared by every test boot, ISO appended later.
    A UEFI boot's firmware is ovmf_rom_path, ovmf_rom()'s image."""
    argv = [qemu]
    if firmware == "uefi":
        argv += ["-machine", "q35", "-bios", ovmf_rom_path]
    else:
        argv += ["-machine", "pc"]
    if kvm:
        argv += ["-enable-kvm", "-cpu", "host"]
    elif cpu:
        argv += ["-cpu", cpu]
    # -nic none: no network card, so no option ROM for the firmware to load
    # (0.5 to 1 s of TCG CPU time for OVMF); the kernel has no network driver.
    argv += ["-smp", str(smp), "-m", mem, "-serial", "stdio" if serial else "none",
             "-nic", "none", "-display", "none"] + ([] if screen else ["-vga", "none"]) + [
             "-monitor", "none", "-no-reboot",
             "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    return argv
