#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# am-check.sh - apply the series with plain "git am", default options, to a
# fresh clone of the base, the way someone who only wants the patches would.
#
# usage: am-check.sh TREE SERIES
#
#   TREE    the scratch tree base.sh laid out (make base): its lab-base
#           commit is the base (Debian's tarball or a copy of KSRC) as a
#           plain git commit, with base.sh's one .gitignore line dropped
#           (no patch touches that file)
#   SERIES  the series file (patches/series); its patches sit beside it
#
# base.sh applies the series too, but with --whitespace=nowarn and into the
# tree the lab works in; this applies it as "git am" does by default, in a
# throw-away clone under build/, removed at the end whatever the outcome,
# and prints what git am says.  Exit status 0 when every patch applies.

set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

tree=$1
series=$2

[ -f "$series" ] || die "am-check: no series file $series"
git -C "$tree" rev-parse -q --verify lab-base >/dev/null ||
	die "am-check: $tree has no lab-base (run 'make base')"
tmp=$(mktemp -d build/am-check.XXXXXX) || die "am-check: no temporary directory"
trap 'rm -rf "$tmp"' EXIT
t=$tmp/linux
git clone -q --shared --no-checkout "$tree" "$t" || die "am-check: cloning $tree failed"
git -C "$t" checkout -q --detach lab-base || die "am-check: checking out lab-base failed"
ver=$(sed -n 's/^VERSION = //p; s/^PATCHLEVEL = //p; s/^SUBLEVEL = //p' "$t/Makefile" | paste -sd.)
say "am-check: Linux $ver, $(git -C "$tree" log -1 --format=%s lab-base~1)"

git_t() { git -C "$t" -c user.name=am-check -c user.email=am-check@localhost "$@"; }
patches=$(series_patches "$series")
[ -n "$patches" ] || die "am-check: $series lists no patch"
n=0 total=$(printf '%s\n' "$patches" | grep -c .)
while read -r f; do
	p=${f##*/}
	n=$((n + 1))
	if ! out=$(git_t am -q "$(realpath "$f")" 2>&1); then
		printf '%s\n' "$out" >&2
		die "am-check: Linux $ver: patch $n of $total does not apply with git am: $p"
	fi
	[ -z "$out" ] || printf '  %s: %s\n' "$p" "$out"
done <<< "$patches"
say "am-check: Linux $ver: all $n patches apply with plain git am ($(git_t diff --shortstat HEAD~"$n" HEAD | sed 's/^ //'))"
