// SPDX-License-Identifier: GPL-2.0
/*
 * devdax_mmap - a device-dax instance (2 MiB alignment) maps and faults
 * with PMDs, and what is written through one mapping is read back through
 * another.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lab_test.h"

#define MAP_SIZE	(4 * SZ_2M)

FIXTURE(devdax) {
	char path[256];
	int fd;
};

FIXTURE_SETUP(devdax)
{
	LAB_CASE_START(NULL);
	ASSERT_EQ(0, lab_setup("devdax lab-devdax", self->path, sizeof(self->path)));
	self->fd = open(self->path, O_RDWR);
	ASSERT_LE(0, self->fd) TH_LOG("open %s", self->path);
}

FIXTURE_TEARDOWN(devdax)
{
	close(self->fd);
}

TEST_F(devdax, pmd_fault)
{
	unsigned long chunk;
	char *p;

	p = lab_map_aligned(self->fd, MAP_SIZE, 0);
	ASSERT_NE(MAP_FAILED, p) TH_LOG("mmap %s", self->path);
	for (chunk = 0; chunk < MAP_SIZE / SZ_2M; chunk++) {
		long n = lab_touch(p + chunk * SZ_2M, SZ_2M, 'A' + chunk);

		TH_LOG("chunk %lu: %ld fault(s)", chunk, n);
		ASSERT_EQ(1, n);
	}
	munmap(p, MAP_SIZE);

	p = lab_map_aligned(self->fd, MAP_SIZE, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (chunk = 0; chunk < MAP_SIZE / SZ_2M; chunk++)
		ASSERT_EQ('A' + chunk, p[chunk * SZ_2M + SZ_4K]);
	munmap(p, MAP_SIZE);
}

LAB_HARNESS_MAIN
