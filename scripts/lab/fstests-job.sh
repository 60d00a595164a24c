#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fstests-job.sh OUT DIR [RUN] - what `make fstests` runs, from the
# fstests collection DIR (tests/fstests):
#
#   DIR/configs   fstests config sections, one per configuration ([ext4-dax],
#                 [xfs-dax]): FSTYP, MKFS_OPTIONS, MOUNT_OPTIONS and
#                 TEST_FS_MOUNT_OPTS; the guest adds the devices
#   DIR/tests     the tests, "TEST GROUP..." (generic/413 dax mmap); a
#                 test of a file system's own directory (ext4/, xfs/) runs
#                 in that file system's configurations only
#   DIR/exclude   "GLOB REASON" lines: the runs ("CONFIG:TEST", TEST with
#                 a dash for the slash: xfs-dax:generic-068) not made, and why
#
# RUN (FSTESTS_RUN) keeps only the tests it names, comma separated: a test
# (generic/413) or a group of DIR/tests (dax), or "all".  Without RUN, the
# tests of the lab's group "extended" are left out (DIR/tests says why).
# FSTESTS_NODAX=1 drops the DAX mount options from every configuration:
# the run must then go red at each configuration's dax-guard, which is
# what it is for.
#
# Writes OUT/list.txt ("CONFIG:TEST" lines, each configuration's dax-guard
# first: the list guests.sh, lab-select and report.sh read), OUT/configs
# (the sections the guest gets) and OUT/guests (one configuration a word:
# a guest each).  Says what was excluded, and why.

set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

out=${1:?usage: fstests-job.sh OUT DIR [RUN]} dir=${2:?usage: fstests-job.sh OUT DIR [RUN]}
run=${3:-}
for f in configs tests exclude; do
	[ -f "$dir/$f" ] || die "fstests: no $dir/$f"
done
mkdir -p "$out"

configs=$(sed -n 's/^\[\([^]]*\)\]$/\1/p' "$dir/configs")
[ -n "$configs" ] || die "fstests: $dir/configs has no [section]"
fstyp()
{
	awk -v s="[$1]" '/^\[/ { on = ($1 == s); next } on && /^FSTYP=/ { sub(/^FSTYP=/, ""); print; exit }' \
		"$dir/configs"
}

# The tests RUN selects, in DIR/tests order; a RUN word that selects
# nothing is an error, as for LAB_ONLY.
tests=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$dir/tests")
if [ -z "$run" ]; then
	tests=$(awk '{ for (i = 2; i <= NF; i++) if ($i == "extended") next; print }' <<< "$tests")
elif [ "$run" != all ]; then
	sel=
	for w in ${run//,/ }; do
		s=$(awk -v w="$w" '$1 == w { print $1; next } { for (i = 2; i <= NF; i++) if ($i == w) { print $1; next } }' \
			<<< "$tests")
		[ -n "$s" ] || die "fstests: FSTESTS_RUN word '$w' is no test or group of $dir/tests"
		sel+="$s"$'\n'
	done
	tests=$(awk 'NR == FNR { want[$1] = 1; next } want[$1]' <(echo "$sel") <(echo "$tests"))
fi

excluded=0
: > "$out/list.txt"
for c in $configs; do
	fs=$(fstyp "$c")
	[ -n "$fs" ] || die "fstests: section [$c] of $dir/configs has no FSTYP"
	echo "$c:dax-guard" >> "$out/list.txt"
	while read -r t _; do
		[ -n "$t" ] || continue
		case ${t%%/*} in
		generic|"$fs") ;;
		ext4|xfs|ext2|btrfs) continue ;;
		esac
		id="$c:${t/\//-}"
		why=$(while read -r glob reason; do
			# shellcheck disable=SC2053 # the glob is meant to match
			[[ $id == $glob ]] && { echo "$reason"; break; }
		done < <(sed -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*$/d' "$dir/exclude"))
		if [ -n "$why" ]; then
			say "fstests: excluded $id: $why"
			excluded=$((excluded + 1))
			continue
		fi
		echo "$id" >> "$out/list.txt"
	done <<< "$tests"
done

# FSTESTS_NODAX=1: every "dax" or "dax=..." mount option taken out of the
# mount option lines, wherever it stands in an -o list (an -o left empty
# goes too).
nodax()
{
	awk '
	/^(MOUNT_OPTIONS|TEST_FS_MOUNT_OPTS)=/ {
		name = $0; sub(/=.*/, "", name); v = substr($0, length(name) + 2)
		q = (v ~ /^".*"$/); if (q) v = substr(v, 2, length(v) - 2)
		n = split(v, w, " "); r = ""
		for (i = 1; i <= n; i++) {
			if (w[i] == "-o" && i < n) {
				m = split(w[++i], o, ","); k = ""
				for (j = 1; j <= m; j++)
					if (o[j] != "dax" && o[j] !~ /^dax=/) k = k (k == "" ? "" : ",") o[j]
				if (k != "") r = r (r == "" ? "" : " ") "-o " k
				continue
			}
			r = r (r == "" ? "" : " ") w[i]
		}
		print name "=" (q ? "\"" r "\"" : r); next
	}
	{ print }' "$1"
}

if [ "${FSTESTS_NODAX:-0}" = 1 ]; then
	nodax "$dir/configs" > "$out/configs"
	say "fstests: FSTESTS_NODAX=1: the DAX mount options are dropped; every dax-guard must fail"
else
	cp "$dir/configs" "$out/configs"
fi
echo "$configs" | tr '\n' ' ' > "$out/guests"
say "fstests: $(grep -vc ':dax-guard$' "$out/list.txt") runs in $(echo "$configs" | wc -w) configurations ($excluded excluded)"
