#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fio.sh - throughput of fio's dev-dax engine on the device-dax instance and
# of its mmap engine on a file on each DAX mount: short fixed-size runs,
# sequential write then read, bandwidth in MiB/s of guest time (under
# -icount: per instruction-count second).  A metric that cannot be
# measured is named on a "bench-skip:" line with the reason, never dropped.
# Exit 0 = every run that could run did, 1 = one failed.

size=$(lab-param bench.fio_size)
size=${size:-64}
rc=0

# run NAME FIO-ARGS...: sequential write, then read; one line each.  fio's
# own bandwidth comes from its runtime in milliseconds, too coarse for a
# run of a few milliseconds of guest time: the figure is the block size
# over the mean completion latency of a block (nanoseconds).
run()
{
	local name=$1 rw out lat
	shift
	for rw in write read; do
		out=$(fio --name="$name" --rw=$rw --bs=2m --size="${size}"M --io_size=$((size * 4))M \
			--numjobs=1 --clocksource=clock_gettime --output-format=json "$@" 2> /tmp/fio.err)
		lat=$(echo "$out" | jq -r --arg rw $rw \
			'.jobs[0][$rw] | select(.io_bytes > 0) | .clat_ns.mean // empty' 2>/dev/null)
		if [ -z "$lat" ]; then
			echo "bench-error: fio $name $rw failed:"
			{ echo "$out"; cat /tmp/fio.err; } | tail -n 5
			rc=1
			continue
		fi
		echo "bench: $name.$rw $(awk -v l="$lat" 'BEGIN { printf "%.1f", 2 * 1e9 / l }') MiB/s"
	done
}

# dev-dax is built into Debian's fio (through libpmem); "fio --enghelp=dev-dax"
# fails only because the engine has no options.
if fio --enghelp 2>/dev/null | grep -qw dev-dax; then
	dev=$(lab-setup devdax lab-devdax) || { echo "bench-error: lab-setup devdax failed"; exit 1; }
	run fio.devdax.devdax --ioengine=dev-dax --filename="$dev"
else
	echo "bench-skip: fio.devdax.devdax.*: this fio has no dev-dax engine (fio --enghelp)"
fi

for fs in ext4 xfs; do
	mnt=$(lab-setup mount $fs) || { echo "bench-error: lab-setup mount $fs failed"; rc=1; continue; }
	run fio.$fs.mmap --ioengine=mmap --filename="$mnt/fio.dat"
	rm -f "$mnt/fio.dat"
done
exit $rc
