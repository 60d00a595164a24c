#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cover.sh - write the series' cover letter from Documentation/series.rst.
#
# usage: cover.sh TREE RST OUT
#
#   TREE  the scratch tree (its lab-base..HEAD is the series)
#   RST   the series document: its ".. Subject: " comment is the subject,
#         everything after its title is the body
#   OUT   the cover letter to write (patches/0000-cover-letter.patch)
#
# git format-patch writes the envelope: the shortlog, the diffstat and the
# base-commit: trailer.  The body is series.rst itself, so the cover letter
# and the document cannot drift apart.  Its Date: is that of the last
# commit, so exporting the same commits twice writes the same file.

set -u -o pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

tree=$1 rst=$2 out=$3

[ -f "$rst" ] || die "cover: $rst is missing"
subject=$(sed -n 's/^\.\. Subject: //p' "$rst" | head -n1)
[ -n "$subject" ] || die "cover: $rst has no '.. Subject: ' line"

tmp=$(mktemp -d) || die "cover: mktemp failed"
trap 'rm -rf "$tmp"' EXIT

# The body: what follows the title (the second line of '=' after the
# SPDX tag), with a line naming the base the series was exported from.
awk 'done { print; next } /^=+$/ { if (++n == 2) done = 1 }' "$rst" |
	sed '1{/^$/d}' > "$tmp/body"
[ -s "$tmp/body" ] || die "cover: $rst has no title or nothing after it"
{
	cat "$tmp/body"
	echo
	echo "Exported from: $(cat "$tree/.git/lab-base-id" 2>/dev/null || echo unknown base)"
	echo "(base-commit below is that base as the lab commits it: scripts/lab/base.sh)"
} > "$tmp/blurb"

# The letter is from whoever wrote the last patch, not from the scratch
# tree's fallback identity (git takes the cover letter's From: from the
# committer).
GIT_COMMITTER_NAME=$(git -C "$tree" log -1 --format=%an HEAD) || die "cover: no last commit"
GIT_COMMITTER_EMAIL=$(git -C "$tree" log -1 --format=%ae HEAD) || die "cover: no last commit"
export GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
git -C "$tree" format-patch -q --cover-letter --zero-commit --no-signature \
	--base=lab-base -o "$tmp/fp" lab-base..HEAD ||
	die "cover: git format-patch --cover-letter failed"
letter=$tmp/fp/0000-cover-letter.patch
[ -f "$letter" ] || die "cover: git format-patch wrote no cover letter"
date=$(git -C "$tree" log -1 --format=%aD HEAD) || die "cover: no last commit"

# Fill in git's placeholders; the blurb is read from a file, so no
# character of series.rst needs escaping.
awk -v subject="$subject" -v date="$date" -v blurb="$tmp/blurb" '
	/^Date: / && !hdr_done { print "Date: " date; next }
	/^Subject: / && !hdr_done { sub(/\*\*\* SUBJECT HERE \*\*\*/, subject); print; next }
	/^$/ { hdr_done = 1 }
	/^\*\*\* BLURB HERE \*\*\*$/ {
		while ((getline line < blurb) > 0)
			print line
		next
	}
	{ print }
' "$letter" > "$tmp/cover" || die "cover: filling in the cover letter failed"
grep -q 'SUBJECT HERE\|BLURB HERE' "$tmp/cover" &&
	die "cover: git's placeholders were not replaced"
mv "$tmp/cover" "$out" || die "cover: cannot write $out"
say "export: cover letter written to $out"
