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
 *   I1  refcount = 1 + [entry not zapped, phase B] + get_user_pages() refs
 *   I2  dev_pagemap count = baseline + pfns of the normal entries (phase B)
 *   I5  page->mapping is the file's, page->index the page's file index
 *       (PMD entries: the entry's first index plus the page's offset in it)
 *   I10 a layout break zaps every entry and gives the references back; a
 *       fault maps a zapped entry again and takes them back
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lab_test.h"
#include "lab_daxcheck.h"

#define FILE_LEN	(4 * SZ_2M)
#define FILE_PAGES	(FILE_LEN / SZ_4K)
#define ENTRY_ZAP	(1UL << 4)	/* phase B: bit 4, below the pfn */

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
	struct lab_daxcheck_file arg = {
		.fd = self->fd, .dax_shift = shift, .start = 0,
		.pages = FILE_PAGES, .buf = (uintptr_t)self->pages,
	};

	memset(self->pages, 0, FILE_PAGES * sizeof(*self->pages));
	if (ioctl(self->chk, LAB_DAXCHECK_FILE, &arg))
		return -1;
	return arg.pages;
}

static long gup_pfn(FIXTURE_DATA(inv) *self, size_t off)
{
	struct lab_daxcheck_pfn arg = { .addr = (uintptr_t)(self->p + off) };

	if (ioctl(self->chk, LAB_DAXCHECK_PFN, &arg))
		return -1;
	return arg.pfn;
}

static struct lab_daxcheck_page *page_at(FIXTURE_DATA(inv) *self, long n, uint64_t index)
{
	long i;

	for (i = 0; i < n; i++)
		if (self->pages[i].index == index)
			return &self->pages[i];
	return NULL;
}

/*
 * The decoding under which pages 0 and 513 (in two different PMDs) have the
 * pfns get_user_pages() sees, or 0.  Both must be mapped.
 */
static unsigned int find_shift(FIXTURE_DATA(inv) *self)
{
	long want0 = gup_pfn(self, 0), want1 = gup_pfn(self, 513 * SZ_4K);
	unsigned int s;

	for (s = 4; s <= 6; s++) {
		long n = read_file(self, s);
		struct lab_daxcheck_page *a = page_at(self, n, 0), *b = page_at(self, n, 513);

		if (a && b && !(a->flags & LAB_DAXCHECK_NO_PAGE) && !(b->flags & LAB_DAXCHECK_NO_PAGE) &&
		    (long)a->pfn == want0 && (long)b->pfn == want1)
			return s;
	}
	return 0;
}

static long pgmap_count(FIXTURE_DATA(inv) *self, uint64_t pfn)
{
	struct lab_daxcheck_pgmap arg = { .pfn = pfn };

	if (ioctl(self->chk, LAB_DAXCHECK_PGMAP, &arg))
		return -1;
	return arg.count;
}

/* Expected count of an idle, unpinned page under this kernel's model. */
static int idle_count(FIXTURE_DATA(inv) *self, const struct lab_daxcheck_page *r)
{
	return 1 + (self->shift >= 5 && !(r->entry & ENTRY_ZAP));
}

/* I1 and I5 for every page; @pinned_index gets @extra more references. */
static void check_pages(struct __test_metadata *_metadata, FIXTURE_DATA(inv) *self,
			long n, uint64_t pinned_index, int extra)
{
	long i, bad1 = 0, bad5 = 0;

	for (i = 0; i < n; i++) {
		const struct lab_daxcheck_page *r = &self->pages[i];
		int want = idle_count(self, r) + (r->index == pinned_index ? extra : 0);

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
	lab_kmsg("lab: subtest-start invariants.%s.%s\n", variant->fs, _metadata->name);
	ASSERT_EQ(0, system("modprobe lab_daxcheck"));
	self->chk = open("/dev/lab_daxcheck", O_RDWR | O_CLOEXEC);
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

	self->shift = find_shift(self);
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
TEST_F(inv, refcounts)
{
	struct iovec iov = { self->p + 5 * SZ_4K, SZ_4K };
	int pipefd[2];
	char buf[SZ_4K];
	long n;

	n = read_file(self, self->shift);
	check_pages(_metadata, self, n, ~0ULL, 0);

	ASSERT_EQ(0, pipe(pipefd));
	ASSERT_EQ(SZ_4K, vmsplice(pipefd[1], &iov, 1, 0));
	n = read_file(self, self->shift);
	check_pages(_metadata, self, n, 5, 1);
	ASSERT_EQ(SZ_4K, read(pipefd[0], buf, SZ_4K));
	close(pipefd[0]);
	close(pipefd[1]);

	/* Unmapped: nothing changes in either model until a layout break. */
	ASSERT_EQ(0, munmap(self->p, FILE_LEN));
	self->p = MAP_FAILED;
	n = read_file(self, self->shift);
	check_pages(_metadata, self, n, ~0ULL, 0);
}

/* I2: the file's entries, and only they, move the dev_pagemap count. */
TEST_F(inv, pgmap)
{
	long n = read_file(self, self->shift), with, without, normal = 0, i;
	uint64_t pfn = self->pages[0].pfn;

	for (i = 0; i < n; i++)
		normal += !(self->pages[i].flags & LAB_DAXCHECK_ZERO);
	with = pgmap_count(self, pfn);
	ASSERT_LE(0, with);
	ASSERT_EQ(0, munmap(self->p, FILE_LEN));
	self->p = MAP_FAILED;
	ASSERT_EQ(0, ftruncate(self->fd, 0));
	without = pgmap_count(self, pfn);
	ASSERT_LE(0, without);
	TH_LOG("dev_pagemap count %ld with the file's %ld pages in entries, %ld after truncate",
	       with, normal, without);
	EXPECT_EQ(self->shift >= 5 ? normal : 0, with - without)
		TH_LOG("evidence: I2: truncating %ld entry pages moved the dev_pagemap count by %ld",
		       normal, with - without);
}

/* I10: a layout break zaps every entry; a fault takes a page back. */
TEST_F(inv, zap)
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

LAB_HARNESS_MAIN
