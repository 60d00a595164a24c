#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# am-check.sh - apply the series with plain "git am" to a plain git tree of
# the base, the way someone who only wants the patches would.
#
# usage: am-check.sh SERIES [KSRC]
#
#   SERIES  the series file (patches/series); its patches sit beside it
#   KSRC    optional v6.1.y tree (git or plain); only read, never modified.
#           Default: Debian's linux-source-6.1 tarball.
#
# The base is unpacked (or cloned, or copied) into a temporary directory
# under build/, committed as it is, and every patch is applied with
# "git am" (no --3way, no fuzz): a patch that needs either is reported as
# failing, with git am's own message.  The directory is removed at the
# end, whatever the outcome.  Exit status 0 when every patch applies.

set -u
. "$(dirname "$0")/lib.sh"

series=$1
ksrc=${2:-}
tarball=${LAB_BASE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
dir=$(dirname "$series")
cloned=

[ -f "$series" ] || die "am-check: no series file $series"
mkdir -p build
tmp=$(mktemp -d build/am-check.XXXXXX) || die "am-check: no temporary directory"
trap 'rm -rf "$tmp"' EXIT
t=$tmp/linux

if [ -n "$ksrc" ]; then
	[ -f "$ksrc/Makefile" ] || die "am-check: KSRC=$ksrc is not a kernel tree"
	if git -C "$ksrc" rev-parse --git-dir >/dev/null 2>&1; then
		say "am-check: cloning KSRC=$ksrc at $(git -C "$ksrc" rev-parse --short HEAD) (its committed state)"
		git clone -q --shared "$ksrc" "$t" || die "am-check: git clone of $ksrc failed"
		cloned=1
	else
		say "am-check: copying KSRC=$ksrc"
		mkdir -p "$t" || die "am-check: mkdir $t failed"
		tar -C "$ksrc" --exclude=.git -cf - . | tar -C "$t" -xf - ||
			die "am-check: copying $ksrc failed"
	fi
else
	[ -f "$tarball" ] ||
		die "am-check: no base: $tarball is missing (install Debian's linux-source-6.1, or pass KSRC=)"
	say "am-check: unpacking $tarball"
	mkdir -p "$t" || die "am-check: mkdir $t failed"
	tar -C "$t" --strip-components=1 -xJf "$tarball" ||
		die "am-check: unpacking $tarball failed"
fi

ver=$(sed -n 's/^VERSION = //p; s/^PATCHLEVEL = //p; s/^SUBLEVEL = //p' "$t/Makefile" | paste -sd.)
git_t() { git -C "$t" -c user.name=am-check -c user.email=am-check@localhost "$@"; }
# Not "is there a HEAD": build/ sits inside the lab's own repository, and
# git would find that one.  A tree that is not a clone gets a repository.
if [ -z "$cloned" ]; then
	git_t init -q || die "am-check: git init failed"
	# -f: Debian's tarball ignores everything at its top level ("/*").
	git_t add -A -f . >/dev/null || die "am-check: git add of the base failed"
	git_t commit -q -m "base $ver" || die "am-check: committing the base failed"
fi
[ "$(git -C "$t" rev-parse --show-toplevel)" = "$(realpath "$t")" ] ||
	die "am-check: $t is not a repository of its own"

n=0 total=$(grep -cv '^[[:space:]]*\(#\|$\)' "$series")
while read -r p; do
	case $p in ''|'#'*) continue ;; esac
	n=$((n + 1))
	if ! out=$(git_t am -q "$(realpath "$dir/$p")" 2>&1); then
		printf '%s\n' "$out" >&2
		git_t am --abort >/dev/null 2>&1
		die "am-check: Linux $ver: patch $n of $total does not apply with git am: $p"
	fi
	[ -z "$out" ] || printf '  %s: %s\n' "$p" "$out"
done < "$series"
say "am-check: Linux $ver: all $n patches apply with plain git am ($(git_t diff --shortstat HEAD~"$n" HEAD | sed 's/^ //'))"
