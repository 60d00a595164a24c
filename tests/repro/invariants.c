// SPDX-License-Identifier: GPL-2.0
/*
 * invariants - the reference counts and entries behind a DAX file, read
 * through /dev/lab_daxcheck (tests/kmod/lab_daxcheck.c), against the
 * invariants of the design (I1, I2, I5, I10).
 *
 * The module reports raw entries; how to decode one is private to fs/dax.c
 * and changes with the series (phase B adds a ZAP bit, so the pfn starts
 * one bit higher).  Each case first finds the decoding that gives, for two
 * pages it faulted, the pfns that get_user_pages() finds at their
 * addresses, and trusts nothing decoded before that.  The decoding also
 * says which model the kernel has:
 *
 *   DAX_SHIFT 4 (stock, phase A): a page rests at a count of 1 whether or
 *     not an entry or a page table points at it; the dev_pagemap count
 *     does not move when a file is faulted in.
 *   DAX_SHIFT 5 (phase B): every page of an entry that is not zapped holds
 *     one reference for it, and every pfn of a normal entry one reference
 *     on its dev_pagemap until the entry is removed.
 *
 *   I1  refcount = idle + [entry not zapped, phase B] + get_user_pages() refs,
 *       where idle is 1, or 0 on a device whose pages rest at 0 (phase D:
 *       the module reports it per page, LAB_DAXCHECK_IDLE_AT_ZERO)
 *   I2  dev_pagemap count = baseline + pfns of the normal entries (phase B)
 *       + pages (device-dax: folios) whose count is above 0, where pages
 *       rest at 0 (phase D: such a page holds its dev_pagemap)
 *   I5  page->mapping is the file's, page->index the page's file index
 *       (PMD entries: the entry's first index plus the page's offset in it)
 *   I10 a layout break zaps every entry and gives the references back; a
 *       fault maps a zapped entry again and takes them back
 *
 * The devdax_* cases hold I1, I2 and I5 on device-dax, which keeps mapping
 * entries of the device inode from patch 0029 on (stock keeps none: those
 * cases fail there, with that as their evidence), at each alignment: 4 KiB
 * (PTE faults), 2 MiB (PMD, compound pages of 512) and 1 GiB (PUD, of
 * 262144).  A record is then a folio, its head page: a tail's count and
 * ->mapping mean nothing.  Each case rebinds the device first (daxctl
 * disable-device, enable-device), so that no entry is left from an earlier
 * case: the unbind removes them all, and the dev_pagemap is new.  Then the
 * device goes to system-ram and back (daxctl reconfigure-device), with its
 * pages mapped and pinned before: kmem must not find the device's page
 * state, and the device, bound again, must hold the invariants afresh.
 */
#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lab_test.h"
#include "daxcheck.h"
#include "pin.h"

#define FILE_LEN	(4 * SZ_2M)
#define FILE_PAGES	(FILE_LEN / SZ_4K)
#define ENTRY_ZAP	DAXCHECK_ENTRY_ZAP

FIXTURE(inv) {
	char mnt[200], path[256];
	int fd, chk;
	char *p;
	unsigned int shift;
	struct lab_daxcheck_page *pages;
};

FIXTURE_VARIANT(inv) {
	const char *fs;
};

FIXTURE_VARIANT_ADD(inv, ext4) { .fs = "ext4" };
FIXTURE_VARIANT_ADD(inv, xfs) { .fs = "xfs" };

/* Read the file's pages with @shift; returns how many were reported. */
static long read_file(FIXTURE_DATA(inv) *self, unsigned int shift)
{
	return daxcheck_file(self->chk, self->fd, shift, self->pages, FILE_PAGES);
}

static struct lab_daxcheck_page *page_at(FIXTURE_DATA(inv) *self, long n, uint64_t index)
{
	return daxcheck_at(self->pages, n, index);
}

/* I1 and I5 for every page; @pinned_index gets @extra more references. */
static void check_pages(struct __test_metadata *_metadata, FIXTURE_DATA(inv) *self,
			long n, uint64_t pinned_index, int extra)
{
	long i, bad1 = 0, bad5 = 0;

	for (i = 0; i < n; i++) {
		const struct lab_daxcheck_page *r = &self->pages[i];
		int want = daxcheck_idle_count(r, self->shift) +
			   (r->index == pinned_index ? extra : 0);

		if (r->flags & LAB_DAXCHECK_ZERO)
			continue;
		if (r->refcount != want && bad1++ < 3)
			TH_LOG("I1: page %llu (pfn %#llx, entry %#llx): refcount %d, want %d",
			       (unsigned long long)r->index, (unsigned long long)r->pfn,
			       (unsigned long long)r->entry, r->refcount, want);
		if ((!(r->flags & LAB_DAXCHECK_MAPPING_FILE) || r->page_index != r->index) &&
		    bad5++ < 3)
			TH_LOG("I5: page %llu (entry at %llu): flags %#x, page->index %llu",
			       (unsigned long long)r->index, (unsigned long long)r->entry_index,
			       r->flags, (unsigned long long)r->page_index);
	}
	EXPECT_EQ(0, bad1) TH_LOG("evidence: %ld of %ld pages break I1", bad1, n);
	EXPECT_EQ(0, bad5) TH_LOG("evidence: %ld of %ld pages break I5", bad5, n);
}

FIXTURE_SETUP(inv)
{
	char what[32];
	long n;

	self->fd = self->chk = -1;
	self->p = MAP_FAILED;
	self->pages = calloc(FILE_PAGES, sizeof(*self->pages));
	ASSERT_NE(NULL, self->pages);
	LAB_CASE_START(variant->fs);
	self->chk = daxcheck_open();
	ASSERT_LE(0, self->chk);
	snprintf(what, sizeof(what), "mount %s", variant->fs);
	ASSERT_EQ(0, lab_setup(what, self->mnt, sizeof(self->mnt)));
	snprintf(self->path, sizeof(self->path), "%s/inv", self->mnt);
	self->fd = open(self->path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, lab_fill_fd(self->fd, FILE_LEN, 'I'));
	ASSERT_EQ(0, fsync(self->fd));
	self->p = lab_map_aligned(self->fd, FILE_LEN, 0);
	ASSERT_NE(MAP_FAILED, self->p);
	lab_touch(self->p, FILE_LEN, 'J');

	/* pages 0 and 513: two different 2 MiB entries */
	self->shift = daxcheck_find_shift(self->chk, self->fd, self->p, 0, 513,
					  self->pages, FILE_PAGES);
	ASSERT_NE(0, self->shift) TH_LOG("no decoding of the entries matches the pfns get_user_pages() sees");
	n = read_file(self, self->shift);
	ASSERT_EQ(FILE_PAGES, n) TH_LOG("%ld pages reported, not %lu", n, FILE_PAGES);
	TH_LOG("entries decode with DAX_SHIFT %u: %s", self->shift,
	       self->shift >= 5 ? "entries hold page and pagemap references (phase B)" :
	       "pages rest at 1 whether mapped or not (6.1's model)");
}

FIXTURE_TEARDOWN(inv)
{
	if (self->p != MAP_FAILED)
		munmap(self->p, FILE_LEN);
	if (self->fd >= 0)
		close(self->fd);
	unlink(self->path);
	if (self->chk >= 0)
		close(self->chk);
	free(self->pages);
}

/* I1 and I5 on a mapped file, then with one page in a pipe (vmsplice). */
TEST_F_TIMEOUT(inv, refcounts, 300)
{
	struct pin pin;
	char buf[SZ_4K];
	long n;

	n = read_file(self, self->shift);
	check_pages(_metadata, self, n, ~0ULL, 0);

	ASSERT_EQ(0, pin_take(&pin, PIN_VMSPLICE, self->p + 5 * SZ_4K));
	n = read_file(self, self->shift);
	check_pages(_metadata, self, n, 5, 1);
	ASSERT_EQ(0, pin_drop(&pin, buf, 0));

	/* Unmapped: nothing changes in either model until a layout break. */
	ASSERT_EQ(0, munmap(self->p, FILE_LEN));
	self->p = MAP_FAILED;
	n = read_file(self, self->shift);
	check_pages(_metadata, self, n, ~0ULL, 0);
}

/* I2: the file's entries, and only they, move the dev_pagemap count. */
TEST_F_TIMEOUT(inv, pgmap, 300)
{
	long n = read_file(self, self->shift), with, without, normal = 0, held, i;
	uint64_t pfn = self->pages[0].pfn;

	for (i = 0; i < n; i++)
		normal += !(self->pages[i].flags & LAB_DAXCHECK_ZERO);
	held = daxcheck_pgmap_held(self->pages, n);
	with = daxcheck_pgmap(self->chk, pfn);
	ASSERT_LE(0, with) TH_LOG("reading the dev_pagemap count of pfn %#llx failed",
				  (unsigned long long)pfn);
	ASSERT_EQ(0, munmap(self->p, FILE_LEN));
	self->p = MAP_FAILED;
	ASSERT_EQ(0, ftruncate(self->fd, 0));
	without = daxcheck_pgmap(self->chk, pfn);
	ASSERT_LE(0, without) TH_LOG("dev_pagemap count %ld before the truncate, %ld after", with, without);
	TH_LOG("dev_pagemap count %ld with the file's %ld pages in entries (%ld of them holding it), %ld after truncate",
	       with, normal, held, without);
	EXPECT_EQ((self->shift >= 5 ? normal : 0) + held, with - without)
		TH_LOG("evidence: I2: truncating %ld entry pages (%ld holding the dev_pagemap) moved its count by %ld",
		       normal, held, with - without);
}

/* I10: a layout break zaps every entry; a fault takes a page back. */
TEST_F_TIMEOUT(inv, zap, 300)
{
	long n, i, unzapped = 0;
	struct lab_daxcheck_page *r;

	if (self->shift < 5)
		SKIP(return, "entries have no ZAP bit on this kernel (DAX_SHIFT %u): phase B is not applied",
		     self->shift);

	/* Punching the last page breaks the layout of the whole file. */
	ASSERT_EQ(0, fallocate(self->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			       FILE_LEN - SZ_4K, SZ_4K));
	n = read_file(self, self->shift);
	for (i = 0; i < n; i++)
		unzapped += !(self->pages[i].flags & LAB_DAXCHECK_ZERO) &&
			    !(self->pages[i].entry & ENTRY_ZAP);
	EXPECT_EQ(0, unzapped) TH_LOG("evidence: I10: %ld pages of entries left unzapped by a punch", unzapped);
	check_pages(_metadata, self, n, ~0ULL, 0);

	/* Fault page 0 again: its entry is no longer zapped. */
	self->p[0] = 'K';
	n = read_file(self, self->shift);
	r = page_at(self, n, 0);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(0, r->entry & ENTRY_ZAP) TH_LOG("evidence: I10: a fault left its entry zapped");
	check_pages(_metadata, self, n, ~0ULL, 0);
}

/* Run @fn(self->fd) in a child; it must still be running after 2 s. */
static pid_t start_waiting(struct __test_metadata *_metadata, FIXTURE_DATA(inv) *self,
			   int (*fn)(int fd), const char *what)
{
	int status;
	pid_t child = fork();

	if (!child)
		_exit(fn(self->fd) ? 1 : 0);
	EXPECT_EQ(-1, lab_wait_child(child, 2, &status))
		TH_LOG("evidence: %s did not wait for the pinned page", what);
	return child;
}

/* The child must complete within 20 s of the pin's end. */
static void expect_done(struct __test_metadata *_metadata, pid_t child, const char *what)
{
	int status;

	if (lab_wait_child(child, 20, &status)) {
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
		EXPECT_TRUE(0) TH_LOG("evidence: %s still waits 20 s after the pin ended", what);
		return;
	}
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static int punch_last(int fd)
{
	return fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, FILE_LEN - SZ_4K, SZ_4K);
}

static int truncate_all(int fd)
{
	return ftruncate(fd, 0);
}

/*
 * A layout break waits for a pinned page with its lock dropped; the pin
 * holder faults the page again meanwhile, which maps its zapped entry
 * again (phase B: the page takes the entry's reference back), then ends
 * the pin.  The break must notice and finish: a wait for the page alone
 * to become idle would sleep until a signal, the page holding the entry's
 * reference again.
 */
TEST_F_TIMEOUT(inv, refault_wait, 300)
{
	struct pin pin;
	char buf[SZ_4K];
	pid_t child;

	ASSERT_EQ(0, pin_take(&pin, PIN_VMSPLICE, self->p + 5 * SZ_4K));
	/* Punching the last page breaks the layout of the whole file. */
	child = start_waiting(_metadata, self, punch_last, "a punch");
	self->p[5 * SZ_4K + 1] = 'R';
	ASSERT_EQ(0, pin_drop(&pin, buf, 0));
	EXPECT_TRUE(buf[0] == 'J' && buf[1] == 'R')
		TH_LOG("evidence: the pin saw %#x %#x, not the file's page", buf[0], buf[1]);
	expect_done(_metadata, child, "a punch whose pinned page was faulted again during its wait");
}

/*
 * Refault after zap: a punch zaps every entry, the file is faulted again,
 * then a refaulted page is pinned and the file truncated: the truncate
 * waits for the pin, which sees the file's data.  I1 and I5 hold after
 * the refault.
 */
TEST_F_TIMEOUT(inv, refault_pin, 300)
{
	struct pin pin;
	char buf[SZ_4K];
	pid_t child;
	long n;

	ASSERT_EQ(0, punch_last(self->fd));
	lab_touch(self->p, FILE_LEN - SZ_2M, 'K');
	ASSERT_EQ(0, munmap(self->p + FILE_LEN - SZ_2M, SZ_2M));
	n = read_file(self, self->shift);
	check_pages(_metadata, self, n, ~0ULL, 0);

	ASSERT_EQ(0, pin_take(&pin, PIN_VMSPLICE, self->p + 5 * SZ_4K));
	n = read_file(self, self->shift);
	check_pages(_metadata, self, n, 5, 1);
	ASSERT_EQ(0, munmap(self->p, FILE_LEN - SZ_2M));
	self->p = MAP_FAILED;
	child = start_waiting(_metadata, self, truncate_all, "a truncate");
	ASSERT_EQ(0, pin_drop(&pin, buf, 0));
	EXPECT_TRUE(buf[0] == 'K' && buf[1] == 'I')
		TH_LOG("evidence: the pin saw %#x %#x, not the file's page", buf[0], buf[1]);
	expect_done(_metadata, child, "a truncate of refaulted pages");
}

/* Device-dax: I1, I2, I5 at each alignment (see the top of the file). */

FIXTURE(devinv) {
	char dev[200], name[64];
	int fd, chk;
	char *p;
	unsigned int shift;
	long room;		/* records in pages */
	long base;		/* dev_pagemap count before any fault */
	uint64_t pfn0;		/* the device's first pfn */
	struct lab_daxcheck_page *pages;
};

FIXTURE_VARIANT(devinv) {
	const char *name, *setup;
	size_t align, len;
	size_t folio;		/* the pages' folio size, if not align */
};

/*
 * 512 MiB for the small alignments: system-ram takes only whole memory
 * blocks (128 MiB on x86-64) of the device's range.
 */
FIXTURE_VARIANT_ADD(devinv, devdax_4k) {
	.name = "devdax_4k", .setup = "devdax lab-inv-4k 4K 512M", .align = SZ_4K, .len = 8 * SZ_4K,
};
FIXTURE_VARIANT_ADD(devinv, devdax_2m) {
	.name = "devdax_2m", .setup = "devdax lab-inv-2m 2M 512M", .align = SZ_2M, .len = 2 * SZ_2M,
};
FIXTURE_VARIANT_ADD(devinv, devdax_1g) {
	.name = "devdax_1g", .setup = "devdax lab-inv-1g 1G 2G", .align = SZ_1G, .len = SZ_1G,
};
/*
 * The memmap in RAM ("mem" mode, no altmap): the pgmap starts at the
 * namespace, which is not 1 GiB-aligned after the namespaces before it, so
 * compound pages of 1 GiB would not line up with the device's blocks; the
 * series then gives the device pages of 4 KiB (folio_pages 1 a record).
 */
FIXTURE_VARIANT_ADD(devinv, devdax_1g_mem) {
	.name = "devdax_1g_mem", .setup = "devdax lab-inv-1gm 1G 2G mem", .align = SZ_1G, .len = SZ_1G,
	.folio = SZ_4K,
};

/* Run "daxctl CMD NAME", quietly; its exit status. */
static int daxctl(const char *cmd, const char *name)
{
	char line[300];

	snprintf(line, sizeof(line), "daxctl %s %s >/dev/null", cmd, name);
	return lab_run(line);
}

/* The first pfn of device @name, from its sysfs resource. */
static uint64_t dev_pfn(const char *name)
{
	char path[200];
	unsigned long long start = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/dax/devices/%s/resource", name);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%llx", &start) != 1)
		start = 0;
	fclose(f);
	return start / SZ_4K;
}

/* The name of the driver bound to device @name, "" if none. */
static const char *dev_driver(const char *name, char *buf, size_t len)
{
	char path[200];
	ssize_t got;

	snprintf(path, sizeof(path), "/sys/bus/dax/devices/%s/driver", name);
	got = readlink(path, buf, len - 1);
	buf[got > 0 ? got : 0] = '\0';
	return basename(buf);
}

static long dev_read(FIXTURE_DATA(devinv) *self, unsigned int shift)
{
	return daxcheck_file(self->chk, self->fd, shift, self->pages, self->room);
}

/* The size of the device's folios: its alignment, unless said otherwise. */
static size_t dev_folio(const FIXTURE_VARIANT(devinv) *variant)
{
	return variant->folio ? variant->folio : variant->align;
}

/*
 * Open and map the device and touch every page of the variant's length:
 * one fault an alignment unit.  Returns the faults taken.
 */
static long dev_map(FIXTURE_DATA(devinv) *self, const FIXTURE_VARIANT(devinv) *variant,
		    char c)
{
	self->fd = open(self->dev, O_RDWR);
	if (self->fd < 0)
		return -1;
	/* device-dax's get_unmapped_area() aligns the address to the device */
	self->p = mmap(NULL, variant->len, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	if (self->p == MAP_FAILED)
		return -1;
	return lab_touch(self->p, variant->len, c);
}

/* I1 and I5 for every folio; the one at @pinned_index has @extra more. */
static void dev_check(struct __test_metadata *_metadata, FIXTURE_DATA(devinv) *self,
		      const FIXTURE_VARIANT(devinv) *variant, long n,
		      uint64_t pinned_index, int extra)
{
	long i, bad = 0;

	EXPECT_EQ((long)(variant->len / dev_folio(variant)), n)
		TH_LOG("evidence: %ld records, not one a folio of %zu KiB", n,
		       dev_folio(variant) >> 10);
	for (i = 0; i < n; i++) {
		const struct lab_daxcheck_page *r = &self->pages[i];
		int want = daxcheck_idle_base(r) + (self->shift >= 5) +
			   (r->index == pinned_index ? extra : 0);

		if (r->refcount == want && (r->flags & LAB_DAXCHECK_MAPPING_FILE) &&
		    r->page_index == r->index && !(r->flags & LAB_DAXCHECK_TAIL) &&
		    r->folio_pages == dev_folio(variant) / SZ_4K)
			continue;
		if (bad++ < 3)
			TH_LOG("folio at %llu (pfn %#llx, entry %#llx): refcount %d (want %d), flags %#x, page->index %llu, %llu pages",
			       (unsigned long long)r->index, (unsigned long long)r->pfn,
			       (unsigned long long)r->entry, r->refcount, want, r->flags,
			       (unsigned long long)r->page_index,
			       (unsigned long long)r->folio_pages);
	}
	EXPECT_EQ(0, bad) TH_LOG("evidence: %ld of %ld device-dax folios break I1 or I5", bad, n);
}

static void dev_unmap(FIXTURE_DATA(devinv) *self, const FIXTURE_VARIANT(devinv) *variant)
{
	if (self->p != MAP_FAILED)
		munmap(self->p, variant->len);
	self->p = MAP_FAILED;
	if (self->fd >= 0)
		close(self->fd);
	self->fd = -1;
}

FIXTURE_SETUP(devinv)
{
	long faults, n;

	self->fd = self->chk = -1;
	self->p = MAP_FAILED;
	/* one record a folio, and at most 1 << 18 (lab_daxcheck) */
	self->room = variant->len / dev_folio(variant);
	self->pages = calloc(self->room, sizeof(*self->pages));
	ASSERT_NE(NULL, self->pages);
	LAB_CASE_START(variant->name);
	self->chk = daxcheck_open();
	ASSERT_LE(0, self->chk);
	ASSERT_EQ(0, lab_setup(variant->setup, self->dev, sizeof(self->dev)));
	snprintf(self->name, sizeof(self->name), "%s", basename(self->dev));
	ASSERT_EQ(0, daxctl("disable-device", self->name));
	ASSERT_EQ(0, daxctl("enable-device", self->name));
	self->pfn0 = dev_pfn(self->name);
	ASSERT_NE(0, self->pfn0);
	self->base = daxcheck_pgmap(self->chk, self->pfn0);
	ASSERT_LE(0, self->base) TH_LOG("reading the dev_pagemap count of pfn %#llx failed",
					(unsigned long long)self->pfn0);

	faults = dev_map(self, variant, 'D');
	ASSERT_EQ((long)(variant->len / variant->align), faults)
		TH_LOG("%zu KiB touched with %ld faults: the device does not map %zu KiB at once",
		       variant->len >> 10, faults, variant->align >> 10);

	/* The first and the last folio: two entries, but at 1 GiB. */
	self->shift = daxcheck_find_shift(self->chk, self->fd, self->p, 0,
					  (variant->len - variant->align) / SZ_4K,
					  self->pages, self->room);
	n = dev_read(self, 4);
	ASSERT_NE(0, self->shift)
		TH_LOG("evidence: device-dax keeps %s: nothing tracks its mapped pages",
		       n > 0 ? "entries that decode to no pfn get_user_pages() sees" :
		       "no mapping entries");
	TH_LOG("%s (%s): entries decode with DAX_SHIFT %u", self->name, variant->name, self->shift);
}

FIXTURE_TEARDOWN(devinv)
{
	dev_unmap(self, variant);
	if (self->chk >= 0)
		close(self->chk);
	free(self->pages);
}

/* I1 and I5 mapped, pinned (vmsplice), and after munmap: entries stay. */
TEST_F_TIMEOUT(devinv, refcounts, 600)
{
	/* A page inside the last block, not its first, when it has more. */
	size_t off = variant->len - variant->align + (variant->align > SZ_4K ? 3 * SZ_4K : 0);
	uint64_t pinned = off / dev_folio(variant) * (dev_folio(variant) / SZ_4K);
	struct pin pin;
	char buf[SZ_4K];

	dev_check(_metadata, self, variant, dev_read(self, self->shift), ~0ULL, 0);
	ASSERT_EQ(0, pin_take(&pin, PIN_VMSPLICE, self->p + off));
	dev_check(_metadata, self, variant, dev_read(self, self->shift), pinned, 1);
	ASSERT_EQ(0, pin_drop(&pin, buf, 0));
	EXPECT_EQ('D', buf[0]) TH_LOG("evidence: the pin saw %#x, not the device's page", buf[0]);
	dev_unmap(self, variant);
	self->fd = open(self->dev, O_RDWR);
	ASSERT_LE(0, self->fd);
	dev_check(_metadata, self, variant, dev_read(self, self->shift), ~0ULL, 0);
}

/* I2: each page of an entry holds the dev_pagemap, until unbind. */
TEST_F_TIMEOUT(devinv, pgmap, 600)
{
	long pages = variant->len / SZ_4K, with, after, held;

	held = daxcheck_pgmap_held(self->pages, dev_read(self, self->shift));
	with = daxcheck_pgmap(self->chk, self->pfn0);
	dev_unmap(self, variant);
	after = daxcheck_pgmap(self->chk, self->pfn0);
	TH_LOG("dev_pagemap count %ld before the faults, %ld with %ld pages in entries (%ld folios holding it), %ld after munmap",
	       self->base, with, pages, held, after);
	EXPECT_EQ((self->shift >= 5 ? pages : 0) + held, with - self->base)
		TH_LOG("evidence: I2: mapping %ld device pages (%ld folios holding the dev_pagemap) moved its count by %ld",
		       pages, held, with - self->base);
	EXPECT_EQ(with, after) TH_LOG("evidence: I2: munmap moved the dev_pagemap count by %ld",
				      after - with);
}

/*
 * system-ram and back, after a pin: the unbind for kmem drains the entries,
 * kmem onlines the range, offlining it gives it back, and the device bound
 * again maps and holds I1 and I5 with fresh pages.
 */
TEST_F_TIMEOUT(devinv, system_ram, 900)
{
	struct pin pin;
	char buf[SZ_4K];
	long faults;

	ASSERT_EQ(0, pin_take(&pin, PIN_VMSPLICE, self->p));
	ASSERT_EQ(0, pin_drop(&pin, buf, 0));
	dev_unmap(self, variant);
	EXPECT_EQ(0, daxctl("reconfigure-device -m system-ram", self->name))
		TH_LOG("evidence: %s did not go to system-ram", self->name);
	EXPECT_STREQ("kmem", dev_driver(self->name, buf, sizeof(buf)))
		TH_LOG("evidence: %s is not driven by kmem after the reconfigure", self->name);
	EXPECT_EQ(0, daxctl("offline-memory", self->name))
		TH_LOG("evidence: the memory of %s did not go offline", self->name);
	ASSERT_EQ(0, daxctl("reconfigure-device -m devdax", self->name))
		TH_LOG("evidence: %s did not go back from system-ram to devdax", self->name);
	faults = dev_map(self, variant, 'E');
	ASSERT_EQ((long)(variant->len / variant->align), faults);
	dev_check(_metadata, self, variant, dev_read(self, self->shift), ~0ULL, 0);
}

LAB_HARNESS_MAIN
