#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-report.sh - the lab's verdict layer against saved runs, without QEMU.
#
# usage: check-report.sh [NAME...]            run the fixtures (all by default)
#        check-report.sh --update NAME...     rewrite their expected files
#
# Each fixture is a directory tests/lab/TOOL/NAME/ (NAME above is TOOL/NAME,
# or NAME alone when it is unique) with an "about" file (one line: the path
# it covers), an "expected" file (what the tool must print, and its exit
# status) and the tool's saved inputs:
#
#   report  g1/, g2/, ...: guest directories as boot.sh leaves them
#           (console.log, tap.log, selection, flavor, qemu.status), judged by
#           report.sh OUT as guests.sh runs it, with tests-expected as
#           tests/expected (LAB_EXPECTED; none if absent; a link to
#           ../../../expected for the real one); its results.tsv is
#           compared too
#   bench   raw.tsv, clock, notes.txt (bench.sh's output), judged by
#           bench-report.sh OUT A_NAME B_NAME THRESHOLDS as make bench runs
#           it; names (two lines: A_NAME, B_NAME; default stock, series) if
#           present, and thresholds, its own (never tests/bench/thresholds,
#           which is retuned).  The chart is not checked: gnuplot is a stub
#   table   stock/results.tsv and series/results.tsv, put side by side by
#           table.sh STOCK SERIES OUT.md as make repro does
#   summary the same two, with recipes, summed up by summary.sh STOCK SERIES
#           OUT.md RECIPES as make run does
#   select  list (a kselftest-list.txt) and args (one selector a line),
#           resolved by guest/bin/lab-select LIST ARGS...
#
# and, for any tool, env: VAR=VALUE lines for the tool's environment
# (LAB_ONLY=...).  Every other LAB_* and BENCH_* variable
# is cleared, so a developer's settings do not change the outcome.  The tool
# runs on a copy of the inputs in a temporary directory, whose name is
# printed as OUT.  Output is TAP: 1..N, then "ok N TOOL/NAME" or "not ok N
# TOOL/NAME" with the difference (expected, then actual); exit status 1 if
# any fixture failed.

set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

root=$(realpath "$(dirname "$0")/../..")
fixtures=$root/tests/lab
export LC_ALL=C

update=0
if [ "${1:-}" = --update ]; then
	update=1
	shift
	[ $# -gt 0 ] || die "usage: check-report.sh --update NAME... (a fixture of tests/lab/TOOL/NAME)"
fi

# The fixtures named on the command line, or all of them, as TOOL/NAME.
resolve()
{
	local n m
	if [ $# -eq 0 ]; then
		for m in "$fixtures"/*/*/about; do
			[ -f "$m" ] || continue
			m=${m%/about}
			echo "${m#"$fixtures"/}"
		done
		return
	fi
	for n in "$@"; do
		n=${n%/}
		n=${n#tests/lab/}
		if [ -d "$fixtures/$n" ] && [[ $n == */* ]]; then
			echo "$n"
			continue
		fi
		m=$(cd "$fixtures" && for d in */"$n"; do [ -d "$d" ] && echo "$d"; done)
		[ -n "$m" ] || die "check-report: no fixture $n in $fixtures"
		[ "$(echo "$m" | wc -l)" -eq 1 ] || die "check-report: $n is ambiguous: $(echo "$m" | tr '\n' ' ')"
		echo "$m"
	done
}

# run TOOL FIXTURE-DIR WORK-DIR: run the tool on a copy of the fixture's
# inputs and print what it did: its standard output, its standard error
# and the files it writes that others read, then its exit status.
run()
{
	local tool=$1 fx=$2 work=$3 rc f
	local -a args=()
	mkdir -p "$work/out"
	case $tool in
	report)
		for f in "$fx"/*/; do
			cp -r "$f" "$work/out/"
		done
		# The fixture's own expectations, or none: a fixture does not
		# change when tests/expected does, unless it links to it.
		export LAB_EXPECTED=/dev/null
		[ -e "$fx/tests-expected" ] && LAB_EXPECTED=$fx/tests-expected
		args=("$root/scripts/lab/report.sh" "$work/out") ;;
	bench)
		for f in raw.tsv clock notes.txt; do
			[ -f "$fx/$f" ] && cp "$fx/$f" "$work/out/"
		done
		# The chart is not the verdict; keep the fixtures fast and
		# independent of gnuplot.
		mkdir -p "$work/bin"
		printf '#!/bin/sh\ncat > /dev/null\n' > "$work/bin/gnuplot"
		chmod +x "$work/bin/gnuplot"
		export PATH=$work/bin:$PATH
		local a=stock b=series
		if [ -f "$fx/names" ]; then
			a=$(sed -n 1p "$fx/names") b=$(sed -n 2p "$fx/names")
		fi
		# Its own thresholds: the fixture must not change its verdict
		# when tests/bench/thresholds is retuned.
		if [ ! -f "$fx/thresholds" ]; then
			echo "bench fixture without a thresholds file"
			return
		fi
		args=("$root/scripts/lab/bench-report.sh" "$work/out" "$a" "$b" "$fx/thresholds") ;;
	table|summary)
		# A run that left no results has no directory (git keeps no
		# empty one): that is one of the fixtures.
		for f in stock series; do
			[ -d "$fx/$f" ] && cp -r "$fx/$f" "$work/out/"
		done
		if [ "$tool" = table ]; then
			args=("$root/scripts/lab/table.sh" "$work/out/stock" "$work/out/series" "$work/out/repro-table.md")
		else
			args=("$root/scripts/lab/summary.sh" "$work/out/stock" "$work/out/series" "$work/out/summary.md"
			      "$fx/recipes")
		fi ;;
	select)
		args=("$root/guest/bin/lab-select" "$fx/list")
		[ -f "$fx/args" ] && mapfile -t -O 2 args < "$fx/args" ;;
	*)
		echo "unknown tool $tool (report, bench, table, summary or select)"
		return ;;
	esac
	(
		cd "$work" || exit 1
		"${args[@]}" > "$work/stdout" 2> "$work/stderr"
	)
	rc=$?
	cat "$work/stdout"
	if [ -s "$work/stderr" ]; then
		echo "--- stderr"
		cat "$work/stderr"
	fi
	case $tool in
	report) f=results.tsv ;;
	table) f=repro-table.md ;;
	*) f= ;;
	esac
	if [ -n "$f" ] && [ -f "$work/out/$f" ]; then
		echo "--- $f"
		cat "$work/out/$f"
	fi
	echo "--- exit $rc"
}

# The output of fixture $1 (TOOL/NAME), with the temporary directory as OUT.
actual()
{
	local name=$1 work
	work=$(realpath "$(mktemp -d "${TMPDIR:-/tmp}/check-report.XXXXXX")")
	(
		unset "${!LAB_@}" "${!BENCH_@}"
		if [ -f "$fixtures/$name/env" ]; then
			while IFS= read -r kv; do
				case $kv in
				''|'#'*) ;;
				*=*) export "${kv?}" ;;
				esac
			done < "$fixtures/$name/env"
		fi
		run "${name%%/*}" "$fixtures/$name" "$work"
	) | sed "s|$work/out|OUT|g; s|$work|OUT|g; s|$root/|SRC/|g"
	rm -rf "$work"
}

names=$(resolve "$@") || exit 1
[ -n "$names" ] || die "check-report: no fixtures in $fixtures"

if [ $update = 1 ]; then
	for name in $names; do
		fx=$fixtures/$name
		[ -f "$fx/about" ] || die "check-report: $name has no about file (one line: what path it covers)"
		actual "$name" > "$fx/expected.new"
		if [ -f "$fx/expected" ] && cmp -s "$fx/expected" "$fx/expected.new"; then
			echo "$name: unchanged"
		else
			echo "$name: expected rewritten; check the difference before committing:"
			diff -u "$fx/expected" "$fx/expected.new" 2>/dev/null | tail -n +3 | sed 's/^/  /'
		fi
		mv "$fx/expected.new" "$fx/expected"
	done
	exit 0
fi

echo "1..$(echo "$names" | wc -l)"
i=0 failed=0
for name in $names; do
	i=$((i + 1))
	fx=$fixtures/$name
	if [ ! -f "$fx/expected" ]; then
		echo "not ok $i $name"
		echo "# no expected file: write one with check-report.sh --update $name"
		failed=$((failed + 1))
		continue
	fi
	if diff -u --label expected --label actual "$fx/expected" <(actual "$name") > "${TMPDIR:-/tmp}/check-report.diff.$$"; then
		echo "ok $i $name"
	else
		echo "not ok $i $name"
		echo "# $(head -n1 "$fx/about")"
		sed 's/^/# /' "${TMPDIR:-/tmp}/check-report.diff.$$"
		failed=$((failed + 1))
	fi
	rm -f "${TMPDIR:-/tmp}/check-report.diff.$$"
done
echo "# $((i - failed)) passed, $failed failed"
[ $failed -eq 0 ]
