// SPDX-License-Identifier: GPL-2.0
/*
 * longterm - R8, the negative controls: long-term pins of fsdax pages are
 * refused.
 *
 * A FOLL_LONGTERM pin (RDMA memory registration, io_uring fixed buffers)
 * has no end the kernel controls, so 6.1 refuses it on fsdax mappings
 * (check_vma_flags(): vma_is_fsdax()), and io_uring refuses any file
 * mapping that is not shmem or hugetlbfs.  These must stay refused when
 * the series changes how DAX pages are counted and pinned.  Device-dax has
 * no file system to free blocks under a pin, and allows FOLL_LONGTERM: that
 * is checked too, as it is how an RDMA pin reaches R6 (devdax unbind).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/io_uring.h>

#include "kselftest_harness.h"
#include "lab_test.h"
#include "lab_dma.h"

FIXTURE(longterm) {
	char path[256];
	int fd;
	char *p;
	size_t len;
};

FIXTURE_VARIANT(longterm) {
	const char *name, *setup;
	bool devdax;
};

FIXTURE_VARIANT_ADD(longterm, r8_ext4) { .name = "r8_ext4", .setup = "mount ext4" };
FIXTURE_VARIANT_ADD(longterm, r8_xfs) { .name = "r8_xfs", .setup = "mount xfs" };
FIXTURE_VARIANT_ADD(longterm, r8_devdax) {
	.name = "r8_devdax", .setup = "devdax lab-devdax", .devdax = true,
};

FIXTURE_SETUP(longterm)
{
	char where[200];

	LAB_CASE_START(variant->name);
	ASSERT_EQ(0, lab_setup(variant->setup, where, sizeof(where)));
	self->len = SZ_2M;
	if (variant->devdax) {
		snprintf(self->path, sizeof(self->path), "%s", where);
		self->fd = open(self->path, O_RDWR);
		ASSERT_LE(0, self->fd);
	} else {
		snprintf(self->path, sizeof(self->path), "%s/longterm", where);
		self->fd = open(self->path, O_RDWR | O_CREAT | O_TRUNC, 0600);
		ASSERT_LE(0, self->fd);
		ASSERT_EQ(0, lab_fill_fd(self->fd, self->len, 'L'));
	}
	self->p = lab_map_aligned(self->fd, self->len, 0);
	ASSERT_NE(MAP_FAILED, self->p);
	lab_touch(self->p, self->len, 'L');
}

FIXTURE_TEARDOWN(longterm)
{
	munmap(self->p, self->len);
	close(self->fd);
	if (!variant->devdax)
		unlink(self->path);
}

/* io_uring fixed buffers: a long-term pin that io_uring refuses on any DAX mapping. */
TEST_F(longterm, io_uring_fixed)
{
	struct io_uring_params params = {};
	struct iovec iov = { self->p, SZ_4K };
	long i, iter = lab_param("iter", 1);
	int ring, ret;

	ring = syscall(__NR_io_uring_setup, 4, &params);
	ASSERT_LE(0, ring) TH_LOG("io_uring_setup: %s", strerror(errno));
	for (i = 0; i < iter; i++) {
		ret = syscall(__NR_io_uring_register, ring, IORING_REGISTER_BUFFERS, &iov, 1);
		ASSERT_EQ(-1, ret) TH_LOG("evidence: io_uring registered a fixed buffer in a %s mapping",
					  variant->name);
		ASSERT_EQ(EOPNOTSUPP, errno) TH_LOG("evidence: io_uring fixed buffer in a %s mapping: %s",
						    variant->name, strerror(errno));
	}
	close(ring);
}

/* A driver's FOLL_LONGTERM pin: refused on fsdax, allowed on device-dax. */
TEST_F(longterm, dma_longterm)
{
	struct lab_dma_req req = { .addr = (unsigned long)self->p, .flags = LAB_DMA_LONGTERM };
	long i, iter = lab_param("iter", 1);
	int dma, ret;

	ASSERT_EQ(0, system("modprobe lab_dma"));
	dma = open("/dev/lab_dma", O_RDWR);
	ASSERT_LE(0, dma);
	for (i = 0; i < iter; i++) {
		ret = ioctl(dma, LAB_DMA_PIN, &req);
		if (variant->devdax) {
			ASSERT_EQ(0, ret) TH_LOG("evidence: FOLL_LONGTERM on device-dax refused: %s",
						 strerror(errno));
			ASSERT_EQ(0, ioctl(dma, LAB_DMA_UNPIN));
		} else {
			ASSERT_EQ(-1, ret) TH_LOG("evidence: FOLL_LONGTERM pin of an fsdax page accepted");
			ASSERT_EQ(EOPNOTSUPP, errno) TH_LOG("evidence: FOLL_LONGTERM pin of an fsdax page: %s",
							    strerror(errno));
		}
	}
	close(dma);
}

LAB_HARNESS_MAIN
