#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh [fstests] - install the Debian 12 packages the lab needs, if any
# are missing, and say which.  Needs root (or sudo) only when something is
# missing.  With "fstests", also those that fstests needs: its build
# dependencies (its README's list, less lvm2 and dump: the tests chosen
# use neither, and lvm2 would start services on the host) and the tools
# its tests run in the guest, which runs the host's own root file system.

set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

pkgs=(
	# the base and the kernel build
	linux-source-6.1 build-essential flex bison bc libelf-dev libssl-dev
	xz-utils git rsync ccache kmod cpio
	# make lint
	shellcheck
	# make bench: the ratio chart
	gnuplot-nox
	# the guest's user space, copied from the host
	busybox-static ndctl daxctl e2fsprogs xfsprogs fio jq dmsetup util-linux
	uuid-runtime coreutils file trace-cmd
	# ndctl's test suite, built from trixie's source (scripts/lab/ndctl.sh)
	meson ninja-build pkg-config libkmod-dev libudev-dev uuid-dev libjson-c-dev
	libkeyutils-dev libiniparser-dev libtraceevent-dev libtracefs-dev
	# the machine
	qemu-system-x86 qemu-system-data
)
if [ "${1:-}" = fstests ]; then
	pkgs+=(
		autoconf automake libtool libtool-bin gawk indent libacl1-dev
		libaio-dev libattr1-dev libcap-dev libgdbm-dev libgdbm-compat-dev
		liburing-dev xfslibs-dev
		acl attr bc dbench psmisc python3 quota sqlite3 perl passwd
	)
fi

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null ||
		die "missing Debian packages: ${missing[*]} (install them as root: apt-get install ${missing[*]})"
	sudo=sudo
fi
say "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq || die "apt-get update failed"
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
	die "apt-get install ${missing[*]} failed"
say "deps: installed ${#missing[@]} package(s)"
