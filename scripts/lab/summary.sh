#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# summary.sh STOCK SERIES OUT.md [RECIPES] - the reproducers by recipe, stock against
# the series: what leaked on stock, what the series did instead.
#
# STOCK and SERIES are report.sh output directories (results.tsv).  The
# reproducer cases (ids "repro:...") are grouped by recipe (tests/repro/
# recipes, or RECIPES: the rN a case's name starts with, or its program), one row each:
# how many cases, what happened to them on stock (freed under the pin, a
# free that never woke, a kernel crash, a warning; UNEXPECTED where
# tests/expected did not expect it) and on the series (pass, expected
# failure, failure); then the cases that never ran, by program, from the
# harness plans.  Under the table, one stock failure of each
# recipe as the test told it.  Printed, and written to OUT.md.  A harness
# program's own line is left out when its cases are there.

set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

stock=$1 series=$2 md=$3
recipes=${4:-$(dirname "$0")/../../tests/repro/recipes}
for d in "$stock" "$series"; do
	[ -f "$d/results.tsv" ] || die "summary: no results in $d (did the run happen?)"
done
[ -f "$recipes" ] || die "summary: no $recipes"

# recipes, then the two runs, each line tagged with its kernel.
{
	sed -e '/^#/d' -e 's/^/R\t/' "$recipes"
	sed 's/^/stock\t/' "$stock/results.tsv"
	sed 's/^/series\t/' "$series/results.tsv"
} | awk -F'\t' '
function key(id,   c) {
	c = id; sub(/^[^\/]*\//, "", c)
	if (match(c, /^r[0-9]+/)) return substr(c, 1, RLENGTH)
	c = id; sub(/^repro:/, "", c); sub(/\/.*/, "", c)
	return c
}
# What a stock failure showed, from its reason.
function what(why) {
	if (why ~ /completed with the page pinned|did not wait for the pinned page/) return "freed under the pin"
	if (why ~ /still waits/) return "free never woke"
	if (why ~ /guest died|kernel report: (BUG|Oops|general protection|kernel BUG)/) return "kernel crash"
	if (why ~ /kernel report:/) return "kernel warning"
	return "other failure"
}
function evidence(why,   e) {
	e = why; sub(/^.* -- /, "", e)
	if (e ~ /evidence: /) { sub(/.*evidence: /, "", e); return e }
	return e
}
function add(cell, k, n) { counts[cell, k] += n; if (!((cell, k) in seen)) { seen[cell, k] = 1; order[cell] = order[cell] SUBSEP k } }
function render(cell,   n, i, parts, s) {
	n = split(substr(order[cell], 2), parts, SUBSEP); s = ""
	for (i = 1; i <= n; i++) s = s (s == "" ? "" : ", ") counts[cell, parts[i]] " " parts[i]
	return s == "" ? "-" : s
}
$1 == "R" { desc[$2] = $3; next }
$2 !~ /^repro:/ { next }
{ line[++nl] = $0; if ($2 ~ /\//) { p = $2; sub(/\/.*/, "", p); hascases[p] = 1 } }
END {
	for (i = 1; i <= nl; i++) {
		split(line[i], f, "\t"); k = f[1]; id = f[2]; raw = f[3]; v = f[4]; why = f[5]
		# "N of M planned test cases never reported", on a program line.
		if (match(why, /[0-9]+ of [0-9]+ planned test cases never reported/))
			lost = lost sprintf("- %s: %s, %s\n", k, id, substr(why, RSTART, RLENGTH))
		if (id !~ /\// && hascases[id]) continue
		g = key(id)
		if (!(g in ng)) { ng[g] = 0; groups[++ngroups] = g }
		if (k == "stock") {
			ns[g]++
			# What stock did, and whether tests/expected expected it.
			if (raw == "FAIL" && v == "XFAIL") { add("s" g, what(why), 1); if (!(g in ex)) ex[g] = evidence(why) }
			else if (raw == "FAIL") add("s" g, "UNEXPECTED " what(why), 1)
			else if (v == "XPASS") add("s" g, "UNEXPECTED pass", 1)
			else add("s" g, tolower(raw), 1)
		} else {
			np[g]++
			add("p" g, v == "XFAIL" ? "expected failure" : tolower(v), 1)
			if (v == "XFAIL" && !(g in fixedby)) { fixedby[g] = why; sub(/^.*fixed by /, "", fixedby[g]); sub(/ -- .*/, "", fixedby[g]) }
		}
	}
	print "| recipe | what it does | cases | stock | series |"
	print "|---|---|---:|---|---|"
	for (i = 1; i <= ngroups; i++) {
		g = groups[i]
		# A kernel whose guest died in a case ran fewer of them.
		n = ns[g] > np[g] ? ns[g] : np[g]
		if (ns[g] < n) add("s" g, "never ran", n - ns[g])
		if (np[g] < n) add("p" g, "never ran", n - np[g])
		p = render("p" g); if (g in fixedby) p = p " (" fixedby[g] ")"
		print "| " g " | " (g in desc ? desc[g] : "-") " | " n " | " render("s" g) " | " p " |"
	}
	if (lost != "") {
		print ""
		print "Cases that never ran, their guest having died before them:"
		print ""
		printf "%s", lost
	}
	print ""
	print "On stock, one case of each recipe:"
	print ""
	for (i = 1; i <= ngroups; i++) if (groups[i] in ex) print "- " groups[i] ": " ex[groups[i]]
}' > "$md"

cat "$md"
echo "summary: $md"
