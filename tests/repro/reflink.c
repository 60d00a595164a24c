// SPDX-License-Identifier: GPL-2.0
/*
 * reflink - DAX pages that two xfs files share by reflink.
 *
 * B is a reflink copy of A (FICLONE): both files' blocks are the same, so
 * both files' mappings hold entries for the same pages once they are
 * faulted.  A read fault does not know that its block is shared.
 *
 *   read_shared  A and B read-faulted.  6.1 warns that the page has a
 *                ->mapping already and takes it over for B; the series
 *                counts the page as shared (no ->mapping, ->index the
 *                number of entries).  Then A is truncated while B still
 *                maps the pages: the truncate must not wait for B's
 *                entries (phase B gives each entry a page reference, and
 *                a break of A cannot give back B's), B still reads its
 *                data, and once both files are gone the device's
 *                dev_pagemap count is what it was before (no reference
 *                leaked or dropped twice: an unbind would not wait).
 *   cow_write    B written through a shared mapping: the fault copies the
 *                shared block to a new one (CoW).  A read-faulted too.
 *                Both files deleted: the dev_pagemap count is back at its
 *                baseline, and the freed blocks are mapped again by a new
 *                file without a warning (6.1 leaves the CoW mark on a
 *                page whose last entry went away).
 *
 * The counts are read through /dev/lab_daxcheck (tests/kmod/lab_daxcheck.c).
 *
 * On 6.1, cow_write's LAB_DAXCHECK_PFN (pin_user_pages_fast + unpin) of
 * B's new page can hit VM_BUG_ON_PAGE(!PageAnonExclusive) in
 * sanity_check_pinned_pages(): 6.1's PAGE_MAPPING_DAX_COW is the same bit
 * as PAGE_MAPPING_ANON, so a CoW-marked fsdax page looks anonymous to GUP
 * with CONFIG_DEBUG_VM.  Any pin of such a page does that, not only the
 * checker's.  The guest then stops: reflink runs in a guest of its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/fs.h>

#include "kselftest_harness.h"
#include "lab_test.h"
#include "daxcheck.h"

#define FILE_LEN	(2 * SZ_2M)
#define FILE_PAGES	(FILE_LEN / SZ_4K)

FIXTURE(reflink) {
	char mnt[200], a[256], b[256], c[256];
	int fa, fb, chk;
	char *pa, *pb;
	unsigned int shift;
	long base, base_pages, base_held;
	uint64_t pfn0;
	struct lab_daxcheck_page *pages;
};

/* Drop the dentry and inode caches, so that evicted inodes give back their entries. */
static void drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

	if (fd >= 0) {
		if (write(fd, "3\n", 2) != 2)
			perror("drop_caches");
		close(fd);
	}
}

FIXTURE_SETUP(reflink)
{
	self->fa = self->fb = self->chk = -1;
	self->pa = self->pb = MAP_FAILED;
	self->pages = calloc(FILE_PAGES, sizeof(*self->pages));
	ASSERT_NE(NULL, self->pages);
	LAB_CASE_START(NULL);
	self->chk = daxcheck_open();
	ASSERT_LE(0, self->chk);
	ASSERT_EQ(0, lab_setup("mount xfs", self->mnt, sizeof(self->mnt)));
	snprintf(self->a, sizeof(self->a), "%s/reflink-a", self->mnt);
	snprintf(self->b, sizeof(self->b), "%s/reflink-b", self->mnt);
	snprintf(self->c, sizeof(self->c), "%s/reflink-c", self->mnt);

	self->fa = open(self->a, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, self->fa);
	ASSERT_EQ(0, lab_fill_fd(self->fa, FILE_LEN, 'A'));
	ASSERT_EQ(0, fsync(self->fa));
	self->pa = lab_map_aligned(self->fa, FILE_LEN, 0);
	ASSERT_NE(MAP_FAILED, self->pa);
	ASSERT_EQ('A', self->pa[0]);
	ASSERT_EQ('A', self->pa[513 * SZ_4K]);
	self->shift = daxcheck_find_shift(self->chk, self->fa, self->pa, 0, 513,
					  self->pages, FILE_PAGES);
	ASSERT_NE(0, self->shift) TH_LOG("no decoding of the entries matches get_user_pages()");
	self->pfn0 = self->pages[0].pfn;
	/*
	 * The baseline: A alone, with the entries of the two pages touched
	 * (two PMD entries, or two PTE entries where the extents are not
	 * 2 MiB aligned on the device).
	 */
	self->base = daxcheck_pgmap(self->chk, self->pfn0);
	ASSERT_LE(0, self->base);
	self->base_pages = daxcheck_file(self->chk, self->fa, self->shift, self->pages, FILE_PAGES);
	ASSERT_LT(0, self->base_pages);
	self->base_held = daxcheck_pgmap_held(self->pages, self->base_pages);
	ASSERT_EQ(0, munmap(self->pa, FILE_LEN));
	self->pa = MAP_FAILED;

	self->fb = open(self->b, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, self->fb);
	ASSERT_EQ(0, ioctl(self->fb, FICLONE, self->fa)) TH_LOG("FICLONE: %s", strerror(errno));
}

FIXTURE_TEARDOWN(reflink)
{
	if (self->pa != MAP_FAILED)
		munmap(self->pa, FILE_LEN);
	if (self->pb != MAP_FAILED)
		munmap(self->pb, FILE_LEN);
	if (self->fa >= 0)
		close(self->fa);
	if (self->fb >= 0)
		close(self->fb);
	unlink(self->a);
	unlink(self->b);
	unlink(self->c);
	if (self->chk >= 0)
		close(self->chk);
	free(self->pages);
}

/* Both files' entries gone: the dev_pagemap count back where A alone left it. */
static long count_after_rm(FIXTURE_DATA(reflink) *self)
{
	if (self->pa != MAP_FAILED)
		munmap(self->pa, FILE_LEN);
	if (self->pb != MAP_FAILED)
		munmap(self->pb, FILE_LEN);
	self->pa = self->pb = MAP_FAILED;
	close(self->fa);
	close(self->fb);
	self->fa = self->fb = -1;
	unlink(self->a);
	unlink(self->b);
	drop_caches();
	return daxcheck_pgmap(self->chk, self->pfn0);
}

/*
 * The base was read with A's entries in place; phase B's entries hold one
 * dev_pagemap reference per page, and from phase D each of A's referenced
 * pages one more: A's deletion gives them back.
 */
static long entry_refs(FIXTURE_DATA(reflink) *self)
{
	return (self->shift >= 5 ? self->base_pages : 0) + self->base_held;
}

TEST_F_TIMEOUT(reflink, read_shared, 300)
{
	struct lab_daxcheck_page *r;
	int status, want;
	pid_t child;
	long n, after;

	self->pa = lab_map_aligned(self->fa, FILE_LEN, 0);
	self->pb = lab_map_aligned(self->fb, FILE_LEN, 0);
	ASSERT_NE(MAP_FAILED, self->pa);
	ASSERT_NE(MAP_FAILED, self->pb);
	ASSERT_EQ(FILE_LEN, lab_count(self->pa, FILE_LEN, 'A'));
	ASSERT_EQ(FILE_LEN, lab_count(self->pb, FILE_LEN, 'A'));
	ASSERT_EQ(daxcheck_pfn(self->chk, self->pa), daxcheck_pfn(self->chk, self->pb))
		TH_LOG("A and B do not share their first block");

	n = daxcheck_file(self->chk, self->fb, self->shift, self->pages, FILE_PAGES);
	r = daxcheck_at(self->pages, n, 0);
	ASSERT_NE(NULL, r);
	/* its idle base, plus one for each of the two entries from phase B on */
	want = daxcheck_idle_base(r) + (self->shift >= 5 ? 2 : 0);
	TH_LOG("shared page: refcount %d, flags %#x, page->index %llu", r->refcount, r->flags,
	       (unsigned long long)r->page_index);
	EXPECT_TRUE(daxcheck_shared(r))
		TH_LOG("evidence: I5: a page two files map is not marked shared (flags %#x)", r->flags);
	EXPECT_EQ(2, r->page_index) TH_LOG("evidence: I5: share count %llu, not 2",
					   (unsigned long long)r->page_index);
	EXPECT_EQ(want, r->refcount) TH_LOG("evidence: I1: refcount %d, want %d", r->refcount, want);

	/* Truncate A while B maps the shared pages: it must not wait for B. */
	ASSERT_EQ(0, munmap(self->pa, FILE_LEN));
	self->pa = MAP_FAILED;
	child = fork();
	ASSERT_LE(0, child);
	if (!child)
		_exit(ftruncate(self->fa, 0) ? 1 : 0);
	if (lab_wait_child(child, 20, &status)) {
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
		ASSERT_TRUE(0) TH_LOG("evidence: truncating A waits for B's entries on the shared pages");
	}
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(FILE_LEN, lab_count(self->pb, FILE_LEN, 'A')) TH_LOG("B lost its data");

	after = count_after_rm(self);
	TH_LOG("dev_pagemap count %ld with A, %ld after A and B", self->base, after);
	EXPECT_EQ(self->base - entry_refs(self), after)
		TH_LOG("evidence: I2: the shared pages leaked or dropped %ld dev_pagemap references",
		       self->base - entry_refs(self) - after);
}

TEST_F_TIMEOUT(reflink, cow_write, 300)
{
	struct lab_daxcheck_page *r;
	long n, after;
	int fc;

	self->pb = lab_map_aligned(self->fb, FILE_LEN, 0);
	ASSERT_NE(MAP_FAILED, self->pb);
	self->pa = lab_map_aligned(self->fa, FILE_LEN, 0);
	ASSERT_NE(MAP_FAILED, self->pa);
	ASSERT_EQ('A', self->pa[0]);
	/* CoW: B's first page moves to a block of its own. */
	lab_touch(self->pb, SZ_2M, 'B');
	ASSERT_EQ('A', self->pa[0]);
	ASSERT_NE(daxcheck_pfn(self->chk, self->pa), daxcheck_pfn(self->chk, self->pb));
	n = daxcheck_file(self->chk, self->fb, self->shift, self->pages, FILE_PAGES);
	r = daxcheck_at(self->pages, n, 0);
	ASSERT_NE(NULL, r);
	TH_LOG("B's page after CoW: refcount %d, flags %#x, page->index %llu", r->refcount,
	       r->flags, (unsigned long long)r->page_index);
	EXPECT_EQ(daxcheck_idle_base(r) + (self->shift >= 5), r->refcount)
		TH_LOG("evidence: I1: refcount %d after a CoW fault", r->refcount);

	after = count_after_rm(self);
	TH_LOG("dev_pagemap count %ld with A, %ld after A and B", self->base, after);
	EXPECT_EQ(self->base - entry_refs(self), after)
		TH_LOG("evidence: I2: CoW leaked or dropped %ld dev_pagemap references",
		       self->base - entry_refs(self) - after);

	/* The freed blocks, B's new ones among them, mapped by a new file. */
	fc = open(self->c, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fc);
	ASSERT_EQ(0, lab_fill_fd(fc, 2 * FILE_LEN, 'C'));
	ASSERT_EQ(0, fsync(fc));
	self->pa = lab_map_aligned(fc, 2 * FILE_LEN, 0);
	ASSERT_NE(MAP_FAILED, self->pa);
	EXPECT_EQ(2 * FILE_LEN, lab_count(self->pa, 2 * FILE_LEN, 'C'));
	munmap(self->pa, 2 * FILE_LEN);
	self->pa = MAP_FAILED;
	close(fc);
}

LAB_HARNESS_MAIN
