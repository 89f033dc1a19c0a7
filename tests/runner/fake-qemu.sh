#!/bin/sh
# SPDX-License-Identifier: MIT
# fake-qemu.sh: stands in for qemu-system-x86_64 in runner_test.py and results_test.py: checks the flags, then plays a canned log.
#
# The "ISO" holds the kernel command line (see fake-mkiso.sh). A normal boot
# plays $FAKE_QEMU_LOG (default pass.log; nothing with -serial none) and exits with $FAKE_QEMU_STATUS
# (default 33); each ktest.selftest switch plays the failure it stands for,
# unless $FAKE_QEMU_IGNORE_SELFTEST is set. A ktest.late_ap= boot logs that
# AP left out first, unless $FAKE_QEMU_LATE_SILENT is set. A ktest.shuffle=SEED
# boot plays shuffled.log with SEED filled in, unless $FAKE_QEMU_LOG is set.
# A -cpu max boot logs that SMEP, SMAP and UMIP are on first, as the kernel does;
# a UBSan kernel's boot (kernel=...ubsan... in the ISO) logs its ubsan suite.
# $FAKE_QEMU_NO_LEAK_LINE drops the leak check's line, as a kernel that stopped checking would.
# The hang plays its announcement (matrix.py's HANG_MARK) before it hangs, unless
# $FAKE_QEMU_HANG_SILENT is set; $FAKE_QEMU_HANG=1 makes every boot hang after its log.
#
# A shell script, not Python: the runner's own tests start it some 270 times,
# and each Python start cost 60-90 ms of CPU (this costs a few).

here=${0%/*}
[ "$here" = "$0" ] && here=.
fail() {
	echo "fake-qemu: $*" >&2
	exit 1
}

# The flags; a flag's value is the word after its first occurrence, as QEMU's.
no_reboot= display_none= debug_exit= serial= machine= cpu= cdrom= bios= prev=
for a; do
	case $prev in
	-display) [ "$a" = none ] && display_none=1 ;;
	-device) [ "$a" = isa-debug-exit,iobase=0xf4,iosize=0x04 ] && debug_exit=1 ;;
	-serial) [ -n "$serial" ] || serial=$a ;;
	-machine) [ -n "$machine" ] || machine=$a ;;
	-cpu) [ -n "$cpu" ] || cpu=$a ;;
	-cdrom) [ -n "$cdrom" ] || cdrom=$a ;;
	-bios) [ -n "$bios" ] || bios=$a ;;
	esac
	[ "$a" = -no-reboot ] && no_reboot=1
	prev=$a
done
[ -n "$no_reboot" ] || fail "missing -no-reboot"
[ -n "$display_none" ] || fail "missing -display none"
[ -n "$debug_exit" ] || fail "missing -device isa-debug-exit,iobase=0xf4,iosize=0x04"
case $serial in
stdio | none) ;;
*) fail "missing -serial stdio or none" ;;
esac
if [ "$machine" = q35 ]; then
	# OVMF as one image reaching from 4 GiB down to the TPM's registers,
	# ending with the code (matrix.ovmf_rom).
	[ -n "$bios" ] && [ -r "$bios" ] || fail "no UEFI image (-bios $bios)"
	code=${FAKE_QEMU_OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
	code_size=$(wc -c < "$code") || exit 1
	{ [ "$(wc -c < "$bios")" -eq $((0x100000000 - 0xFED40000)) ] &&
		[ "$(head -c 1 "$bios" | od -An -tx1 | tr -d ' ')" = ff ] &&
		tail -c "$code_size" "$bios" | cmp -s - "$code"; } ||
		fail "$bios is not OVMF padded down to 0xFED40000"
fi

# The kernel command line.
[ -r "$cdrom" ] || fail "cannot read the ISO '$cdrom'"
set -f
switch= switches=0 seed= late= ubsan=
for w in $(cat "$cdrom"); do
	case $w in
	ktest.selftest=*) [ -n "$switch" ] || switch=${w#*=}; switches=$((switches + 1)) ;;
	ktest.shuffle=*) [ -n "$seed" ] || seed=${w#*=} ;;
	ktest.late_ap=*) [ -n "$late" ] || late=${w#*=} ;;
	kernel=*ubsan*) ubsan=1 ;;
	esac
done

log=${FAKE_QEMU_LOG:-pass.log} status=${FAKE_QEMU_STATUS:-33} hang=0
[ -n "$FAKE_QEMU_HANG" ] && log=truncated.log hang=3600
[ -n "$seed" ] && [ -z "${FAKE_QEMU_LOG+set}" ] && log=shuffled.log
if [ "$switches" -gt 0 ] && [ -z "$FAKE_QEMU_IGNORE_SELFTEST" ]; then
	# switch: log, exit status, seconds to hang afterwards
	case $switch in
	fail) set -- selftest-fail.log 35 0 ;;
	unexpected) set -- selftest-unexpected.log 35 0 ;;
	panic | smp_panic | task_panic | panic_race | panic_screenlock)
		set -- panic-backtrace.log 35 0 ;;
	hang) set -- truncated.log 0 3600 ;;
	triplefault) set -- truncated.log 0 0 ;;
	stack_protector) set -- panic-stack-protector.log 35 0 ;;
	leak) set -- selftest-leak.log 35 0 ;;
	assert) set -- panic-assert.log 35 0 ;;
	*) fail "no canned log for ktest.selftest=$switch" ;;
	esac
	log=$1 status=$2 hang=$3
fi
file=$here/logs/$log
[ -r "$file" ] || fail "no log $file"

if [ "$serial" = stdio ]; then
	[ -n "$late" ] && [ -z "$FAKE_QEMU_LATE_SILENT" ] &&
		echo "smp: CPU with APIC ID $late did not answer in 1000 ms; left out"
	[ "$cpu" = max ] && echo "cpu: SMEP SMAP UMIP NX"
	[ -n "$ubsan" ] && echo "  # Subtest: ubsan"
	if [ -n "$FAKE_QEMU_NO_LEAK_LINE" ]; then
		sed -e "s/SEED/${seed:-SEED}/g" -e '/leak check ran/d' "$file"
	elif [ -n "$seed" ]; then
		sed "s/SEED/$seed/g" "$file"
	else
		cat "$file"
	fi
	if [ "$switches" -eq 1 ] && [ "$switch" = hang ] && [ "$hang" -gt 0 ] &&
		[ -z "$FAKE_QEMU_HANG_SILENT" ]; then
		[ -n "$(tail -c 1 "$file")" ] && echo
		mark=$(sed -n 's/^HANG_MARK = "\(.*\)"$/\1/p' "$here/matrix.py")
		[ -n "$mark" ] || fail "no HANG_MARK in $here/matrix.py"
		echo "  # $mark"
	fi
fi
[ "$hang" -gt 0 ] && sleep "$hang"
exit "$status"
