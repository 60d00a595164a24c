// SPDX-License-Identifier: GPL-2.0
/*
 * unbind - R6 and R7: a pinned DAX page outlives its device.
 *
 * 6.1 takes no dev_pagemap reference for a pinned page, so the driver can
 * be unbound under it: memunmap_pages() waits for nothing, the memmap and
 * the direct map of the range go away, and the pin holder is left with a
 * struct page that no longer exists.
 *
 *   r6 (devdax_unbind)  a page of a /dev/daxN.M mapping is pinned, then
 *                       the device is disabled (daxctl disable-device);
 *                       device-dax allows FOLL_LONGTERM, so RDMA's pin is
 *                       one of the kinds; r6_1g maps a device with a 1 GiB
 *                       alignment, one PUD for the whole GiB
 *   r7 (fsdax_unbind)   a page of a file on ext4 -o dax or xfs -o dax is
 *                       pinned, then the pmem namespace under the mounted
 *                       file system is unbound from its driver
 *   r7 fault_race       no pin: a process faults the file's pages in a
 *                       loop while the namespace is unbound under it
 *
 * Correct: the unbind waits until the pin is gone (r7: until the file
 * system lets go of the device, which is after its umount).  The fault
 * race must end in SIGBUS for the faults that come after the unbind
 * began, never in a mapping of the dead device, and the unbind too waits
 * for the umount.  On the stock kernel the unbind completes
 * at once; the test then ends the pin and so shows what the kernel does
 * with it (an Oops is the expected answer, which stops the guest: each of
 * these runs in a guest of its own).  The evidence line goes to the kernel
 * log as well, as the guest may not live to print it.
 *
 * Built twice from this file: devdax_unbind (r6) and fsdax_unbind (r7).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lab_test.h"
#include "pin.h"

#define MAP_LEN		SZ_2M
#define PIN_OFF		(16 * 1024)
#define R7_MNT		"/mnt/lab-r7"

FIXTURE(unbind) {
	char dev[200], name[64], unbind[256], rebind[256];
	int fd;
	pid_t child;
	struct pin pin;
	bool unselected;	/* not selected by lab.case: no set-up */
};

FIXTURE_VARIANT(unbind) {
	const char *name;
	enum pin_kind kind;
	const char *fs;		/* r7: ext4 or xfs */
	bool race;		/* r7: no pin, faults racing the unbind */
	bool gib;		/* r6: a device aligned to 1 GiB, mapped whole */
};

#ifdef UNBIND_FSDAX
FIXTURE_VARIANT_ADD(unbind, r7_vmsplice) { .name = "r7_vmsplice", .kind = PIN_VMSPLICE, .fs = "ext4" };
FIXTURE_VARIANT_ADD(unbind, r7_dma) { .name = "r7_dma", .kind = PIN_DMA, .fs = "ext4" };
FIXTURE_VARIANT_ADD(unbind, r7_pvm) { .name = "r7_pvm", .kind = PIN_PVM, .fs = "ext4" };
FIXTURE_VARIANT_ADD(unbind, r7_xfs_vmsplice) { .name = "r7_xfs_vmsplice", .kind = PIN_VMSPLICE, .fs = "xfs" };
FIXTURE_VARIANT_ADD(unbind, r7_xfs_dma) { .name = "r7_xfs_dma", .kind = PIN_DMA, .fs = "xfs" };
FIXTURE_VARIANT_ADD(unbind, r7_xfs_pvm) { .name = "r7_xfs_pvm", .kind = PIN_PVM, .fs = "xfs" };
FIXTURE_VARIANT_ADD(unbind, r7_fault_race) { .name = "r7_fault_race", .fs = "ext4", .race = true };
FIXTURE_VARIANT_ADD(unbind, r7_xfs_fault_race) { .name = "r7_xfs_fault_race", .fs = "xfs", .race = true };
#else
FIXTURE_VARIANT_ADD(unbind, r6_vmsplice) { .name = "r6_vmsplice", .kind = PIN_VMSPLICE };
FIXTURE_VARIANT_ADD(unbind, r6_dma) { .name = "r6_dma", .kind = PIN_DMA };
FIXTURE_VARIANT_ADD(unbind, r6_dma_longterm) { .name = "r6_dma_longterm", .kind = PIN_DMA_LONGTERM };
FIXTURE_VARIANT_ADD(unbind, r6_pvm) { .name = "r6_pvm", .kind = PIN_PVM };
FIXTURE_VARIANT_ADD(unbind, r6_1g_vmsplice) { .name = "r6_1g_vmsplice", .kind = PIN_VMSPLICE, .gib = true };
FIXTURE_VARIANT_ADD(unbind, r6_1g_dma) { .name = "r6_1g_dma", .kind = PIN_DMA, .gib = true };
#endif

/* Open what the test maps: the file on the fresh file system, or the device. */
static int reopen(struct __test_metadata *_metadata, FIXTURE_DATA(unbind) *self,
		  const FIXTURE_VARIANT(unbind) *variant)
{
#ifdef UNBIND_FSDAX
	char cmd[512];

	if (self->fd >= 0)
		close(self->fd);
	snprintf(cmd, sizeof(cmd), "lab-setup newfs %s %s " R7_MNT " >/dev/null", variant->fs, self->dev);
	if (lab_run(cmd))
		return -1;
	self->fd = open(R7_MNT "/A", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (self->fd < 0 || lab_fill_fd(self->fd, MAP_LEN, 'A'))
		return -1;
#else
	if (self->fd >= 0)
		close(self->fd);
	self->fd = open(self->dev, O_RDWR);
	if (self->fd < 0)
		return -1;
#endif
	return 0;
}

FIXTURE_SETUP(unbind)
{
	self->child = 0;
	self->fd = -1;
	self->pin.held = false;
	/* As in pin_free: the harness runs the body of a skipped set-up. */
	self->unselected = !lab_case_selected(variant->name, _metadata->name);
	if (self->unselected)
		return;
	LAB_CASE_START(variant->name);
#ifdef UNBIND_FSDAX
	char link[300], nd[300];
	ssize_t n;

	/* xfsprogs 6.1 makes no file system under 300 MB: lab-setup sizes *xfs so. */
	ASSERT_EQ(0, lab_setup(strcmp(variant->fs, "xfs") ? "fsdax lab-r7" : "fsdax lab-r7-xfs",
			       self->dev, sizeof(self->dev)));
	/* The nd device (pfnX.Y) that nd_pmem drives for /dev/pmemN. */
	snprintf(link, sizeof(link), "/sys/block/%s/device", strrchr(self->dev, '/') + 1);
	n = readlink(link, nd, sizeof(nd) - 1);
	ASSERT_LT(0, n);
	nd[n] = '\0';
	snprintf(self->name, sizeof(self->name), "%s", strrchr(nd, '/') + 1);
	snprintf(self->unbind, sizeof(self->unbind), "echo %s > /sys/bus/nd/drivers/nd_pmem/unbind", self->name);
	snprintf(self->rebind, sizeof(self->rebind), "echo %s > /sys/bus/nd/drivers/nd_pmem/bind", self->name);
#else
	/* 1 GiB of data aligned to 1 GiB, its memmap on the device: 2 GiB. */
	ASSERT_EQ(0, lab_setup(variant->gib ? "devdax lab-r6-1g 1G 2G" : "devdax lab-r6",
			       self->dev, sizeof(self->dev)));
	snprintf(self->name, sizeof(self->name), "%s", strrchr(self->dev, '/') + 1);
	snprintf(self->unbind, sizeof(self->unbind), "daxctl disable-device %s >/dev/null 2>&1", self->name);
	snprintf(self->rebind, sizeof(self->rebind), "daxctl enable-device %s >/dev/null 2>&1", self->name);
#endif
	ASSERT_EQ(0, reopen(_metadata, self, variant));
}

FIXTURE_TEARDOWN(unbind)
{
	char seen[SZ_4K];
	int status;

	if (self->unselected)
		return;
	pin_drop(&self->pin, seen, 'W');
	if (self->fd >= 0)
		close(self->fd);
#ifdef UNBIND_FSDAX
	umount(R7_MNT);
#endif
	if (self->child > 0 && lab_wait_child(self->child, 60, &status))
		TH_LOG("the unbind (pid %d) is still blocked after the pin was dropped%s", self->child,
#ifdef UNBIND_FSDAX
		       " and the file system unmounted"
#else
		       ""
#endif
		       );
	/* Leave the device bound, as the test found it. */
	lab_run(self->rebind);
}

/* Start the unbind in a child that holds nothing of the test's. */
static pid_t start_unbind(FIXTURE_DATA(unbind) *self)
{
	pid_t child = fork();

	if (child == 0) {
		/*
		 * The unbind may wait until the file system lets go of the
		 * device: it must not hold the file open itself (umount
		 * would fail with EBUSY), nor the pin's pipe or device.
		 */
		close_range(3, ~0U, 0);
		_exit(lab_run(self->unbind));
	}
	return child;
}

#ifdef UNBIND_FSDAX
/* What the faulting process saw, in memory shared with the test. */
struct fault_count {
	long ok, bus;
};

static sigjmp_buf fault_jmp;

static void fault_bus(int sig)
{
	siglongjmp(fault_jmp, 1);
}

/* Map @fd, write every page, unmap, again, until killed. */
static void __attribute__((noreturn)) fault_loop(int fd, struct fault_count *fc)
{
	struct sigaction sa = { .sa_handler = fault_bus };
	volatile size_t off;
	char *p;

	sigaction(SIGBUS, &sa, NULL);
	for (;;) {
		p = mmap(NULL, MAP_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			_exit(2);
		for (off = 0; off < MAP_LEN; off += SZ_4K) {
			if (sigsetjmp(fault_jmp, 1)) {
				__atomic_add_fetch(&fc->bus, 1, __ATOMIC_RELAXED);
				continue;
			}
			p[off] = 'F';
			__atomic_add_fetch(&fc->ok, 1, __ATOMIC_RELAXED);
		}
		munmap(p, MAP_LEN);
	}
}

/*
 * Faults race the unbind.  kill_dax() ends the device's direct access, so
 * every fault that comes after it must fail (SIGBUS); the file system's
 * entries hold the device until umount, so the unbind must wait for that.
 */
static void fault_race_run(struct __test_metadata *_metadata, FIXTURE_DATA(unbind) *self)
{
	int wait = lab_param("pin_wait", 3), status;
	struct fault_count *fc, seen;
	pid_t faulter;
	char msg[320];

	fc = mmap(NULL, sizeof(*fc), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, fc);
	faulter = fork();
	ASSERT_LE(0, faulter);
	if (faulter == 0)
		fault_loop(self->fd, fc);
	usleep(500 * 1000);
	seen = *fc;
	ASSERT_LT(0, seen.ok) TH_LOG("the faulting process made no progress");

	self->child = start_unbind(self);
	ASSERT_LE(0, self->child);
	if (lab_wait_child(self->child, wait, &status) == 0) {
		self->child = 0;
		kill(faulter, SIGKILL);
		waitpid(faulter, NULL, 0);
		snprintf(msg, sizeof(msg), "the unbind of %s completed under the mounted file system",
			 self->dev);
		TH_LOG("evidence: %s", msg);
		lab_kmsg("lab: evidence: %s%s\n", msg, "");
		ASSERT_TRUE(0) TH_LOG("the device went away under the file system's entries");
	}
	/* The device is dead by now: the faults of the last second all fail. */
	seen = *fc;
	sleep(1);
	TH_LOG("faults: %ld ok, %ld SIGBUS in all; %ld ok, %ld SIGBUS in the last second",
	       fc->ok, fc->bus, fc->ok - seen.ok, fc->bus - seen.bus);
	EXPECT_EQ(seen.ok, fc->ok) TH_LOG("evidence: a fault mapped the device after its unbind began");
	EXPECT_LT(seen.bus, fc->bus) TH_LOG("the faulting process is stuck");
	kill(faulter, SIGKILL);
	ASSERT_EQ(faulter, waitpid(faulter, NULL, 0));
	munmap(fc, sizeof(*fc));

	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(0, umount(R7_MNT)) TH_LOG("umount %s under the waiting unbind: %s", R7_MNT,
					   strerror(errno));
	ASSERT_EQ(0, lab_wait_child(self->child, 60, &status)) TH_LOG("the unbind did not finish after umount");
	self->child = 0;
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
#endif

static void unbind_run(struct __test_metadata *_metadata, FIXTURE_DATA(unbind) *self,
		       const FIXTURE_VARIANT(unbind) *variant)
{
	int wait = lab_param("pin_wait", 3), status;
	struct timespec dropped, done;
	char seen[SZ_4K], msg[320];
	char *p;

#ifdef UNBIND_FSDAX
	if (variant->race) {
		fault_race_run(_metadata, self);
		return;
	}
#endif
	if (variant->gib) {
		/* The device aligns the mapping to its own alignment. */
		p = mmap(NULL, SZ_1G, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
		ASSERT_NE(MAP_FAILED, p);
		ASSERT_EQ(0, (unsigned long)p & (SZ_1G - 1));
		ASSERT_EQ(1, lab_touch(p, SZ_1G, 'A')) TH_LOG("a 1 GiB device maps its GiB with one PUD fault");
	} else {
		p = lab_map_aligned(self->fd, MAP_LEN, 0);
		ASSERT_NE(MAP_FAILED, p);
		lab_touch(p, MAP_LEN, 'A');
	}
#ifndef UNBIND_FSDAX
	/* A device has no file that reopen() filled: fill the pinned page. */
	memset(p + PIN_OFF, 'A', SZ_4K);
#endif
	ASSERT_EQ(0, pin_take(&self->pin, variant->kind, p + PIN_OFF)) TH_LOG("cannot pin: %s", strerror(errno));
	ASSERT_EQ(0, munmap(p, variant->gib ? SZ_1G : MAP_LEN));

	self->child = start_unbind(self);
	ASSERT_LE(0, self->child);

	if (lab_wait_child(self->child, wait, &status) == 0) {
		self->child = 0;
		ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) TH_LOG("the unbind failed");
		snprintf(msg, sizeof(msg), "the unbind of %s completed with a page pinned; ending the pin now",
			 self->dev);
		TH_LOG("evidence: %s", msg);
		lab_kmsg("lab: evidence: %s%s\n", msg, "");
		/* What the pin holder sees, if the kernel survives it. */
		pin_drop(&self->pin, seen, 'W');
		TH_LOG("evidence: %s; the pin then read %ld bytes of the old data and the kernel survived",
		       msg, lab_count(seen, SZ_4K, 'A'));
		ASSERT_TRUE(0) TH_LOG("the device went away under a pinned page");
	}

	clock_gettime(CLOCK_MONOTONIC, &dropped);
	ASSERT_EQ(0, pin_drop(&self->pin, seen, 'W')) TH_LOG("the pin holder's I/O failed");
	/* process_vm_writev() only writes: nothing to read back. */
	if (variant->kind != PIN_PVM)
		ASSERT_EQ(SZ_4K, lab_count(seen, SZ_4K, 'A')) TH_LOG("the pin read other data");
#ifdef UNBIND_FSDAX
	/* The device may stay in use until the file system lets it go. */
	close(self->fd);
	self->fd = -1;
	if (lab_wait_child(self->child, 10, &status))
		ASSERT_EQ(0, umount(R7_MNT)) TH_LOG("umount %s under the waiting unbind: %s", R7_MNT,
						   strerror(errno));
#endif
	ASSERT_EQ(0, lab_wait_child(self->child, 60, &status)) TH_LOG("the unbind did not finish");
	clock_gettime(CLOCK_MONOTONIC, &done);
	self->child = 0;
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* Seen at 100 ms steps: a drain that polls each second shows here */
	TH_LOG("the unbind was done %ld ms after the pin was dropped",
	       (done.tv_sec - dropped.tv_sec) * 1000 + (done.tv_nsec - dropped.tv_nsec) / 1000000);
}

/* Under the program's 1800 s, as pin_free's cases: a hung case fails alone. */
TEST_F_TIMEOUT(unbind, unbind, 300)
{
	long i, iter = lab_param("iter", 1);

	if (self->unselected)
		SKIP(return, "not selected by lab.case");
	for (i = 0; i < iter; i++) {
		if (i) {
			/* Bring the device back for the next round. */
			ASSERT_EQ(0, lab_run(self->rebind));
			ASSERT_EQ(0, reopen(_metadata, self, variant));
		}
		unbind_run(_metadata, self, variant);
	}
}

LAB_HARNESS_MAIN
