#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# hmm.sh - the base tree's hmm-tests (tools/testing/selftests/vm) against
# lib/test_hmm (CONFIG_TEST_HMM, CONFIG_DEVICE_PRIVATE): migration to and
# from device-private pages, their faults, fork, GUP and the rest, all of
# it ZONE_DEVICE memory that is not DAX.  The series changes how ZONE_DEVICE
# pages are referenced and freed (memremap, free_zone_device_page()); this
# is the guard that the other users do not notice.  As the tree's
# test_hmm.sh "smoke" does: the module loaded without parameters, so the
# device-coherent variants skip (they need spare physical memory the
# guest does not have: spm_addr_dev0/1).  Exit 0 = pass, 1 = fail.

# The lab's THP setting is "always", which makes hmm-tests' anonymous
# buffers (4 MiB) transparent huge pages, and 6.1's
# make_device_exclusive_range() leaves a tail page alone (mm/rmap.c:
# "PageTail(pages[i]) || !folio_trylock(folio)"), so test_hmm's exclusive
# tests get -EBUSY (seen on the series: exclusive, exclusive_mprotect,
# exclusive_cow).  hmm-tests asks for huge pages itself where it wants them
# (MADV_HUGEPAGE), so it runs with "madvise", as a distribution kernel is.
# anon_write_hugetlbfs wants a huge page of the default size reserved.
thp=/sys/kernel/mm/transparent_hugepage/enabled hp=/proc/sys/vm/nr_hugepages
old_thp=$(sed 's/.*\[\(.*\)\].*/\1/' $thp) old_hp=$(cat $hp)
trap 'echo "$old_thp" > $thp; echo "$old_hp" > $hp' EXIT
echo madvise > $thp || { echo "# FAIL: THP madvise"; exit 1; }
[ "$old_hp" -ge 4 ] || echo 4 > $hp

here=$(dirname "$0")
modprobe test_hmm || { echo "# FAIL: modprobe test_hmm (CONFIG_TEST_HMM=m)"; exit 1; }

# Without spm_addr_dev0/1 there is no device-coherent mirror, and each
# device_coherent case skips in its fixture set-up with exit(0), which this
# kselftest_harness.h counts as a pass: 29 passes that tested nothing.
# They are reported as the skips they are, in the harness's own form.
"$here"/hmm-tests 2>&1 | awk '
/SKIP +DEVICE_COHERENT not available/ { coherent = 1 }
/^ok [0-9]+ / && coherent {
	print "ok " $2 " # SKIP DEVICE_COHERENT not available (test_hmm has no spm_addr_dev0/1)"
	coherent = 0
	next
}
/^(not )?ok / { coherent = 0 }
{ print; fflush() }'
rc=${PIPESTATUS[0]}
modprobe -r test_hmm || { echo "# FAIL: modprobe -r test_hmm"; rc=1; }
[ "$rc" -eq 0 ] || exit 1
