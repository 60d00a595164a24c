#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# report.sh - turn a guest run into a verdict.
#
# usage: report.sh RUNDIR LIST SUITE...
#
#   RUNDIR  holds console.log (kernel log), tap.log (TAP) and qemu.status
#   LIST    the installed kselftest-list.txt: what should have run
#
# One line per test, then "N passed, N failed, N skipped".  A test fails when
# its TAP line says so, when it never reported (guest crashed or hung), or
# when the kernel printed a WARNING, BUG, Oops, KASAN, lockdep, hung-task or
# stall report while it ran; a report outside any test fails the run as
# "(boot)" or "(between tests)".  Exit status 0 only if nothing failed.

set -u
. "$(dirname "$0")/lib.sh"

rundir=$1 list=$2
shift 2
[ -f "$rundir/console.log" ] && [ -f "$rundir/tap.log" ] || die "report: no guest logs in $rundir"
# Serial ports deliver CRLF line ends.
console=$rundir/console.txt tap=$rundir/tap.txt
tr -d '\r' < "$rundir/console.log" > "$console"
tr -d '\r' < "$rundir/tap.log" > "$tap"

# Kernel reports, each with the test that was running: "test<TAB>line".
# The guest marks tests in the kernel log (guest/bin/lab-run).
awk '
	/lab: test-start / { cur = $NF; next }
	/lab: test-end /   { cur = "(between tests)"; next }
	/lab: userspace up/ { cur = "(between tests)"; next }
	/WARNING:|BUG:|Oops|general protection fault|Kernel panic|kernel BUG at|KASAN|INFO: task .* blocked for more than|INFO: possible|self-detected stall|detected stalls|Fixing recursive fault/ {
		print (cur == "" ? "(boot)" : cur) "\t" $0
	}' "$console" > "$rundir/kernel-reports.txt"

# Where the guest stopped, if it stopped inside a test.
last_running=$(awk '/lab: test-start / { cur = $NF } /lab: test-end / { cur = "" }
		    END { print cur }' "$console")
status=$(cat "$rundir/qemu.status" 2>/dev/null)
done_marker=$(grep -c '^# lab: all suites done' "$tap")

pass=0 fail=0 skip=0
: > "$rundir/results.txt"
result()
{
	printf '%-5s %s%s\n' "$1" "$2" "${3:+  ($3)}" | tee -a "$rundir/results.txt"
	case $1 in
	PASS) pass=$((pass + 1)) ;;
	SKIP) skip=$((skip + 1)) ;;
	*) fail=$((fail + 1)) ;;
	esac
}

for suite in "$@"; do
	for t in $(sed -n "s/^$suite://p" "$list"); do
		case ",${LAB_ONLY:-$suite:$t}," in *",$suite:$t,"*) ;; *) continue ;; esac
		line=$(grep -E "^(not )?ok [0-9]+ selftests: $suite: $t( |$)" "$tap" | tail -n1)
		reports=$(awk -F'\t' -v t="$suite:$t" '$1 == t { print $2 }' "$rundir/kernel-reports.txt")
		why=
		case $line in
		"ok "*"# SKIP"*) verdict=SKIP why="skipped: ${line##*# SKIP}" ;;
		"ok "*) verdict=PASS ;;
		"not ok "*) verdict=FAIL why=${line##*# } ;;
		*)
			verdict=FAIL
			if [ "$last_running" = "$suite:$t" ]; then
				case $status in
				*timeout=1*) why="guest hung: killed at the ${status##*seconds=}s timeout during this test" ;;
				*) why="guest died during this test" ;;
				esac
			else
				why="did not run"
			fi ;;
		esac
		if [ -n "$reports" ]; then
			verdict=FAIL
			why="${why:+$why; }kernel report: $(echo "$reports" | head -n1 | sed 's/^\[[ 0-9.]*\] //')"
		fi
		result "$verdict" "$suite:$t" "$why"
		[ -n "$reports" ] && echo "$reports" | sed 's/^/        /' | head -n 5
	done
done

# Reports outside any test still fail the run.
while IFS=$'\t' read -r who what; do
	case $who in
	"(boot)"|"(between tests)") result FAIL "$who" "kernel report: ${what#\[*\] }" ;;
	esac
done < "$rundir/kernel-reports.txt"

if [ "$done_marker" -eq 0 ] && [ -z "$last_running" ]; then
	result FAIL "(guest)" "the guest did not finish its suites ($status)"
fi

echo "logs: $console (kernel), $tap (TAP), $rundir/results.txt"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
