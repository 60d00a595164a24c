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
#   3. lab.inject=nolabels: ndctl's sub-section.sh runs on a label-less
#      NVDIMM, where it "passes" without creating a namespace; the
#      vacuous-pass guard of tests/ndctl/ndctl-test must turn that red.

set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

kernel=$1 initrd=$2 build=$3 list=$4
pass=0 fail=0
# guests.sh stops its guests on Ctrl-C; stop here too, not at the next boot.
trap 'die "check-lab: stopped"' INT TERM HUP

# check INJECT TEST WHAT: with lab.inject=INJECT, TEST must fail and its
# result line must match WHAT.
check()
{
	local inject=$1 t=$2 what=$3 out=$build/check-lab-$1
	if LAB_INJECT=$inject "$(dirname "$0")/guests.sh" "$kernel" "$initrd" "$out" "$list" "$t" \
		> "$out.txt" 2>&1; then
		echo "FAIL  inject=$inject: the run stayed green"
		fail=$((fail + 1))
	elif grep -q "^FAIL  $t.*$what" "$out/results.txt"; then
		echo "PASS  inject=$inject: run red, $(grep "^FAIL  $t" "$out/results.txt")"
		pass=$((pass + 1))
	else
		echo "FAIL  inject=$inject: run red, but not for the injected reason:"
		sed 's/^/      /' "$out.txt"
		fail=$((fail + 1))
	fi
}

check fail smoke:lab_selfcheck.sh 'exit=1'
check warn smoke:lab_selfcheck.sh 'kernel report: WARNING'
check nolabels ndctl:sub-section.sh 'exit=1'
grep -h 'VACUOUS PASS' "$build/check-lab-nolabels/g1/logs/ndctl:sub-section.sh.log" 2>/dev/null
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
