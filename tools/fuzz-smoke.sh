#!/bin/sh
# Bounded run of the bitmap fuzzer for `make test`: KTAP on stdout, exit 0 only if it found nothing.
#
#   tools/fuzz-smoke.sh [SECONDS]	(default 30; FUZZ_BITMAP overrides the binary)
#
# The fuzzer starts from tests/fuzz/corpus and writes what it learns to a
# scratch directory, so the checked-in seed corpus never changes. Its log
# goes to build/fuzz/smoke.log; on failure the tail is repeated as KTAP
# diagnostics, and the crashing input is kept next to the log.

cd "$(dirname "$0")/.." || exit 1
seconds=${1:-30}
fuzzer=${FUZZ_BITMAP:-build/fuzz/fuzz_bitmap}
log=build/fuzz/smoke.log

echo "KTAP version 1"
echo "1..1"
if [ ! -x "$fuzzer" ]; then
	echo "# $fuzzer is missing: run 'make $fuzzer'"
	echo "not ok 1 fuzz_bitmap"
	exit 1
fi
mkdir -p build/fuzz
scratch=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-smoke.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT

"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 \
	-artifact_prefix=build/fuzz/smoke- "$scratch" tests/fuzz/corpus >"$log" 2>&1
status=$?

runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log")
if [ "$status" -eq 0 ]; then
	echo "# ${runs:-?} inputs in ${seconds}s, no mismatch, no sanitizer report"
	echo "ok 1 fuzz_bitmap"
	exit 0
fi
tail -n 20 "$log" | sed 's/^/# /'
echo "not ok 1 fuzz_bitmap"
exit 1
