#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ext4 mounts with -o dax on an fsdax namespace and keeps DAX on.
. ./lib.sh
check_dax_mount ext4
