#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A devdax namespace with 2 MiB alignment gives a device-dax character device.
. ./lib.sh
dev=$(lab-setup devdax lab-devdax) || fail "create devdax namespace"
[ -c "$dev" ] || fail "$dev is not a character device"
j=$(daxctl list -d "${dev#/dev/}" | jq -c 'if type == "array" then .[0] else . end')
info "$j"
[ "$(echo "$j" | jq -r .align)" = 2097152 ] || fail "alignment is not 2 MiB"
