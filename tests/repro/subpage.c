// SPDX-License-Identifier: GPL-2.0
/*
 * subpage - a pin of one page of a PMD-mapped DAX file references that
 * page and no other page of the PMD.
 *
 * An fsdax PMD maps 512 order-0 pages, not one compound page: GUP must take
 * its reference on the page at the address it was given, the PMD's first
 * pfn plus the address's offset in it.  A reference taken on another page
 * is given back to the right one: one count underflows later, the other
 * never comes back to idle, and a layout break waits on it for ever.  GUP's
 * devmap PMD path is being rewritten to take its references a folio run at
 * a time; this guards it.
 *
 * The file: 4 MiB on ext4 -o dax or xfs -o dax=always, allocated in one
 * request so that its blocks are 2 MiB-aligned on the device (ext4 needs a
 * 2 MiB stripe for that, as tests/mm/gup_dax.sh found: it is set for the
 * allocation alone), mapped MAP_SHARED at a 2 MiB-aligned address and
 * written through the mapping.  It must be PMD-mapped, or the case fails
 * saying so: the writes take one fault a PMD, and /dev/lab_daxcheck
 * (tests/kmod/lab_daxcheck.c) finds every page in a PMD entry at the page's
 * 2 MiB-aligned index.
 *
 * Each case pins one page of the first PMD, its page 0, 1 or 511 (offset
 * 0, 4 KiB, 2 MiB - 4 KiB), with one of the pins of pin.h, and reads the
 * counts of all the file's pages:
 *
 *   the pinned page  its idle count plus what the pin adds, pin_refs(): 1
 *                    for vmsplice (GUP-fast, FOLL_GET) and for O_DIRECT
 *                    (the bio's FOLL_GET), GUP_PIN_COUNTING_BIAS (1024) for
 *                    process_vm_writev (the slow path's FOLL_PIN) and the
 *                    DMA module (pin_user_pages_fast())
 *   every other page its idle count, daxcheck_idle_count(): 1 on stock, 0
 *                    where pages rest at 0 (phase D), plus the entry's own
 *                    reference under phase B's model
 *
 * Then the pin ends and every page must be back at its idle count; the
 * file is unmapped and truncated to 0, which nothing holds up any more: it
 * must be done within 5 s.
 *
 * i7_ext4 (I7: the end of a pin wakes the layout break waiting for it): a
 * page of the mapped file on ext4 is pinned through the DMA module and a
 * punch hole of that page starts; 200 ms later it must still wait.  The pin
 * is dropped, and the punch must be done within 100 ms of it (guest time,
 * CLOCK_MONOTONIC): a wait that misses the wake-up and sleeps out a timeout,
 * or for ever, fails it.
 *
 * Every time limit is multiplied by lab.slow (LAB_SLOW).  lab.case=STRING
 * runs only the cases whose name has STRING in it (the others SKIP).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/falloc.h>

#include "kselftest_harness.h"
#include "lab_test.h"
#include "daxcheck.h"
#include "pin.h"

#define FILE_LEN	(2 * SZ_2M)
#define FILE_PAGES	(FILE_LEN / SZ_4K)
#define PMD_PAGES	(SZ_2M / SZ_4K)
#define I7_OFF		(16 * 1024)	/* the page i7 pins and punches */

/* What a case of either fixture has made, for its teardown to undo. */
struct pmd_case {
	char mnt[200], path[256];
	int fd;
	char *p;
	struct pin pin;
	pid_t child;		/* the truncate or the punch, until reaped */
	bool unselected;	/* not selected by lab.case: no set-up */
};

/* ext4's stripe, in blocks; an allocation of a multiple of it is aligned to it. */
static int ext4_stripe(const char *mnt, int blocks)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "mount -o remount,stripe=%d '%s'", blocks, mnt);
	return lab_run(cmd);
}

/*
 * The set-up of either fixture: nothing for a case lab.case leaves out
 * (returns false); else the file on @fs, made, mapped and written through
 * its mapping, which must have taken one fault a PMD.
 */
static bool case_setup(struct __test_metadata *_metadata, struct pmd_case *c,
		       const char *name, const char *fs)
{
	bool ext4 = !strcmp(fs, "ext4");
	char what[32];
	long faults;
	int err;

	c->fd = -1;
	c->p = MAP_FAILED;
	/* As in pin_free: the harness runs the body of a skipped set-up. */
	c->unselected = !lab_case_selected(name, _metadata->name);
	if (c->unselected)
		return false;
	LAB_CASE_START(name);
	snprintf(what, sizeof(what), "mount %s", fs);
	ASSERT_EQ(0, lab_setup(what, c->mnt, sizeof(c->mnt)));
	snprintf(c->path, sizeof(c->path), "%s/subpage", c->mnt);
	c->fd = open(c->path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, c->fd);
	/*
	 * One allocation for the whole file: xfs aligns it to its stripe unit
	 * (su=2m, from lab-setup), ext4 to a 2 MiB stripe, taken off again at
	 * once so that no other test allocates under it.
	 */
	ASSERT_EQ(0, ext4 ? ext4_stripe(c->mnt, 512) : 0);
	err = fallocate(c->fd, 0, 0, FILE_LEN) ? errno : 0;
	ASSERT_EQ(0, ext4 ? ext4_stripe(c->mnt, 0) : 0);
	ASSERT_EQ(0, err) TH_LOG("fallocate: %s", strerror(err));
	ASSERT_EQ(0, lab_fill_fd(c->fd, FILE_LEN, 'S'));
	ASSERT_EQ(0, fsync(c->fd));
	c->p = lab_map_aligned(c->fd, FILE_LEN, 0);
	ASSERT_NE(MAP_FAILED, c->p);
	faults = lab_touch(c->p, FILE_LEN, 'T');
	ASSERT_EQ((long)(FILE_LEN / SZ_2M), faults)
		TH_LOG("evidence: writing the %lu MiB file through its mapping took %ld faults, not one a PMD: it is not PMD-mapped (its first block at device offset %#llx)",
		       FILE_LEN >> 20, faults, lab_phys(c->fd, 0));
	return true;
}

/* Undo what a case left: its pin, a child still waiting, the mapping, the file. */
static void case_teardown(struct pmd_case *c)
{
	char seen[SZ_4K];
	int status;

	if (c->unselected)
		return;
	pin_drop(&c->pin, seen, 'W');
	if (c->child > 0) {
		/* A layout break waits interruptibly: the kill ends it. */
		kill(c->child, SIGKILL);
		lab_wait_child(c->child, 60, &status);
	}
	if (c->p != MAP_FAILED)
		munmap(c->p, FILE_LEN);
	if (c->fd >= 0)
		close(c->fd);
	unlink(c->path);
}

FIXTURE(subpage) {
	struct pmd_case c;
	int chk;
	unsigned int shift;
	struct lab_daxcheck_page *pages;
};

FIXTURE_VARIANT(subpage) {
	const char *name, *fs;
	uint64_t index;		/* the page pinned, in the first PMD */
};

#define SUBPAGE(_fs, _index)							\
	FIXTURE_VARIANT_ADD(subpage, _fs##_page##_index) {			\
		.name = #_fs "_page" #_index, .fs = #_fs, .index = _index,	\
	}

/* The PMD's first, second and last page: offsets 0, 4 KiB, 2 MiB - 4 KiB. */
SUBPAGE(ext4, 0);
SUBPAGE(ext4, 1);
SUBPAGE(ext4, 511);
SUBPAGE(xfs, 0);
SUBPAGE(xfs, 1);
SUBPAGE(xfs, 511);

/* The file's pages as the kernel has them now; how many it reported. */
static long read_pages(FIXTURE_DATA(subpage) *self)
{
	return daxcheck_file(self->chk, self->c.fd, self->shift, self->pages, FILE_PAGES);
}

/* read_pages(), which must report every page of the file. */
static long read_all(struct __test_metadata *_metadata, FIXTURE_DATA(subpage) *self)
{
	long n = read_pages(self);

	ASSERT_EQ((long)FILE_PAGES, n) TH_LOG("%ld pages reported, not %lu", n, FILE_PAGES);
	return n;
}

/*
 * Of the @n pages read, how many, page @skip aside, are not at their idle
 * count; the first three are logged.
 */
static long pages_off(struct __test_metadata *_metadata, FIXTURE_DATA(subpage) *self,
		      long n, uint64_t skip)
{
	const struct lab_daxcheck_page *r;
	long off = 0;

	for (r = self->pages; r < self->pages + n; r++) {
		if (r->index == skip || r->refcount == daxcheck_idle_count(r, self->shift))
			continue;
		if (off++ < 3)
			TH_LOG("page %llu (pfn %#llx, entry %#llx): refcount %d, idle at %d",
			       (unsigned long long)r->index, (unsigned long long)r->pfn,
			       (unsigned long long)r->entry, r->refcount,
			       daxcheck_idle_count(r, self->shift));
	}
	return off;
}

/* Of the @n pages read, how many are not in a PMD entry at their aligned index. */
static long not_in_pmd(struct __test_metadata *_metadata, FIXTURE_DATA(subpage) *self, long n)
{
	const struct lab_daxcheck_page *r;
	long bad = 0;

	for (r = self->pages; r < self->pages + n; r++) {
		if ((r->entry & DAXCHECK_ENTRY_PMD) &&
		    r->entry_index == (r->index & ~(PMD_PAGES - 1)))
			continue;
		if (bad++ == 0)
			TH_LOG("page %llu: entry %#llx at index %llu",
			       (unsigned long long)r->index, (unsigned long long)r->entry,
			       (unsigned long long)r->entry_index);
	}
	return bad;
}

FIXTURE_SETUP(subpage)
{
	long n;

	self->chk = -1;
	if (!case_setup(_metadata, &self->c, variant->name, variant->fs))
		return;
	self->pages = calloc(FILE_PAGES, sizeof(*self->pages));
	ASSERT_NE(NULL, self->pages);
	self->chk = daxcheck_open();
	ASSERT_LE(0, self->chk);
	/* pages 0 and PMD_PAGES + 1: two different PMD entries */
	self->shift = daxcheck_find_shift(self->chk, self->c.fd, self->c.p, 0, PMD_PAGES + 1,
					  self->pages, FILE_PAGES);
	ASSERT_NE(0, self->shift) TH_LOG("no decoding of the entries matches the pfns get_user_pages() sees");
	n = not_in_pmd(_metadata, self, read_all(_metadata, self));
	ASSERT_EQ(0, n) TH_LOG("evidence: %ld of the file's %lu pages are not in a PMD entry: the file is not PMD-mapped",
			       n, FILE_PAGES);
}

FIXTURE_TEARDOWN(subpage)
{
	case_teardown(&self->c);
	if (self->chk >= 0)
		close(self->chk);
	free(self->pages);
}

static void subpage_case(struct __test_metadata *_metadata, FIXTURE_DATA(subpage) *self,
			 const FIXTURE_VARIANT(subpage) *variant, enum pin_kind kind)
{
	int secs = 5 * lab_param("slow", 1), extra = pin_refs(kind), status, want;
	unsigned long long index = variant->index;
	const struct lab_daxcheck_page *r;
	char seen[SZ_4K];
	long n, off;

	if (self->c.unselected)
		SKIP(return, "not selected by lab.case");
	ASSERT_EQ(0, pin_take(&self->c.pin, kind, self->c.p + index * SZ_4K))
		TH_LOG("cannot pin page %llu: %s", index, strerror(errno));
	n = read_all(_metadata, self);
	r = daxcheck_at(self->pages, n, index);
	ASSERT_NE(NULL, r);
	want = daxcheck_idle_count(r, self->shift) + extra;
	EXPECT_EQ(want, r->refcount)
		TH_LOG("evidence: page %llu of the PMD, pinned (%s), has refcount %d, not %d (idle %d, the pin's %d)",
		       index, _metadata->name, r->refcount, want, want - extra, extra);
	off = pages_off(_metadata, self, n, index);
	EXPECT_EQ(0, off)
		TH_LOG("evidence: with page %llu of the PMD pinned (%s), %ld other pages are off their idle count: the pin referenced a page it was not given",
		       index, _metadata->name, off);

	ASSERT_EQ(0, pin_drop(&self->c.pin, seen, 'W')) TH_LOG("the pin holder's I/O failed");
	off = pages_off(_metadata, self, read_all(_metadata, self), ~0ULL);
	EXPECT_EQ(0, off)
		TH_LOG("evidence: the %s pin of page %llu ended, and %ld pages are off their idle count: a reference was left behind or given back to the wrong page",
		       _metadata->name, index, off);

	/* No pin, no mapping: the truncate has nothing to wait for. */
	ASSERT_EQ(0, munmap(self->c.p, FILE_LEN));
	self->c.p = MAP_FAILED;
	self->c.child = fork();
	ASSERT_LE(0, self->c.child);
	if (!self->c.child)
		_exit(ftruncate(self->c.fd, 0) ? 1 : 0);
	if (lab_wait_child(self->c.child, secs, &status)) {
		off = pages_off(_metadata, self, read_pages(self), ~0ULL);
		ASSERT_TRUE(0)
			TH_LOG("evidence: a truncate of the unmapped file still waits %d s after the %s pin of page %llu ended (%ld pages off their idle count)",
			       secs, _metadata->name, index, off);
	}
	self->c.child = 0;
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) TH_LOG("the truncate failed");
}

/* One test a pin kind, its own limit scaled by lab.slow as the program's is. */
#define SUBPAGE_PIN(_test, _kind)					\
	TEST_F_TIMEOUT(subpage, _test, 120)				\
	{								\
		subpage_case(_metadata, self, variant, _kind);		\
	}

SUBPAGE_PIN(vmsplice, PIN_VMSPLICE)
SUBPAGE_PIN(pvm_uffd, PIN_PVM)
SUBPAGE_PIN(dma, PIN_DMA)
SUBPAGE_PIN(odirect, PIN_ODIRECT)

/* I7: how soon the end of a pin lets the punch waiting for it go on. */

FIXTURE(wake) {
	struct pmd_case c;
	int ended[2];		/* the punch's child writes its end time to [1] */
};

FIXTURE_VARIANT(wake) {
	const char *name, *fs;
};

FIXTURE_VARIANT_ADD(wake, i7_ext4) { .name = "i7_ext4", .fs = "ext4" };

FIXTURE_SETUP(wake)
{
	self->ended[0] = self->ended[1] = -1;
	if (!case_setup(_metadata, &self->c, variant->name, variant->fs))
		return;
	ASSERT_EQ(0, pipe(self->ended));
}

FIXTURE_TEARDOWN(wake)
{
	case_teardown(&self->c);
	if (self->ended[0] >= 0)
		close(self->ended[0]);
	if (self->ended[1] >= 0)
		close(self->ended[1]);
}

/* In the child: punch the pinned page, then tell @out when it was done. */
static int punch_timed(int fd, int out)
{
	struct timespec t;

	if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, I7_OFF, SZ_4K))
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return write(out, &t, sizeof(t)) == sizeof(t) ? 0 : 2;
}

/*
 * Wait up to @ms for the punch's end time on @fd: 1 with it in @t, 0 if
 * the punch still runs, -1 if its child ended without one (it failed).
 */
static int punch_ended(int fd, long ms, struct timespec *t)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int got = poll(&pfd, 1, ms);

	if (got <= 0)
		return got;
	return read(fd, t, sizeof(*t)) == sizeof(*t) ? 1 : -1;
}

/*
 * The punch runs in a child rather than a thread, as every waiting free
 * of the collection does: one that is never woken can then be killed, and
 * the teardown does not queue behind it for the inode lock.
 */
TEST_F_TIMEOUT(wake, dma, 120)
{
	long slow = lab_param("slow", 1), us;
	struct timespec dropped, ended;
	char seen[SZ_4K];
	int got, status;

	if (self->c.unselected)
		SKIP(return, "not selected by lab.case");
	ASSERT_EQ(0, pin_take(&self->c.pin, PIN_DMA, self->c.p + I7_OFF));
	self->c.child = fork();
	ASSERT_LE(0, self->c.child);
	if (!self->c.child)
		_exit(punch_timed(self->c.fd, self->ended[1]));
	close(self->ended[1]);
	self->ended[1] = -1;
	got = punch_ended(self->ended[0], 200 * slow, &ended);
	ASSERT_NE(-1, got) TH_LOG("the punch failed");
	ASSERT_EQ(0, got) TH_LOG("evidence: a punch hole of the pinned page completed with the page pinned");

	clock_gettime(CLOCK_MONOTONIC, &dropped);
	ASSERT_EQ(0, pin_drop(&self->c.pin, seen, 'W')) TH_LOG("the DMA module's I/O failed");
	got = punch_ended(self->ended[0], 30000 * slow, &ended);
	ASSERT_NE(-1, got) TH_LOG("the punch failed");
	ASSERT_EQ(1, got) TH_LOG("evidence: the punch still waits %ld s after the pin was dropped (no wake-up)",
				 30 * slow);
	ASSERT_EQ(0, lab_wait_child(self->c.child, 30, &status));
	self->c.child = 0;

	/* From just before the drop: the holder's last I/O counts too. */
	us = (ended.tv_sec - dropped.tv_sec) * 1000000 + (ended.tv_nsec - dropped.tv_nsec) / 1000;
	ASSERT_LE(0, us) TH_LOG("evidence: the punch completed with the page pinned, %.1f ms before the pin was dropped",
				-us / 1000.0);
	TH_LOG("the punch was done %.1f ms after the pin was dropped", us / 1000.0);
	EXPECT_GT(100000 * slow, us)
		TH_LOG("evidence: the punch was done %.1f ms after the pin was dropped, not within %ld ms: the drop did not wake it",
		       us / 1000.0, 100 * slow);
}

LAB_HARNESS_MAIN
