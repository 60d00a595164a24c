# SPDX-License-Identifier: GPL-2.0
# Helpers shared by the lab scripts. Sourced, never run.

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
	local label=$1 t=$(date +%s) rc
	shift
	say "$label ..."
	"$@"
	rc=$?
	[ $rc -eq 0 ] || return $rc
	say "$label done in $(( $(date +%s) - t ))s"
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
