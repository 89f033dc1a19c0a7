#!/bin/sh
# SPDX-License-Identifier: MIT
# Bounded runs of every libFuzzer target for `make test`: KTAP on stdout, exit 0 only if none found anything.
#
#   tests/runner/fuzz-smoke.sh [RUNS [NAME...]]	(default: each fuzzer's own RUNS; every fuzzer)
#
# RUNS 0 replays the seed corpora only: the regression run.
#
# One case per fuzzer, in this order (build/fuzz/NAME, seeds in tests/fuzz/):
#
#	fuzz_bitmap	corpus/		the bitmap library against a bit-at-a-time model
#	fuzz_pfa	pfa-corpus/	memory maps and the frame allocator against a model
#	fuzz_acpi	acpi-corpus/	the ACPI table reader on hostile firmware images
#
# Each fuzzer first replays its whole seed corpus (crashes found and fixed
# are kept there), then runs RUNS inputs it mutates from it (libFuzzer's
# -runs counts the replay too): a count, so the cost is CPU, not a time
# that left its last second idle (libFuzzer stops on whole seconds: 3 s
# took 4). The defaults cost about 1.5 s of CPU for fuzz_bitmap (2,000),
# 1 s for fuzz_pfa (6,500, as many as 3 s ran before) and 0.5 s for
# fuzz_acpi (100,000). On a machine so loaded that they would take longer
# than the old 3 s (4 s of wall each), that limit stops them, and the line
# says how many inputs ran. The seed (random) is in the line and the log.
# What it learns goes to a scratch directory, so the checked-in corpora
# never change. Its log is build/fuzz/NAME-smoke.log; on failure the tail
# is repeated as KTAP diagnostics and the crashing input is kept as
# build/fuzz/NAME-smoke-*.

cd "$(dirname "$0")/../.." || exit 1
runs=${1:-}
[ $# -gt 0 ] && shift
names=${*:-fuzz_bitmap fuzz_pfa fuzz_acpi}
case $runs in
*[!0-9]*)
	echo "fuzz-smoke: bad RUNS '$runs': expected a whole number" >&2
	exit 2 ;;
esac

# The inputs each fuzzer runs after its seeds, unless RUNS says otherwise.
runs_of() {
	case $1 in
	fuzz_bitmap) echo 2000 ;;
	fuzz_pfa) echo 6500 ;;
	fuzz_acpi) echo 100000 ;;
	esac
}

corpus_of() {
	case $1 in
	fuzz_bitmap) echo tests/fuzz/corpus ;;
	fuzz_pfa) echo tests/fuzz/pfa-corpus ;;
	fuzz_acpi) echo tests/fuzz/acpi-corpus ;;
	esac
}

# One fuzzer, case number $2: prints its KTAP line, returns 0 if it found nothing.
smoke() {
	name=$1 n=$2 fuzzer=build/fuzz/$1 corpus=$(corpus_of "$1") log=build/fuzz/$1-smoke.log
	if [ -z "$corpus" ] || [ ! -d "$corpus" ]; then
		echo "# $name: no seed corpus (known: fuzz_bitmap fuzz_pfa fuzz_acpi)"
		echo "not ok $n $name"
		return 1
	fi
	if [ ! -x "$fuzzer" ]; then
		echo "# $fuzzer is missing: run 'make $fuzzer'"
		echo "not ok $n $name"
		return 1
	fi
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-smoke.XXXXXX") || return 1
	seeds=$(find "$corpus" -type f | wc -l)
	want=${runs:-$(runs_of "$1")}
	# -runs counts every input run: the seeds, libFuzzer's empty one, then the new ones.
	"$fuzzer" -runs=$((seeds + 1 + want)) -max_total_time=3 -timeout=10 -rss_limit_mb=1024 \
		-artifact_prefix="build/fuzz/$name-smoke-" "$scratch" "$corpus" >"$log" 2>&1
	status=$?
	rm -rf "$scratch"
	replayed=$(sed -n 's/^#\([0-9]*\)[[:space:]]*INITED.*/\1/p' "$log")
	done=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log")
	seed=$(sed -n 's/^INFO: Seed: \([0-9]*\).*/\1/p' "$log")
	if [ "$status" -eq 0 ]; then
		if [ "$want" -eq 0 ]; then
			echo "# $name: $seeds seeds replayed, no failure"
		else
			ran=$((${done:-0} - ${replayed:-0})) capped=
			[ "$ran" -lt "$want" ] && capped=" of $want (a busy machine: stopped at 3 s)"
			echo "# $name: $seeds seeds replayed, then $ran new inputs$capped" \
				"(seed ${seed:-?}), no failure"
		fi
		echo "ok $n $name"
		return 0
	fi
	# What failed first (the harness's check, a sanitizer), then how it ended.
	grep -m 5 -e 'check failed' -e 'mismatch' -e 'ERROR:' -e 'runtime error' "$log" |
		sed 's/^/# /'
	tail -n 12 "$log" | sed 's/^/# /'
	echo "not ok $n $name"
	return 1
}

mkdir -p build/fuzz
echo "KTAP version 1"
echo "1..$(echo $names | wc -w)"
n=0 failed=0
for name in $names; do
	n=$((n + 1))
	smoke "$name" "$n" || failed=$((failed + 1))
done
echo "# fuzz-smoke: $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
