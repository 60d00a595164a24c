#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build.sh - build the kernel, nfit_test and the project's test modules, and
# stage the modules for the guest.
#
# usage: build.sh TREE STAGE KMOD_SRC KMOD_OBJ LOG
#
#   TREE      configured scratch tree (built in place: the tree is ours)
#   STAGE     INSTALL_MOD_PATH for the guest's /lib/modules
#   KMOD_SRC  the project's checkout (its root Kbuild lists the test modules)
#   KMOD_OBJ  where those modules are built: a tree of links to KMOD_SRC, so
#             that no object file lands in the checkout
#   LOG       the build log; on failure its error lines are shown
#
# nfit_test's modules are installed under extra/ and a depmod override makes
# them win over the production modules of the same name, as ndctl's test
# harness requires.

set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

tree=$1 stage=$(realpath -m "$2") kmod_src=$3 kmod_obj=$(realpath -m "$4") log=$5
mkdir -p "$(dirname "$log")"
: > "$log"

kmake_init "$tree" "$log" "$kmod_src"

failed()
{
	echo "---- $1 failed; error lines from $log ----" >&2
	grep -E -m 40 'error|Error|undefined|BUILD_BUG' "$log" >&2 || tail -n 40 "$log" >&2
	die "$1 failed (full log: $log)"
}

step "kernel: bzImage and modules (log: $log)" kmake bzImage modules || failed "kernel build"
# usr/include: the user-space headers the guest tests are built against.
kmake headers || failed "make headers"
# shellcheck disable=SC2015 # dies if any step fails, as meant
kver=$(make -s -C "$tree" kernelrelease) && [ -n "$kver" ] || failed "make kernelrelease"

step "nfit_test: M=tools/testing/nvdimm" kmake M=tools/testing/nvdimm modules ||
	failed "nfit_test build"

# The project's modules, from a tree of links so the checkout stays clean.
rm -rf "$kmod_obj"
# shellcheck disable=SC2015 # dies if any step fails, as meant
mkdir -p "$kmod_obj/tests" &&
cp -rs "$(realpath "$kmod_src")/Kbuild" "$kmod_obj/" &&
cp -rs "$(realpath "$kmod_src")/tests/kmod" "$kmod_obj/tests/" ||
	die "build: linking the test modules' sources into $kmod_obj failed"
step "test modules: M=$kmod_obj" kmake M="$kmod_obj" modules ||
	failed "test module build"

stage_modules()
{
	rm -rf "$stage"
	mkdir -p "$stage/etc/depmod.d"
	# ndctl's test/core.c insists on the nfit_test builds of these modules.
	for m in nfit device_dax dax_pmem dax_pmem_core dax_pmem_compat libnvdimm \
		 nd_blk nd_btt nd_e820 nd_pmem; do
		echo "override $m * extra"
	done > "$stage/etc/depmod.d/nfit_test.conf"
	kmake INSTALL_MOD_PATH="$stage" INSTALL_MOD_STRIP=1 modules_install &&
	kmake INSTALL_MOD_PATH="$stage" INSTALL_MOD_STRIP=1 M=tools/testing/nvdimm modules_install &&
	kmake INSTALL_MOD_PATH="$stage" INSTALL_MOD_STRIP=1 M="$kmod_obj" modules_install &&
	depmod -b "$stage" -C "$stage/etc/depmod.d" "$kver" >> "$log" 2>&1
}
step "modules: staging for $kver" stage_modules || failed "module staging"

# The override must really resolve to extra/, or nfit_test tests production code.
p=$(modprobe -C /dev/null -d "$stage" -S "$kver" --show-depends nd_pmem 2>/dev/null | tail -n1)
case "$p" in
*/extra/*) ;;
*) die "modules: nd_pmem resolves to '$p', not to nfit_test's extra/ build" ;;
esac
echo "$kver" > "$stage/kernelrelease"

# With DWARF (LAB_DEBUG=1), report.sh decodes a report's frames in modules
# too (report-decode.sh): the modules the guest loads, unstripped, linked
# one a name in $tree/.lab-debug-modules.  The staged copies are stripped,
# and the tree has a module of the same name as each of nfit_test's; the
# build ID (which stripping keeps) tells which file a staged module was
# installed from, and extra/ comes last, as its override wins in the guest.
debug_modules()
{
	local dir=$tree/.lab-debug-modules ko id
	local -A built
	rm -rf "$dir"
	grep -q '^CONFIG_DEBUG_INFO=y' "$tree/.config" || return 0
	mkdir -p "$dir" || return 1
	while read -r ko; do
		id=$(build_id "$ko")
		[ -n "$id" ] && built[$id]=$(realpath "$ko")
	done < <(find "$tree" "$kmod_obj" -name '*.ko' -not -path "$dir/*")
	while read -r ko; do
		id=$(build_id "$ko")
		[ -n "$id" ] && [ -n "${built[$id]:-}" ] && ln -sfn "${built[$id]}" "$dir/${ko##*/}"
	done < <(find "$stage/lib/modules/$kver/kernel" -name '*.ko'; find "$stage/lib/modules/$kver/extra" -name '*.ko')
	return 0
}
debug_modules || die "build: linking the unstripped modules in $tree/.lab-debug-modules failed"
say "kernel: $kver, $(stat -c %s "$tree/arch/x86/boot/bzImage") bytes"
