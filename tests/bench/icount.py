#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Instructions per operation for each bench workload, counted by callgrind.

usage: icount.py BENCH_BINARY [WORD]

Runs `BENCH_BINARY --icount` under valgrind --tool=callgrind with collection
off; the binary collects exactly one pass of each (workload, implementation)
and dumps it under the label "workload|impl", and prints the pass's
operation count. Instruction counts do not depend on the machine's load, so
these figures are stable where the ns/op of `make bench` are not.
"""

import glob
import os
import re
import subprocess
import sys
import tempfile


def run(binary, outdir, only):
    """Run the binary under callgrind; return [(label, ops, target)]."""
    out = os.path.join(outdir, "cg.out")
    cmd = ["valgrind", "--tool=callgrind", "--collect-atstart=no",
           "--callgrind-out-file=" + out, binary, "--icount"] + only
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-2000:])
        sys.exit("icount: valgrind failed")
    rows = []
    for line in proc.stdout.splitlines():
        tag, label, ops, target = line.split("\t")
        if tag == "icount":
            rows.append((label, int(ops), float(target)))
    return rows


def dumps(outdir):
    """Instructions collected per dump label, from every callgrind dump file."""
    counts = {}
    for path in glob.glob(os.path.join(outdir, "cg.out*")):
        label, total = None, None
        with open(path) as f:
            for line in f:
                m = re.match(r"desc: Trigger: Client Request: (.*)", line)
                if m:
                    label = m.group(1).strip()
                m = re.match(r"(?:totals|summary): (\d+)", line)
                if m:
                    total = int(m.group(1))
        if label is not None and total is not None:
            counts[label] = total
    return counts


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    with tempfile.TemporaryDirectory(prefix="icount.") as outdir:
        rows = run(sys.argv[1], outdir, sys.argv[2:])
        counts = dumps(outdir)
    print("# find_*: one search call per found bit, the same loop for every library.")
    print("# for_each_*: each library's own idiom: setbit bm_for_each_set/clear, libbitmask")
    print("#   bitmask_next, bitstring bit_ffs/bit_ffc from the next bit, naive a test per bit.")
    print("# claim: the mutex is glibc's in a process that has started a thread (locked, as on SMP).")
    print("%-34s %-12s %14s %12s  %s" % ("workload", "impl", "instr/op", "setbit/impl", "target"))
    mine = {}
    for label, ops, target in rows:
        workload, impl = label.split("|")
        per_op = counts.get(label, 0) / max(ops, 1)
        first = workload not in mine
        if first:
            mine[workload] = per_op
        ratio = "" if first else "%12.3f" % (mine[workload] / per_op if per_op else 0)
        note = ""
        if target:
            note = "<= %g: %s" % (target, "met" if per_op <= target else "MISSED")
        if impl == "setbit flat" and mine[workload]:
            note = "flat/hbm = %.0fx (target >= 1000x: %s)" % (
                per_op / mine[workload], "met" if per_op >= 1000 * mine[workload] else "MISSED")
        print("%-34s %-12s %14.1f %12s  %s" % (workload if first else "", impl, per_op,
                                               ratio, note))


if __name__ == "__main__":
    main()
