#!/bin/sh
# SPDX-License-Identifier: MIT
# fake-mkiso.sh: stands in for tools/mkiso.sh in runner_test.py; the "ISO" is the
# command line, then the kernel ELF's path when one is given (mkiso's third argument).
printf '%s\n' "$2" > "$1"
[ -z "$3" ] || printf 'kernel=%s\n' "$3" >> "$1"
