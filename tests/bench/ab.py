#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Before/after timing of two bench_bitmap binaries, interleaved: A B A B ...

usage: ab.py [--runs N] [--rounds R] A_BINARY B_BINARY [WORD[,WORD]]

Runs A, then B, N times each (default 3) in alternation, each with
--rounds R (default 11) and the workload filter WORD, and prints for every
(workload, line) both binaries' median ns/op (the median of their runs'
medians), their minimums, and B/A. A load change during the session hits
both binaries alike, which a before from an hour ago against an after now
does not. `make bench-ab BASE=<rev>` builds A from a git revision and B
from the working tree.
"""

import argparse
import re
import statistics
import subprocess
import sys

LINE = re.compile(r"^  (\S.*?)\s+(\d+\.\d+)\s+(\d+\.\d+)\s")


def parse(text):
    """{(workload, line): (median, min)} from bench_bitmap's output."""
    out, workload = {}, None
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            workload = line.strip()
            continue
        m = LINE.match(line)
        if m and workload:
            out[(workload, m.group(1).strip())] = (float(m.group(2)), float(m.group(3)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=11)
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("only", nargs="?", default="")
    args = ap.parse_args()
    got = {"A": [], "B": []}
    for k in range(args.runs):
        for tag, binary in (("A", args.a), ("B", args.b)):
            proc = subprocess.run([binary, "--rounds", str(args.rounds), args.only],
                                  stdout=subprocess.PIPE, text=True, check=False)
            if proc.returncode != 0:
                sys.stdout.write(proc.stdout[-2000:])
                sys.exit("ab: %s exited %d" % (binary, proc.returncode))
            got[tag].append(parse(proc.stdout))
            sys.stderr.write("ab: run %d/%d of %s done\n" % (k + 1, args.runs, tag))
    print("# A = %s, B = %s: %d interleaved runs each, %d rounds per run" %
          (args.a, args.b, args.runs, args.rounds))
    print("# median = the median of the runs' medians; min = the lowest minimum")
    print("%-42s %10s %10s %10s %10s %7s" % ("workload / line", "A median", "B median",
                                              "A min", "B min", "B/A"))
    keys = list(got["A"][0].keys())
    workload = None
    for key in keys:
        a = [r[key] for r in got["A"] if key in r]
        b = [r[key] for r in got["B"] if key in r]
        if key[0] != workload:
            workload = key[0]
            print("\n" + workload)
        if not b:
            print("  %-40s %10.2f %10s" % (key[1], statistics.median(x[0] for x in a), "-"))
            continue
        am = statistics.median(x[0] for x in a)
        bm = statistics.median(x[0] for x in b)
        print("  %-40s %10.2f %10.2f %10.2f %10.2f %7.3f" % (
            key[1], am, bm, min(x[1] for x in a), min(x[1] for x in b), bm / am if am else 0))


if __name__ == "__main__":
    main()
