# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# report-attribute.sh - for report.sh (sourced): the kernel reports of a
# run and whom they are charged to (the test, the case, or no test), from
# the lab's markers in the kernel log; the kernel log of a program's own
# time and of one case's; the reports of such a window, one a line.

# The first line of a kernel report.
report_re='WARNING:|BUG:|Oops|general protection fault|Kernel panic|kernel BUG at|KASAN|INFO: task .* blocked for more than|INFO: possible|self-detected stall|detected stalls|Fixing recursive fault'

# Where kernel reports begin, for awk (with -v re="$report_re"):
# report_start(line) is 1 for a report's first line, 2 for a stack dump
# that no such line began (dump_stack(): a sysfs name clash, UBSAN; ndctl's
# tests fail on any "Call Trace"), 0 otherwise.  A report ends with its
# stack dump ("</TASK>") or its "---[ end trace" line.
report_start_awk='
function report_start(line) {
	if (line ~ re) { in_report = 1; return 1 }
	if (line ~ /<\/TASK>|---\[ end trace/) { in_report = 0; return 0 }
	if (line ~ /Call Trace:/ && !in_report) { in_report = 1; return 2 }
	return 0
}'

# Kernel reports of one run, each with the test and the test case that
# was running: "suite:test<TAB>case<TAB>line".  The guest marks tests in the
# kernel log (guest/bin/lab-run), test cases mark themselves.
kernel_reports()
{
	awk -v re="$report_re" "$report_start_awk"'
	/lab: test-start / { cur = $NF; sub_ = ""; next }
	/lab: test-end /   { cur = "(between tests)"; sub_ = ""; next }
	/lab: subtest-start / { sub_ = case_id($NF); next }
	/lab: userspace up/ { cur = "(between tests)"; next }
	{ k = report_start($0) }
	k == 2 { sub(/Call Trace:.*/, "Call Trace: a stack dump with no report line before it") }
	k {
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

# The kernel reports in window $1, one a line: each from its first line to
# its end (report_start_awk), its lines joined with " | ", so that one
# regex can name both the kind of report and what is in it.
report_blocks()
{
	awk -v re="$report_re" "$report_start_awk"'
	{ was = in_report; k = report_start($0) }
	k { if (b != "") print b; b = $0; next }
	was && b != "" { b = b " | " $0 }
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
