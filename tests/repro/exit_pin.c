// SPDX-License-Identifier: GPL-2.0
/*
 * exit_pin - a task that exits holding a pin on the page of its own
 * unlinked DAX file must be able to exit (R13).
 *
 * The task opens /dev/lab_dma (tests/kmod/lab_dma.c) first, then file A,
 * pins a page of A through the driver, unmaps it and unlinks A: A's last
 * reference is now its open file, the pin is the driver file's, on a lower
 * descriptor.  Then it exits.  An exiting task closes its files
 * last-opened-first, so A's final iput() comes before the driver releases
 * the pin; if A's eviction waits for the pin there, it waits for the task
 * itself: D state for ever, SIGKILL or not.  A vmsplice() pipe opened before
 * A does the same; the driver is used because the test can end its pin
 * from outside (LAB_DMA_UNPIN_ALL) and so recover the guest.
 *
 * Correct: the task exits within lab.pin_wait seconds (default 3), and A's
 * blocks come free afterwards (its eviction went on without the task).
 * The case then also checks that the blocks were not handed out while the
 * pin was still there: the pin ends only when the task is gone, so here
 * that holds trivially; pin_free's r3 checks it with the pin kept.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lab_test.h"
#include "lab_dma.h"

#define FILE_LEN	SZ_2M
#define PIN_OFF		(16 * 1024)

FIXTURE(exit_pin) {
	char mnt[200], path[256];
	pid_t child;
	bool unselected;
};

FIXTURE_VARIANT(exit_pin) {
	const char *name, *fs;
};

#define EXIT_PIN(_fs)							\
	FIXTURE_VARIANT_ADD(exit_pin, r13_##_fs) {			\
		.name = "r13_" #_fs, .fs = #_fs,			\
	}

EXIT_PIN(ext4);
EXIT_PIN(xfs);
EXIT_PIN(ext2);

static int mount_fs(FIXTURE_DATA(exit_pin) *self, const FIXTURE_VARIANT(exit_pin) *variant)
{
	char what[32];

	snprintf(what, sizeof(what), "mount %s", variant->fs);
	return lab_setup(what, self->mnt, sizeof(self->mnt));
}

/* End every lab_dma pin, the exiting task's included. */
static int unpin_all(void)
{
	int fd = open("/dev/lab_dma", O_RDWR | O_CLOEXEC), ret;

	if (fd < 0)
		return -1;
	ret = ioctl(fd, LAB_DMA_UNPIN_ALL);
	close(fd);
	return ret;
}

/* The state letter of @pid in /proc/PID/stat, '?' if unknown. */
static char task_state(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	return p && p[1] == ' ' ? p[2] : '?';
}

/*
 * The task of the recipe.  Tells @ready when the pin is taken and A is
 * unlinked, then exits.  Exit status: 0, or the step that failed.
 */
static int pin_and_exit(const char *path, int ready)
{
	struct lab_dma_req req = {};
	int dma, fd;
	char *p;

	dma = open("/dev/lab_dma", O_RDWR);	/* the lower descriptor */
	fd = open(path, O_RDWR);
	if (dma < 0 || fd < 0 || dma > fd)
		return 1;
	p = mmap(NULL, FILE_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED || p[PIN_OFF] != 'A')
		return 2;
	req.addr = (unsigned long)(p + PIN_OFF);
	if (ioctl(dma, LAB_DMA_PIN, &req))
		return 3;
	if (munmap(p, FILE_LEN) || unlink(path))
		return 4;
	if (write(ready, "r", 1) != 1)
		return 5;
	return 0;
}

FIXTURE_SETUP(exit_pin)
{
	self->child = 0;
	self->unselected = !lab_case_selected(variant->name, _metadata->name);
	if (self->unselected)
		return;
	LAB_CASE_START(variant->name);
	ASSERT_EQ(0, system("modprobe lab_dma"));
	ASSERT_EQ(0, mount_fs(self, variant));
	snprintf(self->path, sizeof(self->path), "%s/A", self->mnt);
}

FIXTURE_TEARDOWN(exit_pin)
{
	int status;

	if (self->unselected)
		return;
	if (self->child > 0) {
		/* Still in its exit: end its pin, so that it can finish. */
		unpin_all();
		if (lab_wait_child(self->child, 30, &status))
			TH_LOG("pid %d still has not exited 30 s after its pin was ended",
			       self->child);
	}
	if (mount_fs(self, variant) == 0)
		lab_clean_dir(self->mnt);
}

TEST_F_TIMEOUT(exit_pin, dma, 600)
{
	int wait = lab_param("pin_wait", 3), ready[2], status, fd;
	long long before, after = -1;
	char c, state;
	bool killed;

	if (self->unselected)
		SKIP(return, "not selected by lab.case");
	ASSERT_EQ(0, lab_clean_dir(self->mnt));
	fd = open(self->path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, lab_fill_fd(fd, FILE_LEN, 'A'));
	ASSERT_EQ(0, fsync(fd));
	close(fd);
	before = lab_free_bytes(self->mnt);
	ASSERT_LE(0, before);

	ASSERT_EQ(0, pipe(ready));
	self->child = fork();
	ASSERT_LE(0, self->child);
	if (self->child == 0) {
		close(ready[0]);
		_exit(pin_and_exit(self->path, ready[1]));
	}
	close(ready[1]);
	c = 0;
	ASSERT_EQ(1, read(ready[0], &c, 1)) TH_LOG("the task could not set up (exit %d)",
						   waitpid(self->child, &status, 0) == self->child ?
						   WEXITSTATUS(status) : -1);
	close(ready[0]);

	if (lab_wait_child(self->child, wait, &status)) {
		state = task_state(self->child);
		kill(self->child, SIGKILL);
		killed = lab_wait_child(self->child, 2, &status) == 0;
		if (killed)
			self->child = 0;
		TH_LOG("evidence: the task, exiting with the pin on a lower descriptor than its unlinked file, was still in its exit after %d s (state %c), and %s",
		       wait, state, killed ? "only SIGKILL ended it" :
		       "SIGKILL did not end it: its file's eviction waits for the pin its own exit has yet to release");
		ASSERT_TRUE(0) TH_LOG("an exiting task waits for its own pin");
	}
	self->child = 0;
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("the task failed at step %d", WEXITSTATUS(status));

	/* Its eviction goes on without it: A's blocks come free. */
	after = lab_wait_free_bytes(self->mnt, before + FILE_LEN / 2, 30);
	ASSERT_GE(after, before + FILE_LEN / 2)
		TH_LOG("evidence: the task exited, but 30 s later A's %lu KiB were still not free (%lld bytes free before, %lld after)",
		       (unsigned long)FILE_LEN >> 10, before, after);
	TH_LOG("the task exited at once; A's blocks were freed after it (%lld bytes free before, %lld after)",
	       before, after);
}

LAB_HARNESS_MAIN
