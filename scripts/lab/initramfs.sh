#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# initramfs.sh - assemble the guest's root file system as an initramfs.
#
# usage: initramfs.sh OUT STAGE TESTS GUEST NDCTL_SRC
#
#   OUT    the cpio archive to write (uncompressed: unpacking is faster
#          under TCG than gunzip)
#   STAGE  staged modules (build.sh), with kernelrelease and etc/depmod.d
#   TESTS  installed test collections (tests/Makefile install), with the base
#          tree's kselftest runner
#   GUEST  the project's guest/ directory: init and helpers
#   NDCTL_SRC  ndctl's source and meson build (ndctl.sh): its test scripts,
#          tools and test programs go to /ndctl in the guest (tests/ndctl
#          rewrites meson's paths to match)
#
# The guest is Debian 12's own binaries and their libraries, copied from the
# host, with busybox-static for everything else.  No package manager, no
# network, nothing downloaded: a few seconds to build.

set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

out=$1 stage=$2 tests=$3 guest=$4 ndctl=$(realpath "$5")
root=$(realpath -m "$out.d")

# Host programs the guest needs, by name. Those missing on the host are an
# error (make deps installs them), never a silent gap in the guest.
progs="bash timeout sort jq ndctl daxctl kmod modprobe insmod rmmod modinfo depmod
	mkfs.ext4 mke2fs e2fsck dumpe2fs debugfs filefrag mkfs.xfs xfs_io xfs_db
	fallocate mountpoint losetup blkdiscard dmsetup fio getconf trace-cmd uuidgen"

rm -rf "$root"
mkdir -p "$root"/usr/{bin,sbin,lib,lib64} "$root"/{etc,proc,sys,dev,tmp,run,mnt,root,lab}
for d in bin sbin lib lib64; do
	ln -s usr/$d "$root/$d"
done

# Copy a file to the same path in the guest (paths under /usr after merged-usr).
put()
{
	local src dst
	src=$(realpath "$1")
	dst=$root${src}
	[ -e "$dst" ] && return
	mkdir -p "$(dirname "$dst")"
	cp -a "$src" "$dst"
}

# A dynamically linked program with every library ldd names.
put_elf()
{
	local f=$1 lib
	put "$f"
	# A link's name is what the program is called by (modprobe -> kmod).
	if [ -L "$f" ] || [ "$(realpath "$f")" != "$f" ]; then
		mkdir -p "$root$(dirname "$f")"
		[ -e "$root$f" ] || ln -s "$(realpath "$f")" "$root$f"
	fi
	for lib in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*'); do
		put "$lib"
		# Keep the name the loader looks for (libfoo.so.1 -> libfoo.so.1.2.3).
		if [ "$(realpath "$lib")" != "$lib" ] && [ ! -e "$root$lib" ]; then
			mkdir -p "$root$(dirname "$lib")"
			ln -s "$(realpath "$lib")" "$root$lib"
		fi
	done
}

for p in $progs; do
	f=$(PATH=/usr/sbin:/usr/bin:/sbin:/bin command -v "$p") ||
		die "initramfs: $p is not installed on the host (run 'make deps')"
	case "$f" in
	/bin/*|/sbin/*) f=/usr$f ;;
	esac
	put_elf "$f"
done

# busybox for everything not copied above.
bb=/bin/busybox
# shellcheck disable=SC2015 # dies if either test fails, as meant
[ -x "$bb" ] && file -L "$bb" | grep -q 'statically linked' ||
	die "initramfs: busybox-static is not installed (run 'make deps')"
cp "$bb" "$root/usr/bin/busybox"
for a in $("$bb" --list-full); do
	[ -e "$root/$a" ] || [ -L "$root/$a" ] || ln -s /usr/bin/busybox "$root/$a"
done

# Modules, with the depmod override that makes nfit_test's builds win.
kver=$(cat "$stage/kernelrelease") || die "initramfs: $stage has no kernelrelease (make kernel first)"
# shellcheck disable=SC2015 # dies if any step fails, as meant
mkdir -p "$root/lib/modules" "$root/etc/depmod.d" &&
cp -a "$stage/lib/modules/$kver" "$root/usr/lib/modules/" &&
cp "$stage/etc/depmod.d/nfit_test.conf" "$root/etc/depmod.d/" ||
	die "initramfs: copying the modules of $kver from $stage failed"

# ndctl's test suite: scripts and data, tools, test programs and their
# libraries; no objects.
mkdir -p "$root/ndctl"
(cd "$ndctl" && find test build -type d -name '*.p' -prune -o \
	\( -type f -o -type l \) ! -name '*.o' ! -name '*.a' ! -name '*.ninja' -print) |
	(cd "$ndctl" && cpio --quiet -pdm "$root/ndctl") || die "initramfs: copying $ndctl failed"
# shellcheck disable=SC2044 # meson's build tree has no blanks in its names
for f in $(find "$ndctl/build" -type f -perm -u+x); do
	file -b "$f" | grep -q '^ELF' && put_elf "$f"
done

# The tests and the guest's own scripts.
# shellcheck disable=SC2015 # dies if any step fails, as meant
cp -a "$tests" "$root/lab/tests" &&
cp -a "$guest"/. "$root/lab/" &&
mv "$root/lab/init" "$root/init" &&
chmod +x "$root/init" "$root"/lab/bin/* ||
	die "initramfs: copying the tests and the guest's scripts failed"

# Small /etc: mdev loads drivers on uevents (modprobe -r nfit_test unloads
# device_dax, which must come back by itself when a namespace binds).
cat > "$root/etc/mdev.conf" <<'EOF'
$MODALIAS=.* 0:0 660 @modprobe -q -b "$MODALIAS"
EOF
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
echo "root:x:0:" > "$root/etc/group"
ln -sf /proc/mounts "$root/etc/mtab"

(cd "$root" && find . -print0 | sort -z | cpio --quiet -o -0 -H newc --reproducible) > "$out.tmp" ||
	die "initramfs: cpio failed"
mv "$out.tmp" "$out"
say "initramfs: $out, $(( $(stat -c %s "$out") / 1048576 )) MiB, kernel $kver"
