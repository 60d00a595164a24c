#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fstests.sh OUT SNAPSHOT [FSTESTS_DIR] - build fstests on the host for the
# guest.
#
# fstests (xfstests) is not packaged by Debian.  The source is the snapshot
# tarball (a git archive of upstream fstests, beside it its .sha256, which
# is checked), or FSTESTS_DIR, a user's own checkout, which is only read:
# it is copied into OUT and built there, as KSRC is.  The guest runs the
# build in place (OUT/src), through the host's root file system shared
# read-only over virtio-9p, with the host's own bash, perl, python3 and
# tools: that is why it is built here, with the host's libraries.
#
# Cached: OUT/src is rebuilt only when the source (the tarball's hash, or
# the checkout's content), the versions of the build dependencies or this
# script change.

set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

out=$(realpath -m "${1:?usage: fstests.sh OUT SNAPSHOT [FSTESTS_DIR]}")
snapshot=${2:?usage: fstests.sh OUT SNAPSHOT [FSTESTS_DIR]}
user=${3:-}

# What the build depends on: the source's identity, the build tools'
# and libraries' versions, this script.
if [ -n "$user" ]; then
	if [ ! -x "$user/check" ] || [ ! -f "$user/configure.ac" ]; then
		die "fstests: FSTESTS=$user is not an fstests source tree (no check, no configure.ac)"
	fi
	user=$(realpath "$user")
	# Content, not mtimes: a second edit of a file must be noticed.
	src_id=$(cd "$user" && find . -path ./.git -prune -o -type f -print0 | LC_ALL=C sort -z |
		xargs -0 sha1sum | sha1sum | cut -d' ' -f1) || die "fstests: cannot read $user"
	src_id="dir $user $src_id"
else
	[ -f "$snapshot" ] || die "fstests: no snapshot at $snapshot (and no FSTESTS=DIR)"
	[ -f "$snapshot.sha256" ] || die "fstests: no $snapshot.sha256 to check the snapshot against"
	want=$(cut -d' ' -f1 "$snapshot.sha256")
	have=$(sha256sum "$snapshot" | cut -d' ' -f1)
	[ "$want" = "$have" ] || die "fstests: $snapshot has sha256 $have, not $want as its .sha256 says"
	src_id="snapshot $have"
fi
deps_id=$(dpkg-query -W -f '${Package} ${Version}\n' gcc make autoconf automake libtool \
	libacl1-dev libaio-dev libattr1-dev libcap-dev libgdbm-dev liburing-dev uuid-dev \
	xfslibs-dev 2>/dev/null | sha1sum | cut -d' ' -f1)
want_id="$src_id $deps_id $(hash_files "$0")"

if [ "$(cat "$out/src/.lab-built" 2>/dev/null)" = "$want_id" ] && [ -x "$out/src/ltp/fsstress" ]; then
	say "fstests: built ($out/src)"
	exit 0
fi

build()
{
	# In place: the stamp is written last, so a build that stopped
	# half-way is done again.
	rm -rf "$out/src"
	mkdir -p "$out/src"
	if [ -n "$user" ]; then
		# Without .git: the guest reads the tree over 9p, and the
		# build writes only here.
		(cd "$user" && tar --exclude=./.git -cf - .) | tar -C "$out/src" -xf - ||
			die "fstests: copying $user failed"
	else
		tar -C "$out/src" --strip-components=1 -xzf "$snapshot" ||
			die "fstests: unpacking $snapshot failed"
	fi
	(cd "$out/src" && make -j"$(lab_jobs)") > "$out/build.log" 2>&1 ||
		{ tail -n 30 "$out/build.log" >&2; die "fstests: build failed (log: $out/build.log)"; }
	[ -x "$out/src/ltp/fsstress" ] || die "fstests: the build made no ltp/fsstress (log: $out/build.log)"
	echo "$want_id" > "$out/src/.lab-built"
}
mkdir -p "$out"
step "fstests: building ${user:-the snapshot ${snapshot##*/}}" build
