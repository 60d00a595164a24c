#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# series-check.sh TREE LOGDIR - every patch of the series on its own: it
# builds, and checkpatch --strict has nothing to say about it; then the
# configurations the lab's own does not build.
#
# Each commit of the scratch tree past lab-base (the exported series) is
# checked out in turn and built incrementally in place (bzImage, modules,
# nfit_test), and its patch is run through the tree's checkpatch.pl
# --strict.  "Unknown commit id" warnings are counted apart: the scratch
# tree has no history before the base, so checkpatch cannot look up a
# Fixes: tag's commit there; so are findings about code that the patch
# only moves (moved_findings).  One line per patch.
#
# Then each commit that adds a file (a new file brings Kconfig and Makefile
# wiring: drivers/dax/mapping.c) and the last one are built again with
# each of SERIES_CHECK_VARIANTS, a blank-separated list of comma-separated
# Kconfig settings (default "FS_DAX=n,DAX=m DEV_DAX=n": device-dax with a
# modular DAX core and no fsdax; fsdax without device-dax): scripts/config
# sets them, olddefconfig settles what depends on them, and the build
# (bzImage and modules; nfit_test needs both options) fails the check if
# a setting did not hold.  Kbuild rebuilds only the objects that depend on
# a changed option.  SERIES_CHECK_VARIANTS= (empty) skips this.
#
# SERIES_CHECK_FROM=N starts the per-patch builds at patch N (default 1):
# the tail of a series after a change to it, and the variants.
#
# The tree is put back on its branch and its .config at the end, whatever
# happened.  Then a verdict.

set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

tree=$1 logdir=$(realpath -m "$2")
[ -d "$tree/.git" ] || die "series-check: no scratch tree at $tree"
[ -z "$(git -C "$tree" status --porcelain --untracked-files=no)" ] ||
	die "series-check: $tree has uncommitted edits"
branch=$(git -C "$tree" symbolic-ref -q --short HEAD) || die "series-check: $tree is not on a branch"
commits=$(git -C "$tree" rev-list --reverse lab-base..HEAD)
[ -n "$commits" ] || die "series-check: no patches past lab-base in $tree"
mkdir -p "$logdir"
cp "$tree/.config" "$logdir/config.saved" || die "series-check: $tree has no .config (make config)"
# The saved .config goes back only if a variant replaced it: an untouched
# .config keeps its time stamp, and Kbuild its objects.
trap 'git -C "$tree" checkout -q "$branch"
      cmp -s "$logdir/config.saved" "$tree/.config" || cp "$logdir/config.saved" "$tree/.config"' EXIT

# moved_findings PATCH CHECKPATCH_OUTPUT: how many of checkpatch's findings
# are about moved code only: every line of the patch that the finding
# quotes is added in one place and removed in another by the same patch.
# A patch that moves code (fs/dax.c to drivers/dax/mapping.c) moves it as
# it is, so that `git show --color-moved` shows it as moved; checkpatch
# sees only the added lines and reports the old code's style again.
moved_findings()
{
	awk '
	function done() {
		if (kind != "" && quoted && moved)
			n++
		kind = ""
	}
	FNR == NR { if (/^-/ && !/^---/) gone[substr($0, 2)] = 1; next }
	/^(ERROR|WARNING|CHECK):/ { done(); kind = $0; quoted = 0; moved = 1; next }
	kind != "" && /^\+/ { quoted++; if (!(substr($0, 2) in gone)) moved = 0; next }
	/^$/ { done() }
	END { done(); print n + 0 }' "$1" "$2"
}

from=${SERIES_CHECK_FROM:-1}
case $from in
''|*[!0-9]*|0) die "series-check: SERIES_CHECK_FROM is a patch number from 1, not '$from'" ;;
esac
n=0 bad=0
for c in $commits; do
	n=$((n + 1))
	[ "$n" -lt "$from" ] && continue
	subject=$(git -C "$tree" log -1 --format=%s "$c")
	log=$logdir/$(printf '%04d' $n).log
	: > "$log"
	kmake_init "$tree" "$log" "$(dirname "$0")/../.."
	git -C "$tree" checkout -q "$c" || die "series-check: cannot check out $c"
	t=$(date +%s)
	if kmake bzImage modules && kmake M=tools/testing/nvdimm modules; then
		build="builds ($(( $(date +%s) - t ))s)"
	else
		build="BUILD FAILED (log: $log)"
		bad=$((bad + 1))
	fi
	patch=$logdir/$(printf '%04d' $n).patch
	git -C "$tree" format-patch -U"$lab_patch_context" -1 --stdout "$c" > "$patch"
	(cd "$tree" && ./scripts/checkpatch.pl --strict --no-color "$patch") \
		> "$log.checkpatch" 2>&1
	unknown=$(grep -c '^WARNING: Unknown commit id' "$log.checkpatch")
	moved=$(moved_findings "$patch" "$log.checkpatch")
	other=$(grep -E '^(ERROR|WARNING|CHECK):' "$log.checkpatch" | grep -vc '^WARNING: Unknown commit id')
	other=$((other - moved))
	if [ "$other" -eq 0 ]; then
		cp="checkpatch clean"
		[ "$unknown" -gt 0 ] && cp+=" (+$unknown 'Unknown commit id')"
		[ "$moved" -gt 0 ] && cp+=" (+$moved on moved lines)"
	else
		cp="CHECKPATCH: $other (see $log.checkpatch)"
		bad=$((bad + 1))
	fi
	printf '%2d  %-62.62s  %s, %s\n' "$n" "$subject" "$build" "$cp"
done

# variant_build COMMIT SETTINGS LOG: build COMMIT with SETTINGS
# ("FS_DAX=n,DAX=m") on top of the saved .config; says why on failure.
variant_build()
{
	local c=$1 settings=$2 log=$3 kv opt val got
	local -a args=()

	: > "$log"
	kmake_init "$tree" "$log" "$(dirname "$0")/../.."
	git -C "$tree" checkout -q "$c" || { echo "cannot check out $c"; return 1; }
	cp "$logdir/config.saved" "$tree/.config"
	for kv in ${settings//,/ }; do
		opt=${kv%%=*} val=${kv#*=}
		case $val in
		n) args+=(-d "$opt") ;;
		m) args+=(-m "$opt") ;;
		y) args+=(-e "$opt") ;;
		*) echo "bad setting '$kv' (OPTION=y|m|n)"; return 1 ;;
		esac
	done
	if ! "$tree/scripts/config" --file "$tree/.config" "${args[@]}" || ! kmake olddefconfig; then
		echo "olddefconfig failed (log: $log)"
		return 1
	fi
	for kv in ${settings//,/ }; do
		opt=${kv%%=*} val=${kv#*=}
		got=$(sed -n "s/^CONFIG_$opt=//p" "$tree/.config")
		[ "${got:-n}" = "$val" ] ||
			{ echo "CONFIG_$opt is ${got:-n}, not $val, after olddefconfig"; return 1; }
	done
	kmake bzImage modules || { echo "BUILD FAILED (log: $log)"; return 1; }
}

variants=${SERIES_CHECK_VARIANTS-FS_DAX=n,DAX=m DEV_DAX=n}
if [ -n "$variants" ]; then
	last=$(git -C "$tree" rev-parse HEAD)
	vcommits=$( (git -C "$tree" log --reverse --diff-filter=A --format=%H lab-base..HEAD
		echo "$last") | awk '!seen[$0]++')
	# One variant at a time over the commits, oldest first: a setting such
	# as FS_DAX=n (S_DAX in linux/fs.h) rebuilds nearly the whole tree
	# when it changes, and only the commits' differences after that.
	for v in $variants; do
		for c in $vcommits; do
			vn=$(git -C "$tree" rev-list --count lab-base.."$c")
			subject=$(git -C "$tree" log -1 --format=%s "$c")
			log=$logdir/$(printf '%04d' "$vn")-${v//[,=]/_}.log
			t=$(date +%s)
			if r=$(variant_build "$c" "$v" "$log"); then
				r="builds ($(( $(date +%s) - t ))s)"
			else
				bad=$((bad + 1))
			fi
			printf '%2d  %-44.44s  %-17s  %s\n' "$vn" "$subject" "$v" "$r"
		done
	done
fi
if [ "$from" -gt 1 ]; then
	echo "$n patches (patches $from-$n checked), $bad problems"
else
	echo "$n patches, $bad problems"
fi
[ $bad -eq 0 ]
