#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# clean.sh BUILD - remove the lab's build directory, unless a scratch kernel
# tree in it holds work that was never exported into patches/.

set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

build=$1
[ -d "$build" ] || exit 0
for t in "$build"/*/linux; do
	local_work "$t" >&2 ||
		die "not removing $build: export that work first ('make export'), or remove $t by hand"
done
rm -rf "$build"
say "clean: removed $build"
