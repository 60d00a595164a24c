#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# report.sh - turn one or more guest runs into one verdict.
#
# usage: report.sh OUT
#
# OUT holds one directory per guest (guests.sh); each (boot.sh) holds
# console.log (the kernel log), tap.log (TAP), selection (the tests that
# should have run there), qemu.status and qemu.out.
#
# One line per test, then "N passed, N failed, N skipped, ...".  A test
# built on kselftest_harness.h gets one line per test case instead
# ("suite:prog/variant.case").  A test fails when its TAP line says so,
# when it never reported (guest crashed or hung), or when the kernel
# printed a WARNING, BUG, Oops, KASAN, lockdep, hung-task or stall report
# while it ran (test cases mark their start in the kernel log with
# "lab: subtest-start NAME", so a report is placed in the case); a report
# outside any test fails the run as "(boot)" or "(between tests)".  A
# failure's "evidence: ..." line, if the test printed one, is quoted.
#
# tests/expected (LAB_EXPECTED) lists the failures that are expected on
# the kernel flavor a guest booted (its flavor file, written by boot.sh:
# stock or series), with the evidence the failure must show, the reason
# and the patch or series phase that fixes them: they are reported as
# XFAIL; a failure without that evidence as FAIL, and a pass as XPASS,
# which fails the run until the entry is promoted.  Each test's own output
# is kept as OUT/GUEST/logs/SUITE:TEST.log, the verdicts as OUT/results.txt
# and, one "id<TAB>raw<TAB>verdict<TAB>why" line each, OUT/results.tsv
# (Documentation/lab.rst, "Logs", says what each field holds).  Exit status
# 0 only if nothing failed.

set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# One job each: read the guest's output, charge the kernel reports, judge
# against tests/expected, print.
# shellcheck source=report-parse.sh
. "$(dirname "$0")/report-parse.sh"
# shellcheck source=report-attribute.sh
. "$(dirname "$0")/report-attribute.sh"
# shellcheck source=report-judge.sh
. "$(dirname "$0")/report-judge.sh"
# shellcheck source=report-render.sh
. "$(dirname "$0")/report-render.sh"
# shellcheck source=report-decode.sh
. "$(dirname "$0")/report-decode.sh"

out=${1:?usage: report.sh OUT}
# A guest directory is one that boot.sh wrote anything of its own into.
rundirs=$(for d in "$out"/*/; do
	for f in selection console.log tap.log qemu.status; do
		[ -f "$d$f" ] && { echo "${d%/}"; break; }
	done
done)
[ -n "$rundirs" ] || die "report: no guest runs in $out"

report_run()
{
	local rundir=$1 console tap status last_running t line reports why verdict log
	local c res reason id creports ev window cwindow cases explained last_case seen why2
	local ncases plan unreported own flavor
	status=$(cat "$rundir/qemu.status" 2>/dev/null)
	local f missing=
	: > "$rundir/results.tsv"
	for f in console.log tap.log selection flavor; do
		[ -f "$rundir/$f" ] || missing="${missing:+$missing, }$f"
	done
	# Nothing can be judged without them: the guest failed, whatever
	# the other guests did.
	if [ "$missing" = flavor ]; then
		record FAIL "(guest ${rundir##*/})" "no flavor file: which expectations apply is unknown (a boot.sh older than this report?)"
		return
	fi
	if [ -n "$missing" ]; then
		record FAIL "(guest ${rundir##*/})" "no $missing: nothing to judge this guest by (${status:-no qemu.status}; see $rundir/qemu.out)"
		# QEMU's own last words say why, when it said anything.
		[ -f "$rundir/qemu.out" ] && tr -d '\r' < "$rundir/qemu.out" | grep . | tail -n 3 | sed 's/^/        /'
		return
	fi
	# The kernel the guest booted, as boot.sh recorded it: which
	# expectations apply is a fact of the run, not of the environment
	# the report happens to be made in.
	flavor=$(cat "$rundir/flavor")
	case $flavor in
	stock|series) ;;
	*) record FAIL "(guest ${rundir##*/})" "flavor '$flavor' is neither stock nor series ($rundir/flavor)"
	   return ;;
	esac
	# Serial ports deliver CRLF line ends.
	console=$rundir/console.txt tap=$rundir/tap.txt
	tr -d '\r' < "$rundir/console.log" | fstests_marks > "$console"
	tr -d '\r' < "$rundir/tap.log" > "$tap"
	kernel_reports "$console" > "$rundir/kernel-reports.txt"
	split_logs "$tap" "$rundir/logs"
	# Where the guest stopped, if it stopped inside a test.
	last_running=$(awk '/lab: test-start / { cur = $NF } /lab: test-end / { cur = "" }
			    END { print cur }' "$console")
	# ... and the test case it stopped in, if that test marked its cases.
	last_case=$(awk '/lab: test-start |lab: test-end / { c = "" }
			 /lab: subtest-start / { c = $NF; sub(/^[^.]*\./, "", c) } END { print c }' "$console")

	while read -r t; do
		line=$(grep -E "^(not )?ok [0-9]+ selftests: ${t%%:*}: ${t#*:}( |$)" "$tap" | tail -n1)
		log=$rundir/logs/$t.log
		window=$rundir/window.txt cwindow=$rundir/case-window.txt
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
				# In which case, if a harness program's: an
				# expectation may excuse a death in a case,
				# never one in the program's own set-up.
				[ -n "$last_case" ] && why+=", in case $last_case"
			elif grep -q "lab: test-end $t\$" "$console"; then
				# lab-fstests reports a test a few seconds
				# after it ends: a guest can die in between.
				why="ran, but never reported a result (the guest stopped after it)"
			else
				why="did not run"
			fi ;;
		esac

		# A harness program: one line per test case.
		cases=
		[ -f "$log" ] && cases=$(harness_cases "$log")
		explained='' seen='' ncases=0
		while IFS=$'\t' read -r c res reason; do
			[ -n "$c" ] || continue
			id=$t/${c#*.}
			seen="$seen ${c#*.} " ncases=$((ncases + 1))
			creports=$(awk -F'\t' -v t="$t" -v c="${c#*.}" '$1 == t && $2 == c { print $3 }' \
				"$rundir/kernel-reports.txt")
			case $res in
			ok) res=PASS why2= ;;
			skip) res=SKIP why2="skipped: $reason" ;;
			running) res=FAIL why2="${why%% during this test*} during this test case" explained=1 ;;
			*) res=FAIL why2='' explained=1 ;;
			esac
			own=$res
			if [ -n "$creports" ]; then
				res=FAIL
				why2="${why2:+$why2; }kernel report: $(echo "$creports" | head -n1 | sed 's/^\[[ 0-9.]*\] //')"
			fi
			if [ $res = FAIL ]; then
				ev=$(case_evidence "$log" "$c")
				[ -n "$ev" ] && why2="${why2:+$why2; }evidence: $ev"
				[ -n "$why2" ] || why2="failed: see $log"
			fi
			# A known defect excuses a case only if it fired in that case.
			case_window "$console" "$t" "${c#*.}" > "$cwindow"
			verdict "$id" "$res" "$why2" "$cwindow" "$([ "$own" = FAIL ] && echo failed || echo ok)"
			show_reports "$creports"
			[ "$final" = FAIL ] && [ "$own" = FAIL ] && excerpt "$log" "${c#*.}"
		done <<< "$cases"

		# A kernel report charged to a case that has no result line (the
		# guest died before the harness printed it, or the lines were
		# lost): that case fails, with the report.
		while read -r c; do
			[ -n "$c" ] || continue
			case $seen in *" $c "*) continue ;; esac
			creports=$(awk -F'\t' -v t="$t" -v c="$c" '$1 == t && $2 == c { print $3 }' \
				"$rundir/kernel-reports.txt")
			why2="no result line"
			if [ "$last_running" = "$t" ] && [ "$last_case" = "$c" ] && [ -z "$line" ]; then
				why2="${why%% during this test*} during this test case"
			fi
			why2="$why2; kernel report: $(echo "$creports" | head -n1 | sed 's/^\[[ 0-9.]*\] //')"
			case_window "$console" "$t" "$c" > "$cwindow"
			verdict "$t/$c" FAIL "$why2" "$cwindow" failed
			show_reports "$creports"
			[ "$final" = FAIL ] && [ -f "$log" ] && excerpt "$log" "$c"
			explained=1 ncases=$((ncases + 1))
		done < <(awk -F'\t' -v t="$t" '$1 == t && $2 != "" && !seen[$2]++ { print $2 }' \
			"$rundir/kernel-reports.txt")

		# The harness's plan ("1..N") against the cases that reported: the
		# cases after a crash or a kill, or whose lines were lost, are in
		# no count otherwise.
		unreported=
		if [ -n "$cases" ] || { [ -f "$log" ] && grep -q '^# # Starting [0-9]* tests' "$log"; }; then
			plan=$(sed -n 's/^# 1\.\.\([0-9][0-9]*\)$/\1/p' "$log" | head -n1)
			if [ -n "$plan" ] && [ "$plan" -gt "$ncases" ]; then
				unreported="$((plan - ncases)) of $plan planned test cases never reported"
			fi
		fi

		# The program's own line: always for a plain test; for a harness
		# program only if something is left that no test case explains.
		reports=$(awk -F'\t' -v t="$t" '$1 == t && $2 == "" { print $3 }' "$rundir/kernel-reports.txt")
		if [ -n "$reports" ]; then
			verdict=FAIL
			why="${why:+$why; }kernel report: $(echo "$reports" | head -n1 | sed 's/^\[[ 0-9.]*\] //')"
		fi
		if [ -n "$unreported" ]; then
			verdict=FAIL why="${why:+$why; }$unreported"
		elif [ -n "$cases" ] && [ -z "$reports" ] && { [ $verdict != FAIL ] || [ -n "$explained" ] && [ -n "$line" ]; }; then
			continue
		fi
		# A skip must say why: the test's own "SKIP: ..." line, or its last.
		if [ $verdict = SKIP ] && [ -f "$log" ]; then
			why=$( (grep -m1 '^# SKIP: ' "$log" || tail -n1 "$log") | sed 's/^#* *//')
		fi
		prog_window "$console" "$t" > "$window"
		own=failed
		case $line in
		"ok "*) own=ok ;;
		# ndctl's tests and fstests fail at their own check of the
		# kernel log; each says so (the journalctl stub, lab-fstests).
		"not ok "*) [ -f "$log" ] &&
			grep -Eq "^# (journalctl \(lab stub\): a Call Trace|lab-fstests: failed only at fstests' check of the kernel log)" "$log" &&
			own=dmesg ;;
		esac
		[ -n "$unreported" ] && own=failed
		verdict "$t" "$verdict" "$why" "$window" "$own"
		show_reports "$reports"
		# The test's own words when it failed by itself; a failure that
		# only the kernel report makes has them above.
		[ "$final" = FAIL ] && [[ $line != "ok "* ]] && [ -f "$log" ] && excerpt "$log"
	done < "$rundir/selection"
	rm -f "$rundir/window.txt" "$rundir/case-window.txt"

	# Reports outside any test still fail the run.
	# (Not "read who _ what": a tab is white space to read, so the empty
	# case field between two tabs would vanish and take the report along.)
	local r who what
	while IFS= read -r r; do
		who=${r%%$'\t'*} what=${r#*$'\t'*$'\t'}
		case $who in
		"(boot)"|"(between tests)") record FAIL "$who" "kernel report: ${what#\[*\] }"
			show_frames "$what" ;;
		esac
	done < "$rundir/kernel-reports.txt"

	if ! grep -q '^# lab: all suites done' "$tap" && [ -z "$last_running" ]; then
		record FAIL "(guest ${rundir##*/})" "the guest did not finish ($status; see $rundir/console.txt)"
	fi
}

out=$(realpath "$out")
expected=${LAB_EXPECTED:-$(dirname "$0")/../../tests/expected}
expectations > "$out/expectations.txt" || die "report: $expected has entries that cannot be used (above)"
for r in $rundirs; do
	report_run "$r"
done | tee "$out/results.txt"
res=$out/results.txt
cat "$out"/*/results.tsv > "$out/results.tsv" 2>/dev/null
n() { grep -c "^$1 " "$res"; }
echo "logs: $(for r in $rundirs; do printf '%s/ ' "$r"; done)(console.txt: kernel log, tap.txt: TAP, logs/: one per test)"
echo "$(n PASS) passed, $(n FAIL) failed, $(n SKIP) skipped, $(n XFAIL) expected failures, $(n XPASS) unexpected passes"
[ "$(n FAIL)" -eq 0 ] && [ "$(n XPASS)" -eq 0 ]
