#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-specs.sh GROUP... - the guests a run boots, as guests.sh SPECs.
#
# A GROUP is a comma-separated list of collections (tests/COLLECTION) that
# share one guest.  A test that needs a guest of its own says so in its
# collection's settings file, next to the tests and with the reason:
#
#   lab_own_guest=TEST[@icount],...
#
# (comma-separated: kselftest's runner reads the same file and would run a
# blank-separated value as a command).  @icount runs that guest on the
# instruction clock (guests.sh's clock=icount).  For each group this prints
# the shared guest without those tests, then each of them in a guest of its
# own: one quoted SPEC a line, for the Makefile to pass on.

set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

[ $# -gt 0 ] || die "usage: guest-specs.sh GROUP... (GROUP: collection[,collection...])"
tests=$(dirname "$0")/../../tests

# Printed at the end only: the Makefile's $(shell) drops the exit status,
# so an error must leave nothing half printed.
specs=()
for group in "$@"; do
	shared='' alone=()
	for c in ${group//,/ }; do
		[ -d "$tests/$c" ] || die "guest-specs: no collection tests/$c"
		shared+="${shared:+ }$c"
		own=
		[ -f "$tests/$c/settings" ] &&
			own=$(sed -n 's/^lab_own_guest=//p' "$tests/$c/settings" | tail -n1)
		for o in ${own//,/ }; do
			case $o in
			*@icount) alone+=("clock=icount $c:${o%@icount}") ;;
			*@*) die "guest-specs: tests/$c/settings: '$o': the only @ is @icount" ;;
			*) alone+=("$c:$o") ;;
			esac
			shared+=" -$c:${o%@icount}"
		done
	done
	# The shared guest first: guests.sh boots two at a time in this
	# order, and the shared one is the long one.
	specs+=("$shared" "${alone[@]}")
done
printf "'%s'\n" "${specs[@]}"
