#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# table.sh STOCK SERIES OUT.md - the reproducers on both kernels, side by side.
#
# STOCK and SERIES are report.sh output directories (results.tsv: one
# "id<TAB>raw<TAB>verdict<TAB>why" line per test).  One row per test:
# pass or fail on each kernel (the series' expectation from tests/expected
# in brackets), and for each failure its evidence: what the test saw
# (another file's bytes, a device write in another file) or the kernel
# report.  Printed, and written to OUT.md as a Markdown table.  Then how
# many rows differ between the kernels, and every regression: a test that
# passes on stock and does not pass (fails, skips or is missing) on the
# series.  Exit status 1 if there is one.

set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

stock=$1 series=$2 md=$3
for d in "$stock" "$series"; do
	[ -f "$d/results.tsv" ] || die "table: no results in $d (did the run happen?)"
done

# The evidence of one failure, shortest first: the test's evidence line,
# else the kernel report, else whatever the result said.
evidence()
{
	case $1 in
	*"evidence: "*) echo "${1##*evidence: }" ;;
	*"kernel report: "*) r=${1##*kernel report: }; echo "${r%% -- *}" ;;
	*) echo "${1##*-- }" ;;
	esac
}

cell()
{
	local raw=$1 v=$2
	case $raw/$v in
	"/") echo "-" ;;
	*/"$raw") echo "$raw" ;;
	*) echo "$raw ($v)" ;;
	esac
}

{
	echo "| test | stock | series | evidence |"
	echo "|---|---|---|---|"
	cut -f1 "$stock/results.tsv" "$series/results.tsv" | awk '!seen[$0]++' |
	while read -r id; do
		IFS=$'\t' read -r _ sraw sv swhy < <(awk -F'\t' -v id="$id" '$1 == id' "$stock/results.tsv")
		IFS=$'\t' read -r _ praw pv pwhy < <(awk -F'\t' -v id="$id" '$1 == id' "$series/results.tsv")
		ev=
		[ "${sraw:-}" = FAIL ] && ev="stock: $(evidence "$swhy")"
		[ "${praw:-}" = FAIL ] && ev="${ev:+$ev<br>}series: $(evidence "$pwhy")"
		echo "| $id | $(cell "${sraw:-}" "${sv:-}") | $(cell "${praw:-}" "${pv:-}") | $ev |"
		sraw='' sv='' swhy='' praw='' pv='' pwhy=''
	done
} > "$md"

column -t -s '|' -o '|' "$md" | sed 's/<br>/; /g'
for k in stock series; do
	d=$stock
	[ $k = series ] && d=$series
	printf '%s: %s passed, %s failed\n' "$k" "$(cut -f2 "$d/results.tsv" | grep -c '^PASS')" \
		"$(cut -f2 "$d/results.tsv" | grep -c '^FAIL')"
done
# Raw results only: the expectations differ by design between the kernels.
awk -F'\t' 'NR == FNR { s[$1] = $2; if (!($1 in o)) { o[$1] = ++n; id[n] = $1 }; next }
	{ p[$1] = $2; if (!($1 in o)) { o[$1] = ++n; id[n] = $1 } }
	END {
		for (i = 1; i <= n; i++) {
			k = id[i]; a = (k in s) ? s[k] : "-"; b = (k in p) ? p[k] : "-"
			if (a != b) d++
			if (a == "PASS" && b != "PASS") reg[++r] = k " (stock PASS, series " b ")"
		}
		printf "differences: %d of %d rows\n", d, n
		if (!r) { print "regressions: none"; exit 0 }
		printf "regressions: %d (passes on stock, not on the series)\n", r
		for (i = 1; i <= r; i++) print "  " reg[i]
		exit 1
	}' "$stock/results.tsv" "$series/results.tsv"
rc=$?
echo "table: $md"
exit $rc
