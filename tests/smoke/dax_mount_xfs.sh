#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# xfs mounts with -o dax=always on an fsdax namespace and keeps DAX on.
. ./lib.sh
check_dax_mount xfs
