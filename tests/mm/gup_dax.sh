#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# gup_dax.sh - the base tree's gup_test (CONFIG_GUP_TEST) over DAX: get and
# pin, through GUP-fast and the slow path, on ext4 -o dax and xfs -o
# dax=always mapped with PTEs (MADV_NOHUGEPAGE) and with PMDs, and on
# device-dax aligned to 4 KiB (PTEs only) and to 2 MiB (PMDs only).
# FOLL_LONGTERM must be refused on fs-dax and granted on device-dax.
#
# gup_test checks each page it pinned (a kernel WARN, which fails the run,
# if one is not "maybe DMA-pinned") and drops every reference before it
# returns, so a truncate of the file afterwards must finish at once (with
# the series it would wait for a page still referenced).  A PMD case on a
# file must really fault PMDs: fs_dax's dax_pmd_fault_done trace event
# counts them, as ndctl's dax.sh does; a PTE case must try none.  Device-dax
# cannot map below its alignment, so its two devices decide the page size.
# Exit 0 = pass, 1 = fail.

set -u
gup=$(dirname "$0")/gup_test
size_mb=8
ev=/sys/kernel/tracing/events/fs_dax/dax_pmd_fault_done
rc=0

info() { echo "# $*"; }
bad() { echo "# FAIL: $*"; rc=1; }

# gup_ops NAME FILE LONGTERM [gup_test options]: each kind of GUP over the
# whole mapping, MAP_SHARED (a private mapping of a DAX file would pin
# anonymous copies); LONGTERM is "refused" or "granted".
gup_ops()
{
	local name=$1 file=$2 longterm=$3 op out st
	shift 3
	for op in -u -a -U -b -L; do
		out=$("$gup" "$op" -S -m $size_mb -n 64 -f "$file" "$@" 2>&1)
		st=$?
		info "$name: gup_test $op"
		printf '%s\n' "$out" | sed 's/^/#   /'
		[ $st -eq 0 ] || { bad "$name: gup_test $op exited $st"; continue; }
		case $op,$longterm,$out in
		-L,refused,*"truncated (size: 0)"*) ;;
		-L,refused,*) bad "$name: FOLL_LONGTERM was not refused on fs-dax" ;;
		*runcated*) bad "$name: gup_test $op got less than the whole mapping" ;;
		esac
	done
}

# file_case FS MNT pte|pmd: a fresh file of size_mb on MNT, all of gup_ops,
# the PMD faults counted, then a truncate that must not wait.
file_case()
{
	local fs=$1 mnt=$2 kind=$3 f=$2/gup_dax.$3 pmds opt=
	[ "$kind" = pte ] && opt=-T
	rm -f "$f"
	fallocate -l ${size_mb}M "$f" || { bad "$fs.$kind: fallocate"; return; }
	echo > /sys/kernel/tracing/trace
	echo 1 > $ev/enable
	gup_ops "$fs.$kind" "$f" refused $opt
	echo 0 > $ev/enable
	pmds=$(grep -c 'dax_pmd_fault_done.*NOPAGE' /sys/kernel/tracing/trace)
	info "$fs.$kind: $pmds PMD faults"
	case $kind in
	pmd) [ "$pmds" -gt 0 ] || bad "$fs.pmd: no PMD was faulted (blocks not 2 MiB-aligned?)" ;;
	pte) [ "$(grep -c dax_pmd_fault_done /sys/kernel/tracing/trace)" -eq 0 ] ||
		bad "$fs.pte: a PMD fault was tried under MADV_NOHUGEPAGE" ;;
	esac
	timeout 60 truncate -s 0 "$f" || bad "$fs.$kind: truncate after gup_test did not finish in 60 s"
	rm -f "$f"
}

[ -x "$gup" ] || { bad "no $gup"; exit 1; }
[ -e /sys/kernel/debug/gup_test ] || { bad "no /sys/kernel/debug/gup_test (CONFIG_GUP_TEST)"; exit 1; }
[ -d $ev ] || { bad "no $ev"; exit 1; }

# ext4 allocates 2 MiB-aligned blocks only when told its stripe is 2 MiB
# (xfs has su=2m from lab-setup); the stripe is put back after.
mnt=$(lab-setup mount ext4) || { bad "lab-setup mount ext4"; exit 1; }
if mount -o remount,stripe=512 "$mnt"; then
	file_case ext4 "$mnt" pte
	file_case ext4 "$mnt" pmd
	mount -o remount,stripe=0 "$mnt" || bad "mount -o remount,stripe=0 $mnt"
else
	bad "mount -o remount,stripe=512 $mnt"
fi
mnt=$(lab-setup mount xfs) || { bad "lab-setup mount xfs"; exit 1; }
file_case xfs "$mnt" pte
file_case xfs "$mnt" pmd

# The same devices as smoke and invariants use (lab-setup finds them).
dev=$(lab-setup devdax lab-inv-4k 4K 512M) || { bad "lab-setup devdax lab-inv-4k"; exit 1; }
gup_ops devdax_4k.pte "$dev" granted
dev=$(lab-setup devdax lab-devdax) || { bad "lab-setup devdax lab-devdax"; exit 1; }
gup_ops devdax_2m.pmd "$dev" granted
exit $rc
