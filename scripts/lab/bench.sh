#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh - boot two kernels alternately (A B A B ...) with the bench
# collection and collect its figures.
#
# usage: bench.sh OUT ROUNDS CLOCK A_DIR B_DIR
#
#   OUT     output directory (emptied first): OUT/images/{A,B} (the kernel
#           and initramfs, copied once, so every round boots the same bits
#           even if a build runs meanwhile), OUT/rounds/rN-{A,B}/g1 (each
#           guest's logs, boot.sh), OUT/raw.tsv ("round side metric value
#           unit", one line per figure) and OUT/notes.txt (the guests'
#           bench-skip, bench-check and bench-info lines, first round)
#   ROUNDS  rounds, 1-20; each boots A then B
#   CLOCK   icount (QEMU -icount shift=0,align=off: guest time counts
#           instructions) or tcg (plain TCG: wall-clock time, a sanity check)
#   A_DIR, B_DIR   build/<flavor> directories: linux/arch/x86/boot/bzImage,
#           initramfs.cpio, tests/kselftest-list.txt (the same directory
#           twice to compare a kernel with itself)
#
# Environment: BENCH_REPS (repetitions inside a guest, odd, default 5),
# BENCH_SIZE (MiB mapped by the fault, truncate, punch and munmap
# workloads, default 32), BENCH_GUP_SIZE (MiB for gup_test, default 64),
# BENCH_FIO_SIZE (MiB per fio run, default 64); LAB_TIMEOUT as for boot.sh.
# A guest run that is not clean (report.sh: a failed workload, a kernel
# WARNING, a crash) stops the bench: its figures would not mean anything.

set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -eq 5 ] || die "usage: bench.sh OUT ROUNDS icount|tcg A_DIR B_DIR"
out=$1 rounds=$2 clock=$3 adir=$4 bdir=$5
L=$(dirname "$0")

case $rounds in
''|*[!0-9]*) die "bench: BENCH_ROUNDS must be a number, not '$rounds'" ;;
esac
# shellcheck disable=SC2015 # dies if either bound fails, as meant
[ "$rounds" -ge 1 ] && [ "$rounds" -le 20 ] || die "bench: BENCH_ROUNDS must be 1-20, not $rounds"
case $clock in
icount) icount=1 ;;
tcg) icount=0 ;;
*) die "bench: BENCH_CLOCK is icount or tcg, not '$clock'" ;;
esac
num()
{
	case $2 in
	''|*[!0-9]*) die "bench: $1 must be a number, not '$2'" ;;
	esac
}
reps=${BENCH_REPS:-5} size=${BENCH_SIZE:-32} gsize=${BENCH_GUP_SIZE:-64} fsize=${BENCH_FIO_SIZE:-64}
num BENCH_REPS "$reps"; num BENCH_SIZE "$size"; num BENCH_GUP_SIZE "$gsize"; num BENCH_FIO_SIZE "$fsize"
reps=$((10#$reps)) size=$((10#$size)) gsize=$((10#$gsize))
[ $((reps % 2)) = 1 ] || die "bench: BENCH_REPS must be odd (a median of one value), not $reps"
# dax_bench's own limits, checked here rather than after a boot.
[ "$reps" -le 31 ] || die "bench: BENCH_REPS is at most 31, not $reps"
mib()
{
	# shellcheck disable=SC2015 # dies if any test fails, as meant
	[ $(($2 % 2)) = 0 ] && [ "$2" -ge 2 ] && [ "$2" -le 1024 ] ||
		die "bench: $1 is an even number of MiB, 2-1024, not $2"
}
mib BENCH_SIZE "$size"; mib BENCH_GUP_SIZE "$gsize"

rm -rf "$out"
mkdir -p "$out/images" "$out/rounds"
for side in A B; do
	d=$adir
	[ $side = B ] && d=$bdir
	for f in "$d/linux/arch/x86/boot/bzImage" "$d/initramfs.cpio" "$d/tests/kselftest-list.txt"; do
		[ -f "$f" ] || die "bench: no $f (run 'make bench', which builds it)"
	done
	grep -q '^bench:' "$d/tests/kselftest-list.txt" ||
		die "bench: $d/initramfs.cpio has no bench collection (rebuild it: make initramfs)"
	mkdir -p "$out/images/$side"
	cp "$d/linux/arch/x86/boot/bzImage" "$d/initramfs.cpio" "$d/tests/kselftest-list.txt" \
		"$out/images/$side/"
	echo "$side $d $(cat "$d/stage/kernelrelease" 2>/dev/null) $(sha1sum < "$out/images/$side/bzImage" | cut -c1-12)" \
		>> "$out/images/sides"
done

append="bench.reps=$reps bench.size=$size bench.gup_size=$gsize bench.fio_size=$fsize"
say "bench: $rounds rounds of A ($adir) and B ($bdir), clock $clock, $reps repetitions in each guest"
: > "$out/raw.tsv"
# Ctrl-C stops the guest (boot.sh) and then the rounds: not the next boot.
trap 'die "bench: stopped; the rounds so far are in $out"' INT TERM HUP
for r in $(seq "$rounds"); do
	for side in A B; do
		run=$out/rounds/r$r-$side
		flavor=$(basename "$([ $side = A ] && echo "$adir" || echo "$bdir")")
		t=$(date +%s)
		LAB_TESTS=bench LAB_NAME="r$r-$side" LAB_ICOUNT=$icount LAB_SMP=1 LAB_FLAVOR=${flavor%%-*} \
			LAB_APPEND="${LAB_APPEND:-} $append" \
			"$L/boot.sh" test "$out/images/$side/bzImage" "$out/images/$side/initramfs.cpio" \
			"$run/g1" "$out/images/$side/kselftest-list.txt"
		# 1: no guest ran; 2: QEMU failed or timed out, which the report
		# below names.
		[ $? -eq 1 ] && die "bench: round $r, $side ($flavor): the guest could not be started"
		# No expectations: a failure that tests/expected excuses elsewhere
		# (stock's known lockdep report, which turns lockdep off for the
		# rest of the boot) would leave the two kernels running different
		# code, and the figures comparing nothing.
		if ! LAB_EXPECTED=/dev/null "$L/report.sh" "$run" \
			> "$run/report.txt" 2>&1; then
			cat "$run/report.txt" >&2
			grep -h '^# bench-error' "$run/g1/tap.txt" >&2
			die "bench: round $r, $side ($flavor) did not run clean: see $run"
		fi
		tr -d '\r' < "$run/g1/tap.log" |
			awk -v r="$r" -v s="$side" '/^# bench: / { print r "\t" s "\t" $3 "\t" $4 "\t" $5 }' \
			>> "$out/raw.tsv"
		say "bench: round $r, $side: $(grep -c "^$r	$side	" "$out/raw.tsv") figures in $(( $(date +%s) - t ))s"
		[ "$r" = 1 ] && tr -d '\r' < "$run/g1/tap.log" |
			sed -n "s/^# \(bench-\(skip\|check\|info\|warn\): \)/$side \1/p" >> "$out/notes.txt"
	done
done
echo "$clock" > "$out/clock"
