#!/bin/sh
# Bounded run of the ACPI fuzzer for `make test`: KTAP on stdout, exit 0 only if it found nothing.
#
#   tests/fuzz/fuzz-acpi-smoke.sh [SECONDS]	(default 10)
#
# Seeds come from tests/fuzz/acpi-corpus; what the fuzzer learns goes to a
# scratch directory. A crashing input is kept as build/fuzz/acpi-smoke-*.

cd "$(dirname "$0")/../.." || exit 1
seconds=${1:-10}
fuzzer=build/fuzz/fuzz_acpi
log=build/fuzz/acpi-smoke.log

echo "KTAP version 1"
echo "1..1"
if [ ! -x "$fuzzer" ]; then
	echo "# $fuzzer is missing: run 'make $fuzzer'"
	echo "not ok 1 fuzz_acpi"
	exit 1
fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-acpi.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT

"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 \
	-artifact_prefix=build/fuzz/acpi-smoke- "$scratch" tests/fuzz/acpi-corpus >"$log" 2>&1
status=$?
runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log")
if [ "$status" -eq 0 ]; then
	echo "# ${runs:-?} firmware images in ${seconds}s, no sanitizer report, no inconsistency"
	echo "ok 1 fuzz_acpi"
	exit 0
fi
tail -n 20 "$log" | sed 's/^/# /'
echo "not ok 1 fuzz_acpi"
exit 1
