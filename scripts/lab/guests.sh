#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guests.sh - run tests in one or more guests at once, then report.
#
# usage: guests.sh BZIMAGE INITRD OUT LIST SPEC...
#
# Each SPEC is one guest: a quoted list of lab-select selectors, e.g.
# "smoke ndctl:mmap.sh" "ndctl -ndctl:mmap.sh".  The guests boot side by side
# (two at a time: this machine has two cores), in OUT/g1, OUT/g2, ...; a guest
# whose SPEC selects nothing (LAB_ONLY) is not booted.  report.sh then gives
# one verdict over all of them.  Side by side, each guest gets one vCPU
# (LAB_SMP=1 unless set): under TCG a vCPU is a host thread, and a second one
# per guest would only take time from the other guest.
#
# A SPEC may also carry "clock=icount": that guest runs under QEMU's
# -icount (LAB_ICOUNT=1, one vCPU), so its clock counts instructions and a
# test's wall-clock limit does not depend on what else the host runs.

set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

kernel=$1 initrd=$2 out=$3 list=$4
shift 4
[ $# -gt 0 ] || die "usage: guests.sh BZIMAGE INITRD OUT LIST SPEC..."
rm -rf "$out"
mkdir -p "$out"

n=0 pids=()
[ $# -gt 1 ] && [ "${LAB_JOBS:-2}" -gt 1 ] && export LAB_SMP=${LAB_SMP:-1}
for spec in "$@"; do
	n=$((n + 1))
	icount=${LAB_ICOUNT:-0} sel=
	for w in $spec; do
		case $w in
		clock=icount) icount=1 ;;
		clock=*) die "guests.sh: '$w': the only clock is clock=icount" ;;
		*) sel+="${sel:+ }$w" ;;
		esac
	done
	# shellcheck disable=SC2086 # one selector a word
	[ -n "$("$(dirname "$0")"/../../guest/bin/lab-select "$list" $sel)" ] || continue
	while [ "$(jobs -rp | wc -l)" -ge "${LAB_JOBS:-2}" ]; do
		wait -n
	done
	LAB_TESTS="$sel" LAB_NAME="g$n" LAB_ICOUNT=$icount \
		"$(dirname "$0")/boot.sh" test "$kernel" "$initrd" "$out/g$n" "$list" &
	pids+=($!)
done
[ ${#pids[@]} -gt 0 ] || die "nothing selected${LAB_ONLY:+ (LAB_ONLY=$LAB_ONLY)}"
rc=0
for p in "${pids[@]}"; do
	wait "$p" || rc=1
done
[ $rc -eq 0 ] || die "a guest could not be started"
exec "$(dirname "$0")/report.sh" "$out"
