// SPDX-License-Identifier: GPL-2.0
/*
 * pin_free - a pinned DAX page must not have its block freed (R1, R2).
 *
 * A page of file A on a DAX mount is pinned by vmsplice() into a pipe: the
 * pipe holds a reference to the pmem page itself, not to a copy.  Then the
 * file system is asked to free the block under it.  Two outcomes are
 * correct: the free waits until the pin is gone (what ext4 and xfs do when
 * the page is still mapped: R1), or the block is never handed to another
 * file.  The hole (design memo, hole A): once A is munmap()ed, 6.1 skips the
 * busy-page scan, frees the block at once, and the pipe then reads whatever
 * the file system puts there next.
 *
 * The oracle: the free runs in a child; if it completes while the page is
 * still pinned, the block was freed under the pin.  The consequence is then
 * shown: the free is committed (syncfs: until then the blocks are not
 * reusable), the free space is refilled with a victim file V, and the pipe
 * is read: bytes of V are another file's data leaking through the pin.  If
 * the free blocks instead, the test drains the pipe (which drops the pin),
 * requires the free to complete, and requires the pipe to hold A's data.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/falloc.h>

#include "kselftest_harness.h"
#include "lab_test.h"

#define FILE_LEN	(64 * 1024)
#define PIN_OFF		(16 * 1024)	/* the pinned page, inside the freed range */

enum free_op { PUNCH, TRUNCATE, ZERO, COLLAPSE };

static const char *const op_name[] = { "punch hole", "truncate", "zero range", "collapse range" };

/* Free A's blocks over [0, FILE_LEN) the way @op does. */
static int do_free(int fd, enum free_op op)
{
	switch (op) {
	case PUNCH:
		return fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, FILE_LEN);
	case TRUNCATE:
		return ftruncate(fd, 0);
	case ZERO:
		return fallocate(fd, FALLOC_FL_ZERO_RANGE, 0, FILE_LEN);
	case COLLAPSE:
		/* The file is twice FILE_LEN long; the first half goes away. */
		return fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, 0, FILE_LEN);
	}
	return -1;
}

FIXTURE(pin_free) {
	char mnt[200], path[256];
	int fd, pipefd[2];
};

FIXTURE_VARIANT(pin_free) {
	const char *fs;
	enum free_op op;
	bool keep_mapped;	/* R1: the control, the mapping stays */
};

#define PIN_FREE_VARIANT(_fs, _op, _keep)				\
	FIXTURE_VARIANT_ADD(pin_free, _fs##_##_op##_keep) {		\
		.fs = #_fs, .op = _op, .keep_mapped = _keep,		\
	}

PIN_FREE_VARIANT(ext4, PUNCH, true);
PIN_FREE_VARIANT(ext4, TRUNCATE, true);
PIN_FREE_VARIANT(xfs, PUNCH, true);
PIN_FREE_VARIANT(xfs, TRUNCATE, true);
PIN_FREE_VARIANT(ext4, PUNCH, false);
PIN_FREE_VARIANT(ext4, TRUNCATE, false);
PIN_FREE_VARIANT(ext4, ZERO, false);
PIN_FREE_VARIANT(ext4, COLLAPSE, false);
PIN_FREE_VARIANT(xfs, PUNCH, false);
PIN_FREE_VARIANT(xfs, TRUNCATE, false);
PIN_FREE_VARIANT(xfs, ZERO, false);
PIN_FREE_VARIANT(xfs, COLLAPSE, false);

FIXTURE_SETUP(pin_free)
{
	char what[32];
	size_t len = variant->op == COLLAPSE ? 2 * FILE_LEN : FILE_LEN;

	snprintf(what, sizeof(what), "mount %s", variant->fs);
	ASSERT_EQ(0, lab_setup(what, self->mnt, sizeof(self->mnt)));
	/* Start from an empty file system, so the refill reaches A's blocks. */
	ASSERT_EQ(0, lab_clean_dir(self->mnt));
	snprintf(self->path, sizeof(self->path), "%s/A", self->mnt);
	self->fd = open(self->path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, lab_fill_fd(self->fd, len, 'A'));
	ASSERT_EQ(0, fsync(self->fd));
	ASSERT_EQ(0, pipe(self->pipefd));
}

FIXTURE_TEARDOWN(pin_free)
{
	close(self->pipefd[0]);
	close(self->pipefd[1]);
	close(self->fd);
	lab_clean_dir(self->mnt);
}

TEST_F_TIMEOUT(pin_free, vmsplice, 300)
{
	size_t len = variant->op == COLLAPSE ? 2 * FILE_LEN : FILE_LEN;
	struct iovec iov;
	char *p, buf[SZ_4K];
	pid_t child;
	int status;
	long victim;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	iov.iov_base = p + PIN_OFF;
	iov.iov_len = SZ_4K;
	ASSERT_EQ(SZ_4K, vmsplice(self->pipefd[1], &iov, 1, 0));
	if (!variant->keep_mapped)
		ASSERT_EQ(0, munmap(p, len));

	child = fork();
	ASSERT_LE(0, child);
	if (child == 0)
		_exit(do_free(self->fd, variant->op) ? errno : 0);

	if (lab_wait_child(child, 5, &status) == 0) {
		/* The free completed with the page still pinned. */
		ASSERT_TRUE(WIFEXITED(status));
		ASSERT_EQ(0, WEXITSTATUS(status)) TH_LOG("%s: %s", op_name[variant->op],
							 strerror(WEXITSTATUS(status)));
		ASSERT_EQ(0, syncfs(self->fd));
		victim = lab_refill(self->mnt, 'V');
		ASSERT_EQ(SZ_4K, read(self->pipefd[0], buf, SZ_4K));
		TH_LOG("%s freed the block of a pinned page at once; the pin then reads %ld bytes of another file (refill wrote %ld MiB)",
		       op_name[variant->op], lab_count(buf, SZ_4K, 'V'), victim >> 20);
		ASSERT_TRUE(0) TH_LOG("%s on %s did not wait for the pinned page",
				      op_name[variant->op], variant->fs);
	}

	/* The free waits: drop the pin, and it must complete, with A intact. */
	ASSERT_EQ(SZ_4K, read(self->pipefd[0], buf, SZ_4K));
	ASSERT_EQ(SZ_4K, lab_count(buf, SZ_4K, 'A')) TH_LOG("the pin read other data");
	ASSERT_EQ(0, lab_wait_child(child, 60, &status)) TH_LOG("the free did not finish after the pin dropped");
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (variant->keep_mapped)
		munmap(p, len);
}

TEST_HARNESS_MAIN
