# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2154,SC2034 # globals of report.sh, which sources this
# report-judge.sh - for report.sh (sourced): tests/expected read and
# checked, and one result turned into its verdict (PASS, FAIL, SKIP, XFAIL,
# XPASS) by it.

# Every entry of tests/expected, as "flavor<TAB>kind<TAB>glob<TAB>fixed-by
# <TAB>pattern<TAB>reason": the pattern, quoted in the file, is an xfail's
# evidence or a known defect's signature.  A line that is neither fails
# the whole report: an entry that silently matches nothing is how an
# expected failure stops being checked.  So does a pattern that is no
# extended regex, or one that matches an empty line ("a|", ".*"), which
# would excuse any failure.
expectations()
{
	local entries pat bad=0
	[ -f "$expected" ] || return 0
	entries=$(parse_expected) || bad=1
	while IFS=$'\t' read -r _ _ _ _ pat _; do
		[ -n "$pat" ] || continue
		grep -Eq -- "$pat" <<< '' 2> /dev/null
		case $? in
		0) echo "$expected: \"$pat\" matches an empty line, so anything: not a pattern of evidence" >&2; bad=1 ;;
		2) echo "$expected: \"$pat\" is not an extended regex" >&2; bad=1 ;;
		esac
	done <<< "$entries"
	[ -n "$entries" ] && printf '%s\n' "$entries"
	return $bad
}

parse_expected()
{
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

# verdict ID RAW WHY WINDOW OWN: apply the expectations to one result and
# print it (results.txt) and record it (results.tsv); $final is the verdict.
# WINDOW holds the kernel log charged to it; OWN is how the test or case
# itself ended: ok (its TAP line said so: only a kernel report failed it),
# dmesg (it failed at ndctl's check for a "Call Trace" in the kernel log, or at
# fstests' own check of it, and at nothing else),
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
