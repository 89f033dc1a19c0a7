#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""layercheck: `make check`, which fails when a lower layer reaches up into a higher one.

    layercheck.py [--root DIR] [--objs build/kernel] [--nm NM] [--portable SRC...]

The rules are issue 10's dependency table (lib/ below arch/ below the
portable cores below kernel policy), checked three ways:
  include   lib/ includes only lib/ headers and <std*.h>; arch/ and the
            portable cores (--portable: make's KERNEL_PORTABLE_SRCS) include
            no kernel-policy header (POLICY_HEADERS);
  call      no arch/ or portable-core object (nm of OBJS/**.o) uses a symbol
            that a kernel-policy object (POLICY_SOURCES) defines: an upcall,
            such as trap.c calling ktest_exception; and no arch/ object reads
            boot information itself (BOOT_READERS: kmain hands it the values);
            and no lib/ object uses a symbol defined outside lib/ except the
            compiler's runtime (FREESTANDING_SYMBOLS: memset, memcpy, ...);
  internal  no bm__/hbm__ name and no hbm_words() in kernel/, arch/ or boot/:
            lib/bitmap owns its words.
ALLOWED lists the violations known today, each with the issue-10 item that
removes it. An entry that no longer matches anything is an error too, so it
is deleted when its fix lands. Prints one line per problem and exits 1 if
there is any, 0 otherwise.
"""

import argparse
import fnmatch
import os
import re
import subprocess
import sys

# Kernel policy (ARCHITECTURE.md): main, ktest, shell, proc, dispatch and the
# boot-information accessors. Nothing below it may include or call these.
POLICY_HEADERS = {
    "kernel/main.h": "kmain",
    "kernel/ktest.h": "ktest",
    "kernel/ktest_run.h": "ktest",
    "kernel/ktest_order.h": "ktest",
    "kernel/shell.h": "the shell",
    "kernel/shell_parse.h": "the shell",
    "kernel/proc.h": "proc",
    "kernel/dispatch.h": "dispatch",
    "kernel/smp.h": "dispatch",         # the dispatcher, its idle loop and the masks it owns
    "kernel/boot.h": "the kernel's boot information",
}
# What a freestanding C compiler may call on its own (gcc's documented needs,
# and the stack protector's pair): lib/ may use these from the kernel's runtime.
FREESTANDING_SYMBOLS = frozenset({"memset", "memcpy", "memmove", "memcmp",
                                  "__stack_chk_fail", "__stack_chk_guard"})

POLICY_SOURCES = (
    "kernel/main.c",
    "kernel/ktest/*",
    "kernel/shell/*",
    "kernel/proc/proc.c",
    "kernel/smp/dispatch.c",
    "kernel/boot/boot.c",
)

# The readers of boot information (ACPI tables, the command line, multiboot2):
# kmain reads it once and hands each piece down, so arch/ calls none of them.
BOOT_READERS = ("kernel/boot/*",)

# Where <NAME.h> is looked for (the kernel's -I list); not found: a compiler header.
INCLUDE_DIRS = ("kernel/include", "arch/x86_64/include", "lib")
SOURCE_DIRS = ("lib", "arch", "kernel", "boot")
SOURCE_EXTS = (".c", ".h", ".S")
INTERNAL_DIRS = ("kernel", "arch", "boot")

# Known violations: (rule, file, what) -> the issue-10 item that removes it.
# None left: issue 10's last one (backtrace.c reading kernel_tasks) became a hook.
ALLOWED = {}

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
INTERNAL_RE = re.compile(r"\b(h?bm__\w+)|\b(hbm_words)\s*\(")
STD_HEADER_RE = re.compile(r"^std\w*\.h$")


class Tree:
    """The source files under ROOT and what each layer is."""

    def __init__(self, root, portable):
        self.root = root
        self.portable = set(portable)

    def files(self, dirs):
        """Source files (.c .h .S) under dirs, relative to the root, sorted."""
        found = []
        for top in dirs:
            for base, subdirs, names in os.walk(os.path.join(self.root, top)):
                subdirs.sort()
                found += [os.path.relpath(os.path.join(base, n), self.root)
                          for n in sorted(names) if n.endswith(SOURCE_EXTS)]
        return found

    def read(self, path):
        with open(os.path.join(self.root, path), errors="replace") as f:
            return f.read()

    def layer(self, path):
        """lib, arch, policy, portable or kernel (core services and glue: no limit here)."""
        if path.startswith("lib/"):
            return "lib"
        if path.startswith("arch/"):
            return "arch"
        if any(fnmatch.fnmatchcase(path, g) for g in POLICY_SOURCES):
            return "policy"
        if path in self.portable or self.portable_header(path):
            return "portable"
        return "kernel"

    def portable_header(self, path):
        """A header beside a portable source with its name (kernel/mm/mm_internal.h is not)."""
        stem, ext = os.path.splitext(path)
        return ext == ".h" and stem + ".c" in self.portable

    def resolve(self, path, quote, name):
        """Where an include lands, relative to the root; None for a compiler header."""
        dirs = ([os.path.dirname(path)] if quote == '"' else []) + list(INCLUDE_DIRS)
        for d in dirs:
            candidate = os.path.normpath(os.path.join(d, name))
            if os.path.isfile(os.path.join(self.root, candidate)):
                return candidate
        return None


def policy_header(resolved):
    """The include name of a kernel-policy header, or None."""
    for name in POLICY_HEADERS:
        if resolved == os.path.join("kernel/include", name):
            return name
    return None


def include_problems(tree):
    """(rule, file, what, why) for each include that points up."""
    found = []
    for path in tree.files(("lib", "arch", "kernel")):
        layer = tree.layer(path)
        for quote, name in INCLUDE_RE.findall(tree.read(path)):
            resolved = tree.resolve(path, quote, name)
            if layer == "lib":
                if resolved is None and STD_HEADER_RE.match(name) or \
                   resolved is not None and resolved.startswith("lib/"):
                    continue
                found.append(("include", path, name,
                              "lib/ includes only lib/ headers and <std*.h>"))
            elif layer in ("arch", "portable") and (hdr := policy_header(resolved)):
                found.append(("include", path, hdr, f"a kernel-policy header "
                              f"({POLICY_HEADERS[hdr]}) in {layer_name(layer)}"))
    return found


def layer_name(layer):
    return {"arch": "arch/", "portable": "a portable core"}[layer]


def internal_problems(tree):
    """(rule, file, what, why) for each bitmap internal named outside lib/."""
    found = set()
    for path in tree.files(INTERNAL_DIRS):
        for internal, words in INTERNAL_RE.findall(tree.read(path)):
            what = internal or words + "("
            found.add(("internal", path, what, "lib/bitmap's words are its own"))
    return sorted(found)


def nm_symbols(nm, objects):
    """(defined, used): symbol -> objects defining it; object -> symbols it uses."""
    proc = subprocess.run([nm, "-A"] + objects, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{nm} failed: {proc.stderr.strip()}")
    defined, used = {}, {}
    for line in proc.stdout.splitlines():
        obj, _, rest = line.partition(":")
        fields = rest.split()
        if len(fields) < 2:
            continue
        kind, sym = fields[-2], fields[-1]
        if kind in "Uw":
            used.setdefault(obj, set()).add(sym)
        elif kind.isupper():
            defined.setdefault(sym, []).append(obj)
    return defined, used


def kernel_objects(tree, objs):
    """{object path: its source, relative to the root}, for objects of existing sources."""
    found = {}
    for base, subdirs, names in os.walk(objs):
        subdirs.sort()
        for n in sorted(names):
            if not n.endswith(".o"):
                continue
            obj = os.path.join(base, n)
            stem = os.path.splitext(os.path.relpath(obj, objs))[0]
            src = next((stem + e for e in (".c", ".S")
                        if os.path.isfile(os.path.join(tree.root, stem + e))), None)
            if src and src.split("/")[0] in SOURCE_DIRS:
                found[obj] = src
    return found


def call_problems(tree, objs, nm):
    """(rule, file, what, why) for each symbol arch or a portable core uses from above."""
    sources = kernel_objects(tree, objs)
    if not sources:
        raise RuntimeError(f"no kernel objects under {objs}: build the kernel first")
    defined, used = nm_symbols(nm, sorted(sources))
    found = []
    for obj, src in sorted(sources.items()):
        layer = tree.layer(src)
        if layer not in ("lib", "arch", "portable"):
            continue
        for sym in sorted(used.get(obj, ())):
            owners = [sources[o] for o in defined.get(sym, ())]
            if (why := call_reason(tree, layer, owners, sym)):
                found.append(("call", src, sym, why))
    return found


def call_reason(tree, layer, owners, sym=None):
    """Why a layer may not use a symbol its owners define; None if it may."""
    outside = [o for o in owners if not o.startswith("lib/")]
    if layer == "lib" and outside and sym not in FREESTANDING_SYMBOLS:
        return f"defined in {outside[0]}: lib/ uses only lib/ and the compiler's runtime"
    policy = [o for o in owners if tree.layer(o) == "policy"]
    if policy:
        return f"defined in {policy[0]} (kernel policy), used by {layer_name(layer)}"
    readers = [o for o in owners if any(fnmatch.fnmatchcase(o, g) for g in BOOT_READERS)]
    if layer == "arch" and readers:
        return f"defined in {readers[0]}: arch/ reads no boot information, kmain hands it down"
    return None


VERB = {"include": "includes <{}>", "call": "uses {}", "internal": "names {}"}


def judge(problems, allowed):
    """Lines to print: each problem not allowed, then each allowed entry that matched nothing."""
    lines = [f"{path}: {VERB[rule].format(what)}: {why}" for rule, path, what, why in problems
             if (rule, path, what) not in allowed]
    seen = {(rule, path, what) for rule, path, what, _ in problems}
    lines += [f"{path}: stale allowlist entry: it no longer {VERB[rule].format(what)} "
              f"({why}): delete the entry from ALLOWED in tests/runner/layercheck.py"
              for (rule, path, what), why in sorted(allowed.items())
              if (rule, path, what) not in seen]
    return lines


def check(root, objs, nm, portable, allowed):
    """Every rule on the tree at root; returns (lines to print, problems found)."""
    tree = Tree(root, portable)
    problems = include_problems(tree) + internal_problems(tree)
    if objs is not None:
        problems += call_problems(tree, objs, nm)
    return judge(problems, allowed), problems


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(here)))
    ap.add_argument("--objs", default="build/kernel", help="the kernel's objects (nm)")
    ap.add_argument("--nm", default="nm")
    ap.add_argument("--portable", nargs="*", default=[],
                    help="the portable cores' sources (make's KERNEL_PORTABLE_SRCS)")
    args = ap.parse_args(argv)
    objs = os.path.join(args.root, args.objs) if not os.path.isabs(args.objs) else args.objs
    try:
        lines, problems = check(args.root, objs, args.nm, args.portable, ALLOWED)
    except (OSError, RuntimeError) as e:
        print(f"layercheck: {e}", file=sys.stderr)
        return 2
    for line in lines:
        print(f"layercheck: {line}")
    if lines:
        print(f"layercheck: {len(lines)} problem{'s' if len(lines) > 1 else ''}: a lower layer "
              "reaches up (the rules: tests/runner/layercheck.py's opening comment)")
        return 1
    known = f"{len(problems)} known violation{'s' if len(problems) != 1 else ''}"
    print(f"layercheck: ok ({known}{' allowed by name' if problems else ''})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
