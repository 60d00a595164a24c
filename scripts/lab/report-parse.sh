# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# report-parse.sh - for report.sh (sourced): read what a guest wrote: its
# TAP stream split into one log per test, a harness program's cases and
# their results, a case's "evidence:" line.

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

# The kernel log with fstests' tests marked as lab-run marks its own:
# lab-fstests runs a configuration's tests in one fstests `check`, between
# "lab: fstests-check CFG" and "lab: fstests-check-end CFG", and check
# writes "run fstests TEST at DATE" as each test starts.  That line becomes
# the end of the test before it and the start of CFG:TEST (generic/413 as
# generic-413), with the line's own time stamp, so that a kernel report is
# charged to the test check was running.
fstests_marks()
{
	awk '
	function mark(what) { print pre "lab: " what }
	/lab: fstests-check-end / {
		pre = $0; sub(/lab: fstests-check-end .*/, "", pre)
		if (cur != "") mark("test-end " cur)
		cfg = cur = ""; print; next }
	/lab: fstests-check / { cfg = $NF; print; next }
	cfg != "" && /run fstests [^ ]+ at / {
		pre = $0; sub(/run fstests .*/, "", pre)
		t = $0; sub(/.*run fstests /, "", t); sub(/ at .*/, "", t); gsub("/", "-", t)
		if (cur != "") mark("test-end " cur)
		cur = cfg ":" t; mark("test-start " cur)
	}
	{ print }'
}
