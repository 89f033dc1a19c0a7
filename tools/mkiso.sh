#!/bin/bash
# SPDX-License-Identifier: MIT
# Build a BIOS + UEFI bootable ISO around an already-built kernel.
#   tools/mkiso.sh OUT.iso "kernel command line" [kernel.elf]
# The command line goes into grub.cfg (from boot/grub.cfg), so test runs
# with different command lines need no kernel rebuild.
set -euo pipefail

die() { echo "mkiso: $*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: $0 OUT.iso \"cmdline\" [kernel.elf]"
out=$1
cmdline=${2-}
kernel=${3:-build/kernel.elf}
top=$(cd "$(dirname "$0")/.." && pwd)

# grub-mkrescue quietly leaves out any platform it lacks: insist on both.
[ -d /usr/lib/grub/i386-pc ] ||
	die "no BIOS GRUB modules (/usr/lib/grub/i386-pc): apt-get install grub-pc-bin"
[ -d /usr/lib/grub/x86_64-efi ] ||
	die "no UEFI GRUB modules (/usr/lib/grub/x86_64-efi): apt-get install grub-efi-amd64-bin"
command -v grub-mkrescue >/dev/null || die "grub-mkrescue missing: apt-get install grub-common"
command -v xorriso >/dev/null || die "xorriso missing: apt-get install xorriso"
command -v mformat >/dev/null || die "mformat missing: apt-get install mtools"
[ -f "$kernel" ] || die "$kernel not found: run make first"
case $cmdline in
*"'"*) die "the command line may not contain a single quote" ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dir=$tmp/iso
mkdir -p "$dir/boot/grub"
# Without its DWARF (3 of its 4 MiB): GRUB's multiboot2 loader reads every
# section that is not loaded too (for the ELF sections tag), from the CD, in
# every boot: 0.2 s of TCG CPU time for SeaBIOS's, more for OVMF's reads.
# The kernel's own symbol table (.ksyms, a loaded section) and .symtab stay;
# gdb (make debug) reads the unstripped file.
"${OBJCOPY:-objcopy}" --strip-debug "$kernel" "$dir/boot/kernel.elf" ||
	die "objcopy --strip-debug $kernel failed"

# One quoted GRUB word per kernel word: GRUB would wrap a word containing
# spaces in double quotes, and '*' must reach the kernel unexpanded.
set -f
args=
for word in $cmdline; do
	args="$args '$word'"
done
set +f
cfg=$(<"$top/boot/grub.cfg")
shopt -u patsub_replacement 2>/dev/null || true	# bash 5.2: '&' stays literal
printf '%s\n' "${cfg//@CMDLINE@/${args# }}" > "$dir/boot/grub/grub.cfg"

if ! grub-mkrescue -o "$out" "$dir" >"$tmp/log" 2>&1; then
	cat "$tmp/log" >&2
	die "grub-mkrescue failed"
fi

report=$(xorriso -indev "$out" -report_el_torito plain 2>/dev/null)
for platform in BIOS UEFI; do
	grep -q "^El Torito boot img .*$platform" <<<"$report" ||
		die "$out has no $platform boot image"
done
