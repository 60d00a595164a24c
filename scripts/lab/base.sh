#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# base.sh - lay out the scratch kernel tree: the base plus the series.
#
# usage: base.sh TREE SERIES [KSRC]
#
#   TREE    scratch git tree to create or update (under build/)
#   SERIES  a quilt-style series file, or "none" for the stock base
#   KSRC    optional v6.1.y tree to use instead of Debian's linux-source-6.1;
#           it is only read, never modified
#
# The tree gets one commit for the base (tag lab-base) and one commit per
# patch, applied with git am, so "git format-patch lab-base" is the series.
# Local work in the tree (uncommitted edits or commits that are not in the
# series) is never thrown away: the script stops and says what to do.

set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

tree=$1
series=$2
ksrc=${3:-}
tarball=${LAB_BASE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}

git_t() { git -C "$tree" "$@"; }

lab_name="DAX lab" lab_email=lab@localhost

# A tree is a 6.1 tree if its top Makefile says so.
check_61()
{
	local mk=$1/Makefile v p s
	[ -f "$mk" ] || return 1
	v=$(sed -n 's/^VERSION = //p' "$mk")
	p=$(sed -n 's/^PATCHLEVEL = //p' "$mk")
	s=$(sed -n 's/^SUBLEVEL = //p' "$mk")
	[ "$v.$p" = "6.1" ] || return 1
	echo "6.1.$s"
}

# The content of a git KSRC's local edits: the diff of tracked files against
# HEAD and the bytes of untracked, not ignored files.  Hashing "git status"
# instead would miss a second edit of a file that is already modified.
# --no-optional-locks: reading must not even refresh the user's index.
ksrc_edits()
{
	{
		git -C "$ksrc" --no-optional-locks diff --binary HEAD --
		(cd "$ksrc" && git --no-optional-locks ls-files -z -o --exclude-standard |
			xargs -0 -r sha1sum --)
	} | sha1sum | cut -c1-12
}

base_id()
{
	local pkg
	if [ -n "$ksrc" ]; then
		if git -C "$ksrc" rev-parse --git-dir >/dev/null 2>&1; then
			echo "ksrc $ksrc $(git -C "$ksrc" rev-parse HEAD) $(ksrc_edits)"
		else
			echo "ksrc $ksrc $(cd "$ksrc" && find . -path ./.git -prune -o -type f \
				! -name '*.o' ! -name '*.ko' ! -name '.*.cmd' -printf '%P %s %T@\n' |
				sort | sha1sum | cut -c1-12)"
		fi
		return
	fi
	[ -f "$tarball" ] ||
		die "no base: $tarball is missing (install Debian's linux-source-6.1, e.g. 'make deps', or pass KSRC=/path/to/linux-6.1.y)"
	pkg=$(dpkg-query -W -f '${Version}' linux-source-6.1 2>/dev/null || echo unknown)
	echo "Debian linux-source-6.1 $pkg ($(basename "$tarball"), $(stat -c "%s bytes, mtime %Y" "$tarball"))"
}

# Copy a user's tree without touching it: tracked and untracked-but-not-
# ignored files of a git tree, or every source file of a plain tree.
copy_ksrc()
{
	local dst=$1
	if git -C "$ksrc" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$ksrc" && git ls-files -z -c -o --exclude-standard) |
			(cd "$ksrc" && tar --null -T - -cf -) | tar -C "$dst" -xf -
	else
		tar -C "$ksrc" --exclude=.git --exclude='*.o' --exclude='*.ko' \
			--exclude='.*.cmd' -cf - . | tar -C "$dst" -xf -
		# A plain tree may have been built in place: start from clean.
		make -s -C "$dst" mrproper >/dev/null
	fi
}

# Refuse to replace or rewind a tree holding work that is not in patches/.
check_no_local_work()
{
	local_work "$tree" >&2 && return
	die "that work is not in patches/: commit it and run 'make export' to keep it, or discard it (git -C $tree reset --hard; git -C $tree checkout -B lab \$(cat $tree/.git/lab-applied-head))"
}

create_tree()
{
	local tmp=$tree.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	if [ -n "$ksrc" ]; then
		say "base: copying KSRC=$ksrc (Linux $kver), read-only"
		copy_ksrc "$tmp" || die "copying KSRC=$ksrc failed"
	else
		say "base: unpacking $tarball"
		tar -C "$tmp" --strip-components=1 -xJf "$tarball" ||
			die "unpacking $tarball failed"
	fi
	kver=$(check_61 "$tmp") || die "the base is not a Linux 6.1 tree"
	# shellcheck disable=SC2015 # dies if any step fails, as meant
	git -C "$tmp" init -q && git -C "$tmp" config gc.auto 0 ||
		die "git init of the scratch tree $tmp failed"
	# The lab's own commits (the base, below lab-base) carry a fixed
	# identity and date, so the base commit id is the same on every
	# machine.  Only the environment says so: the developer's commits on
	# top of lab-base carry the developer's own git identity.
	export GIT_AUTHOR_NAME="$lab_name" GIT_AUTHOR_EMAIL="$lab_email"
	export GIT_COMMITTER_NAME="$lab_name" GIT_COMMITTER_EMAIL="$lab_email"
	export GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z"
	# shellcheck disable=SC2015 # dies if either step fails, as meant
	git -C "$tmp" add -A -f . >/dev/null &&
	git -C "$tmp" commit -q -m "base: $bid" || die "git commit of the base failed"
	# Debian's tarball ignores everything at its top level ("/*"), which
	# would hide new files from git in the scratch tree.  Drop that rule in
	# a commit of its own below lab-base, so no exported patch carries it.
	if grep -qx '/\*' "$tmp/.gitignore" 2>/dev/null; then
		sed -i -e '/^\/\*$/d' -e '/^!\/debian\/$/d' "$tmp/.gitignore"
		git -C "$tmp" commit -q -a -m "lab: drop Debian's top-level catch-all .gitignore rule" ||
			die "git commit of the .gitignore fix failed"
	fi
	unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
	unset GIT_AUTHOR_DATE GIT_COMMITTER_DATE
	# git am needs a committer.  Where git has no identity at all, give
	# the tree one so the series applies; export.sh then asks for a real
	# identity before it writes a patch authored by it.
	if [ -z "$(git -C "$tmp" config user.email)" ]; then
		# shellcheck disable=SC2015 # dies if any step fails, as meant
		git -C "$tmp" config user.name "$lab_name" &&
		git -C "$tmp" config user.email "$lab_email" ||
			die "git config of the scratch tree's identity failed"
	fi
	# shellcheck disable=SC2015 # dies if any step fails, as meant
	git -C "$tmp" tag lab-base &&
	echo "$bid" > "$tmp/.git/lab-base-id" &&
	git -C "$tmp" rev-parse HEAD > "$tmp/.git/lab-applied-head" &&
	echo none > "$tmp/.git/lab-series-hash" ||
		die "tagging the base of the scratch tree $tmp failed"
	rm -rf "$tree"
	mv "$tmp" "$tree" || die "moving the new scratch tree $tmp to $tree failed"
}

# Show what of a patch does not apply, as .rej hunks, then put the tree back
# exactly as it was (the preview may create files and .rej files).
show_reject()
{
	local p=$1 mark before rej
	mark=$(realpath "$tree")/.git/lab-reject-mark
	touch "$mark"
	before=$(git_t ls-files -o --exclude-standard | sort)
	echo "---- $(basename "$p"): rejected hunks ----" >&2
	git_t apply --reject --verbose "$(realpath "$p")" 2>&1 | grep -v '^Checking' >&2
	(cd "$tree" && find . -path ./.git -prune -o -name '*.rej' -newer "$mark" -print) |
	while read -r rej; do
		echo "== ${rej#./}" >&2
		cat "$tree/$rej" >&2
		rm -f "$tree/$rej"
	done
	git_t checkout -q -- .
	comm -13 <(echo "$before") <(git_t ls-files -o --exclude-standard | sort) |
		(cd "$tree" && xargs -r rm -f --)
}

apply_series()
{
	local p n=0 total
	total=$(series_patches "$series" | wc -l)
	git_t checkout -q -B lab lab-base || die "cannot reset $tree to lab-base"
	git_t rev-parse HEAD > "$tree/.git/lab-applied-head"
	echo none > "$tree/.git/lab-series-hash"
	for p in $(series_patches "$series"); do
		n=$((n + 1))
		[ -f "$p" ] || die "series: $p is listed in $series but does not exist"
		if ! git_t am -q --whitespace=nowarn "$(realpath "$p")" >/dev/null 2>&1; then
			git_t am --abort >/dev/null 2>&1
			show_reject "$p"
			git_t checkout -q -B lab lab-base
			die "patch $n/$total $(basename "$p") does not apply to $(cat "$tree/.git/lab-base-id") (rejected hunks above)"
		fi
	done
	git_t rev-parse HEAD > "$tree/.git/lab-applied-head"
	echo "$shash" > "$tree/.git/lab-series-hash"
	say "series: $total patch(es) applied on $(git_t describe --tags --always lab-base)"
}

# shellcheck disable=SC2015 # dies if either is empty, as meant
[ -n "$tree" ] && [ -n "$series" ] || die "usage: base.sh TREE SERIES [KSRC]"
[ "$series" = none ] || [ -f "$series" ] || die "series file $series not found (SERIES=none builds the stock base)"
command -v git >/dev/null || die "git is missing (make deps)"

kver=
if [ -n "$ksrc" ]; then
	[ -d "$ksrc" ] || die "KSRC=$ksrc: no such directory"
	ksrc=$(cd "$ksrc" && pwd -P)
	case "$ksrc/" in
	"$(realpath -m "$(dirname "$tree")")"/*)
		die "KSRC=$ksrc is inside the lab's own build directory";;
	esac
	kver=$(check_61 "$ksrc") ||
		die "KSRC=$ksrc is not a Linux 6.1 tree (its Makefile does not say VERSION = 6, PATCHLEVEL = 1)"
fi
bid=$(base_id) || exit 1
if [ "$(cat "$tree/.git/lab-base-id" 2>/dev/null)" != "$bid" ]; then
	check_no_local_work
	step "base: new scratch tree $tree" create_tree || exit 1
fi
say "base: $(cat "$tree/.git/lab-base-id") (Linux $(check_61 "$tree"))"

# shellcheck disable=SC2046 # one patch path a word, as in apply_series
shash=$(hash_files "$series" $(series_patches "$series"))
[ "$series" = none ] && shash=stock
if [ "$(cat "$tree/.git/lab-series-hash")" != "$shash" ] ||
   [ "$(git_t rev-parse HEAD)" != "$(cat "$tree/.git/lab-applied-head")" ]; then
	check_no_local_work
	apply_series
else
	say "series: unchanged ($(git_t rev-list --count lab-base..HEAD) patch(es))"
fi
