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
# which fails the run until the entry is promoted.  Each test's own output is kept as OUT/GUEST/logs/SUITE:TEST.log,
# the verdicts as OUT/results.txt and, one "id<TAB>raw<TAB>verdict<TAB>why"
# line each, OUT/results.tsv (Documentation/lab.rst, "Logs", says what
# each field holds).  Exit status 0 only if nothing failed.

set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

out=${1:?usage: report.sh OUT}
# A guest directory is one that boot.sh wrote anything of its own into.
rundirs=$(for d in "$out"/*/; do
	for f in selection console.log tap.log qemu.status; do
		[ -f "$d$f" ] && { echo "${d%/}"; break; }
	done
done)
[ -n "$rundirs" ] || die "report: no guest runs in $out"

result()
{
	printf '%-5s %s%s\n' "$1" "$2" "${3:+  ($3)}"
}

# record VERDICT ID WHY [RAW]: print a result and add it to results.tsv
# (RAW, the verdict before tests/expected, defaults to VERDICT).
record()
{
	result "$1" "$2" "$3"
	printf '%s\t%s\t%s\t%s\n' "$2" "${4:-$1}" "$1" "$3" >> "$rundir/results.tsv"
}

# The first line of a kernel report.
report_re='WARNING:|BUG:|Oops|general protection fault|Kernel panic|kernel BUG at|KASAN|INFO: task .* blocked for more than|INFO: possible|self-detected stall|detected stalls|Fixing recursive fault'

# Kernel reports of one run, each with the test and the test case that
# was running: "suite:test<TAB>case<TAB>line".  The guest marks tests in the
# kernel log (guest/bin/lab-run), test cases mark themselves.
kernel_reports()
{
	awk -v re="$report_re" '
	/lab: test-start / { cur = $NF; sub_ = ""; next }
	/lab: test-end /   { cur = "(between tests)"; sub_ = ""; next }
	/lab: subtest-start / { sub_ = case_id($NF); next }
	/lab: userspace up/ { cur = "(between tests)"; next }
	$0 ~ re {
		print (cur == "" ? "(boot)" : cur) "\t" sub_ "\t" $0
	}
	function case_id(n) { sub(/^[^.]*\./, "", n); return n }' "$1"
}

# The kernel log lines printed while test $2 ran, before its first test
# case began: what kernel_reports charges to the program itself.
prog_window()
{
	awk -v t="$2" '/lab: test-start / { on = ($NF == t) } /lab: subtest-start |lab: test-end / { on = 0 } on { print }' "$1"
}

# The kernel reports in window $1, one a line: each from its first line to
# the next report or the end of the window, its lines joined with " | ", so
# that one regex can name both the kind of report and what is in it.
report_blocks()
{
	awk -v re="$report_re" '
	$0 ~ re { if (b != "") print b; b = $0; next }
	b != "" { b = b " | " $0 }
	END { if (b != "") print b }' "$1"
}

# How many reports in window $1 do not match the extended regex $2 (grep
# -E, as for every pattern of tests/expected), and how many there are:
# "BAD TOTAL".  One expected defect must not excuse another beside it.
reports_unmatched()
{
	local blocks
	blocks=$(report_blocks "$1")
	if [ -z "$blocks" ]; then
		echo "0 0"
		return
	fi
	echo "$(grep -Evc -- "$2" <<< "$blocks") $(wc -l <<< "$blocks")"
}

# The kernel log lines printed while test case $3 of test $2 ran: from its
# "lab: subtest-start" marker to the next marker or the end of the test.
case_window()
{
	awk -v t="$2" -v c="$3" '
	/lab: test-start / { in_t = ($NF == t); on = 0; next }
	/lab: test-end / { in_t = on = 0; next }
	/lab: subtest-start / { n = $NF; sub(/^[^.]*\./, "", n); on = in_t && n == c; next }
	on { print }' "$1"
}

# Every entry of tests/expected, as "flavor<TAB>kind<TAB>glob<TAB>fixed-by
# <TAB>pattern<TAB>reason": the pattern, quoted in the file, is an xfail's
# evidence or a known defect's signature.  A line that is neither fails
# the whole report: an entry that silently matches nothing is how an
# expected failure stops being checked.
expectations()
{
	[ -f "$expected" ] || return 0
	awk '
	/^[ \t]*(#|$)/ { next }
	{ r = $0; sub(/^[^ \t]+[ \t]+[^ \t]+[ \t]+[^ \t]+[ \t]+[^ \t]+[ \t]+/, "", r) }
	($1 == "xfail" || $1 == "known") && $2 ~ /^(stock|series|\*)$/ && match(r, /^"[^"\t]+"[ \t]+[^ \t]/) {
		pat = r; sub(/^"/, "", pat); sub(/".*/, "", pat)
		sub(/^"[^"]+"[ \t]+/, "", r)
		print $2 "\t" $1 "\t" $3 "\t" $4 "\t" pat "\t" r; next }
	{ printf "%s:%d: not an entry (xfail|known stock|series|* ID FIXED-BY \"PATTERN\" REASON): %s\n",
		FILENAME, FNR, $0 > "/dev/stderr"; bad = 1 }
	END { exit bad }' "$expected"
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

# verdict ID RAW WHY WINDOW OWN: apply the expectations to one result and
# print it (results.txt) and record it (results.tsv); $final is the verdict.
# WINDOW holds the kernel log charged to it; OWN is how the test or case
# itself ended: ok (its TAP line said so: only a kernel report failed it),
# dmesg (it failed at ndctl's check for a "Call Trace" in the kernel log),
# or failed (anything else, a crash, a hang or a missing result included).
verdict()
{
	local id=$1 raw=$2 why=$3 window=$4 own=$5 v=$2 kind glob fixed sig reason bad
	while IFS=$'\t' read -r kind glob fixed sig reason; do
		# shellcheck disable=SC2053 # the glob is meant to match
		[[ $id == $glob ]] || continue
		case $kind/$raw in
		xfail/FAIL)
			# Only the failure the entry names, and no other kernel
			# report beside it: a reproducer that broke in its set-up
			# has not shown the hole.
			read -r bad _ < <(reports_unmatched "$window" "$sig")
			if ! grep -Eq -- "$sig" <<< "$why"; then
				why="failed, but not as tests/expected says (no \"$sig\"; $reason; fixed by $fixed)${why:+ -- $why}"
			elif [ "$bad" -gt 0 ]; then
				why="the expected failure, but with $bad kernel report(s) that are not \"$sig\" ($reason; fixed by $fixed) -- $why"
			else
				v=XFAIL why="expected: $reason; fixed by $fixed${why:+ -- $why}"
			fi ;;
		xfail/PASS) v=XPASS why="expected to fail ($reason) but passed: promote it (tests/expected, fixed by $fixed)" ;;
		known/FAIL)
			# Only a failure that the known defect's kernel reports
			# made, every one of them matching: a test that failed,
			# died or hung by itself is not excused (ndctl's tests,
			# which fail on any "Call Trace" in dmesg, are failed by
			# the report).  Otherwise the next entry may still apply.
			read -r bad total < <(reports_unmatched "$window" "$sig")
			if [ "$total" -eq 0 ] || [ "$bad" -gt 0 ] || [ "$own" = failed ]; then
				continue
			fi
			v=XFAIL why="known base defect, fixed by $fixed: $reason -- $why" ;;
		known/*) continue ;;
		esac
		break
	done < <(awk -F'\t' -v f="$flavor" '$1 == f || $1 == "*"' "$out/expectations.txt" | cut -f2-)
	record "$v" "$id" "$why" "$raw"
	final=$v
}

# The test cases of one kselftest_harness program, from its log: one
# "name<TAB>result<TAB>reason" line each; result is ok, not ok, skip, or
# running (it started and never finished: the guest died).
harness_cases()
{
	awk '
	/^# #  RUN +/ { running = $4; next }
	# The 6.1 harness names no case on a skip: "ok 3 # SKIP reason".
	/^# ok [0-9]+ # SKIP/ && running != "" {
		print running "\tskip\t" substr($0, index($0, "# SKIP") + 7); running = ""; next }
	/^# (not )?ok [0-9]+ [^ ]+\.[^ ]+/ {
		n = ($2 == "not") ? $5 : $4; r = ($2 == "not") ? "not ok" : "ok"
		reason = ""
		if (match($0, /# SKIP.*/)) { r = "skip"; reason = substr($0, RSTART + 7) }
		print n "\t" r "\t" reason; running = ""; next }
	END { if (running != "") print running "\trunning\t" }' "$1"
}

# The first "evidence: ..." line test case $2 printed in log $1.
case_evidence()
{
	awk -v c="$2" '
	/^# #  RUN +/ { on = ($4 == c) }
	on && /evidence: / { sub(/.*evidence: /, ""); print; exit }
	/^# (not )?ok [0-9]+ / { on = 0 }' "$1"
}

# The last lines of a failure's own output, shown under its line in the
# summary (all that CI keeps of a run): those of test case $2 (without its
# fixture name) in log $1, or, with no $2, those that no test case printed
# (a program's set-up before its first case, or its end after the last).
# The harness's frame (plan, RUN, OK, ok and totals lines), the libraries'
# debug chatter and the JSON that ndctl prints are left out.
excerpt()
{
	awk -v c="${2:-}" '
	/^# #  RUN +/ { n = $4; sub(/^[^.]*\./, "", n); in_case = 1; this = (n == c); next }
	in_case && /^# (not )?ok [0-9]+ / { in_case = this = 0; next }
	/^# (TAP version |1\.\.[0-9]+$|# (Starting|PASSED|FAILED|Totals|  +OK |  +FAIL ))/ { next }
	/^# *(lib(ndctl|daxctl|cxl): |["{}]|\[|\],?$|$)/ { next }
	c == "" ? !in_case : this' "$1" | tail -n 5 | sed 's/^/        /'
}

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
	tr -d '\r' < "$rundir/console.log" > "$console"
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
			[ -n "$creports" ] && echo "$creports" | sed 's/^/        /' | head -n 5
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
			echo "$creports" | sed 's/^/        /' | head -n 5
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
		"not ok "*) [ -f "$log" ] && grep -q '^# journalctl (lab stub): a Call Trace' "$log" && own=dmesg ;;
		esac
		[ -n "$unreported" ] && own=failed
		verdict "$t" "$verdict" "$why" "$window" "$own"
		[ -n "$reports" ] && echo "$reports" | sed 's/^/        /' | head -n 5
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
		"(boot)"|"(between tests)") record FAIL "$who" "kernel report: ${what#\[*\] }" ;;
		esac
	done < "$rundir/kernel-reports.txt"

	if ! grep -q '^# lab: all suites done' "$tap" && [ -z "$last_running" ]; then
		record FAIL "(guest ${rundir##*/})" "the guest did not finish ($status; see $rundir/console.txt)"
	fi
}

out=$(realpath "$out")
expected=${LAB_EXPECTED:-$(dirname "$0")/../../tests/expected}
expectations > "$out/expectations.txt" || die "report: $expected has lines that are not entries"
for r in $rundirs; do
	report_run "$r"
done | tee "$out/results.txt"
res=$out/results.txt
cat "$out"/*/results.tsv > "$out/results.tsv" 2>/dev/null
n() { grep -c "^$1 " "$res"; }
echo "logs: $(for r in $rundirs; do printf '%s/ ' "$r"; done)(console.txt: kernel log, tap.txt: TAP, logs/: one per test)"
echo "$(n PASS) passed, $(n FAIL) failed, $(n SKIP) skipped, $(n XFAIL) expected failures, $(n XPASS) unexpected passes"
[ "$(n FAIL)" -eq 0 ] && [ "$(n XPASS)" -eq 0 ]
