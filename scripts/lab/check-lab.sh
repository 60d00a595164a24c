#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-lab.sh BZIMAGE INITRD BUILD LIST - the lab's own test: an introduced
# failure must turn a run red, and be named.
#
#   1. lab.inject=fail: smoke:lab_selfcheck.sh exits 1; the run must fail
#      with that test named.
#   2. lab.inject=warn: the project's lab_canary module fires a WARN() while
#      smoke:lab_selfcheck.sh runs; the test itself passes, so only the
#      kernel log scan can fail the run, and it must name that test.

set -u
. "$(dirname "$0")/lib.sh"

kernel=$1 initrd=$2 build=$3 list=$4
t=smoke:lab_selfcheck.sh
pass=0 fail=0

for inject in fail warn; do
	dir=$build/check-lab-$inject
	LAB_INJECT=$inject LAB_ONLY=$t LAB_SUITES=smoke \
		"$(dirname "$0")/boot.sh" test "$kernel" "$initrd" "$dir" || exit 1
	if LAB_ONLY=$t "$(dirname "$0")/report.sh" "$dir" "$list" smoke > "$dir/report.txt"; then
		echo "FAIL  inject=$inject: the run stayed green"
		fail=$((fail + 1))
	elif grep -q "^FAIL  $t" "$dir/report.txt" &&
	     { [ $inject = fail ] || grep -q "^FAIL  $t.*kernel report: .*WARNING" "$dir/report.txt"; }; then
		echo "PASS  inject=$inject: run red, $(grep "^FAIL  $t" "$dir/report.txt")"
		pass=$((pass + 1))
	else
		echo "FAIL  inject=$inject: run red, but not for the injected reason:"
		sed 's/^/      /' "$dir/report.txt"
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
