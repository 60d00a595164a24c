#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# boot.sh - boot the lab guest under QEMU on emulated persistent memory.
#
# usage: boot.sh test|shell BZIMAGE INITRD RUNDIR [LIST]
#
#   test   run the tests LAB_TESTS selects from LIST (kselftest-list.txt)
#          and power off; the console (kernel log) goes to
#          RUNDIR/console.log, the TAP stream to RUNDIR/tap.log, the tests
#          that should run to RUNDIR/selection, and each result line is
#          echoed as it arrives
#   shell  the same guest with an interactive shell on this terminal
#
# Environment (defaults in brackets):
#   LAB_TESTS [smoke]      selectors (guest/bin/lab-select): suite,
#                          suite:test, -suite:test
#   LAB_ONLY []            of those, only suite:test[,suite:test...]
#   LAB_INJECT []          lab self-check (check-lab.sh): fail or warn
#                          (tests/smoke/lab_selfcheck.sh), or nolabels
#                          (tests/ndctl/ndctl-test)
#   LAB_FLAVOR             stock or series: the kernel this is, recorded as
#                          RUNDIR/flavor for report.sh (test mode; the
#                          Makefile sets it), with the kernel tree in
#                          RUNDIR/kernel
#   LAB_NAME []            a name for the progress lines (parallel guests)
#   LAB_TIMEOUT [3000]     seconds before a hung guest is killed
#   LAB_MEM [12G] LAB_SMP [2] LAB_NVDIMM [8G]   machine size
#   LAB_ITER []            stress mode: each reproducer case N times
#                          (lab.iter=N for tests/repro)
#   LAB_CASE []            of the pin_free, exit_pin and unbind reproducers,
#                          only the cases whose name has one of these
#                          comma-separated strings in it (lab.case=)
#   LAB_SLOW [1]           the guest's time limits are multiplied by it
#                          (lab.slow=N; the Makefile sets 4 for LAB_DEBUG=1),
#                          and the soft-lockup threshold (watchdog_thresh)
#   LAB_APPEND []          more kernel command line
#   LAB_QEMU_OPTS []       more QEMU options, split at blanks (for example
#                          "-s -S" to wait for gdb on port 1234)
#   LAB_FSTESTS []         test mode: an fstests tree built on the host
#                          (scripts/lab/fstests.sh); the tests LIST names
#                          ("CONFIG:TEST") are fstests tests, run by
#                          guest/bin/lab-fstests with LAB_FSTESTS_CONFIGS
#                          (fstests config sections); the host's root is
#                          shared read-only over virtio-9p, RUNDIR/share
#                          writable (the job in, fstests' results out)
#   LAB_ICOUNT []          1: an instruction-count clock for benchmarks
#                          (-icount shift=0,align=off, one vCPU): guest
#                          time then advances one nanosecond per guest
#                          instruction, whatever else the host is doing
#
# The machine: q35 with nvdimm=on, TCG (-accel tcg -cpu max: KVM does not
# work on these hosts); one NVDIMM backed by a sparse file with a 2 MiB label
# area (ACPI.NFIT); guest RAM from 8 GiB to 11 GiB turned into legacy e820
# pmem by memmap=3G!8G (ndctl's dax-dev, dax.sh, device-dax, mmap.sh use
# it) - not lower: nfit_test hands out fake physical addresses from 4 GiB to
# 8 GiB, and while it is loaded its phys_to_pfn_t() wrapper strips PFN_MAP
# from any pfn in that range, real pmem included; a 4 GiB virtio scratch
# disk.  The backing files are sparse and made
# anew at every boot, so no run sees the last one's state.  The exact QEMU
# command is kept as RUNDIR/qemu.cmd, to run again by hand.
#
# Exit status (test mode): 0 when QEMU ran to its end (the guest powered
# off, or rebooted after a panic: report.sh tells which); 2 when QEMU failed,
# was killed at the timeout or was stopped (SIGTERM, SIGINT, SIGHUP), its
# logs kept for report.sh; 1 when no guest ran (bad arguments, no kernel, no
# QEMU).

set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

mode=$1 kernel=$2 initrd=$3 rundir=$4 list=${5:-}
qemu=${LAB_QEMU:-qemu-system-x86_64}
timeout_s=${LAB_TIMEOUT:-3000}

command -v "$qemu" >/dev/null ||
	die "QEMU is missing: $qemu not found (run 'make deps', or apt-get install qemu-system-x86)"
[ -f "$kernel" ] || die "no kernel image at $kernel (run 'make kernel')"
[ -f "$initrd" ] || die "no initramfs at $initrd (run 'make initramfs')"

mkdir -p "$rundir"
nvdimm=$rundir/nvdimm0.img scratch=$rundir/scratch.img
rm -f "$nvdimm" "$scratch" "$rundir"/{console.log,tap.log,qemu.status,selection,flavor,kernel}
truncate -s "${LAB_NVDIMM:-8G}" "$nvdimm"
truncate -s 4G "$scratch"

# shellcheck disable=SC2086 # one selector a word, joined by single commas
tests=$(echo ${LAB_TESTS:-smoke} | tr ' ' ,)
if [ "$mode" = test ]; then
	[ -f "$list" ] || die "boot: no test list $list"
	# shellcheck disable=SC2086 # one selector a word
	"$(dirname "$0")"/../../guest/bin/lab-select "$list" ${LAB_TESTS:-smoke} > "$rundir/selection" ||
		die "boot: a selector of '${LAB_TESTS:-smoke}'${LAB_ONLY:+ or LAB_ONLY=$LAB_ONLY} names no test"
	[ -s "$rundir/selection" ] || die "boot: '${LAB_TESTS:-smoke}'${LAB_ONLY:+ with LAB_ONLY=$LAB_ONLY} selects no test"
	# Which of tests/expected applies is decided by the kernel booted,
	# so the run says which it was.
	case ${LAB_FLAVOR:-} in
	stock|series) ;;
	*) die "boot: LAB_FLAVOR is '${LAB_FLAVOR:-}', not stock or series (the Makefile sets it)" ;;
	esac
	# A kernel built in a lab tree says itself what it is (base.sh
	# writes "stock" or the series' hash): a B= that points at the
	# other flavor's tree must not be judged by the wrong expectations.
	shash=${kernel%/arch/x86/boot/bzImage}/.git/lab-series-hash
	if [ -f "$shash" ]; then
		case $(cat "$shash") in
		stock) built=stock ;;
		none) die "boot: $kernel is from a tree whose series did not apply" ;;
		*) built=series ;;
		esac
		[ "$built" = "$LAB_FLAVOR" ] ||
			die "boot: $kernel is the $built kernel, but LAB_FLAVOR says $LAB_FLAVOR (B= and SERIES= disagree?)"
	fi
	echo "$LAB_FLAVOR" > "$rundir/flavor"
	# The tree of the kernel booted and its vmlinux's build ID: report.sh
	# turns a report's frames into file and line from that vmlinux when
	# it has DWARF, and not from a vmlinux built since.
	ktree=$(realpath "${kernel%/arch/x86/boot/bzImage}")
	{ echo "$ktree"; build_id "$ktree/vmlinux"; } > "$rundir/kernel"
fi

# fstests: the host's root for the guest's user space, and a directory of
# this run's for the job and fstests' results.
gmode=$mode virtfs=()
if [ -n "${LAB_FSTESTS:-}" ]; then
	[ "$mode" = test ] || die "boot: LAB_FSTESTS is for test mode"
	[ -x "$LAB_FSTESTS/check" ] || die "boot: LAB_FSTESTS=$LAB_FSTESTS is no fstests tree (make fstests-build)"
	[ -f "${LAB_FSTESTS_CONFIGS:-}" ] || die "boot: LAB_FSTESTS_CONFIGS=${LAB_FSTESTS_CONFIGS:-} is no file"
	share=$rundir/share
	rm -rf "$share"
	mkdir -p "$share/results"
	cp "$rundir/selection" "$share/selection"
	cp "$LAB_FSTESTS_CONFIGS" "$share/configs"
	echo "FSTESTS=$(realpath "$LAB_FSTESTS")" > "$share/job"
	gmode=fstests
	# shellcheck disable=SC2054 # the commas separate QEMU's sub-options
	virtfs=(-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
		-virtfs "local,path=$(realpath "$share"),mount_tag=labshare,security_model=none,multidevs=remap")
fi

append="console=ttyS0 oops=panic panic=-1 memmap=3G!8G lab.mode=$gmode lab.tests=$tests"
[ -n "${LAB_INJECT:-}" ] && append+=" lab.inject=$LAB_INJECT"
[ -n "${LAB_ONLY:-}" ] && append+=" lab.only=$LAB_ONLY"
[ -n "${LAB_ITER:-}" ] && append+=" lab.iter=$LAB_ITER"
[ -n "${LAB_CASE:-}" ] && append+=" lab.case=$LAB_CASE"
# A slow guest (LAB_SLOW: KASAN under TCG) also gets a lockup detector that
# many times as patient, at most the kernel's 60 s: a base kernel's loop
# that runs long only there (KASAN's shadow for the 8 GiB pmem mapping,
# populated page by page in memremap() at nd_pmem's probe: 26 s seen) is
# no report.  The hung-task detector (120 s) is left as it is.
[[ ${LAB_SLOW:-1} =~ ^[1-9][0-9]*$ ]] || die "boot: LAB_SLOW=$LAB_SLOW is no whole number above 0"
if [ "${LAB_SLOW:-1}" != 1 ]; then
	thresh=$((10 * LAB_SLOW))
	[ "$thresh" -le 60 ] || thresh=60
	append+=" lab.slow=$LAB_SLOW watchdog_thresh=$thresh"
fi
append+=" ${LAB_APPEND:-}"

# memmap=3G!8G below makes guest-physical 8-11 GiB the legacy pmem device,
# which must be RAM: the layout is only made and measured for 12 GiB.
mem=${LAB_MEM:-12G}
[[ $mem =~ ^([0-9]+)([MmGgTt]?)$ ]] || die "boot: LAB_MEM=$mem is no size (12G, 16384M, ...)"
case ${BASH_REMATCH[2]} in
[Tt]) mem_g=$((10#${BASH_REMATCH[1]} * 1024)) ;;
[Gg]) mem_g=$((10#${BASH_REMATCH[1]})) ;;
*) mem_g=$((10#${BASH_REMATCH[1]} / 1024)) ;;	# MiB, QEMU's unit
esac
[ "$mem_g" -ge 12 ] ||
	die "boot: LAB_MEM=$mem is below 12G: the legacy pmem of memmap=3G!8G (guest-physical 8-11 GiB) needs the guest's RAM there"

smp=${LAB_SMP:-2}
case ${LAB_ICOUNT:-0} in
0) ;;
1)	[ "$smp" = 1 ] || [ -z "${LAB_SMP:-}" ] ||
		die "boot: LAB_ICOUNT=1 needs one vCPU (LAB_SMP=$LAB_SMP)"
	smp=1 ;;
*) die "boot: LAB_ICOUNT is 0 or 1, not '$LAB_ICOUNT'" ;;
esac

# shellcheck disable=SC2054 # the commas separate QEMU's sub-options
args=(-machine q35,nvdimm=on -accel tcg -cpu max
      -smp "$smp" -m "$mem,slots=4,maxmem=40G"
      -object "memory-backend-file,id=nvmem0,share=on,mem-path=$nvdimm,size=${LAB_NVDIMM:-8G},align=2M"
      -device nvdimm,id=nvdimm0,memdev=nvmem0,label-size=2M
      -drive "file=$scratch,if=virtio,format=raw,cache=unsafe"
      -kernel "$kernel" -initrd "$initrd" -append "$append"
      "${virtfs[@]}" -nodefaults -display none -no-reboot)
# qboot boots in a fraction of SeaBIOS's time (kunit.py uses it too).
qboot=/usr/share/qemu/qboot.rom
[ -f "$qboot" ] && [ "${LAB_BIOS:-qboot}" = qboot ] && args+=(-bios "$qboot")
# shellcheck disable=SC2054 # the comma separates QEMU's sub-options
[ "${LAB_ICOUNT:-0}" = 1 ] && args+=(-icount shift=0,align=off)
if [ -n "${LAB_QEMU_OPTS:-}" ]; then
	read -ra extra <<< "$LAB_QEMU_OPTS"
	args+=("${extra[@]}")
fi

if [ "$mode" = shell ]; then
	args+=(-serial mon:stdio -serial "file:$rundir/tap.log")
	printf '%q ' "$qemu" "${args[@]}" > "$rundir/qemu.cmd"
	echo >> "$rundir/qemu.cmd"
	say "boot: interactive shell (exit the shell to power off; Ctrl-a x quits QEMU)"
	exec "$qemu" "${args[@]}"
fi
args+=(-serial "file:$rundir/console.log" -serial "file:$rundir/tap.log")
printf '%q ' "$qemu" "${args[@]}" > "$rundir/qemu.cmd"
echo >> "$rundir/qemu.cmd"

name=${LAB_NAME:+$LAB_NAME: }
say "boot: ${name}guest running $(wc -l < "$rundir/selection") tests of '${LAB_TESTS:-smoke}' (timeout ${timeout_s}s, logs in $rundir)"
: > "$rundir/tap.log"
# timeout(1) puts QEMU in a process group of its own, so a Ctrl-C on the
# terminal does not reach it; guests.sh passes it on as SIGTERM, and this
# passes it to timeout, which passes it to QEMU.
stopped='' qpid=''
# shellcheck disable=SC2317 # run by the trap
stop()
{
	stopped=1
	[ -n "$qpid" ] && kill -TERM "$qpid" 2> /dev/null
}
trap stop TERM INT HUP
t0=$SECONDS
timeout -s KILL "$timeout_s" "$qemu" "${args[@]}" > "$rundir/qemu.out" 2>&1 &
qpid=$!
# A signal that came while QEMU was being started found no pid to pass on.
[ -n "$stopped" ] && kill -TERM "$qpid" 2> /dev/null
# Echo each result as the guest reports it.
tail -n +1 -f --pid=$qpid "$rundir/tap.log" 2>/dev/null |
	tr -d '\r' | grep --line-buffered -E '^(not )?ok ' | sed -u "s/^/  ${name:-guest: }/" >&2 &
# A trapped signal ends a wait early: wait again until QEMU is gone.
wait "$qpid"
rc=$?
while kill -0 "$qpid" 2> /dev/null; do
	wait "$qpid"
	rc=$?
done
sleep 0.5
# timeout(1) exits 137 when it kills QEMU, but so does QEMU killed by
# anyone else (the OOM killer): only the first has used up its time.
timed_out=0
[ $rc -eq 137 ] && [ $((SECONDS - t0)) -ge "$timeout_s" ] && timed_out=1
echo "rc=$rc timeout=$timed_out seconds=$timeout_s${stopped:+ stopped=1}" > "$rundir/qemu.status"
if [ -n "$stopped" ]; then
	say "boot: ${name}guest stopped (QEMU rc=$rc)"
	exit 2
fi
if [ $rc -ne 0 ] && [ $timed_out -eq 0 ]; then
	echo "---- QEMU exited with $rc ----" >&2
	tail -n 20 "$rundir/qemu.out" >&2
fi
say "boot: ${name}guest finished (QEMU rc=$rc$([ $timed_out = 1 ] && echo ", killed at the ${timeout_s}s timeout"))"
[ $rc -eq 0 ] || exit 2
exit 0
