#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""layercheck_test: the layering check on a small canned tree, one rule broken at a time; prints KTAP.

The tree has a file of each layer (lib/, arch/, a portable core, a boot
reader, kernel policy), built with the host compiler so nm sees real
objects. Each case changes one file and names the lines layercheck must
print, written by hand from the rules, not taken from its output.
"""

import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True     # no __pycache__ in tests/runner/
import layercheck  # noqa: E402  (tests/runner/, next to this file)
from runner_test import ROOT, Suite  # noqa: E402

CC = os.environ.get("HOSTCC", "cc")
NM = os.environ.get("NM", "nm")
PORTABLE = ["kernel/mm/pfa.c", "kernel/boot/cmdline.c"]

TREE = {
    "lib/bitmap/bitmap.h": "#include <stdint.h>\nuint64_t bm_first(uint64_t w);\n",
    "lib/bitmap/bitmap.c": '#include <stddef.h>\n#include <bitmap/bitmap.h>\n'
                           "uint64_t bm_first(uint64_t w) { return w & -w; }\n",
    "arch/x86_64/include/arch/cpu.h": "void cpu_halt(void);\n",
    "arch/x86_64/trap.c": "#include <arch/cpu.h>\n#include <kernel/printk.h>\n"
                          'void trap(void) { printk("trap"); }\n',
    "kernel/include/kernel/printk.h": "void printk(const char *s);\n",
    "kernel/include/kernel/pfa.h": "#include <bitmap/bitmap.h>\nint pfa_alloc(void);\n",
    "kernel/include/kernel/ktest.h": "void ktest_exception(void);\n",
    "kernel/include/kernel/shell.h": "void shell_run(void);\n",
    "kernel/include/kernel/cmdline.h": "int cmdline_get(const char *key);\n"
                                       "const char *kernel_cmdline(void);\n",
    "kernel/core/printk.c": '#include <kernel/printk.h>\nvoid printk(const char *s) { (void)s; }\n',
    "kernel/mm/pfa.c": "#include <kernel/pfa.h>\nint pfa_alloc(void) { return (int)bm_first(6); }\n",
    "kernel/boot/cmdline.c": '#include <kernel/cmdline.h>\n'
                             "int cmdline_get(const char *key) { return key[0]; }\n",
    "kernel/ktest/ktest.c": "#include <kernel/ktest.h>\nvoid ktest_exception(void) {}\n",
    "kernel/main.c": '#include <kernel/ktest.h>\n#include <kernel/shell.h>\n'
                     '#include <kernel/cmdline.h>\nconst char *kernel_cmdline(void) { return ""; }\n',
}

# (case, file, line added to it, build objects?, allowed entries, lines layercheck must print)
CASES = [
    ("clean_tree_passes", None, None, True, {}, []),
    ("lib_includes_a_kernel_header", "lib/bitmap/bitmap.c", "#include <kernel/printk.h>", False, {},
     ["lib/bitmap/bitmap.c: includes <kernel/printk.h>: lib/ includes only lib/ headers "
      "and <std*.h>"]),
    ("lib_includes_libc_beyond_std", "lib/bitmap/bitmap.c", "#include <string.h>", False, {},
     ["lib/bitmap/bitmap.c: includes <string.h>: lib/ includes only lib/ headers and <std*.h>"]),
    ("lib_includes_by_relative_path", "lib/bitmap/bitmap.h",
     '#include "../../kernel/include/kernel/printk.h"', False, {},
     ["lib/bitmap/bitmap.h: includes <../../kernel/include/kernel/printk.h>: lib/ includes "
      "only lib/ headers and <std*.h>"]),
    ("arch_includes_a_policy_header", "arch/x86_64/trap.c", "#include <kernel/ktest.h>", False, {},
     ["arch/x86_64/trap.c: includes <kernel/ktest.h>: a kernel-policy header (ktest) in arch/"]),
    ("arch_header_includes_a_policy_header", "arch/x86_64/include/arch/cpu.h",
     "#include <kernel/shell.h>", False, {},
     ["arch/x86_64/include/arch/cpu.h: includes <kernel/shell.h>: a kernel-policy header "
      "(the shell) in arch/"]),
    ("portable_core_includes_a_policy_header", "kernel/mm/pfa.c", "#include <kernel/shell.h>",
     False, {},
     ["kernel/mm/pfa.c: includes <kernel/shell.h>: a kernel-policy header (the shell) in a "
      "portable core"]),
    ("arch_calls_up_into_policy", "arch/x86_64/trap.c",
     "void ktest_exception(void); void trap2(void) { ktest_exception(); }", True, {},
     ["arch/x86_64/trap.c: uses ktest_exception: defined in kernel/ktest/ktest.c (kernel policy), "
      "used by arch/"]),
    ("arch_reads_the_command_line", "arch/x86_64/trap.c",
     "int cmdline_get(const char *key); int trap3(void) { return cmdline_get(\"smp\"); }", True,
     {}, ["arch/x86_64/trap.c: uses cmdline_get: defined in kernel/boot/cmdline.c: arch/ reads "
          "no boot information, kmain hands it down"]),
    ("portable_core_calls_main", "kernel/mm/pfa.c",
     "#include <kernel/cmdline.h>\nconst char *pfa_line(void) { return kernel_cmdline(); }",
     True, {}, ["kernel/mm/pfa.c: uses kernel_cmdline: defined in kernel/main.c (kernel policy), "
                "used by a portable core"]),
    ("bitmap_internal_outside_lib", "kernel/mm/pfa.c",
     "int pfa_peek(void) { return bm__load_word_relaxed(0); }", False, {},
     ["kernel/mm/pfa.c: names bm__load_word_relaxed: lib/bitmap's words are its own"]),
    ("hbm_words_outside_lib", "arch/x86_64/trap.c", "/* hbm_words (&map) */", False, {},
     ["arch/x86_64/trap.c: names hbm_words(: lib/bitmap's words are its own"]),
    ("allowed_violation_passes", "arch/x86_64/trap.c", "#include <kernel/ktest.h>", False,
     {("include", "arch/x86_64/trap.c", "kernel/ktest.h"): "item 1"}, []),
    ("stale_allowlist_entry_fails", None, None, False,
     {("include", "arch/x86_64/trap.c", "kernel/ktest.h"): "item 1"},
     ["arch/x86_64/trap.c: stale allowlist entry: it no longer includes <kernel/ktest.h> "
      "(item 1): delete the entry from ALLOWED in tests/runner/layercheck.py"]),
]

# Uses that the rules allow: nothing may be printed for them.
ALLOWED_USES = [
    ("policy_includes_policy", "kernel/main.c", "#include <kernel/ktest.h>", False),
    ("portable_core_calls_a_boot_reader", "kernel/mm/pfa.c",
     "#include <kernel/cmdline.h>\nint pfa_arg(void) { return cmdline_get(\"pfa\"); }", True),
    ("arch_calls_a_core_service", "arch/x86_64/trap.c", "void trap4(void) { printk(\"4\"); }", True),
    ("bitmap_internal_inside_lib", "lib/bitmap/bitmap.c", "int bm__peek(void) { return 0; }", False),
]


def make_tree(top, path, line):
    """The canned tree under top, with line appended to path."""
    for name, text in TREE.items():
        os.makedirs(os.path.join(top, os.path.dirname(name)), exist_ok=True)
        with open(os.path.join(top, name), "w") as f:
            f.write(text + (line + "\n" if name == path else ""))


def build(top, changed, clean):
    """Every .c of the tree compiled to top/build/kernel/PATH.o; returns that directory.
    A .c file the case did not change is the same object in every case: it is
    compiled once and kept in the directory clean (unless the case changed a
    header, which any object may include)."""
    objs = os.path.join(top, "build", "kernel")
    for name in TREE:
        if name.endswith(".c"):
            obj = os.path.join(objs, name[:-2] + ".o")
            kept = os.path.join(clean, name[:-2] + ".o")
            same = changed != name and not (changed or "").endswith(".h")
            os.makedirs(os.path.dirname(obj), exist_ok=True)
            if same and os.path.exists(kept):
                shutil.copyfile(kept, obj)
                continue
            subprocess.run([CC, "-c", "-I", os.path.join(top, "kernel/include"),
                            "-I", os.path.join(top, "arch/x86_64/include"),
                            "-I", os.path.join(top, "lib"), os.path.join(top, name), "-o", obj],
                           check=True, capture_output=True)
            if same:
                os.makedirs(os.path.dirname(kept), exist_ok=True)
                shutil.copyfile(obj, kept)
    return objs


def run_case(path, line, objects, allowed, clean):
    """layercheck's lines on the canned tree with one change."""
    top = tempfile.mkdtemp(prefix="layercheck-")
    try:
        make_tree(top, path, line)
        objs = build(top, path, clean) if objects else None
        return layercheck.check(top, objs, NM, PORTABLE, allowed)[0]
    finally:
        shutil.rmtree(top)


def check_case(path, line, objects, allowed, want, clean):
    got = run_case(path, line, objects, allowed, clean)
    if got == want:
        return []
    return [f"expected {want!r}", f"got      {got!r}"]


def check_allowlist_names_real_files():
    """Each ALLOWED entry of the real check names a file of this tree and says why."""
    return [f"ALLOWED entry {key}: no such file or no reason"
            for key, why in layercheck.ALLOWED.items()
            if not os.path.isfile(os.path.join(ROOT, key[1])) or not why.startswith("item")]


def check_cli_exit_status():
    """The command line: exit 2 and a message when there are no objects to read."""
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "tests/runner/layercheck.py"),
                           "--objs", "/nonexistent"], capture_output=True, text=True)
    want = "layercheck: no kernel objects under /nonexistent: build the kernel first"
    if proc.returncode == 2 and proc.stderr.strip() == want:
        return []
    return [f"exit {proc.returncode}, stderr {proc.stderr.strip()!r}; expected 2, {want!r}"]


def main():
    print("KTAP version 1\n1..2")
    s = Suite("rules", len(CASES) + len(ALLOWED_USES))
    with tempfile.TemporaryDirectory(prefix="layercheck-objs-") as clean:
        for name, path, line, objects, allowed, want in CASES:
            s.case(name, check_case(path, line, objects, allowed, want, clean))
        for name, path, line, objects in ALLOWED_USES:
            s.case(name, check_case(path, line, objects, {}, [], clean))
    s.end(1)
    passed, failed = s.passed, s.failed

    t = Suite("layercheck", 2)
    t.case("allowlist_names_real_files", check_allowlist_names_real_files())
    t.case("cli_without_objects", check_cli_exit_status())
    t.end(2)
    passed, failed = passed + t.passed, failed + t.failed
    print(f"# ktest: {passed} passed, {failed} failed, 0 skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
