#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# export.sh - write the scratch tree's commits back into patches/.
#
# usage: export.sh TREE SERIES
#
# patches/ is the source of truth for every kernel change: work in the
# scratch tree (commit there), then run this.  The patches the old series
# listed are replaced by "git format-patch lab-base..HEAD", and the series
# file lists the new ones in order.  The tree is then marked as applied, so
# the next build does not re-apply what it already has.

set -u
. "$(dirname "$0")/lib.sh"

tree=$1 series=$2
dir=$(dirname "$series")
[ "$series" != none ] || die "export: SERIES=none has no series to write"
[ -d "$tree/.git" ] || die "export: no scratch tree at $tree (run 'make base' first)"
[ -z "$(git -C "$tree" status --porcelain --untracked-files=no)" ] ||
	die "export: $tree has uncommitted edits; commit them first"

mkdir -p "$dir"
if [ -f "$series" ]; then
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$series" | while read -r p; do
		rm -f "$dir/$p"
	done
fi
n=$(git -C "$tree" rev-list --count lab-base..HEAD)
git -C "$tree" format-patch --zero-commit --no-signature -o "$(realpath "$dir")" lab-base..HEAD |
	xargs -r -n1 basename > "$series.tmp" || die "export: git format-patch failed"
mv "$series.tmp" "$series"

# The tree now is what the series describes.
git -C "$tree" rev-parse HEAD > "$tree/.git/lab-applied-head"
hash_files "$series" $(sed "s|^|$dir/|" "$series") > "$tree/.git/lab-series-hash"
say "export: $n patch(es) written to $dir, listed in $series"
