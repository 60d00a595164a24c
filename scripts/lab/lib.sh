# SPDX-License-Identifier: GPL-2.0
# Helpers shared by the lab scripts. Sourced, never run.
# shellcheck shell=bash

lab_t0=$(date +%s)

# Progress goes to stderr so that stdout stays usable for data.
say()
{
	printf '[lab %4ss] %s\n' "$(( $(date +%s) - lab_t0 ))" "$*" >&2
}

die()
{
	printf 'lab: error: %s\n' "$*" >&2
	exit 1
}

# Run a long step with a label and report how long it took.
step()
{
	local label=$1 t rc
	t=$(date +%s)
	shift
	say "$label ..."
	"$@"
	rc=$?
	[ $rc -eq 0 ] || return $rc
	say "$label done in $(( $(date +%s) - t ))s"
}

# Context lines in the series' patches: one more than git's default.  With
# three, a hunk that begins just after the for_each_mapped_pfn() macro of
# fs/dax.c starts on the macro's loop line; checkpatch, not seeing the
# #define, takes that loop for a statement and the new function after it
# for its badly indented body.  Export and series-check write the same text.
# shellcheck disable=SC2034 # used by the scripts that source lib.sh
lab_patch_context=4

# series_patches SERIES: the patches a quilt-style series file lists, one
# path per line (beside the file), in order; '#' starts a comment, blank
# lines and trailing blanks are ignored.  SERIES "none" lists nothing.
series_patches()
{
	[ "$1" = none ] && return
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$1" |
		while read -r p; do echo "$(dirname "$1")/$p"; done
}

# The GNU build ID of ELF file $1 (a vmlinux, a module; stripping keeps
# it), empty if it has none.
build_id()
{
	readelf -n "$1" 2> /dev/null | sed -n 's/^ *Build ID: //p'
}

# Hash of a set of files' names and contents (order given by the caller).
hash_files()
{
	local f
	for f in "$@"; do
		printf "%s\n" "${f##*/}"
		[ -f "$f" ] && cat "$f"
	done | sha1sum | cut -d' ' -f1
}

# The jobs a kernel make may use: cores + 1, as the kernel's own docs suggest.
lab_jobs()
{
	echo $(( $(nproc) + 1 ))
}

# kmake_init TREE LOG [CCACHE_BASEDIR]: set up kmake, the lab's kernel
# make in TREE, its output appended to LOG.
#
# Fixed build identity: reproducible images, and ccache hits on
# init/version.c.  An empty (but set) LOCALVERSION keeps setlocalversion
# from appending "+" or the scratch tree's commit id: the release stays
# 6.1.y whatever the series.
kmake_init()
{
	kmake_tree=$1 kmake_log=$2 kmake_cc=gcc
	export KBUILD_BUILD_TIMESTAMP="2000-01-01" KBUILD_BUILD_USER=lab KBUILD_BUILD_HOST=lab
	export LOCALVERSION=
	if command -v ccache >/dev/null && [ "${LAB_CCACHE:-1}" != 0 ]; then
		kmake_cc="ccache gcc"
		CCACHE_BASEDIR=$(realpath "${3:-.}")
		export CCACHE_BASEDIR CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
	fi
}

kmake()
{
	make -C "$kmake_tree" -j"$(lab_jobs)" CC="$kmake_cc" "$@" >> "$kmake_log" 2>&1
}

# Print what in scratch tree $1 is not in the series (uncommitted edits to
# tracked files, or commits past the applied series); fail if anything is.
local_work()
{
	local tree=$1 applied
	[ -d "$tree/.git" ] || return 0
	if [ -n "$(git -C "$tree" status --porcelain --untracked-files=no)" ]; then
		echo "$tree has uncommitted edits:"
		git -C "$tree" status --short --untracked-files=no | head -20
		return 1
	fi
	applied=$(cat "$tree/.git/lab-applied-head" 2>/dev/null)
	if [ -n "$applied" ] && [ "$(git -C "$tree" rev-parse HEAD)" != "$applied" ]; then
		echo "$tree has commits that are not in the series:"
		git -C "$tree" log --oneline "$applied..HEAD" | head -20
		return 1
	fi
}
