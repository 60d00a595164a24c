# SPDX-License-Identifier: GPL-2.0
#
# The DAX pin lab: Linux 6.1 plus patches/series, booted under QEMU on
# emulated persistent memory, with the guest test suites.  `make help`.
#
# Each step is a small script in scripts/lab/ with one job; this file only
# strings them together.  The base, the config and ndctl's build keep
# stamps, so a second run with nothing changed skips them; it still runs
# the kernel make (kbuild finds it done), builds the project's modules
# again and stages every module, builds and installs the test collections
# anew (tests/Makefile), assembles the initramfs anew (initramfs.sh) and
# boots.  `make boot` boots what is built with no build step at all.

L          := scripts/lab
comma      := ,
SERIES     ?= patches/series
KSRC       ?=
LAB_DEBUG  ?= 0

# SERIES=none is the stock base, built in a directory of its own so that
# stock and patched kernels can be booted side by side.
FLAVOR     := $(if $(filter none,$(SERIES)),stock,series)
B          ?= build/$(FLAVOR)$(if $(filter 1,$(LAB_DEBUG)),-debug)
TREE       := $(B)/linux
STAGE      := $(B)/stage
BZIMAGE    := $(TREE)/arch/x86/boot/bzImage
INITRD     := $(B)/initramfs.cpio
TESTS_OUT  := $(B)/tests
LIST       := $(TESTS_OUT)/kselftest-list.txt
NDCTL_OUT  := build/ndctl
FRAGMENTS  := configs/lab.config $(if $(filter 1,$(LAB_DEBUG)),configs/debug.config)

# What `make run` (the main job), `make check` (everything) and `make
# repro` run: one quoted list of selectors per guest (guest/bin/lab-select);
# the guests boot side by side, two at a time.  A collection's settings
# file names the tests that need a guest of their own, and why
# (lab_own_guest=: ndctl's mmap.sh and device-dax, the reproducers that can
# take the guest down); scripts/lab/guest-specs.sh turns a list of groups
# of collections (a group shares a guest) into the guests.
specs = $(or $(shell $(L)/guest-specs.sh $(1) | tr '\n' ' '),$(error guest-specs.sh $(1) failed (see above)))
REPRO_GUESTS ?= $(call specs,repro)
# make run: the smoke suite and the reproducers, with one pin (RUN_CASE,
# LAB_CASE's syntax: vmsplice, and exit_pin's r13, whose only pin is the
# DMA one) for time: `make repro` has all four.
RUN_GUESTS   ?= $(call specs,smoke$(comma)repro)
RUN_CASE     ?= $(or $(LAB_CASE),vmsplice$(comma)r13_)
CHECK_GUESTS ?= $(call specs,ndctl smoke$(comma)repro$(comma)mm)
# How much slower than the lab kernel a run is: every time limit in the
# guest (the collections' settings, each harness test's own) and the guest's
# own limit are multiplied by it.  KASAN and the debug options cost about
# four times the lab kernel's time under TCG.  A guest's own limit is well
# above its longest test's (ndctl's mmap.sh: 900-960 s with lockdep, alone).
LAB_SLOW     ?= $(if $(filter 1,$(LAB_DEBUG)),4,1)
# LAB_ITER multiplies the work, so every limit too (the guest does the same
# for the collections' and the cases' limits).
LAB_TIMEOUT  ?= $(shell echo $$((3000 * $(LAB_SLOW) * $(or $(LAB_ITER),1))))
LAB_FLAVOR   := $(FLAVOR)
export LAB_SLOW LAB_TIMEOUT LAB_INJECT LAB_ONLY LAB_MEM LAB_SMP LAB_NVDIMM LAB_APPEND LAB_JOBS LAB_ITER LAB_CASE LAB_FLAVOR

.NOTPARALLEL:
.DEFAULT_GOAL := run

help:
	@echo 'The DAX pin lab (see README.md and Documentation/lab.rst)'
	@echo ''
	@echo '  make run        the main job (default): the reproducers on stock and on the series'
	@echo '                  side by side, one pin each, plus the smoke suite; a summary table'
	@echo '  make smoke      build base + series, boot, run the smoke suite only (quick)'
	@echo '  make boot       boot what is built again, no build step: GUESTS="'"'"'repro:pin_free'"'"'"'
	@echo '  make check      the same, running every test collection (smoke, ndctl, repro, mm)'
	@echo '  make check-all  what CI runs: check, check-lab, and the reproducers on stock'
	@echo '  make shell      boot the guest with a shell on this terminal'
	@echo '  make kernel     only build (base, series, config, kernel, modules)'
	@echo '  make export     write the scratch tree commits back into patches/'
	@echo '  make check-series  build each patch on its own, checkpatch --strict each'
	@echo '  make check-am      apply the series with git am to a plain git tree of the base'
	@echo '  make repro      the reproducers on the stock base and on the series: a table'
	@echo '  make check-lab  prove a failing test, a kernel WARNING and a vacuous ndctl pass each turn a run red'
	@echo '  make check-report  the verdict layer against saved runs (tests/lab), no QEMU'
	@echo '  make lint       shellcheck -x on every script of the lab'
	@echo '  make bench      stock against the series on an instruction-count clock: a table'
	@echo '  make fstests    fstests on ext4 -o dax and xfs -o dax=always, stock then the series: a table'
	@echo '  make fstests-run  the same on one kernel (SERIES=none: stock)'
	@echo '  make deps       install missing Debian packages'
	@echo '  make clean      remove build/ (refuses if a scratch tree has unexported work)'
	@echo ''
	@echo '  SERIES=none     the stock base, in build/stock'
	@echo '  KSRC=/path      a v6.1.y tree instead of Debian linux-source-6.1 (only read)'
	@echo '  LAB_DEBUG=1     add configs/debug.config (KASAN), in build/<flavor>-debug'
	@echo '  LAB_ONLY=smoke:dax_mmap[,...]  run only these tests'
	@echo '  LAB_ITER=100    stress mode: each reproducer case 100 times'
	@echo '  LAB_CASE=r2_ext4_punch.vmsplice[,r13]  of pin_free, exit_pin and the unbind programs, only the cases named so'
	@echo '  RUN_CASE=vmsplice,r13_  make run'"'"'s cases, as LAB_CASE (default: LAB_CASE if set, else this)'
	@echo '  GUESTS="'"'"'smoke'"'"' '"'"'repro:pin_free'"'"'"  make boot'"'"'s guests, one quoted selection each (default smoke)'
	@echo '  LAB_JOBS=1      guests booted at once (default 2)'
	@echo '  LAB_APPEND=lab.pin_wait=5  more kernel command line'
	@echo '  LAB_QEMU_OPTS="-s -S"  more QEMU options (this one: wait for gdb on port 1234)'
	@echo '  LAB_SLOW=4      scale every time limit (default 4 with LAB_DEBUG=1, else 1)'
	@echo '  LAB_INJECT=fail|warn|nolabels, LAB_TIMEOUT=<s>, LAB_MEM, LAB_SMP, LAB_NVDIMM'
	@echo '  BENCH_ROUNDS=3, BENCH_B=series|stock, BENCH_CLOCK=icount|tcg  (make bench)'
	@echo '  FIXTURES=report/timeout[,...]  make check-report: these fixtures only'
	@echo '  FSTESTS_RUN=dax|generic/413,...  make fstests: these tests or groups of tests/fstests/tests only'
	@echo '  FSTESTS=DIR     your own fstests checkout instead of the snapshot (only read)'
	@echo '  FSTESTS_NODAX=1 the DAX mount options dropped: every dax-guard must fail (the guard'"'"'s own test)'
	@echo ''
	@echo '  this invocation: $(B) (tree $(TREE))'

deps:
	@$(L)/deps.sh

base: deps
	@$(L)/base.sh $(TREE) $(SERIES) $(KSRC)

config: base
	@$(L)/config.sh $(TREE) $(FRAGMENTS)

kernel: config
	@$(L)/build.sh $(TREE) $(STAGE) . $(B)/kmod $(B)/logs/build.log

ndctl: deps
	@$(L)/ndctl.sh $(NDCTL_OUT)

tests: kernel ndctl
	@$(MAKE) -s --no-print-directory -C tests KTREE=$(abspath $(TREE)) \
		NDCTL_SRC=$(abspath $(NDCTL_OUT))/src INSTALL_PATH=$(abspath $(TESTS_OUT)) install

initramfs: tests
	@$(L)/initramfs.sh $(INITRD) $(STAGE) $(TESTS_OUT) guest $(NDCTL_OUT)/src

# The main job shows the point: the reproducers on the stock base, then on
# the series, and a summary by recipe of what leaked on stock and what the
# series did instead.  Green when the series passes and every stock
# reproducer failed as tests/expected says it must.  With SERIES=none it
# is the stock run alone.
ifeq ($(FLAVOR),stock)
run:
	@$(MAKE) --no-print-directory LAB_CASE=$(RUN_CASE) run-one
else
run:
	@rm -rf $(STOCK_B)/run $(B)/run
	@$(MAKE) --no-print-directory SERIES=none LAB_CASE=$(RUN_CASE) run-one; s=$$?; \
	$(MAKE) --no-print-directory LAB_CASE=$(RUN_CASE) run-one; p=$$?; \
	echo; $(L)/summary.sh $(STOCK_B)/run $(B)/run build/run-summary.md; \
	echo "stock: $$([ $$s -eq 0 ] && echo 'every reproducer failed as expected' || echo 'NOT as expected (see above)'); series: $$([ $$p -eq 0 ] && echo green || echo RED)"; \
	[ $$s -eq 0 ] && [ $$p -eq 0 ]
endif

run-one: initramfs
	@$(L)/guests.sh $(BZIMAGE) $(INITRD) $(B)/run $(LIST) $(RUN_GUESTS)

smoke: initramfs
	@$(L)/guests.sh $(BZIMAGE) $(INITRD) $(B)/smoke $(LIST) smoke

# Boot what is built again, with no build step at all (no base, config,
# kernel, test or initramfs check): GUESTS, one quoted selection per guest
# (default smoke), with LAB_ONLY and the other knobs as for any run.
GUESTS ?= smoke
boot:
	@[ -f $(BZIMAGE) ] && [ -f $(INITRD) ] && [ -f $(LIST) ] || \
		{ echo "lab: error: nothing built in $(B) to boot (make kernel initramfs first)" >&2; exit 1; }
	@$(L)/guests.sh $(BZIMAGE) $(INITRD) $(B)/boot $(LIST) $(GUESTS)

# The lab's own checks come first: they take seconds, and a verdict layer
# that misjudges saved runs makes the guests' verdicts worthless.
check: check-report lint initramfs
	@$(L)/guests.sh $(BZIMAGE) $(INITRD) $(B)/check $(LIST) $(CHECK_GUESTS)

# README's test command, and all that CI runs (.ci/run): check (with the
# lab's own checks), check-lab's injected failures, and the reproducers on
# stock, which pass only if every one fails there as tests/expected says,
# with its evidence: a reproducer that no longer catches the bug on stock
# proves nothing on the series.  Each step runs even if one before it
# failed; the run is red if any is.
check-all:
	@r=''; \
	$(MAKE) --no-print-directory check || r="$$r check"; \
	$(MAKE) --no-print-directory check-lab || r="$$r check-lab"; \
	$(MAKE) --no-print-directory SERIES=none repro-run || r="$$r stock-reproducers"; \
	echo; if [ -z "$$r" ]; then echo "check-all: check, check-lab and the stock reproducers as expected"; \
	else echo "check-all: RED:$$r (see above)"; exit 1; fi

# The reproducers on one kernel (repro-run), and on both, side by side.
# The verdict of `make repro` is the series': stock is expected to fail.
repro-run: initramfs
	@$(L)/guests.sh $(BZIMAGE) $(INITRD) $(B)/repro $(LIST) $(REPRO_GUESTS)

STOCK_B := build/stock$(if $(filter 1,$(LAB_DEBUG)),-debug)
repro:
	@$(MAKE) --no-print-directory SERIES=none repro-run || true
	@$(MAKE) --no-print-directory repro-run; rc=$$?; \
		$(L)/table.sh $(STOCK_B)/repro $(B)/repro build/repro-table.md; exit $$rc

# Stock against the series on an instruction-count clock (scripts/lab/bench.sh):
# A = stock, B = the series (BENCH_B=stock: stock against itself, the
# calibration), booted A B A B ..., then one table and a chart in build/bench.
BENCH_ROUNDS ?= 3
BENCH_B      ?= series
BENCH_CLOCK  ?= icount
BENCH_OUT    ?= build/bench
export BENCH_REPS BENCH_SIZE BENCH_GUP_SIZE BENCH_FIO_SIZE
bench:
	@case '$(BENCH_B)' in stock|series) ;; *) echo "lab: error: BENCH_B is stock or series, not '$(BENCH_B)'" >&2; exit 1 ;; esac
	@[ '$(LAB_DEBUG)' = 0 ] || { echo 'lab: error: make bench measures the lab kernels, not LAB_DEBUG=1' >&2; exit 1; }
	@[ '$(FLAVOR)' = series ] || { echo 'lab: error: make bench compares stock with the series; SERIES=none: use BENCH_B=stock' >&2; exit 1; }
	@$(MAKE) --no-print-directory SERIES=none initramfs
	@$(if $(filter series,$(BENCH_B)),$(MAKE) --no-print-directory initramfs)
	@$(L)/bench.sh $(BENCH_OUT) '$(BENCH_ROUNDS)' '$(BENCH_CLOCK)' build/stock \
		$(if $(filter series,$(BENCH_B)),$(B),build/stock)
	@$(L)/bench-report.sh $(BENCH_OUT) stock '$(if $(filter series,$(BENCH_B)),series,stock (B))' \
		tests/bench/thresholds

# fstests (xfstests), the file systems' own regression suite, on DAX: the
# configurations of tests/fstests/configs (ext4 -o dax, xfs -o dax=always),
# each in a guest of its own that runs the host's root file system (read
# only over virtio-9p) and fstests built on the host (scripts/lab/fstests.sh,
# from the snapshot or FSTESTS=DIR).  fstests-run is one kernel; fstests is
# stock, then the series, and a table of both (build/fstests-table.md): red
# if the series fails what stock passes.  tests/fstests/expected says which
# failures are expected, tests/fstests/exclude which runs are not made.
FSTESTS          ?=
FSTESTS_SNAPSHOT ?= ../shared/fstests/fstests-63a29724a85f.tar.gz
FSTESTS_RUN      ?=
FSTESTS_NODAX    ?= 0
FST_OUT          := build/fstests
# A guest's limit: 300 s a run of its list (the slowest of the dax group
# took 110 s under TCG beside another guest, 360 s beside a kernel build
# too) and 1500 s more, so that the guest's own watchdog (1200 s without
# progress: guest/bin/lab-fstests) stops a hung test before the host kills
# the guest, times LAB_SLOW.
FST_TIMEOUT      ?=
export FSTESTS_NODAX

fstests-build:
	@$(L)/deps.sh fstests
	@$(L)/fstests.sh $(FST_OUT) $(FSTESTS_SNAPSHOT) $(FSTESTS)

fstests-run: initramfs fstests-build
	@$(L)/fstests-job.sh $(B)/fstests-job tests/fstests '$(FSTESTS_RUN)'
	@n=$$(cut -d: -f1 $(B)/fstests-job/list.txt | uniq -c | sort -n | tail -n1 | awk '{ print $$1 }'); \
	LAB_FSTESTS=$(abspath $(FST_OUT))/src LAB_FSTESTS_CONFIGS=$(B)/fstests-job/configs \
		LAB_EXPECTED=tests/fstests/expected LAB_TIMEOUT=$(or $(FST_TIMEOUT),$$(((n * 300 + 1500) * $(LAB_SLOW)))) \
		$(L)/guests.sh $(BZIMAGE) $(INITRD) $(B)/fstests $(B)/fstests-job/list.txt \
		$$(cat $(B)/fstests-job/guests)

fstests:
	@$(MAKE) --no-print-directory SERIES=none fstests-run; s=$$?; \
	$(MAKE) --no-print-directory fstests-run; p=$$?; \
	echo; $(L)/table.sh $(STOCK_B)/fstests $(B)/fstests build/fstests-table.md; t=$$?; \
	echo "fstests: stock $$([ $$s -eq 0 ] && echo 'as expected' || echo 'NOT as expected'), series $$([ $$p -eq 0 ] && echo green || echo RED)$$([ $$t -eq 0 ] || echo ', and the series fails what stock passes')"; \
	[ $$s -eq 0 ] && [ $$p -eq 0 ] && [ $$t -eq 0 ]

shell: initramfs
	@$(L)/boot.sh shell $(BZIMAGE) $(INITRD) $(B)/shell

check-lab: initramfs
	@$(L)/check-lab.sh $(BZIMAGE) $(INITRD) $(B) $(LIST)

# The verdict layer (report.sh, bench-report.sh, table.sh, lab-select)
# against the saved runs of tests/lab, without QEMU: a few seconds.
# FIXTURES=report/timeout,... runs some only.
check-report:
	@$(L)/check-report.sh $(subst $(comma), ,$(FIXTURES))

# shellcheck -x on every script of the lab and of the guest tests.
lint: deps
	@$(L)/lint.sh

export:
	@$(L)/export.sh $(TREE) $(SERIES)

# Each patch of the series on its own: builds, checkpatch --strict clean.
check-series: config
	@$(L)/series-check.sh $(TREE) $(B)/logs/series-check

# The series applied with plain git am to a plain git tree of the base.
check-am: base
	@$(L)/am-check.sh $(TREE) $(SERIES)

clean:
	@$(L)/clean.sh build

.PHONY: help deps base config kernel ndctl tests initramfs run run-one smoke boot check check-all repro repro-run bench shell check-lab \
	fstests fstests-build fstests-run \
	check-report lint export check-series check-am clean
