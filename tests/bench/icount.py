#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Instructions and mispredicted branches per operation for each bench line, by callgrind.

usage: icount.py BENCH_BINARY [WORD]

Runs `BENCH_BINARY --icount` under valgrind --tool=callgrind --branch-sim=yes
with collection off; the binary collects exactly one pass of each (workload,
line) and dumps it under the label "workload|line", and prints the pass's
operation count. For each line this prints instructions per op (Ir) and
simulated mispredicted branches per op: conditional plus indirect (Bcm +
Bim), from callgrind's branch predictor model, not the machine's. Neither
depends on the machine's load, so these figures are stable where the ns/op
of `make bench` are not; but instructions are not time (a mispredicted
branch costs more than the instructions it saves), so judge by both.
"""

import glob
import os
import re
import subprocess
import sys
import tempfile


def run(binary, outdir, only):
    """Run the binary under callgrind; return [(label, ops, is_setbit)]."""
    out = os.path.join(outdir, "cg.out")
    cmd = ["valgrind", "--tool=callgrind", "--collect-atstart=no", "--branch-sim=yes",
           "--callgrind-out-file=" + out, binary, "--icount"] + only
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-2000:])
        sys.exit("icount: valgrind failed")
    rows = []
    for line in proc.stdout.splitlines():
        tag, label, ops, setbit = line.split("\t")
        if tag == "icount":
            rows.append((label, int(ops), setbit == "1"))
    return rows


def dumps(outdir):
    """{label: {event: count}} from every callgrind dump file."""
    counts = {}
    for path in glob.glob(os.path.join(outdir, "cg.out*")):
        label, events, totals = None, None, None
        with open(path) as f:
            for line in f:
                m = re.match(r"desc: Trigger: Client Request: (.*)", line)
                if m:
                    label = m.group(1).strip()
                m = re.match(r"events: (.*)", line)
                if m:
                    events = m.group(1).split()
                m = re.match(r"(?:totals|summary): (.*)", line)
                if m:
                    totals = [int(x) for x in m.group(1).split()]
        if label is not None and events and totals:
            counts[label] = dict(zip(events, totals + [0] * (len(events) - len(totals))))
    return counts


def ratio(x, best):
    """x / best in 7 columns: two decimals, or three significant digits below 0.01."""
    if not best:
        return "-"
    r = x / best
    return "%.2e" % r if r < 0.01 else "%.2f" % r


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    with tempfile.TemporaryDirectory(prefix="icount.") as outdir:
        rows = run(sys.argv[1], outdir, sys.argv[2:])
        counts = dumps(outdir)
    print("# Per operation, one pass of each line under callgrind --branch-sim=yes:")
    print("#   instr = instructions (Ir); mispred = mispredicted conditional + indirect")
    print("#   branches (Bcm + Bim) in callgrind's simulated predictor.")
    print("# ratio = the line's figure / the lowest non-setbit line's figure (peers,")
    print("#   baselines, naive). Threaded lines are left out.")
    print("%-42s %11s %7s %9s %7s" % ("workload / line", "instr/op", "ratio",
                                        "mispred/op", "ratio"))
    by_workload = {}
    for label, ops, setbit in rows:
        workload, line = label.split("|", 1)
        ev = counts.get(label, {})
        ops = max(ops, 1)
        instr = ev.get("Ir", 0) / ops
        mis = (ev.get("Bcm", 0) + ev.get("Bim", 0)) / ops
        by_workload.setdefault(workload, []).append((line, setbit, instr, mis))
    for workload, lines in by_workload.items():
        others = [(i, m) for _, s, i, m in lines if not s]
        best_i = min((i for i, _ in others), default=0)
        best_m = min((m for _, m in others), default=0)
        print("\n" + workload)
        for line, _, instr, mis in lines:
            ri = ratio(instr, best_i)
            rm = ratio(mis, best_m)
            print("  %-40s %11.1f %7s %9.3f %7s" % (line, instr, ri, mis, rm))


if __name__ == "__main__":
    main()
