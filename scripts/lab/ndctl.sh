#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ndctl.sh OUT - fetch ndctl's upstream test suite from Debian's archive and
# build it for the guest.
#
# Bookworm's ndctl 76.1 source tarball is missing from the archive here;
# trixie's ndctl_81.orig.tar.gz is there.  It is fetched through a throw-away
# apt configuration (a deb-src line in a private state directory: the host's
# /etc/apt is not touched), and its sha256 is checked against the Sources
# index, whose InRelease apt verified with Debian's archive keyring.  The
# tests are built with meson (-Dtest=enabled -Ddestructive=enabled, no docs,
# no systemd).  OUT keeps the tarball, its checked hash and the build: a
# warm run neither fetches nor rebuilds.
#
# OUT/src        the source; the guest gets OUT/src/test as DATA_PATH
# OUT/src/build  the meson build: ndctl, daxctl, cxl and the test binaries

set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

out=$(realpath -m "$1")
ver=81
tarball=$out/ndctl_$ver.orig.tar.gz
mkdir -p "$out"

fetch()
{
	local a=$out/apt o sha want
	rm -rf "$a"
	mkdir -p "$a"/{lists/partial,cache/archives/partial,parts,dl}
	: > "$a/empty.list"
	cat > "$a/parts/trixie-src.sources" <<-EOF
	Types: deb-src
	URIs: http://deb.debian.org/debian
	Suites: trixie
	Components: main
	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
	o=(-o "Dir::Etc::sourcelist=$a/empty.list" -o "Dir::Etc::sourceparts=$a/parts"
	   -o "Dir::State::Lists=$a/lists" -o "Dir::Cache=$a/cache" -o "APT::Sandbox::User=root")
	apt-get "${o[@]}" update -qq >/dev/null 2>&1 ||
		die "ndctl: apt-get update of trixie's Sources index failed"
	# The .dsc and .debian.tar.xz are missing from the archive here, so apt
	# exits non-zero; what counts is the orig tarball and its hash.
	(cd "$a/dl" && apt-get "${o[@]}" source --download-only "ndctl=$ver-1" >/dev/null 2>&1)
	[ -f "$a/dl/ndctl_$ver.orig.tar.gz" ] ||
		die "ndctl: trixie's ndctl_$ver.orig.tar.gz could not be fetched"
	want=$(for f in "$a"/lists/*_trixie_main_source_Sources*; do
			/usr/lib/apt/apt-helper cat-file "$f"
		done | awk -v f="ndctl_$ver.orig.tar.gz" '
			/^Package: / { pkg = $2 }
			/^Checksums-Sha256:/ { in_sha = 1; next }
			/^[^ ]/ { in_sha = 0 }
			in_sha && pkg == "ndctl" && $3 == f { print $1; exit }')
	sha=$(sha256sum "$a/dl/ndctl_$ver.orig.tar.gz" | cut -d' ' -f1)
	[ -n "$want" ] || die "ndctl: ndctl_$ver.orig.tar.gz is not in trixie's Sources index"
	[ "$sha" = "$want" ] ||
		die "ndctl: sha256 $sha of ndctl_$ver.orig.tar.gz does not match the Sources index ($want)"
	mv "$a/dl/ndctl_$ver.orig.tar.gz" "$tarball"
	echo "$sha" > "$tarball.sha256"
	rm -rf "$a"
	say "ndctl: fetched ndctl_$ver.orig.tar.gz, sha256 $sha matches trixie's Sources"
}

build()
{
	rm -rf "$out/src"
	mkdir -p "$out/src"
	tar -C "$out/src" --strip-components=1 -xzf "$tarball" || die "ndctl: unpacking failed"
	(
		cd "$out/src" &&
		meson setup build -Dtest=enabled -Ddestructive=enabled -Ddocs=disabled \
			-Dasciidoctor=disabled -Dsystemd=disabled &&
		ninja -C build -j"$(nproc)"
	) > "$out/build.log" 2>&1 || { tail -n 30 "$out/build.log" >&2; die "ndctl: build failed (log: $out/build.log)"; }
	# shellcheck disable=SC2005 # one line, whatever the .sha256's newlines
	echo "$(cat "$tarball.sha256")" > "$out/src/.lab-built"
}

if [ -f "$tarball" ] && [ -f "$tarball.sha256" ] &&
   [ "$(sha256sum "$tarball" | cut -d' ' -f1)" = "$(cat "$tarball.sha256")" ]; then
	:
else
	step "ndctl: fetching ndctl $ver from Debian trixie (deb-src)" fetch || exit 1
fi
if [ "$(cat "$out/src/.lab-built" 2>/dev/null)" != "$(cat "$tarball.sha256")" ]; then
	step "ndctl: building ndctl $ver and its tests (meson)" build || exit 1
else
	say "ndctl: $ver built ($out/src/build)"
fi
