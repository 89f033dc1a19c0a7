#!/bin/sh
# fake-mkiso.sh: stands in for tools/mkiso.sh in runner_test.py; the "ISO" is the command line.
printf '%s\n' "$2" > "$1"
