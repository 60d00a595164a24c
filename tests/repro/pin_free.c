// SPDX-License-Identifier: GPL-2.0
/*
 * pin_free - a pinned DAX page must not have its block freed (R1-R5,
 * R10-R12).
 *
 * A page of file A on a DAX mount is pinned: the pin holds the pmem page
 * itself, not a copy.  Then the file system is asked to free the block
 * under it.  Two outcomes are correct: the free waits until the pin is
 * gone, or the block is never handed to another file.  The recipes (also
 * a table in Documentation/lab.rst, "Collections", repro):
 *
 *   r1  the mapping stays; punch hole or truncate (the control: 6.1 waits)
 *   r2  munmap, then punch hole, truncate, zero range or collapse range
 *       (hole A: the busy-page scan skips files nobody maps)
 *   r3  munmap, close, unlink: the last reference evicts A (hole B)
 *   r4  munmap, close, umount: evict_inodes() evicts A (hole B); the file
 *       system is mounted again and A deleted, which now frees the block
 *   r5  xfs: munmap, FICLONERANGE from S over A: A's old extent is freed
 *   r10 xfs: munmap, swap A's extents with a donor S (XFS_IOC_SWAPEXT, as
 *       xfs_fsr does, through xfs_io), delete S: A's old extent is freed
 *   r11 ext4: munmap, swap A with the boot loader inode (EXT4_IOC_SWAP_BOOT),
 *       then swap a file B in and delete B: A's old blocks are freed
 *
 * each with four pins (pin.h): vmsplice, process_vm_writev parked on a
 * userfaultfd page, a driver's pin_user_pages (tests/kmod/lab_dma.c), and
 * an O_DIRECT read held up in dm-delay.
 *
 *   r12 munmap, close, rename S over A: eviction of the replaced file; while
 *       it waits, a create in the same directory must not wait with it
 *
 * For r10 and r11 a third outcome is correct: the swap is refused, and A
 * keeps its blocks.  For r3 and r12 too: the unlink or rename returns at
 * once, and the blocks stay allocated while the page is pinned (a refill
 * of the file system does not get the block) and are freed once the pin
 * ends (a deferred eviction).
 *
 * While r4's umount waits, a sync(2) is started beside it: it waits
 * behind the umount's s_umount, a known limit; the time is logged.
 *
 * ext4 and xfs run every recipe their ioctls allow; ext2 -o dax (the ext2
 * driver, which has no fallocate) runs r1-r4 with truncate, and r12.  On
 * ext2 even r1 is a hole without the series: that driver breaks no layouts.
 *
 * The oracle: the free runs in a child; if it completes while the page is
 * still pinned, the block was freed under the pin.  The consequence is then
 * shown: the free is committed (syncfs: until then the blocks are not
 * reusable), the free space is refilled with victim files of 'V', and the
 * pin ends as its holder would end it: a read through it returns victim
 * bytes (another file's data), a write through it lands in a victim file.
 * The line "evidence: ..." says which.  If the free waits instead, the test
 * ends the pin, requires the free to complete and the pin to have seen A.
 *
 * Kernel command line knobs: lab.iter=N repeats each case N times (stress
 * mode), lab.case=STRING runs only the cases whose name has STRING in it
 * (the others SKIP), lab.pin_wait=S is how long a free may take before it counts as
 * waiting for the pin (default 3 s).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/falloc.h>
#include <linux/fs.h>

#ifndef EXT4_IOC_SWAP_BOOT
#define EXT4_IOC_SWAP_BOOT	_IO('f', 17)
#endif

#include "kselftest_harness.h"
#include "lab_test.h"
#include "pin.h"

/*
 * A's freed range is one 2 MiB extent: the allocators hand out large,
 * aligned extents first (xfs here has su=2m), so a refill picks up a freed
 * 2 MiB extent; a small hole would be left to the end of the refill and
 * could stay free.
 */
#define FILE_LEN	SZ_2M
#define PIN_OFF		(16 * 1024)	/* the pinned page, inside the freed range */
/* Where the child running xfs_io swapext leaves its output. */
#define SWAPEXT_OUT	"/tmp/pin_free.swapext"

enum free_op { PUNCH, TRUNCATE, ZERO, COLLAPSE, UNLINK, UMOUNT, REFLINK, SWAPEXT, SWAPBOOT, RENAME };

static const char *const op_name[] = {
	"punch hole", "truncate", "zero range", "collapse range", "unlink (eviction)",
	"umount (eviction)", "FICLONERANGE over it", "XFS_IOC_SWAPEXT with a donor",
	"EXT4_IOC_SWAP_BOOT", "rename over it (eviction)",
};

FIXTURE(pin_free) {
	char mnt[200], path[256], src[256];
	int fd, srcfd;
	pid_t child;
	pid_t beside;		/* run_beside()'s child, not yet reaped */
	struct pin pin;
	bool unselected;	/* not selected by lab.case: no set-up */
};

FIXTURE_VARIANT(pin_free) {
	const char *name, *fs;
	enum free_op op;
	bool keep_mapped;	/* r1: the control, the mapping stays */
};

#define PIN_FREE(_r, _fs, _op, _opname, _keep)					\
	FIXTURE_VARIANT_ADD(pin_free, _r##_##_fs##_##_opname) {			\
		.name = #_r "_" #_fs "_" #_opname, .fs = #_fs, .op = _op,	\
		.keep_mapped = _keep,						\
	}

PIN_FREE(r1, ext4, PUNCH, punch, true);
PIN_FREE(r1, ext4, TRUNCATE, truncate, true);
PIN_FREE(r1, xfs, PUNCH, punch, true);
PIN_FREE(r1, xfs, TRUNCATE, truncate, true);
PIN_FREE(r1, ext2, TRUNCATE, truncate, true);
PIN_FREE(r2, ext4, PUNCH, punch, false);
PIN_FREE(r2, ext4, TRUNCATE, truncate, false);
PIN_FREE(r2, ext4, ZERO, zero, false);
PIN_FREE(r2, ext4, COLLAPSE, collapse, false);
PIN_FREE(r2, xfs, PUNCH, punch, false);
PIN_FREE(r2, xfs, TRUNCATE, truncate, false);
PIN_FREE(r2, xfs, ZERO, zero, false);
PIN_FREE(r2, xfs, COLLAPSE, collapse, false);
PIN_FREE(r2, ext2, TRUNCATE, truncate, false);
PIN_FREE(r3, ext4, UNLINK, unlink, false);
PIN_FREE(r3, xfs, UNLINK, unlink, false);
PIN_FREE(r3, ext2, UNLINK, unlink, false);
PIN_FREE(r4, ext4, UMOUNT, umount, false);
PIN_FREE(r4, xfs, UMOUNT, umount, false);
PIN_FREE(r4, ext2, UMOUNT, umount, false);
PIN_FREE(r5, xfs, REFLINK, reflink, false);
PIN_FREE(r10, xfs, SWAPEXT, swapext, false);
PIN_FREE(r11, ext4, SWAPBOOT, swapboot, false);
PIN_FREE(r12, ext4, RENAME, rename, false);
PIN_FREE(r12, xfs, RENAME, rename, false);
PIN_FREE(r12, ext2, RENAME, rename, false);

static size_t file_len(enum free_op op)
{
	/* Collapse needs a second half to move down. */
	return op == COLLAPSE ? 2 * FILE_LEN : FILE_LEN;
}

/* In the child: free A's blocks over [0, FILE_LEN) the way @op does. */
static int do_free(FIXTURE_DATA(pin_free) *self, enum free_op op)
{
	struct file_clone_range clone = {
		.src_fd = self->srcfd, .src_length = FILE_LEN,
	};

	switch (op) {
	case PUNCH:
		return fallocate(self->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, FILE_LEN);
	case TRUNCATE:
		return ftruncate(self->fd, 0);
	case ZERO:
		return fallocate(self->fd, FALLOC_FL_ZERO_RANGE, 0, FILE_LEN);
	case COLLAPSE:
		return fallocate(self->fd, FALLOC_FL_COLLAPSE_RANGE, 0, FILE_LEN);
	case UNLINK:
		return unlink(self->path);
	case UMOUNT:
		return umount(self->mnt);
	case REFLINK:
		return ioctl(self->fd, FICLONERANGE, &clone);
	case SWAPEXT: {
		/*
		 * xfs_io fills in the bulkstat the ioctl checks A against.  It
		 * exits 0 whatever the ioctl said: keep what it prints, for
		 * the reason of a refusal.
		 */
		char cmd[300];
		int out = open(SWAPEXT_OUT, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (out < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
			return -1;
		snprintf(cmd, sizeof(cmd), "swapext %s", self->src);
		execlp("xfs_io", "xfs_io", "-c", cmd, self->path, (char *)NULL);
		return -1;
	}
	case SWAPBOOT:
		return ioctl(self->fd, EXT4_IOC_SWAP_BOOT);
	case RENAME:
		return rename(self->src, self->path);
	}
	return -1;
}

static int open_filled(const char *path, size_t len, char c)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || lab_fill_fd(fd, len, c) || fsync(fd))
		return -1;
	return fd;
}

/*
 * A swap that did not happen must have been refused for DAX, not for
 * anything else (a donor with more extents than A is refused too).
 */
static bool refused_for_dax(enum free_op op, int status, char *why, size_t len)
{
	FILE *f;

	if (op == SWAPBOOT) {
		snprintf(why, len, "%s", strerror(WEXITSTATUS(status)));
		return WEXITSTATUS(status) == EOPNOTSUPP;
	}
	why[0] = '\0';
	f = fopen(SWAPEXT_OUT, "r");
	if (f) {
		if (!fgets(why, len, f))
			why[0] = '\0';
		fclose(f);
	}
	why[strcspn(why, "\n")] = '\0';
	return strstr(why, strerror(EOPNOTSUPP)) != NULL;
}

static bool is_swap(enum free_op op)
{
	return op == SWAPEXT || op == SWAPBOOT;
}

/*
 * After a swap: A's old blocks belong to the donor (r10) or to the boot
 * loader inode (r11).  Free them the way that is left: delete the donor,
 * or swap a file B in and delete B.  No mapping of either has an entry
 * for the pinned page, so nothing waits.
 */
static int free_swapped(FIXTURE_DATA(pin_free) *self, enum free_op op)
{
	char b[256];
	int fd, ret;

	if (op == SWAPEXT) {
		close(self->srcfd);
		self->srcfd = -1;
		return unlink(self->src);
	}
	snprintf(b, sizeof(b), "%s/B", self->mnt);
	fd = open_filled(b, FILE_LEN, 'B');
	if (fd < 0)
		return -1;
	ret = ioctl(fd, EXT4_IOC_SWAP_BOOT);
	close(fd);
	return ret ? ret : unlink(b);
}

/* Mount the variant's file system, or find it mounted (r4 unmounts it). */
static int mount_fs(FIXTURE_DATA(pin_free) *self, const FIXTURE_VARIANT(pin_free) *variant)
{
	char what[32];

	snprintf(what, sizeof(what), "mount %s", variant->fs);
	return lab_setup(what, self->mnt, sizeof(self->mnt));
}

FIXTURE_SETUP(pin_free)
{
	self->fd = self->srcfd = -1;
	self->child = self->beside = 0;
	self->pin.held = false;
	/*
	 * Decided before the mount: this harness runs the test body even
	 * when the set-up SKIPs, and a mount with its mkfs costs a case
	 * seconds under TCG.
	 */
	self->unselected = !lab_case_selected(variant->name, _metadata->name);
	if (self->unselected)
		return;
	LAB_CASE_START(variant->name);
	ASSERT_EQ(0, mount_fs(self, variant));
	snprintf(self->path, sizeof(self->path), "%s/A", self->mnt);
	snprintf(self->src, sizeof(self->src), "%s/S", self->mnt);
}

FIXTURE_TEARDOWN(pin_free)
{
	char seen[SZ_4K];
	int status;

	if (self->unselected)
		return;
	/* A free still blocked on the pin goes on once the pin is gone. */
	pin_drop(&self->pin, seen, 'W');
	if (self->child > 0 && lab_wait_child(self->child, 5, &status)) {
		/*
		 * Still asleep though the pin is gone (a missed wake-up):
		 * its locks would block the cleanup, so end it.  The waits
		 * of truncate and punch are interruptible.
		 */
		TH_LOG("the free (pid %d) is still blocked after the pin was dropped; killing it",
		       self->child);
		kill(self->child, SIGKILL);
		lab_wait_child(self->child, 60, &status);
	}
	if (self->beside > 0 && lab_wait_child(self->beside, 30, &status))
		TH_LOG("the create or sync beside the free (pid %d) is still blocked", self->beside);
	if (self->fd >= 0)
		close(self->fd);
	if (self->srcfd >= 0)
		close(self->srcfd);
	/* Leave the next test an empty, mounted file system. */
	if (mount_fs(self, variant) == 0)
		lab_clean_dir(self->mnt);
}

/*
 * The free completed under the pin: show where the pinned page's block
 * went.  @phys is where it was on the device.  Describes the damage in
 * @out, for the evidence line.
 */
static void show_damage(struct __test_metadata *_metadata, FIXTURE_DATA(pin_free) *self,
			const FIXTURE_VARIANT(pin_free) *variant, long long phys,
			char *out, size_t len)
{
	char seen[SZ_4K], where[80], owner[96] = "no victim file";
	long refilled, leaked, landed;
	long long voff;
	int dir, try, v = -1;

	if (variant->op == UMOUNT) {
		/* A survives the umount; deleting it now frees the block. */
		ASSERT_EQ(0, mount_fs(self, variant));
		ASSERT_EQ(0, unlink(self->path));
	}
	if (is_swap(variant->op))
		ASSERT_EQ(0, free_swapped(self, variant->op)) TH_LOG("cannot free the swapped blocks: %s",
								   strerror(errno));
	if (self->fd >= 0 && lab_phys(self->fd, PIN_OFF) == phys) {
		/* ext4's zero range keeps the block, as an unwritten extent. */
		ASSERT_EQ(0, pin_drop(&self->pin, seen, 'W'));
		snprintf(out, len, "the block stays A's (device offset %#llx), so the pin holder's I/O goes to a range A has just zeroed",
			 phys);
		return;
	}
	dir = open(self->mnt, O_RDONLY | O_DIRECTORY);
	ASSERT_LE(0, dir);
	/*
	 * Commit the free (until then the blocks are not reusable), then let
	 * another file take the space.  Allocators choose; FIEMAP tells whether
	 * the victims got the pinned block, and the refill is redone if not.
	 */
	for (try = 0; try < 4 && v < 0; try++) {
		lab_unrefill(self->mnt);
		ASSERT_EQ(0, syncfs(dir));
		refilled = lab_refill(self->mnt, 'V');
		v = lab_victim_at(self->mnt, phys, &voff);
	}
	close(dir);
	if (v >= 0)
		snprintf(owner, sizeof(owner), "victim.%d at offset %#llx", v, voff);

	ASSERT_EQ(0, pin_drop(&self->pin, seen, 'W')) TH_LOG("the pin holder's I/O failed");
	leaked = lab_count(seen, SZ_4K, 'V');
	landed = pin_writes(self->pin.kind) ? lab_find_in_victims(self->mnt, 'W', where, sizeof(where)) : 0;
	if (landed)
		snprintf(out, len, "its block went to %s, and the pin holder's write landed there: %ld bytes of another file overwritten, first in %s",
			 owner, landed, where);
	else if (leaked)
		snprintf(out, len, "its block went to %s, and a read through the pin returned %ld bytes of that file",
			 owner, leaked);
	else
		snprintf(out, len, "the refills (%ld MiB, %d tries) did not take its block (device offset %#llx); the pin saw %ld bytes of A",
			 refilled >> 20, try, phys, lab_count(seen, SZ_4K, 'A'));
}

/*
 * An eviction that does not wait for the pin (r3, r12) is correct if it
 * leaves the blocks allocated until the pin ends, and frees them then: a
 * deferred eviction.  With the pin still there, refill the file system: no
 * victim may get the pinned block, in four tries.  Then end the pin:
 * within 30 s the blocks must come free, and a refill then get the block.
 * Returns false, the pin still held, if a victim got the block under the
 * pin (the caller shows the damage).
 */
static bool freed_after_unpin(struct __test_metadata *_metadata, FIXTURE_DATA(pin_free) *self,
			      const FIXTURE_VARIANT(pin_free) *variant, long long phys,
			      enum pin_kind kind)
{
	long long voff, before, after = -1;
	char seen[SZ_4K];
	int dir, i, v = -1;

	dir = open(self->mnt, O_RDONLY | O_DIRECTORY);
	ASSERT_LE(0, dir);
	/* As show_damage() does: xfs may take a freed extent only later. */
	for (i = 0; i < 4; i++) {
		lab_unrefill(self->mnt);
		ASSERT_EQ(0, syncfs(dir));
		lab_refill(self->mnt, 'V');
		if (lab_victim_at(self->mnt, phys, &voff) >= 0) {
			close(dir);
			return false;
		}
	}
	before = lab_free_bytes(self->mnt);
	ASSERT_EQ(0, pin_drop(&self->pin, seen, 'W')) TH_LOG("the pin holder's I/O failed");
	if (kind == PIN_VMSPLICE || kind == PIN_DMA)
		ASSERT_EQ(SZ_4K, lab_count(seen, SZ_4K, 'A')) TH_LOG("the pin read other data");
	after = lab_wait_free_bytes(self->mnt, before + FILE_LEN / 2, 30);
	ASSERT_GE(after, before + FILE_LEN / 2)
		TH_LOG("evidence: %s returned at once and kept the pinned block, but 30 s after the pin ended A's blocks were still not free (%lld bytes free, then %lld)",
		       op_name[variant->op], before, after);
	for (i = 0; i < 4 && v < 0; i++) {
		lab_unrefill(self->mnt);
		ASSERT_EQ(0, syncfs(dir));
		lab_refill(self->mnt, 'V');
		v = lab_victim_at(self->mnt, phys, &voff);
	}
	close(dir);
	TH_LOG("%s returned at once; the pinned block stayed allocated while pinned, was freed after the pin ended (%lld more bytes free)%s",
	       op_name[variant->op], after - before,
	       v >= 0 ? " and went to a refill then" : "; no refill took it then");
	return true;
}

/* What r12 does beside the rename: create a file in the same directory. */
static int create_in(const char *mnt)
{
	char c[256];

	snprintf(c, sizeof(c), "%s/C", mnt);
	return open(c, O_WRONLY | O_CREAT, 0600) < 0;
}

/* What r4 does beside the umount: sync(2), which every user may call. */
static int sync_all(const char *mnt)
{
	sync();
	return 0;
}

/*
 * Run @fn in a child while the free waits, and say in @done whether it
 * finished, with success, within @secs.  Returns the child, still to be
 * reaped, or 0.
 */
static pid_t run_beside(FIXTURE_DATA(pin_free) *self, int (*fn)(const char *mnt), int secs,
			bool *done)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid == 0)
		_exit(fn(self->mnt));
	if (pid < 0)
		return 0;
	if (lab_wait_child(pid, secs, &status))
		return pid;
	*done = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	return 0;
}

static void pin_free_case(struct __test_metadata *_metadata, FIXTURE_DATA(pin_free) *self,
			  const FIXTURE_VARIANT(pin_free) *variant, enum pin_kind kind)
{
	size_t len = file_len(variant->op);
	int wait = lab_param("pin_wait", 3), status, dir;
	struct timespec t0, t1;
	bool created = false, synced = false;
	char seen[SZ_4K], damage[256];
	long long phys;
	char *p;

	ASSERT_EQ(0, mount_fs(self, variant));
	ASSERT_EQ(0, lab_clean_dir(self->mnt));
	/*
	 * Commit the last case's deletions: xfs will not allocate extents
	 * freed in a running transaction, and would place A off the 2 MiB
	 * grid, where a refill may never reach it.
	 */
	dir = open(self->mnt, O_RDONLY | O_DIRECTORY);
	ASSERT_LE(0, dir);
	ASSERT_EQ(0, syncfs(dir));
	close(dir);
	self->fd = open_filled(self->path, len, 'A');
	ASSERT_LE(0, self->fd);
	if (variant->op == REFLINK || variant->op == RENAME) {
		self->srcfd = open_filled(self->src, FILE_LEN, 'S');
		ASSERT_LE(0, self->srcfd);
	}
	if (variant->op == SWAPEXT) {
		/*
		 * The donor must not have more extents than A, or the swap is
		 * refused (EINVAL): a sparse one has none, and takes A's.
		 */
		self->srcfd = open(self->src, O_RDWR | O_CREAT | O_TRUNC, 0600);
		ASSERT_LE(0, self->srcfd);
		ASSERT_EQ(0, ftruncate(self->srcfd, FILE_LEN));
		ASSERT_EQ(0, fsync(self->srcfd));
	}

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ('A', p[PIN_OFF]);
	phys = lab_phys(self->fd, PIN_OFF);
	ASSERT_LE(0, phys) TH_LOG("FIEMAP cannot place A's block");
	ASSERT_EQ(0, pin_take(&self->pin, kind, p + PIN_OFF)) TH_LOG("cannot pin: %s", strerror(errno));
	if (!variant->keep_mapped)
		ASSERT_EQ(0, munmap(p, len));
	if (variant->op == UNLINK || variant->op == UMOUNT || variant->op == RENAME) {
		close(self->fd);
		self->fd = -1;
	}

	self->child = fork();
	ASSERT_LE(0, self->child);
	if (self->child == 0)
		_exit(do_free(self, variant->op) ? errno : 0);

	if (lab_wait_child(self->child, wait, &status) == 0) {
		self->child = 0;
		ASSERT_TRUE(WIFEXITED(status));
		if (is_swap(variant->op) && lab_phys(self->fd, PIN_OFF) == phys) {
			/* Refused: A keeps its blocks. */
			char why[200];
			bool dax = refused_for_dax(variant->op, status, why, sizeof(why));

			ASSERT_EQ(0, pin_drop(&self->pin, seen, 'W'));
			if (kind == PIN_VMSPLICE || kind == PIN_DMA)
				ASSERT_EQ(SZ_4K, lab_count(seen, SZ_4K, 'A'));
			ASSERT_TRUE(dax) TH_LOG("evidence: %s was refused, but not for DAX (\"%s\"): the test did not test",
						op_name[variant->op], why);
			TH_LOG("%s refused (\"%s\"), A kept its blocks", op_name[variant->op], why);
			close(self->fd);
			self->fd = -1;
			if (self->srcfd >= 0)
				close(self->srcfd);
			self->srcfd = -1;
			return;
		}
		ASSERT_EQ(0, WEXITSTATUS(status)) TH_LOG("%s: %s", op_name[variant->op],
							 strerror(WEXITSTATUS(status)));
		if ((variant->op == UNLINK || variant->op == RENAME) &&
		    freed_after_unpin(_metadata, self, variant, phys, kind))
			return;
		show_damage(_metadata, self, variant, phys, damage, sizeof(damage));
		TH_LOG("evidence: %s completed with the page pinned; %s", op_name[variant->op], damage);
		ASSERT_TRUE(0) TH_LOG("%s on %s freed a pinned block", op_name[variant->op], variant->fs);
	}

	/*
	 * The free waits.  The directory must not wait with a rename; sync(2)
	 * waits behind a umount (s_umount), a known limit: measured, logged.
	 */
	if (variant->op == RENAME)
		self->beside = run_beside(self, create_in, wait, &created);
	if (variant->op == UMOUNT) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		self->beside = run_beside(self, sync_all, wait, &synced);
	}

	/* End the pin; the free must then complete. */
	ASSERT_EQ(0, pin_drop(&self->pin, seen, 'W')) TH_LOG("the pin holder's I/O failed");
	if (kind == PIN_VMSPLICE || kind == PIN_DMA)
		ASSERT_EQ(SZ_4K, lab_count(seen, SZ_4K, 'A')) TH_LOG("the pin read other data");
	ASSERT_EQ(0, lab_wait_child(self->child, 30, &status))
		TH_LOG("evidence: %s still waits 30 s after the pin was dropped (no wake-up)",
		       op_name[variant->op]);
	self->child = 0;
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (self->beside > 0) {
		ASSERT_EQ(0, lab_wait_child(self->beside, 30, &status));
		self->beside = 0;
	}
	if (variant->op == UMOUNT) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		TH_LOG("known limit: sync(2) started while umount waited for the pin %s (%.1f s)",
		       synced ? "did not wait" : "waited until the pin ended",
		       (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	}
	if (variant->op == RENAME)
		ASSERT_TRUE(created) TH_LOG("evidence: while the rename waited for the pin in eviction, a create in the same directory waited too");
	if (variant->keep_mapped)
		munmap(p, len);
	if (self->fd >= 0) {
		close(self->fd);
		self->fd = -1;
	}
	if (self->srcfd >= 0) {
		close(self->srcfd);
		self->srcfd = -1;
	}
}

static void pin_free_run(struct __test_metadata *_metadata, FIXTURE_DATA(pin_free) *self,
			 const FIXTURE_VARIANT(pin_free) *variant, enum pin_kind kind)
{
	long i, iter = lab_param("iter", 1);

	if (self->unselected)
		SKIP(return, "not selected by lab.case");
	for (i = 0; i < iter; i++)
		pin_free_case(_metadata, self, variant, kind);
	if (iter > 1)
		TH_LOG("%ld iterations", iter);
}

/*
 * A case's own limit, well under the program's 1800 s (settings), so that a
 * case that hangs fails alone and the program goes on to the next case:
 * the longest case of a KASAN run (LAB_SLOW=4) took 83 s, and the harness
 * scales this limit by LAB_SLOW and LAB_ITER as it does the program's.
 */
TEST_F_TIMEOUT(pin_free, vmsplice, 300)
{
	pin_free_run(_metadata, self, variant, PIN_VMSPLICE);
}

TEST_F_TIMEOUT(pin_free, pvm_uffd, 300)
{
	pin_free_run(_metadata, self, variant, PIN_PVM);
}

TEST_F_TIMEOUT(pin_free, dma, 300)
{
	pin_free_run(_metadata, self, variant, PIN_DMA);
}

TEST_F_TIMEOUT(pin_free, odirect, 300)
{
	pin_free_run(_metadata, self, variant, PIN_ODIRECT);
}

LAB_HARNESS_MAIN
