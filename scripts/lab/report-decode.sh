# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2154 # globals of report.sh, which sources this
# report-decode.sh - for report.sh (sourced): the top of a kernel report's
# stack as file and line, when the kernel the guest booted has DWARF
# (LAB_DEBUG=1: configs/debug.config).  boot.sh records the kernel tree in
# RUNDIR/kernel; the tree's own scripts/decode_stacktrace.sh does the
# work, with the unstripped modules that build.sh links, one a name, in
# TREE/.lab-debug-modules (the guest's are stripped, and nfit_test's
# modules share their names with the tree's).  RUNDIR/kernel also has the
# build ID of the vmlinux booted: a tree built again since is not used.

# report_frames LINE: for the report whose first line is LINE (as
# kernel-reports.txt has it), its RIP and the first four reliable frames of
# its Call Trace ("func (fs/dax.c:123)"), one a line; nothing without
# DWARF.  The frames of the reporting code itself (dump_stack, KASAN's and
# WARN's helpers) are left out, and only the lines shown are decoded:
# addr2line on a DWARF vmlinux takes a second or two for each.
report_frames()
{
	local tree id n
	[ -f "$rundir/kernel" ] || return 0
	{ read -r tree; read -r id; } < "$rundir/kernel" || return 0
	[ -x "$tree/scripts/decode_stacktrace.sh" ] && [ -f "$tree/vmlinux" ] || return 0
	readelf -S "$tree/vmlinux" 2> /dev/null | grep -qF .debug_line || return 0
	if [ "$(build_id "$tree/vmlinux")" != "$id" ]; then
		echo "(no file and line: $tree/vmlinux was built again after this run)"
		return 0
	fi
	n=$(grep -nxF -m1 -- "$1" "$console" | cut -d: -f1)
	[ -n "$n" ] || return 0
	tail -n "+$((n + 1))" "$console" |
		awk '/<\/TASK>|---\[ end trace|^\[[ 0-9.]*\] (lab: |---\[)/ || ++lines > 150 { exit }
		     /RIP: [0-9a-f]+:/ && !rip++ { print; next }
		     /Call Trace:/ { trace = 1; next }
		     !trace || / \? / { next }
		     / (dump_stack|print_report|print_address_description|kasan_|__kasan_|__asan_|check_memory_region|__might_|___might_|lock_acquire|__warn|warn_slowpath|report_bug|handle_bug|exc_invalid_op|asm_exc_invalid_op)[a-z0-9_.]*\+0x/ { next }
		     /[^+ ]+\+0x[0-9a-f]+\/0x[0-9a-f]+/ && frames++ < 4 { print }' |
		"$tree/scripts/decode_stacktrace.sh" "$tree/vmlinux" "$tree" "$tree/.lab-debug-modules" 2> /dev/null |
		sed -E -n -e 's/^\[[ 0-9.]*\] *//' -e 's/^RIP: [0-9a-f]+://' -e 's/ +$//' -e '/ \([^ ()?]+:[0-9]+/p'
}
