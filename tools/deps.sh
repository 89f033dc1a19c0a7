#!/bin/sh
# SPDX-License-Identifier: MIT
# deps.sh: checks that everything setbit's build and tests need is installed, and installs what is missing.
#
#   tools/deps.sh          check, install the missing Debian packages (as root), report
#   tools/deps.sh --check  the same, silent when nothing is missing (make run/test)
#   tools/deps.sh --bochs  also Bochs and Xvfb, for make test-bochs (combines with --check)
#
# Not root and something missing: prints the apt-get line to run and exits 1.

set -eu

quiet=0
bochs=0
for arg; do
	case $arg in
	--check) quiet=1 ;;
	--bochs) bochs=1 ;;
	*) echo "usage: $0 [--check] [--bochs]" >&2; exit 2 ;;
	esac
done

missing=""

# need PACKAGE THING...: PACKAGE provides every THING (a command, or a path glob).
need() {
	pkg=$1
	shift
	for thing; do
		if ! present "$thing"; then
			case " $missing " in
			*" $pkg "*) ;;
			*) missing="$missing $pkg" ;;
			esac
			[ "$quiet" = 1 ] || echo "deps: missing $thing ($pkg)"
		fi
	done
}

# present THING: a path (globs allowed) exists, or a command is on PATH.
present() {
	case $1 in
	/*)
		for f in $1; do
			[ -e "$f" ] && return 0
		done
		return 1 ;;
	*)
		command -v "$1" >/dev/null 2>&1 ;;
	esac
}

check_all() {
	missing=""
	need gcc gcc
	need make make
	need binutils ld nm objcopy
	need grub-common grub-mkrescue grub-file
	need grub-pc-bin /usr/lib/grub/i386-pc
	need grub-efi-amd64-bin /usr/lib/grub/x86_64-efi
	need xorriso xorriso
	need mtools mformat
	need qemu-system-x86 qemu-system-x86_64
	need ovmf /usr/share/OVMF/OVMF_CODE_4M.fd /usr/share/OVMF/OVMF_VARS_4M.fd
	need clang clang
	# libFuzzer's runtime: any LLVM version's will do for `clang -fsanitize=fuzzer`.
	need libclang-rt-14-dev '/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a'
	need valgrind valgrind
	need libbsd-dev /usr/include/bsd/sys/bitstring.h
	need libbitmask-dev /usr/include/bitmask.h
	need python3 python3
	need python3-yaml /usr/lib/python3/dist-packages/yaml/__init__.py
	need gdb gdb
	[ "$bochs" = 1 ] || return 0
	# make test-bochs: an x2APIC CPU model, run headless on a virtual X display.
	need bochs bochs
	need bochsbios /usr/share/bochs/BIOS-bochs-latest
	need vgabios /usr/share/vgabios/vgabios.bin
	need bochs-x '/usr/lib/*/bochs/plugins/libbx_x_gui.so*'
	need xvfb xvfb-run Xvfb
	need xauth xauth
}

check_all
[ -z "$missing" ] && { [ "$quiet" = 1 ] || echo "deps: all present"; exit 0; }

install="apt-get install -y$missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages; as root, run:" >&2
	echo "  apt-get update && DEBIAN_FRONTEND=noninteractive $install" >&2
	exit 1
fi

echo "deps: installing$missing"
apt-get update -q
DEBIAN_FRONTEND=noninteractive $install
check_all
if [ -n "$missing" ]; then
	echo "deps: still missing after install:$missing" >&2
	exit 1
fi
