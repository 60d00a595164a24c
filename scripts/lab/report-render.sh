# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2154,SC2034 # globals of report.sh, which sources this
# report-render.sh - for report.sh (sourced): a verdict as a line of the
# summary and of results.tsv, and the lines of a failure's own output
# shown under it.

# result VERDICT ID WHY [WHERE]
result()
{
	printf '%-5s %s%s%s\n' "$1" "$2" "${3:+  ($3)}" "${4:+ [$4]}"
}

# record VERDICT ID WHY [RAW]: print a result and add it to results.tsv
# (RAW, the verdict before tests/expected, defaults to VERDICT).  A line
# that is not a PASS names the guest whose logs tell more ([gN]); results.tsv
# has one file per guest, so it needs no such column.
record()
{
	local where=''
	case $1/$2 in
	PASS/* | */"(guest "*) ;;
	*) where=${rundir##*/} ;;
	esac
	result "$1" "$2" "$3" "$where"
	printf '%s\t%s\t%s\t%s\n' "$2" "${4:-$1}" "$1" "$3" >> "$rundir/results.tsv"
}

# The last lines of a failure's own output, shown under its line in the
# summary (all that CI keeps of a run): those of test case $2 (without its
# fixture name) in log $1, or, with no $2, those that no test case printed
# (a program's set-up before its first case, or its end after the last).
# The harness's frame (plan, RUN, OK, ok and totals lines), the libraries'
# debug chatter and the JSON that ndctl prints are left out.  A shell test
# that stops on an error (ndctl's err(): "failed at line N") then runs its
# clean-up, whose trace fills the last lines: the first such line, after
# the two lines before the call of err() (under bash -x, the command that
# failed and what it printed), comes first.
excerpt()
{
	awk -v c="${2:-}" '
	/^# #  RUN +/ { n = $4; sub(/^[^.]*\./, "", n); in_case = 1; this = (n == c); next }
	in_case && /^# (not )?ok [0-9]+ / { in_case = this = 0; next }
	/^# (TAP version |1\.\.[0-9]+$|# (Starting|PASSED|FAILED|Totals|  +OK |  +FAIL ))/ { next }
	/^# *(lib(ndctl|daxctl|cxl): |["{}]|\[|\],?$|$)/ { next }
	c == "" ? !in_case : this {
		l[++n_l] = $0
		if (/^# \+* ?err [0-9]+/)
			trap = n_l
		if (!why && /failed at line [0-9]/ && !/^# \+/)
			why = n_l
	}
	END {
		from = n_l > 5 ? n_l - 4 : 1
		if (why && why < from) {
			top = trap && trap < why ? trap : why
			for (i = top > 2 ? top - 2 : 1; i < top; i++)
				print l[i]
			print l[why]
			if (why + 1 < from)
				print "# ..."
		}
		for (i = from; i <= n_l; i++)
			print l[i]
	}' "$1" | sed 's/^/        /'
}

# Kernel reports under a verdict: the first five, and under the first the
# top of its stack as file and line when the kernel has DWARF
# (report-decode.sh).
show_reports()
{
	[ -n "$1" ] || return 0
	echo "$1" | head -n 5 | sed 's/^/        /'
	show_frames "$(echo "$1" | head -n1)"
}

# The decoded frames of the report whose first line is $1, if any.
show_frames()
{
	report_frames "$1" | sed -e '/^(/!s/^/at /' -e 's/^/          /'
}
