#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfit_test (tools/testing/nvdimm) loads and registers its two buses.
. ./lib.sh
path=$(modinfo -n nfit_test) || fail "nfit_test is not installed"
case $path in */extra/*) ;; *) fail "nfit_test resolves to $path, not extra/" ;; esac
modprobe nfit_test || fail "modprobe nfit_test"
buses=
for _ in $(seq 30); do
	buses=$(ndctl list -B | jq -r '.. | .provider? // empty' | sort | tr '\n' ' ')
	case $buses in *nfit_test.0*nfit_test.1*) break ;; esac
	sleep 1
done
info "buses: $buses"
# Its regions hold the module: disable them first, as ndctl's tests do.
ndctl disable-region -b nfit_test.0 all >/dev/null
ndctl disable-region -b nfit_test.1 all >/dev/null
modprobe -r nfit_test || fail "modprobe -r nfit_test"
case $buses in *nfit_test.0*nfit_test.1*) ;; *) fail "nfit_test.0 and nfit_test.1 not listed" ;; esac
