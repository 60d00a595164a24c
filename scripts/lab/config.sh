#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# config.sh - make the lab's .config in a scratch tree.
#
# usage: config.sh TREE FRAGMENT...
#
# tinyconfig, then the fragments merged with the tree's own
# scripts/kconfig/merge_config.sh, then olddefconfig.  Every option a fragment
# asks for is then checked in the result: Kconfig drops an option silently
# when one of its dependencies is not set, and a lab that quietly lacks
# MEMORY_FAILURE or DM_DELAY tests less than it claims.
#
# The .config is only replaced when it changes, so a warm build stays warm.

set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

tree=$1
shift
[ $# -gt 0 ] || die "usage: config.sh TREE FRAGMENT..."
for f in "$@"; do
	[ -f "$f" ] || die "config fragment $f not found"
done

stamp=$tree/.config.lab-stamp
want=$(hash_files "$@"; git -C "$tree" rev-parse HEAD:Kconfig HEAD 2>/dev/null)
if [ -f "$tree/.config" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
	say "config: unchanged"
	exit 0
fi

# Requested value of every option in the fragments: "CONFIG_X=v" or
# "CONFIG_X=n" for "# CONFIG_X is not set". Later fragments win.
requested()
{
	sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*\)=\(.*\)$/\1=\2/p' \
	       -e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1=n/p' "$@" |
		awk -F= '{ v[$1] = $0; if (!($1 in o)) { o[$1] = n++; k[n - 1] = $1 } }
			 END { for (i = 0; i < n; i++) print v[k[i]] }'
}

# The value an option has in a .config, "n" when unset.
actual()
{
	local v
	v=$(grep -m1 "^$1=" "$2" | cut -d= -f2-)
	echo "${v:-n}"
}

new=.config.lab-new
export KCONFIG_CONFIG=$new
frags=$(for f in "$@"; do realpath "$f"; done)
log=$tree/.config.lab-log
# shellcheck disable=SC2086 # $frags: one fragment path a word
(
	cd "$tree" &&
	make -s tinyconfig &&
	scripts/kconfig/merge_config.sh -m "$new" $frags &&
	make -s olddefconfig
) > "$log" 2>&1 || { cat "$log" >&2; die "config: making the .config failed in $tree"; }

bad=0
while IFS='=' read -r opt val; do
	got=$(actual "$opt" "$tree/$new")
	if [ "$got" != "$val" ]; then
		echo "config: $opt: asked for '$val', got '$got'" \
		     "(a dependency is not set: see 'make -C $tree menuconfig', search $opt)" >&2
		bad=$((bad + 1))
	fi
done < <(requested "$@")
[ $bad -eq 0 ] || die "config: $bad requested option(s) did not take (listed above)"

if cmp -s "$tree/$new" "$tree/.config"; then
	rm -f "$tree/$new"
	say "config: regenerated, identical"
else
	mv "$tree/$new" "$tree/.config"
	say "config: written, $(requested "$@" | wc -l) requested options verified"
fi
echo "$want" > "$stamp"
