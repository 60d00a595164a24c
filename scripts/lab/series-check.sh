#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# series-check.sh TREE LOGDIR - every patch of the series on its own: it
# builds, and checkpatch --strict has nothing to say about it.
#
# Each commit of the scratch tree past lab-base (the exported series) is
# checked out in turn and built incrementally in place (bzImage, modules,
# nfit_test), and its patch is run through the tree's checkpatch.pl
# --strict.  "Unknown commit id" warnings are counted apart: the scratch
# tree has no history before the base, so checkpatch cannot look up a
# Fixes: tag's commit there; so are findings about code that the patch
# only moves (moved_findings).  The tree is put back on its branch at the
# end, whatever happened.  One line per patch, then a verdict.

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
trap 'git -C "$tree" checkout -q "$branch"' EXIT

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

n=0 bad=0
for c in $commits; do
	n=$((n + 1))
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
echo "$n patches, $bad problems"
[ $bad -eq 0 ]
