#!/bin/sh
# SPDX-License-Identifier: MIT
# Generate the kernel symbol table (assembly) from `nm` output of a linked kernel.
#   tools/ksyms.sh NM [kernel.elf] > ksyms.S
# Without kernel.elf it writes an empty table: the first link pass uses it
# so that the second pass, with the real table, moves no other symbol.
set -eu
nm=$1
elf=${2:-}

emit() {
	awk '
	BEGIN { n = 0 }
	$3 ~ /^[tTwW]$/ && $4 !~ /^\.L/ { addr[n] = $1; size[n] = $2; name[n++] = $4 }
	END {
		print "\t.section .note.GNU-stack, \"\", @progbits"
		print "\t.section .ksyms, \"a\""
		print "\t.balign 8"
		print "\t.globl ksyms_nr, ksyms_table"
		print "ksyms_nr:\n\t.quad " n
		print "ksyms_table:"
		for (i = 0; i < n; i++)
			printf "\t.quad 0x%s, 0x%s, .Lname%d\n", addr[i], size[i], i
		for (i = 0; i < n; i++)
			printf ".Lname%d:\t.asciz \"%s\"\n", i, name[i]
	}'
}

if [ -n "$elf" ]; then
	# -S adds sizes; symbols without one get 0 so the columns line up.
	"$nm" -n -S --defined-only "$elf" |
		awk 'NF == 3 { $4 = $3; $3 = $2; $2 = "0" } { print }' | emit
else
	emit < /dev/null
fi
