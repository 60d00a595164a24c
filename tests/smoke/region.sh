#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The emulated NVDIMM shows up as an ACPI.NFIT region with labelled space.
. ./lib.sh
r=$(lab-setup region) || fail "no usable region"
j=$(ndctl list -R -r "$r" | jq -c 'if type == "array" then .[0] else . end')
info "$j"
size=$(echo "$j" | jq -r .size)
[ "$size" -gt 0 ] || fail "$r has no size"
avail=$(echo "$j" | jq -r '.available_size // 0')
info "$r: $((size >> 20)) MiB, $((avail >> 20)) MiB available, labels initialised"
