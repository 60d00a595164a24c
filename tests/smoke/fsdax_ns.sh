#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# An fsdax namespace can be created in the labelled region: a pmem block
# device with a 2 MiB-aligned memmap-backed pfn device.
. ./lib.sh
dev=$(lab-setup fsdax lab-ext4) || fail "create fsdax namespace"
[ -b "$dev" ] || fail "$dev is not a block device"
j=$(ndctl list -N -b ACPI.NFIT | jq -c '(if type == "array" then . else [.] end)[] | select(.name == "lab-ext4")')
info "$j"
[ "$(echo "$j" | jq -r .mode)" = fsdax ] || fail "mode is not fsdax"
[ "$(cat /sys/block/"${dev#/dev/}"/queue/dax)" = 1 ] || fail "$dev does not support DAX"
