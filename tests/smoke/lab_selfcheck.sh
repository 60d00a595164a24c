#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The lab's own module loads; and, on request (make check LAB_INJECT=...),
# this test makes the run red on purpose, to prove that the lab notices:
#   lab.inject=fail  this test fails
#   lab.inject=warn  the test module fires a WARN(); the test itself passes,
#                    the kernel log scan must fail the run
. ./lib.sh
inject=$(lab-param lab.inject)
warn=0
[ "$inject" = warn ] && warn=1
modprobe lab_canary warn=$warn || fail "cannot load the lab's test module"
modprobe -r lab_canary
[ "$inject" = fail ] && fail "deliberate failure (lab.inject=fail)"
exit 0
