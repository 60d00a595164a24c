#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# report.sh - turn one or more guest runs into one verdict.
#
# usage: report.sh OUT
#
# OUT holds one directory per guest (guests.sh); each (boot.sh) holds console.log (the kernel log), tap.log (TAP),
# selection (the tests that should have run there) and qemu.status.
#
# One line per test, then "N passed, N failed, N skipped".  A test fails when
# its TAP line says so, when it never reported (guest crashed or hung), or
# when the kernel printed a WARNING, BUG, Oops, KASAN, lockdep, hung-task or
# stall report while it ran; a report outside any test fails the run as
# "(boot)" or "(between tests)".  Each test's own output is kept as
# OUT/GUEST/logs/SUITE:TEST.log, the verdicts as OUT/results.txt.  Exit
# status 0 only if nothing failed.

set -u
. "$(dirname "$0")/lib.sh"

out=${1:?usage: report.sh OUT}
rundirs=$(for s in "$out"/*/selection; do [ -f "$s" ] && dirname "$s"; done)
[ -n "$rundirs" ] || die "report: no guest runs in $out"

result()
{
	printf '%-5s %s%s\n' "$1" "$2" "${3:+  ($3)}"
}

# Kernel reports of one run, each with the test that was running:
# "suite:test<TAB>line".  The guest marks tests in the kernel log
# (guest/bin/lab-run).
kernel_reports()
{
	awk '
	/lab: test-start / { cur = $NF; next }
	/lab: test-end /   { cur = "(between tests)"; next }
	/lab: userspace up/ { cur = "(between tests)"; next }
	/WARNING:|BUG:|Oops|general protection fault|Kernel panic|kernel BUG at|KASAN|INFO: task .* blocked for more than|INFO: possible|self-detected stall|detected stalls|Fixing recursive fault/ {
		print (cur == "" ? "(boot)" : cur) "\t" $0
	}' "$1"
}

# Split the TAP stream into one log per test (runner.sh prints
# "# selftests: SUITE: TEST" before a test and "ok N selftests: ..." after).
split_logs()
{
	mkdir -p "$2"
	awk -v dir="$2" '
	/^# selftests: / { f = dir "/" $3 $4 ".log"; sub(/: /, ":", f); next }
	/^(not )?ok [0-9]+ selftests: / { if (f) close(f); f = ""; next }
	f { print > f }' "$1"
}

report_run()
{
	local rundir=$1 console tap status last_running t line reports why verdict
	[ -f "$rundir/console.log" ] && [ -f "$rundir/tap.log" ] && [ -f "$rundir/selection" ] ||
		die "report: $rundir lacks console.log, tap.log or selection"
	# Serial ports deliver CRLF line ends.
	console=$rundir/console.txt tap=$rundir/tap.txt
	tr -d '\r' < "$rundir/console.log" > "$console"
	tr -d '\r' < "$rundir/tap.log" > "$tap"
	kernel_reports "$console" > "$rundir/kernel-reports.txt"
	split_logs "$tap" "$rundir/logs"
	# Where the guest stopped, if it stopped inside a test.
	last_running=$(awk '/lab: test-start / { cur = $NF } /lab: test-end / { cur = "" }
			    END { print cur }' "$console")
	status=$(cat "$rundir/qemu.status" 2>/dev/null)

	while read -r t; do
		line=$(grep -E "^(not )?ok [0-9]+ selftests: ${t%%:*}: ${t#*:}( |$)" "$tap" | tail -n1)
		reports=$(awk -F'\t' -v t="$t" '$1 == t { print $2 }' "$rundir/kernel-reports.txt")
		why=
		case $line in
		"ok "*"# SKIP"*) verdict=SKIP why="skipped${line##*# SKIP}" ;;
		"ok "*) verdict=PASS ;;
		"not ok "*) verdict=FAIL why=${line##*# } ;;
		*)
			verdict=FAIL
			if [ "$last_running" = "$t" ]; then
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
		# A skip must say why: the test's own "SKIP: ..." line, or its last.
		if [ $verdict = SKIP ] && [ -f "$rundir/logs/$t.log" ]; then
			why=$( (grep -m1 '^# SKIP: ' "$rundir/logs/$t.log" || tail -n1 "$rundir/logs/$t.log") |
				sed 's/^#* *//')
		fi
		result "$verdict" "$t" "$why"
		[ -n "$reports" ] && echo "$reports" | sed 's/^/        /' | head -n 5
	done < "$rundir/selection"

	# Reports outside any test still fail the run.
	while IFS=$'\t' read -r who what; do
		case $who in
		"(boot)"|"(between tests)") result FAIL "$who" "kernel report: ${what#\[*\] }" ;;
		esac
	done < "$rundir/kernel-reports.txt"

	if ! grep -q '^# lab: all suites done' "$tap" && [ -z "$last_running" ]; then
		result FAIL "(guest $rundir)" "the guest did not finish ($status)"
	fi
}

for r in $rundirs; do
	report_run "$r"
done | tee "$out/results.txt"
res=$out/results.txt
pass=$(grep -c '^PASS' "$res") fail=$(grep -c '^FAIL' "$res") skip=$(grep -c '^SKIP' "$res")
echo "logs: $(for r in $rundirs; do printf '%s/ ' "$r"; done)(console.txt: kernel log, tap.txt: TAP, logs/: one per test)"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
