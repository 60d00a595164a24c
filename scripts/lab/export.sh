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

set -u -o pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

tree=$1 series=$2
dir=$(dirname "$series")
[ "$series" != none ] || die "export: SERIES=none has no series to write"
[ -d "$tree/.git" ] || die "export: no scratch tree at $tree (run 'make base' first)"
[ -z "$(git -C "$tree" status --porcelain --untracked-files=no)" ] ||
	die "export: $tree has uncommitted edits; commit them first"
# Mid-rebase, HEAD is a partial series: exporting it would drop the rest.
for d in rebase-merge rebase-apply MERGE_HEAD CHERRY_PICK_HEAD; do
	[ ! -e "$tree/.git/$d" ] ||
		die "export: $tree is in the middle of a rebase, am or merge ($d); finish or abort it first"
done
# A detached HEAD is a commit inside the series (make check-series checks
# them out in turn): exporting it would drop every patch after it.
git -C "$tree" symbolic-ref -q HEAD >/dev/null ||
	die "export: $tree is not on a branch (HEAD is $(git -C "$tree" log -1 --format='%h %s')); is make check-series running? Check out the branch first"
n=$(git -C "$tree" rev-list --count lab-base..HEAD) || die "export: $tree has no lab-base"
[ "$n" -gt 0 ] || die "export: $tree has no commits on lab-base: nothing to export (the series is left as it is)"
# base.sh's fallback identity is for applying the series, not for authorship.
lab=$(git -C "$tree" log --format='%h %s' --author='<lab@localhost>' lab-base..HEAD)
[ -z "$lab" ] ||
	die "export: these commits are authored by the lab's fallback identity, not by you:
$lab
set yours (git config --global user.name NAME; git config --global user.email EMAIL),
drop the tree's fallback (git -C $tree config --unset user.name; git -C $tree config --unset user.email)
and re-author them: git -C $tree rebase -x 'git commit --amend --no-edit --reset-author' lab-base"

# Write the new patches aside first: nothing is deleted until they exist.
mkdir -p "$dir"
new=$(mktemp -d "$dir/.export.XXXXXX") || die "export: cannot make a directory in $dir"
trap 'rm -rf "$new"' EXIT
git -C "$tree" format-patch -U"$lab_patch_context" --zero-commit --no-signature -o "$(realpath "$new")" lab-base..HEAD |
	xargs -r -n1 basename > "$new/series" || die "export: git format-patch failed"
[ "$(wc -l < "$new/series")" -eq "$n" ] || die "export: git format-patch wrote $(wc -l < "$new/series") of $n patches"

if [ -f "$series" ]; then
	series_patches "$series" | while read -r f; do
		rm -f "$f"
	done
fi
while read -r p; do
	mv "$new/$p" "$dir/$p" || die "export: cannot move $p into $dir"
done < "$new/series"
mv "$new/series" "$series" || die "export: cannot write $series"

# The tree now is what the series describes.
git -C "$tree" rev-parse HEAD > "$tree/.git/lab-applied-head"
# shellcheck disable=SC2046 # one patch path a word, as base.sh hashes them
hash_files "$series" $(series_patches "$series") > "$tree/.git/lab-series-hash"
say "export: $n patch(es) written to $dir, listed in $series"

# The cover letter, from the series document (not listed in the series).
"$(dirname "$0")/cover.sh" "$tree" "$(dirname "$0")/../../Documentation/series.rst" \
	"$dir/0000-cover-letter.patch" || die "export: the patches are written, the cover letter is not"
