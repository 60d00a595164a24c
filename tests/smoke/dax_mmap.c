// SPDX-License-Identifier: GPL-2.0
/*
 * dax_mmap - a file on ext4 -o dax and on xfs -o dax=always is really DAX,
 * and faults both page sizes: a PMD when the file offset and the address
 * are 2 MiB-aligned and the blocks are, a PTE when the offset is not.
 *
 * The oracle is the fault count: one fault maps a whole 2 MiB chunk with a
 * PMD, 512 faults mean 4 KiB PTEs.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lab_test.h"

#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX 0x00200000
#endif

#define FILE_SIZE	(16 * SZ_2M)

FIXTURE(dax_file) {
	char path[256];
	int fd;
};

FIXTURE_VARIANT(dax_file) {
	const char *fs;
};

FIXTURE_VARIANT_ADD(dax_file, ext4) {
	.fs = "ext4",
};

FIXTURE_VARIANT_ADD(dax_file, xfs) {
	.fs = "xfs",
};

FIXTURE_SETUP(dax_file)
{
	char what[32], mnt[200];

	/* The variants are named after their file systems. */
	LAB_CASE_START(variant->fs);
	snprintf(what, sizeof(what), "mount %s", variant->fs);
	ASSERT_EQ(0, lab_setup(what, mnt, sizeof(mnt)));
	snprintf(self->path, sizeof(self->path), "%s/dax_mmap.%d", mnt, getpid());
	self->fd = open(self->path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, fallocate(self->fd, 0, 0, FILE_SIZE));
}

FIXTURE_TEARDOWN(dax_file)
{
	close(self->fd);
	unlink(self->path);
}

TEST_F(dax_file, statx_dax)
{
	struct statx stx;

	ASSERT_EQ(0, statx(self->fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx));
	ASSERT_TRUE(!!(stx.stx_attributes_mask & STATX_ATTR_DAX))
		TH_LOG("the kernel does not report STATX_ATTR_DAX");
	ASSERT_TRUE(!!(stx.stx_attributes & STATX_ATTR_DAX))
		TH_LOG("%s is not DAX", self->path);
}

TEST_F(dax_file, pmd_fault)
{
	unsigned long chunk;
	int pmd = 0, pte = 0;
	char *p, buf[64];

	p = lab_map_aligned(self->fd, FILE_SIZE, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (chunk = 0; chunk < FILE_SIZE / SZ_2M; chunk++) {
		long n = lab_touch(p + chunk * SZ_2M, SZ_2M, 'a' + chunk % 26);

		if (n == 1)
			pmd++;
		else if (n >= (long)(SZ_2M / SZ_4K))
			pte++;
	}
	TH_LOG("%s: %d of %lu chunks PMD-mapped, %d PTE-mapped",
	       variant->fs, pmd, FILE_SIZE / SZ_2M, pte);
	ASSERT_LT(0, pmd);

	/* What was stored through the mapping is what the file holds. */
	ASSERT_EQ(0, msync(p, FILE_SIZE, MS_SYNC));
	ASSERT_EQ((ssize_t)sizeof(buf), pread(self->fd, buf, sizeof(buf), 3 * SZ_2M));
	ASSERT_EQ('d', buf[0]);
	munmap(p, FILE_SIZE);
}

TEST_F(dax_file, pte_fault)
{
	long n;
	char *p;

	/* A 4 KiB file offset at a 2 MiB-aligned address cannot take a PMD. */
	p = lab_map_aligned(self->fd, SZ_2M, SZ_4K);
	ASSERT_NE(MAP_FAILED, p);
	n = lab_touch(p, SZ_2M, 'x');
	TH_LOG("%s: %ld faults for %lu pages", variant->fs, n, SZ_2M / SZ_4K);
	ASSERT_LE((long)(SZ_2M / SZ_4K), n);
	munmap(p, SZ_2M);
}

LAB_HARNESS_MAIN
