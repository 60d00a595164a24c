#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lint.sh - shellcheck -x on every shell script of the lab: the host's
# steps (scripts/lab), the guest's tools (guest/bin) and the guest tests
# (tests/; the fixtures of tests/lab are data, not scripts).  A script is a
# file named *.sh or one whose first line starts a shell.  Each is checked
# from its own directory, so that what it sources resolves as it does when
# it runs.  Exit status 1 if any script has a finding.

set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

root=$(realpath "$(dirname "$0")/../..")
command -v shellcheck > /dev/null || die "lint: no shellcheck (make deps installs it)"

n=0 bad=0
while IFS= read -r f; do
	case $f in
	*.sh) ;;
	*) head -n1 "$f" | grep -Eq '^#!(/usr)?/bin/(env )?(ba)?sh\b' || continue ;;
	esac
	n=$((n + 1))
	(cd "$(dirname "$f")" && shellcheck -x "$(basename "$f")") || bad=$((bad + 1))
done < <(find "$root/scripts/lab" "$root/guest/bin" "$root/tests" -path "$root/tests/lab" -prune \
		-o -type f -print | sort)
[ $n -gt 0 ] || die "lint: no scripts found under $root"
say "lint: $n scripts, $bad with findings"
[ $bad -eq 0 ]
