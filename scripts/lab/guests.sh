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

# Ctrl-C reaches this script but not the guests (bash starts a background
# job with SIGINT ignored): stop each with SIGTERM, which boot.sh passes on
# to its QEMU, and wait until they are gone, so no QEMU outlives make.
# Every SPEC is read and checked before the first guest boots, so that a
# bad one stops the run with no guest left running.
n=0 sels=() clocks=() names=()
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
	chosen=$("$(dirname "$0")"/../../guest/bin/lab-select "$list" $sel) ||
		die "guests.sh: guest $n ('$sel'${LAB_ONLY:+, LAB_ONLY=$LAB_ONLY}): a selector names no test"
	[ -n "$chosen" ] || continue
	sels+=("$sel") clocks+=("$icount") names+=("g$n")
done
[ ${#sels[@]} -gt 0 ] || die "nothing selected${LAB_ONLY:+ (LAB_ONLY=$LAB_ONLY)}"

# Ctrl-C reaches this script but not the guests (bash starts a background
# job with SIGINT ignored): stop each with SIGTERM, which boot.sh passes on
# to its QEMU, and wait until they are gone, so no QEMU outlives make.
pids=()
stop()
{
	trap - INT TERM HUP
	# Every job, also one started after the last pid was recorded.
	jobs -p | xargs -r kill -TERM 2> /dev/null
	wait
	die "stopped: the guests ended, nothing judged (their logs are in $out)"
}
trap stop INT TERM HUP
[ ${#sels[@]} -gt 1 ] && [ "${LAB_JOBS:-2}" -gt 1 ] && export LAB_SMP=${LAB_SMP:-1}
for i in "${!sels[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "${LAB_JOBS:-2}" ]; do
		wait -n
	done
	LAB_TESTS="${sels[$i]}" LAB_NAME="${names[$i]}" LAB_ICOUNT=${clocks[$i]} \
		"$(dirname "$0")/boot.sh" test "$kernel" "$initrd" "$out/${names[$i]}" "$list" &
	pids+=($!)
done
# boot.sh's status 1 means that no guest ran; 2, that QEMU failed or was
# killed at its timeout, which the report judges from the logs.
bad=0
for p in "${pids[@]}"; do
	wait "$p"
	[ $? -eq 1 ] && bad=$((bad + 1))
done
[ $bad -eq 0 ] || die "$bad guest(s) could not be started (see the errors above)"
trap - INT TERM HUP
exec "$(dirname "$0")/report.sh" "$out"
