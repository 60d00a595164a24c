#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-report.sh - the bench table: per metric, the median over the rounds
# on each kernel, their ratio and the spread; checked against thresholds.
#
# usage: bench-report.sh OUT A_NAME B_NAME THRESHOLDS
#
#   OUT         bench.sh's output directory (raw.tsv, clock, notes.txt)
#   A_NAME, B_NAME   column names (stock, series; "stock (B)" to calibrate)
#   THRESHOLDS  lines "METRIC-GLOB <= RATIO" or "METRIC-GLOB >= RATIO":
#               B/A of every metric the glob matches must stay within it
#               (the first matching line applies); '#' starts a comment
#
# Writes OUT/bench.md, OUT/bench.csv and OUT/ratios.png (gnuplot), prints
# the table and the chart's path.  ratio = B median / A median.  spread =
# (max - min) / median over the rounds, the larger of the two kernels'.
# Times are in usec; higher is worse.  fio's MiB/s: higher is better.
# Exit status 1 when a threshold is breached (icount clock only: on the
# wall clock a breach is shown but not enforced) or the input is bad.

set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 4 ] || die "usage: bench-report.sh OUT A_NAME B_NAME THRESHOLDS"
out=$1 aname=$2 bname=$3 thresholds=$4
raw=$out/raw.tsv
[ -s "$raw" ] || die "bench-report: no figures in $raw (did bench.sh run?)"
[ -f "$thresholds" ] || die "bench-report: no thresholds file $thresholds"
clock=$(cat "$out/clock" 2>/dev/null) || die "bench-report: $out/clock is missing"
command -v gnuplot >/dev/null || die "bench-report: gnuplot is missing (make deps installs gnuplot-nox)"

# The thresholds, checked: "glob<TAB>op<TAB>ratio" lines.
awk '
/^[ \t]*(#|$)/ { next }
{
	sub(/[ \t]*#.*/, "")
	if (NF != 3 || ($2 != "<=" && $2 != ">=") || $3 !~ /^[0-9]+(\.[0-9]+)?$/ || $3 + 0 <= 0) {
		printf "lab: error: %s:%d: expected \"METRIC-GLOB <= RATIO\" or \">= RATIO\", got: %s\n",
			FILENAME, FNR, $0 > "/dev/stderr"
		bad = 1
	}
	print $1 "\t" $2 "\t" $3
}
END { exit bad }' "$thresholds" > "$out/thresholds.tsv" || exit 1

# One row per metric: name unit a_median b_median ratio spread_pct n_a n_b.
awk -F'\t' '
# An even number of rounds averages two figures: print that to the
# nanosecond, not to the 6 digits of the default CONVFMT.
BEGIN { CONVFMT = "%.3f" }
function median(s,   v, n, i, j, t) {
	n = split(s, v, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function spread(s,   v, n, i, lo, hi, m) {
	n = split(s, v, " "); lo = hi = v[1] + 0
	for (i = 2; i <= n; i++) { if (v[i] + 0 < lo) lo = v[i] + 0; if (v[i] + 0 > hi) hi = v[i] + 0 }
	m = median(s)
	return m > 0 ? (hi - lo) / m * 100 : 0
}
NF != 5 || $4 !~ /^[0-9.]+$/ || $5 == "" { printf "lab: error: %s:%d: bad figure: %s\n", FILENAME, NR, $0 > "/dev/stderr"; bad = 1; next }
{
	if (!($3 in unit)) order[++n] = $3
	unit[$3] = $5
	val[$3, $2] = val[$3, $2] " " $4
	cnt[$3, $2]++
}
END {
	if (bad) exit 1
	for (i = 1; i <= n; i++) {
		m = order[i]
		if (!cnt[m, "A"] || !cnt[m, "B"]) {
			printf "lab: error: bench-report: %s was measured on only one kernel\n", m > "/dev/stderr"
			bad = 1; continue
		}
		a = median(val[m, "A"]); b = median(val[m, "B"])
		sa = spread(val[m, "A"]); sb = spread(val[m, "B"])
		printf "%s\t%s\t%s\t%s\t%s\t%.2f\t%d\t%d\n", m, unit[m], a, b,
			(a > 0 ? sprintf("%.4f", b / a) : "nan"), (sa > sb ? sa : sb), cnt[m, "A"], cnt[m, "B"]
	}
	exit bad
}' "$raw" > "$out/table.tsv" || die "bench-report: $raw is inconsistent"

# The verdict of each metric against the first threshold whose glob matches.
while IFS=$'\t' read -r m unit a b ratio spread na nb; do
	limit='' verdict=''
	while IFS=$'\t' read -r glob op lim; do
		# shellcheck disable=SC2053 # the glob is meant to match
		[[ $m == $glob ]] || continue
		limit="$op $lim"
		if [ "$ratio" = nan ]; then
			verdict=BREACH
		elif awk -v r="$ratio" -v o="$op" -v l="$lim" 'BEGIN { exit !(o == "<=" ? r <= l : r >= l) }'; then
			verdict=ok
		else
			verdict=BREACH
		fi
		break
	done < "$out/thresholds.tsv"
	noisy=
	[ "$clock" = icount ] && awk -v s="$spread" 'BEGIN { exit !(s > 0.5) }' && noisy=" noisy"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$m" "$unit" "$a" "$b" "$ratio" "$spread" \
		"${limit:--}" "${verdict:--}$noisy" "$na/$nb"
done < "$out/table.tsv" > "$out/verdicts.tsv"

rounds=$(awk -F'\t' '{ print $1 }' "$out/raw.tsv" | sort -un | wc -l)
{
	echo "# DAX bench: A = $aname, B = $bname"
	echo
	echo "Clock: $clock$([ "$clock" = icount ] && echo " (QEMU -icount shift=0,align=off: 1 ns of guest time = 1 instruction)" || echo " (plain TCG: wall-clock time, noisy)"), $rounds rounds A B A B, median over the rounds of the fastest of the repetitions in each guest."
	echo "ratio = B / A (times: above 1 is slower; MiB/s: below 1 is slower); spread = (max - min) / median over the rounds, the larger of A's and B's."
	echo
	echo "| metric | unit | $aname median | $bname median | ratio | spread | threshold | verdict |"
	echo "| --- | --- | ---: | ---: | ---: | ---: | --- | --- |"
	awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %.2f%% | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8 }' \
		"$out/verdicts.tsv"
	if [ -s "$out/notes.txt" ]; then
		echo
		echo "Not measured, and checks made (from the guests):"
		echo
		sed -n 's/^[AB] bench-\(skip\|check\|warn\): /\1: /p' "$out/notes.txt" | sort -u | sed 's/^/- /'
	fi
} > "$out/bench.md"
{
	echo "metric,unit,${aname// /_}_median,${bname// /_}_median,ratio,spread_pct,threshold,verdict,rounds"
	tr '\t' ',' < "$out/verdicts.tsv"
} > "$out/bench.csv"

# The chart: one bar per metric, what B costs against A, with 1.00 marked;
# breaches red.  A time's cost is B/A; a throughput's (MiB/s, higher is
# better) is A/B, so that right of 1.00 is slower for B on every bar.
n=$(wc -l < "$out/verdicts.tsv")
awk -F'\t' '$5 != "nan" && $5 + 0 > 0 {
	c = $5; m = $1
	if ($2 ~ /\/s$/) { c = 1 / $5; m = m "[A/B]" }
	print NR - 1, c, m, ($8 ~ /^BREACH/ ? 13382451 : 4620980) }' \
	"$out/verdicts.tsv" > "$out/ratios.dat"
gnuplot > "$out/gnuplot.log" 2>&1 <<GP || die "bench-report: gnuplot failed: $(tail -n 3 "$out/gnuplot.log")"
set terminal pngcairo noenhanced size 1400,$(( 200 + 16 * n )) font "sans,9"
set output "$out/ratios.png"
set title "DAX bench: what $bname costs against $aname, $clock clock, $rounds rounds (median; lower is better)"
set style fill solid 0.6
set boxwidth 0.7 relative
set ytics nomirror
set yrange [$n:-1]
set grid x
unset key
set xlabel "cost of $bname against $aname: time $bname/$aname, throughput $aname/$bname ([A/B]); right of 1.00 is slower for $bname, left faster"
set arrow from 1, graph 0 to 1, graph 1 nohead lc rgb "black" lw 1.5
set ytics () 
plot "$out/ratios.dat" using (\$2 < 1 ? \$2 : 1):1:(\$2 < 1 ? \$2 : 1):(\$2 < 1 ? 1 : \$2):(\$1 - 0.35):(\$1 + 0.35):4:ytic(3) with boxxyerror lc rgb variable
GP

cat "$out/bench.md"
breaches=$(grep -c $'\tBREACH' "$out/verdicts.tsv")
noisy=$(grep -c $'noisy\t' "$out/verdicts.tsv")
echo
echo "table: $out/bench.md, $out/bench.csv"
echo "chart: $out/ratios.png"
[ "$clock" = icount ] &&
	echo "repeatability: worst spread over the rounds $(sort -t$'\t' -k6 -gr "$out/verdicts.tsv" | head -n1 | awk -F'\t' '{ printf "%.2f%% (%s)", $6, $1 }'); $noisy metric(s) above 0.5%"
if [ "$breaches" -gt 0 ]; then
	if [ "$clock" = icount ]; then
		echo "$breaches threshold breach(es):"
		grep $'\tBREACH' "$out/verdicts.tsv" | awk -F'\t' '{ printf "  %s: ratio %s, allowed %s\n", $1, $5, $7 }'
		exit 1
	fi
	echo "$breaches threshold breach(es) on the wall clock: not enforced (noise); use the icount clock"
fi
exit 0
