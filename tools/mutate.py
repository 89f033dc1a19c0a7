#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""mutate: how many deliberate bugs do the host suites and fuzz corpora catch?

    tools/mutate.py [--files F...] [--jobs N] [--survivors] --bin NAME=SRCS... [...]
    tools/mutate.py --list FILE          the mutants of FILE, nothing built

Each mutant is one small change to one C file (a relational operator
swapped, && for ||, + for -, an integer constant off by one, & for |, <<
for >>, a statement deleted, a condition negated, a return value replaced
by a constant), made token-wise outside comments, strings, preprocessor
lines and the arguments of debug-only assertions. Mutants come in source
order, the same every run.

For each mutant: only the mutated file is recompiled (-O1, no sanitizers)
and the test binaries that contain it are relinked from cached objects. If
the object code is byte-identical to the original's, the mutant is
equivalent by construction and nothing runs. Otherwise, in order, stopping
at the first failure: the suites of that file (ktest-host with a filter and
KTEST_FAILFAST), the fuzz corpora replayed (tests/fuzz/replay.c), the other
suites whose code can reach the file (from the objects' symbols, nm), the
other host test programs; then the suites and corpora again built with
ASan/UBSan and the threaded *_tsan programs under TSan, as `make test`
builds them, for memory errors and races. Each run has a CPU-time and a
wall-clock limit (10x and 20x the unmutated run); hitting one counts as
killed and is reported as a timeout. A mutant that does not compile is
"stillborn" and not scored.

Survivors listed in tests/mutate/equivalent.txt are "justified". Entries
are keyed by file, function, the source line's text and the change, never
a line number, so they stay valid while the code around them moves:

    [lib/bitmap/find.c bm_find_next]
    line:   if (start >= nbits)
    change: ror >= -> >
    why:    ...

score = killed / (killed + survived), per file: the justified survivors
are equivalent mutants (no test can tell them apart), so they are left
out; "raw" counts them as misses. Timeouts count as killed.
"""

import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EQUIV_FILE = os.path.join(TOP, "tests", "mutate", "equivalent.txt")

# Suites to run first for a file (a ktest.filter); everything runs afterwards anyway.
FIRST_SUITES = {
    "lib/bitmap/bitmap.c": "bitmap,bitmap_logic,bitmap_find",
    "lib/bitmap/find.c": "bitmap_find,bitmap",
    "lib/bitmap/runs.c": "bitmap_runs,bitmap_alloc",
    "lib/bitmap/claim.c": "bitmap_alloc,bitmap_runs",
    "lib/bitmap/atomic.c": "bitmap_atomic,bitmap",
    "lib/bitmap/dyn.c": "bitmap_dyn",
    "lib/bitmap/hbitmap.c": "hbitmap,pid",
    "lib/bitmap/list.c": "bitmap_list",
    "kernel/mm/pfa.c": "pfa",
    "kernel/mm/heap.c": "heap",
    "kernel/proc/pid.c": "pid,task",
    "kernel/mm/memmap.c": "memmap,pfa",
    "kernel/boot/acpi.c": "acpi",
    "kernel/boot/multiboot2.c": "multiboot2,memmap,acpi",
}

# Debug-only checks: compiled out of the kernel, so their arguments are not mutated.
SKIP_MACROS = {"BM_ASSERT"}

# ------------------------------------------------------------------ lexer

KEYWORDS = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double",
    "else", "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long",
    "register", "restrict", "return", "short", "signed", "sizeof", "static", "struct",
    "switch", "typedef", "union", "unsigned", "void", "volatile", "while", "_Bool",
    "bool", "_Static_assert", "static_assert", "_Alignof", "alignof", "__attribute__",
    "typeof", "__typeof__", "asm", "__asm__", "_Atomic", "true", "false",
}
TYPE_WORDS = {
    "char", "const", "double", "enum", "extern", "float", "int", "long", "register",
    "short", "signed", "static", "struct", "union", "unsigned", "void", "volatile",
    "_Bool", "bool", "_Atomic", "typeof", "__typeof__", "inline",
}
PUNCT = sorted("""<<= >>= ... -> ++ -- << >> <= >= == != && || += -= *= /= %= &= |= ^= ##
{ } [ ] ( ) ; : , . ? ~ ! + - * / % & | ^ < > = #""".split(), key=len, reverse=True)
NUMBER = re.compile(r"\.?[0-9](?:[eEpP][+-]|[0-9A-Za-z_.])*")
IDENT = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


class Tok:
    __slots__ = ("kind", "text", "start", "end", "line", "ternary_label")

    def __init__(self, kind, text, start, end, line):
        self.kind, self.text, self.start, self.end, self.line = kind, text, start, end, line
        self.ternary_label = False

    def __repr__(self):
        return f"Tok({self.kind},{self.text!r},{self.line})"


def past_comment(src, i, line):
    """(index after the /* comment */ at i, line number there)."""
    j = src.find("*/", i + 2)
    j = len(src) if j < 0 else j + 2
    return j, line + src.count("\n", i, j)


def lex(src):
    """Tokens of C source: comments, preprocessor lines and whitespace dropped."""
    toks, i, line, n = [], 0, 1, len(src)
    at_line_start = True
    while i < n:
        c = src[i]
        if c == "\n":
            line += 1
            i += 1
            at_line_start = True
            continue
        if c in " \t\r\f\v":
            i += 1
            continue
        if c == "#" and at_line_start:          # a directive, with its continuations
            while i < n and src[i] != "\n":
                if src[i] == "\\" and i + 1 < n and src[i + 1] == "\n":
                    line += 1
                    i += 1
                elif src.startswith("/*", i):
                    i, line = past_comment(src, i, line)
                    continue
                i += 1
            continue
        at_line_start = False
        if src.startswith("//", i):
            while i < n and src[i] != "\n":
                i += 1
            continue
        if src.startswith("/*", i):
            i, line = past_comment(src, i, line)
            continue
        if c in "\"'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            j = min(j + 1, n)
            toks.append(Tok("str" if c == '"' else "chr", src[i:j], i, j, line))
            line += src.count("\n", i, j)
            i = j
            continue
        m = NUMBER.match(src, i)
        if m:
            toks.append(Tok("num", m.group(), i, m.end(), line))
            i = m.end()
            continue
        m = IDENT.match(src, i)
        if m:
            word = m.group()
            # String and character literals with an encoding prefix.
            if word in ("L", "u", "U", "u8") and m.end() < n and src[m.end()] in "\"'":
                i = m.end()
                continue
            toks.append(Tok("id", word, i, m.end(), line))
            i = m.end()
            continue
        for p in PUNCT:
            if src.startswith(p, i):
                toks.append(Tok("op", p, i, i + len(p), line))
                i += len(p)
                break
        else:
            toks.append(Tok("op", c, i, i + 1, line))
            i += 1
    return toks


def match_forward(toks, i):
    """Index of the bracket closing toks[i] (one of ( [ {)."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    open_, close = toks[i].text, pairs[toks[i].text]
    depth = 0
    for j in range(i, len(toks)):
        if toks[j].text == open_:
            depth += 1
        elif toks[j].text == close:
            depth -= 1
            if depth == 0:
                return j
    return len(toks) - 1


def match_back(toks, i):
    """Index of the ( opening the ) at toks[i]."""
    depth = 0
    for j in range(i, -1, -1):
        if toks[j].text == ")":
            depth += 1
        elif toks[j].text == "(":
            depth -= 1
            if depth == 0:
                return j
    return 0


def functions(toks):
    """(name, body_open, body_close, returns_pointer) of each function definition."""
    out, i = [], 0
    while i < len(toks):
        t = toks[i]
        if t.text in ("{", "(", "["):
            j = match_forward(toks, i)
            if t.text == "{" and i > 0 and toks[i - 1].text == ")":
                k = match_back(toks, i - 1)
                name = toks[k - 1].text if k > 0 and toks[k - 1].kind == "id" else "?"
                ptr = k > 1 and toks[k - 2].text == "*"
                out.append((name, i, j, ptr))
            i = j + 1
            continue
        i += 1
    return out


# ------------------------------------------------------------------ mutants

SWAPS = {
    # relational: the boundary, then the negation
    "<": ("ror", ["<=", ">="]), "<=": ("ror", ["<", ">"]),
    ">": ("ror", [">=", "<="]), ">=": ("ror", [">", "<"]),
    "==": ("ror", ["!="]), "!=": ("ror", ["=="]),
    "&&": ("lor", ["||"]), "||": ("lor", ["&&"]),
    "+": ("aor", ["-"]), "-": ("aor", ["+"]),
    "+=": ("aor", ["-="]), "-=": ("aor", ["+="]),
    "++": ("aor", ["--"]), "--": ("aor", ["++"]),
    "&": ("bor", ["|"]), "|": ("bor", ["&"]), "^": ("bor", ["&"]),
    "&=": ("bor", ["|="]), "|=": ("bor", ["&="]), "^=": ("bor", ["&="]),
    "<<": ("sor", [">>"]), ">>": ("sor", ["<<"]),
    "<<=": ("sor", [">>="]), ">>=": ("sor", ["<<="]),
}
BINARY_ONLY = {"+", "-", "&"}
INT_LITERAL = re.compile(r"(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)([uUlL]*)$")


class Mutant:
    __slots__ = ("file", "func", "line", "op", "before", "after", "edits", "linetext",
                 "key", "ident", "occ")

    def change(self):
        return f"{self.op} {self.before} -> {self.after}"

    def label(self):
        """The change as keyed: with #N when the same change repeats on the line."""
        return self.change() + (f"#{self.occ}" if self.occ > 1 else "")


def squash(text, limit=72):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def is_binary_context(prev):
    """Is an operator after token prev a binary one (prev ends an operand)?"""
    if prev is None:
        return False
    if prev.kind == "id":
        return prev.text not in KEYWORDS or prev.text in ("true", "false")
    return prev.kind in ("num", "str", "chr") or prev.text in (")", "]", "++", "--")


def skipped_ranges(toks, lo, hi):
    """Token indexes inside the arguments of SKIP_MACROS calls."""
    skip = set()
    for i in range(lo, hi):
        if toks[i].text in SKIP_MACROS and i + 1 < hi and toks[i + 1].text == "(":
            skip.update(range(i, match_forward(toks, i + 1) + 1))
    return skip


def const_variants(text):
    m = INT_LITERAL.match(text)
    if not m:
        return []
    digits, suffix = m.groups()
    value = int(digits, 0)
    fmt = (lambda v: hex(v)) if digits[:2].lower() == "0x" else str
    out = [fmt(value + 1) + suffix]
    if value > 0:
        out.append(fmt(value - 1) + suffix)
    return out


def statement_starts(toks, lo, hi):
    """Indexes in (lo, hi) where a statement begins inside a function body."""
    starts, paren, ternary = [], 0, 0
    cond_close = set()          # ) closing an if/while/for/switch head
    for i in range(lo + 1, hi):
        t = toks[i]
        p = toks[i - 1]
        if paren == 0 and (p.text in (";", "{", "}") or p.kind == "id" and p.text in ("else", "do")
                           or i - 1 in cond_close or (p.text == ":" and p.ternary_label)):
            starts.append(i)
        if t.text == "(":
            if paren == 0 and p.text in ("if", "while", "for", "switch"):
                cond_close.add(match_forward(toks, i))
            paren += 1
        elif t.text == ")":
            paren -= 1
        elif t.text == "?":
            ternary += 1
        t.ternary_label = False
        if t.text == ":":
            if ternary:
                ternary -= 1
            elif paren == 0:
                t.ternary_label = True
    return starts


def is_declaration(toks, s):
    a = toks[s]
    if a.kind != "id":
        return False
    if a.text in TYPE_WORDS or a.text.endswith("_t"):
        return True
    b = toks[s + 1]
    if b.kind == "id":
        return True
    if b.text == "*":
        j = s + 1
        while toks[j].text == "*":
            j += 1
        return toks[j].kind == "id" and toks[j + 1].text in ("=", ";", ",", "[")
    return False


def expression_statement_end(toks, s, hi):
    """Index of the ; ending an expression statement at s, or None."""
    a = toks[s]
    if a.kind == "id" and a.text in ("break", "continue"):
        return s + 1 if toks[s + 1].text == ";" else None
    if a.kind == "id" and (a.text in KEYWORDS or toks[s + 1].text == ":"):
        return None
    if a.kind not in ("id",) and a.text not in ("*", "(", "++", "--"):
        return None
    if is_declaration(toks, s):
        return None
    depth = 0
    for j in range(s, hi):
        x = toks[j].text
        if x in ("(", "["):
            depth += 1
        elif x in (")", "]"):
            depth -= 1
        elif x in ("{", "}") and depth == 0:
            return None
        elif x == ";" and depth == 0:
            return j
    return None


def generate(path, src):
    """Every mutant of the C file at path, in source order."""
    toks = lex(src)
    lines = src.split("\n")
    mutants = []

    def add(func, tok, op, before, after, edits):
        m = Mutant()
        m.file, m.func, m.line, m.op = path, func, tok.line, op
        m.before, m.after, m.edits = squash(before, 40), squash(after, 40), edits
        m.linetext = squash(lines[tok.line - 1], 200)
        mutants.append(m)

    for func, lo, hi, ret_ptr in functions(toks):
        skip = skipped_ranges(toks, lo, hi)
        starts = set(statement_starts(toks, lo, hi))
        for i in range(lo + 1, hi):
            if i in skip:
                continue
            t, prev = toks[i], toks[i - 1]
            if t.kind == "op" and t.text in SWAPS:
                if t.text in BINARY_ONLY and not is_binary_context(prev):
                    pass
                else:
                    op, repl = SWAPS[t.text]
                    for r in repl:
                        add(func, t, op, t.text, r, [(t.start, t.end, r)])
            elif t.kind == "num":
                for r in const_variants(t.text):
                    add(func, t, "const", t.text, r, [(t.start, t.end, r)])
            if t.kind == "id" and t.text in ("if", "while") and toks[i + 1].text == "(":
                j = match_forward(toks, i + 1)
                cond = src[toks[i + 1].end:toks[j].start]
                add(func, t, "neg", f"{t.text} ({cond})", f"{t.text} (!({cond}))",
                    [(toks[i + 1].end, toks[i + 1].end, "!("), (toks[j].start, toks[j].start, ")")])
            elif t.kind == "id" and t.text == "for" and toks[i + 1].text == "(":
                j = match_forward(toks, i + 1)
                semis = [k for k in range(i + 2, j) if toks[k].text == ";"
                         and src.count("(", toks[i + 1].end, toks[k].start)
                         == src.count(")", toks[i + 1].end, toks[k].start)]
                if len(semis) == 2 and semis[1] > semis[0] + 1:
                    a, b = toks[semis[0]], toks[semis[1]]
                    cond = src[a.end:b.start].strip()
                    add(func, t, "neg", f"for (...; {cond}; ...)", f"for (...; !({cond}); ...)",
                        [(a.end, a.end, " !("), (b.start, b.start, ")")])
            elif t.kind == "id" and t.text == "return" and toks[i + 1].text != ";":
                e = i + 1
                while e < hi and toks[e].text != ";":
                    e += 1
                expr = src[toks[i + 1].start:toks[e].start]
                span = (toks[i + 1].start, toks[e].start)
                if expr.strip() not in ("0", "false", "NULL"):
                    add(func, t, "ret", f"return {expr}", "return 0", [(span[0], span[1], "0")])
                if not ret_ptr and expr.strip() not in ("1", "true"):
                    add(func, t, "ret", f"return {expr}", "return 1", [(span[0], span[1], "1")])
            if i in starts and not (i in skip):
                e = expression_statement_end(toks, i, hi)
                if e is not None:
                    stmt = src[t.start:toks[e].end]
                    add(func, t, "del", stmt, ";", [(t.start, toks[e].start, "")])
    # One mutant per distinct program ("return 0" and "0 -> 1" can coincide).
    seen, unique = set(), []
    for m in mutants:
        h = hashlib.sha1(apply(src, m.edits).encode()).digest()
        if h not in seen:
            seen.add(h)
            unique.append(m)
    assign_keys(unique)
    return unique


def assign_keys(mutants):
    """Stable keys: file, function, line text, change; #N only for repeats."""
    seen = {}
    for m in mutants:
        base = f"{m.file}|{m.func}|{' '.join(m.linetext.split())}|{m.change()}"
        seen[base] = seen.get(base, 0) + 1
        m.occ = seen[base]
        m.key = base if m.occ == 1 else f"{base}#{m.occ}"
        m.ident = hashlib.sha1(m.key.encode()).hexdigest()[:8]


def apply(src, edits):
    for start, end, text in sorted(edits, reverse=True):
        src = src[:start] + text + src[end:]
    return src


# ------------------------------------------------------------------ justified survivors

def load_equivalents(path=EQUIV_FILE):
    """{key: reason} from the justified-survivor file (missing file: none)."""
    out = {}
    if not os.path.exists(path):
        return out
    with open(path) as f:
        blocks = re.split(r"\n\s*\n", f.read())
    for block in blocks:
        lines = [x for x in block.strip().split("\n") if x and not x.startswith("#")]
        if not lines:
            continue
        head = re.match(r"\[(\S+) (\S+)\]$", lines[0].strip())
        fields = {}
        for x in lines[1:]:
            k, _, v = x.partition(":")
            fields[k.strip()] = v.strip()
        if not head or not {"line", "change", "why"} <= fields.keys() or not fields["why"]:
            sys.exit(f"mutate: {path}: malformed entry:\n{block.strip()}")
        key = f"{head.group(1)}|{head.group(2)}|{' '.join(fields['line'].split())}|{fields['change']}"
        out[key] = fields["why"]
    return out


def equivalent_entry(m):
    return (f"[{m.file} {m.func}]\nline:   {' '.join(m.linetext.split())}\n"
            f"change: {m.label()}\nwhy:    ")


# ------------------------------------------------------------------ building

ASAN = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"]
TSAN = ["-fsanitize=thread"]


class Build:
    """Cached -O1 objects of every source, plain and under ASan/UBSan (the flavours),
    and per-worker relinks around one mutated file."""

    def __init__(self, args):
        self.out = os.path.join(TOP, args.build)
        self.cc = args.cc
        plain = [f"-I{os.path.join(TOP, f[2:])}" if f.startswith("-I") else f
                 for f in args.cflags.split()]
        self.cflags = {"plain": plain, "asan": plain + ASAN, "tsan": plain + TSAN}
        self.ldflags = {"plain": ["-pthread"], "asan": ["-pthread"] + ASAN,
                        "tsan": ["-pthread"] + TSAN}
        self.bins = {}                         # name -> [srcs]
        for spec in args.bin:
            name, _, srcs = spec.partition("=")
            self.bins[name] = srcs.split()
        self.corpus = {}
        for spec in args.corpus:
            name, _, dirs = spec.partition("=")
            self.corpus[name] = [d for d in dirs.split() if os.path.isdir(os.path.join(TOP, d))]
        self.prepared = set()
        self.lock = threading.Lock()

    def obj(self, src, flavor="plain"):
        return os.path.join(self.out, "base-" + flavor, src + ".o")

    def compile(self, src, obj, flavor, cwd=TOP, extra=()):
        os.makedirs(os.path.dirname(obj), exist_ok=True)
        cmd = [self.cc] + self.cflags[flavor] + list(extra) + ["-c", src, "-o", obj]
        r = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)
        return r.returncode == 0, r.stdout

    def stale(self, src, flavor):
        obj = self.obj(src, flavor)
        dep = obj[:-2] + ".d"
        if not os.path.exists(obj) or not os.path.exists(dep):
            return True
        t = os.path.getmtime(obj)
        with open(dep) as f:
            deps = f.read().replace("\\\n", " ").split(":", 1)[-1].split()
        return any(not os.path.exists(os.path.join(TOP, d)) or
                   os.path.getmtime(os.path.join(TOP, d)) > t for d in deps if not d.endswith(":"))

    def prepare(self, flavor, jobs=2):
        """Compile what is out of date, once per run and flavour."""
        with self.lock:
            if flavor in self.prepared:
                return
            srcs = sorted({s for n, v in self.bins.items() for s in v
                           if flavor == "plain" or (flavor == "tsan") == n.endswith("_tsan")})
            todo = [s for s in srcs if self.stale(s, flavor)]
            with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
                results = list(ex.map(lambda s: (s, self.compile(
                    s, self.obj(s, flavor), flavor,
                    extra=["-MMD", "-MF", self.obj(s, flavor)[:-2] + ".d"])), todo))
            for s, (ok, log) in results:
                if not ok:
                    sys.exit(f"mutate: {s} does not compile unmutated ({flavor}):\n{log}")
            self.prepared.add(flavor)

    def link(self, objs, exe, flavor):
        os.makedirs(os.path.dirname(exe), exist_ok=True)
        r = subprocess.run([self.cc] + objs + self.ldflags[flavor] + ["-o", exe],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        return r.returncode == 0, r.stdout

    def objects(self, name, flavor, src=None, mut_obj=None):
        return [mut_obj if s == src else self.obj(s, flavor) for s in self.bins[name]]


def suites_of(src):
    """Suite names a test source registers (KTEST(suite, ...) and KTEST_FAULT)."""
    with open(os.path.join(TOP, src)) as f:
        return set(re.findall(r"\bKTEST(?:_FAULT)?\(\s*(\w+)\s*,", f.read()))


def related_suites(build):
    """{source: suites whose test code can reach it}, through the symbols each
    object of the ktest program defines and uses (nm); a suite that cannot call
    into a file cannot kill its mutants."""
    srcs = build.bins.get("ktest", [])
    defs, uses = {}, {}
    for src in srcs:
        out = subprocess.run(["nm", build.obj(src)], capture_output=True, text=True).stdout
        uses[src] = set()
        for line in out.splitlines():
            f = line.split()
            if len(f) == 2 and f[0] == "U":
                uses[src].add(f[1])
            elif len(f) == 3 and f[1].isupper():
                defs.setdefault(f[2], src)
    related = {}
    for test in srcs:
        names = suites_of(test)
        if not names:
            continue
        seen, todo = {test}, [test]
        while todo:
            for sym in uses[todo.pop()]:
                d = defs.get(sym)
                if d and d not in seen:
                    seen.add(d)
                    todo.append(d)
        for d in seen:
            related.setdefault(d, set()).update(names)
    return related


class Stage:
    __slots__ = ("label", "name", "argv", "flavor")

    def __init__(self, label, name, argv, flavor="plain"):
        self.label, self.name, self.argv, self.flavor = label, name, argv, flavor

    @property
    def key(self):
        return f"{self.label} {' '.join(self.argv)}"


class Runner:
    """The stages a mutant goes through, with limits from the unmutated runs."""

    def __init__(self, build, timeout_floor, asan=True):
        self.b = build
        self.limits = {}
        self.floor = timeout_floor
        self.asan = asan
        self.related = related_suites(build)

    def stages(self, src):
        """Stages in order, for the programs containing src: the file's own suites, the
        corpora, the other suites that can reach it, the other programs; then, for what
        survives, the suites and corpora again under ASan/UBSan and the *_tsan programs
        under TSan (as `make test` builds them), for memory errors and data races."""
        bins = self.b.bins
        related = sorted(self.related.get(src, ())) if src in bins.get("ktest", ()) else []
        first = [x for x in FIRST_SUITES.get(src, "").split(",") if x in related]
        rest = [x for x in related if x not in first]
        replays = [n for n in sorted(self.b.corpus) if self.b.corpus[n] and src in bins.get(n, ())]
        out = []
        if first:
            out.append(Stage("ktest:" + ",".join(first), "ktest", [",".join(first)]))
        out += [Stage("replay:" + n, n, self.b.corpus[n]) for n in replays]
        if rest:
            out.append(Stage("ktest:others", "ktest", [",".join(rest)]))
        out += [Stage(n, n, []) for n in sorted(bins)
                if n != "ktest" and n not in self.b.corpus and src in bins[n]]
        if self.asan:
            if related:
                out.append(Stage("asan:ktest", "ktest", [",".join(related)], "asan"))
            out += [Stage("asan:replay:" + n, n, self.b.corpus[n], "asan") for n in replays]
            out += [Stage("tsan:" + n, n, [], "tsan") for n in sorted(bins)
                    if n.endswith("_tsan") and src in bins[n]]
        return out

    def run(self, exe, stage, calibrate=False):
        """'pass', 'fail' or 'timeout'; with calibrate, also sets the stage's limits."""
        cpu, wall = self.limits.get(stage.key, (600, 1200))
        cmd = ["prlimit", f"--cpu={int(cpu)}", "--", exe] + stage.argv
        if stage.flavor == "tsan":     # TSan's shadow layout wants no ASLR
            cmd = ["setarch", os.uname().machine, "-R"] + cmd
        env = dict(os.environ, KTEST_FAILFAST="1", ASAN_OPTIONS="detect_leaks=0")
        t0, r0 = time.monotonic(), os.times()
        for attempt in range(3):
            try:
                p = subprocess.run(cmd, cwd=TOP, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, timeout=wall)
                status = p.returncode
            except subprocess.TimeoutExpired:
                return "timeout"
            # A sanitizer that could not start is no verdict: run again.
            if status == 0 or not re.search(rb"FATAL: \w+Sanitizer|unexpected memory mapping",
                                            p.stderr[-4096:]):
                break
        if calibrate:
            r1 = os.times()
            used = (r1.children_user - r0.children_user) + (r1.children_system - r0.children_system)
            took = time.monotonic() - t0
            self.limits[stage.key] = (max(self.floor, 10 * used + 1),
                                        max(4 * self.floor, 20 * took))
        if status == 0:
            return "pass"
        # SIGXCPU (CPU limit) or SIGKILL after it: the mutant ran too long.
        if status in (-24, -9, 128 + 24, 128 + 9):
            return "timeout"
        return "fail"


# ------------------------------------------------------------------ the run

PHASES = {}
PHASES_LOCK = threading.Lock()


def phase(name, t0):
    with PHASES_LOCK:
        PHASES[name] = PHASES.get(name, 0.0) + time.monotonic() - t0
    return time.monotonic()


def test_mutant(build, runner, m, src_text, w):
    """(status, stage): killed / timeout / survived / stillborn / identical."""
    t = time.monotonic()
    wd = os.path.join(build.out, f"run{os.getpid()}", f"w{w}")   # runs may overlap
    srcdir = os.path.join(wd, "src")
    mpath = os.path.join(srcdir, m.file)
    os.makedirs(os.path.dirname(mpath), exist_ok=True)
    with open(mpath, "w") as f:
        f.write(apply(src_text, m.edits))
    quote = ["-iquote", os.path.dirname(os.path.join(TOP, m.file))]
    objs, exes = {}, {}
    for stage in runner.stages(m.file):
        fl = stage.flavor
        if fl not in objs:
            build.prepare(fl)
            objs[fl] = os.path.join(wd, f"mut-{fl}.o")
            ok, _ = build.compile(m.file, objs[fl], fl, cwd=srcdir, extra=quote)
            t = phase("compile", t)
            if not ok:
                return "stillborn", ""
            if fl == "plain":
                with open(objs[fl], "rb") as a, open(build.obj(m.file), "rb") as b:
                    if a.read() == b.read():
                        return "identical", ""
        if (stage.name, fl) not in exes:
            exe = os.path.join(wd, f"{stage.name}-{fl}")
            ok, _ = build.link(build.objects(stage.name, fl, m.file, objs[fl]), exe, fl)
            t = phase("link", t)
            if not ok:
                return "stillborn", ""
            exes[stage.name, fl] = exe
        r = runner.run(exes[stage.name, fl], stage)
        t = phase("run " + stage.label, t)
        if r == "fail":
            return "killed", stage.label
        if r == "timeout":
            return "timeout", stage.label
    return "survived", ""


def calibrate(build, runner, files):
    """Link and run every stage unmutated; each must pass. Sets the limits."""
    wd = os.path.join(build.out, f"run{os.getpid()}", "base-bin")
    done, linked = set(), set()
    for src in files:
        for stage in runner.stages(src):
            if stage.key in done:
                continue
            done.add(stage.key)
            build.prepare(stage.flavor)
            exe = os.path.join(wd, f"{stage.name}-{stage.flavor}")
            if (stage.name, stage.flavor) not in linked:
                ok, log = build.link(build.objects(stage.name, stage.flavor), exe, stage.flavor)
                if not ok:
                    sys.exit(f"mutate: cannot link {stage.name} ({stage.flavor}):\n{log}")
                linked.add((stage.name, stage.flavor))
            t0 = time.monotonic()
            r = runner.run(exe, stage, calibrate=True)
            if r != "pass":
                sys.exit(f"mutate: the unmutated {stage.label} does not pass ({r}): "
                         f"{exe} {' '.join(stage.argv)}")
            print(f"  baseline {stage.label}: {time.monotonic() - t0:.2f} s "
                  f"(limits: {runner.limits[stage.key][0]:.0f} s CPU, "
                  f"{runner.limits[stage.key][1]:.0f} s wall)", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", nargs="*", default=[], help="C files to mutate")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--bin", action="append", default=[], metavar="NAME=SRCS",
                    help="a test program: its sources ('ktest' takes a filter argument)")
    ap.add_argument("--corpus", action="append", default=[], metavar="NAME=DIRS",
                    help="the program NAME replays these directories")
    ap.add_argument("--cc", default="gcc")
    ap.add_argument("--cflags", default="-std=gnu11 -O1 -g0 -w -DSETBIT_HOST -DBM_DEBUG "
                    "-Ikernel/include -Ilib")
    ap.add_argument("--build", default="build/mutate")
    ap.add_argument("--timeout", type=float, default=5, help="least CPU seconds per run")
    ap.add_argument("--survivors", action="store_true",
                    help="re-test only the survivors of the last run (the others keep their verdict)")
    ap.add_argument("--no-asan", action="store_true",
                    help="skip the last stages (survivors again under ASan/UBSan, TSan)")
    ap.add_argument("--list", metavar="FILE", help="print FILE's mutants and exit")
    ap.add_argument("--limit", type=int, default=0, help="at most N mutants per file (a sample)")
    args = ap.parse_args()

    if args.list:
        with open(os.path.join(TOP, args.list)) as f:
            for m in generate(args.list, f.read()):
                print(f"{m.file}:{m.line}: {m.func}: {m.change()}")
        return 0

    build = Build(args)
    files = args.files
    for f in files:
        if not any(f in v for v in build.bins.values()):
            sys.exit(f"mutate: {f} is in none of the test programs")
    equiv = load_equivalents()
    t_start = time.monotonic()
    print(f"mutate: building -O1 objects in {args.build}", flush=True)
    build.prepare("plain", args.jobs)
    runner = Runner(build, args.timeout, not args.no_asan)
    for f in files:
        print(f"  {f}: " + ", ".join(st.label + (f" ({st.argv[0]})" if st.label.endswith(
            "others") or st.label == "asan:ktest" else "") for st in runner.stages(f)))
    calibrate(build, runner, files)

    results_path = os.path.join(build.out, "results.json")
    previous = {}
    if os.path.exists(results_path):
        with open(results_path) as f:
            previous = json.load(f)

    work = []
    texts = {}
    for f in files:
        with open(os.path.join(TOP, f)) as fh:
            texts[f] = fh.read()
        ms = generate(f, texts[f])
        if args.limit:
            ms = ms[:: max(1, len(ms) // args.limit)][:args.limit]
        for m in ms:
            work.append(m)
    print(f"mutate: {len(work)} mutants in {len(files)} files, {args.jobs} workers", flush=True)

    results = {}
    lock = threading.Lock()
    free = list(range(args.jobs))
    done = [0]

    def one(m):
        old = previous.get(m.key)
        if args.survivors and old and old[0] not in ("survived",):
            return m, tuple(old), 0.0
        with lock:
            w = free.pop()
        t0 = time.monotonic()
        try:
            res = test_mutant(build, runner, m, texts[m.file], w)
        finally:
            with lock:
                free.append(w)
        took = time.monotonic() - t0
        with lock:
            done[0] += 1
            if done[0] % 100 == 0:
                el = time.monotonic() - t_start
                print(f"  {done[0]}/{len(work)} tested, {el:.0f} s", flush=True)
        return m, res, took

    t_run = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        for m, res, took in ex.map(one, work):
            results[m.key] = (m, res)
    t_run = time.monotonic() - t_run
    shutil.rmtree(os.path.join(build.out, f"run{os.getpid()}"), ignore_errors=True)

    # Another run may have written meanwhile: merge into what is there now.
    if os.path.exists(results_path):
        with open(results_path) as f:
            previous = json.load(f)
    for key, (m, res) in results.items():
        previous[key] = list(res)
    with open(results_path + f".{os.getpid()}", "w") as f:
        json.dump(previous, f, indent=0, sort_keys=True)
    os.replace(results_path + f".{os.getpid()}", results_path)
    return report(files, work, results, equiv, t_run, time.monotonic() - t_start, args)


def report(files, work, results, equiv, t_run, t_all, args):
    per = {f: {"killed": 0, "timeout": 0, "survived": 0, "justified": 0, "stillborn": 0,
               "identical": 0} for f in files}
    survivors, justified = [], []
    for m in work:
        status, stage = results[m.key][1]
        if status == "survived" and m.key in equiv:
            status = "justified"
            justified.append(m)
        elif status == "survived":
            survivors.append(m)
        per[m.file][status] += 1
    print()
    print("Surviving mutants (paste an entry into tests/mutate/equivalent.txt, with why:, "
          "only if it is equivalent):")
    for m in survivors:
        print(f"  {m.file}:{m.line}: {m.func}: {m.label()}    | {' '.join(m.linetext.split())}")
    if justified:
        print(f"\nJustified (equivalent, {EQUIV_FILE[len(TOP) + 1:]}):")
        for m in justified:
            print(f"  {m.file}:{m.line}: {m.func}: {m.label()}    | {equiv[m.key]}")
    generated = {m.key for m in work}
    stale = sorted(k for k in equiv if k.split("|")[0] in files and k not in generated)
    killed = sorted(m.key for m in work if m.key in equiv
                    and results[m.key][1][0] in ("killed", "timeout"))
    if (stale or killed) and not args.limit:
        print("\nEntries of equivalent.txt to fix or drop (no such mutant, or it is killed):")
        for k in stale + killed:
            print("  " + k)
    print()
    hdr = f"{'file':28} {'mutants':>7} {'killed':>7} {'t/o':>5} {'surv':>5} {'just':>5} " \
          f"{'dead':>5} {'same':>5} {'score':>7}"
    print(hdr)
    tot = {k: 0 for k in per[files[0]]} if files else {}
    for f in files:
        c = per[f]
        for k in c:
            tot[k] += c[k]
        print(line_for(f, c))
    if len(files) > 1:
        print(line_for("total", tot))
    n = len(work)
    print("\nwall time per phase, summed over workers: " +
          ", ".join(f"{k} {v:.0f} s" for k, v in sorted(PHASES.items())))
    print(f"{n} mutants in {t_all:.0f} s ({t_run:.0f} s testing: "
          f"{n / t_run if t_run else 0:.1f} mutants/s, {args.jobs} workers). "
          "score = (killed + t/o) / (those + survivors); raw also counts the justified "
          "(equivalent) survivors as misses; t/o = killed by the time limit; dead = did not "
          "compile, same = identical object code (neither scored).")
    return 0


def line_for(name, c):
    killed = c["killed"] + c["timeout"]
    score = 100.0 * killed / (killed + c["survived"]) if killed + c["survived"] else 100.0
    raw = killed + c["survived"] + c["justified"]
    raw = 100.0 * killed / raw if raw else 100.0
    total = sum(c.values())
    return (f"{name:28} {total:7} {c['killed']:7} {c['timeout']:5} {c['survived']:5} "
            f"{c['justified']:5} {c['stillborn']:5} {c['identical']:5} {score:6.1f}%"
            f"  (raw {raw:.1f}%)")


if __name__ == "__main__":
    sys.exit(main())
