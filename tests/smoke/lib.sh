# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Sourced by the smoke shell tests. Exit 0 = pass, 1 = fail, 4 = skip.

info() { echo "# $*"; }
fail() { echo "# FAIL: $*"; exit 1; }

# A DAX mount must really be DAX: the option shows and the kernel did not
# turn it off ("DAX unsupported by block device").
check_dax_mount()
{
	local fs=$1 mnt opts
	mnt=$(lab-setup mount "$fs") || fail "lab-setup mount $fs"
	opts=$(awk -v m="$mnt" '$2 == m { print $3 " " $4 }' /proc/mounts)
	info "$mnt: $opts"
	case ",${opts#* }," in
	*,dax=always,*) ;;
	*) fail "$fs on $mnt is not mounted with dax=always" ;;
	esac
	! dmesg | grep -i 'DAX unsupported' || fail "the kernel turned DAX off"
}
