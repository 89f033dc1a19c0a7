#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""mutate_test: tools/mutate.py makes the expected mutants of small C snippets; KTAP on stdout.

Nothing is compiled: this checks the mutant generator (operators, what it
must leave alone, stable keys) and the equivalent-mutant file parser.
"""

import importlib.util
import os
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
spec = importlib.util.spec_from_file_location("mutate", os.path.join(TOP, "tools", "mutate.py"))
mutate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mutate)

SNIPPET = """#define LIMIT(a, b) ((a) < (b) && 1)	/* a directive: not mutated */
/* x < y || z in a comment */
static int f(int a, int b)
{
#if DEBUG > 1
	const char *s = "a < b && c";
#endif
	// a && b - 1
	if (a < b)
		a++;
	return a + 1;
}
"""

# Worked out by hand from the operator list in tools/mutate.py's docstring.
EXPECTED = [
    (9, "neg if (a < b) -> if (!(a < b))"),
    (9, "ror < -> <="),
    (9, "ror < -> >="),
    (10, "del a++; -> ;"),
    (10, "aor ++ -> --"),
    (11, "ret return a + 1 -> return 0"),
    (11, "ret return a + 1 -> return 1"),
    (11, "aor + -> -"),
    (11, "const 1 -> 2"),
    (11, "const 1 -> 0"),
]

cases = []


def case(fn):
    cases.append(fn)
    return fn


def check(cond, what):
    if not cond:
        raise AssertionError(what)


@case
def snippet_gives_the_expected_mutants():
    got = [(m.line, m.change()) for m in mutate.generate("x.c", SNIPPET)]
    check(got == EXPECTED, f"got {got}")


@case
def comments_strings_and_directives_are_left_alone():
    src = SNIPPET.replace("\tif (a < b)\n\t\ta++;\n\treturn a + 1;\n", "\treturn 0;\n")
    got = [m.change() for m in mutate.generate("x.c", src)]
    check(got == ["ret return 0 -> return 1"], f"got {got}")


@case
def every_mutant_changes_only_its_token():
    for m in mutate.generate("x.c", SNIPPET):
        after = mutate.apply(SNIPPET, m.edits)
        check(after != SNIPPET, f"{m.change()} changes nothing")
        check(after.split("\n")[:8] == SNIPPET.split("\n")[:8], f"{m.change()} edits line 1-8")


@case
def keys_survive_moved_lines_and_repeat_in_order():
    moved = "/* a new\n comment */\n\n" + SNIPPET
    a = [m.key for m in mutate.generate("x.c", SNIPPET)]
    b = [m.key for m in mutate.generate("x.c", moved)]
    check(a == b and len(set(a)) == len(a), "keys differ or repeat")
    check(a[1] == "x.c|f|if (a < b)|ror < -> <=", f"key {a[1]!r}")


@case
def binary_and_unary_operators_differ():
    src = "int g(int *p, int a)\n{\n\treturn -a + *p & a;\n}\n"
    got = [m.change() for m in mutate.generate("x.c", src) if m.op in ("aor", "bor")]
    check(got == ["aor + -> -", "bor & -> |"], f"got {got}")


@case
def for_conditions_are_negated_and_declarations_kept():
    src = "void h(int n)\n{\n\tint i = 0;\n\tfor (i = 0; i < n; i++)\n\t\tputs(\"x\");\n}\n"
    got = [m.change() for m in mutate.generate("x.c", src) if m.op in ("neg", "del")]
    check(got == ["neg for (...; i < n; ...) -> for (...; !(i < n); ...)",
                  "del puts(\"x\"); -> ;"], f"got {got}")


@case
def equivalent_file_entries_match_mutant_keys():
    m = mutate.generate("x.c", SNIPPET)[1]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("# comment\n\n" + mutate.equivalent_entry(m) + "a reason\n")
    try:
        equiv = mutate.load_equivalents(f.name)
    finally:
        os.unlink(f.name)
    check(equiv == {m.key: "a reason"}, f"got {equiv}")


def main():
    print("KTAP version 1")
    print(f"1..{len(cases)}")
    failed = 0
    for i, fn in enumerate(cases, 1):
        try:
            fn()
            print(f"ok {i} {fn.__name__}")
        except AssertionError as e:
            failed += 1
            print(f"# {e}")
            print(f"not ok {i} {fn.__name__}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
