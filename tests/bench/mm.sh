#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mm.sh - dax_bench on each target: gup_test, fault-in, truncate, punch
# hole, munmap, on ext4 -o dax, xfs -o dax=always and device-dax.
# bench.reps=N and bench.size=MiB on the kernel command line override the
# repetitions and the size (make bench passes them).  Exit 0 = every
# workload ran, 1 = one failed.

reps=$(lab-param bench.reps) size=$(lab-param bench.size) gsize=$(lab-param bench.gup_size)
# ext4 allocates 2 MiB-aligned blocks, which PMD faults need, only when
# told its stripe is 2 MiB (xfs has su=2m from lab-setup).
mnt=$(lab-setup mount ext4) || { echo "bench-error: lab-setup mount ext4 failed"; exit 1; }
mount -o remount,stripe=512 "$mnt" ||
	{ echo "bench-error: mount -o remount,stripe=512 $mnt failed"; exit 1; }
# The same addresses at every boot, one source of variation less.  (It
# did not remove munmap.ext4.pte's 34 us step in one boot out of three.)
echo 0 > /proc/sys/kernel/randomize_va_space
rc=0
for t in ext4 xfs devdax; do
	"$(dirname "$0")"/dax_bench ${reps:+-r "$reps"} ${size:+-s "$size"} \
		${gsize:+-g "$gsize"} "$t" || rc=1
done
exit $rc
