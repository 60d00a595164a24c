// SPDX-License-Identifier: GPL-2.0
/*
 * mf_zapped - R9: memory failure on a DAX page that is no longer mapped
 * (zapped) but still belongs to its file (not truncated) must find the
 * file.
 *
 * memory_failure() on an fsdax pfn locks the page's DAX entry through
 * page->mapping (dax_lock_page()) to find the processes to signal.  6.1
 * keeps ->mapping until the entry is deleted, so a page that was only
 * unmapped still leads to its file: "recovery action for dax page:
 * Recovered".  The reference count rework frees pages when their last
 * reference goes, which must not clear ->mapping while the entry lives
 * (Documentation/series.rst, "The page life cycle with phase B"): this
 * test is the guard.  Stock 6.1 is expected to pass.
 *
 * The poison sticks to the page for the rest of the boot, so this runs in
 * a guest of its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lab_test.h"

#define FILE_LEN	SZ_2M
#define PAGE_OFF	(16 * 1024)

FIXTURE(mf) {
	char mnt[200], path[256];
	int fd;
};

FIXTURE_VARIANT(mf) {
	const char *name, *setup;
};

FIXTURE_VARIANT_ADD(mf, r9_ext4) { .name = "r9_ext4", .setup = "mount ext4" };
FIXTURE_VARIANT_ADD(mf, r9_xfs) { .name = "r9_xfs", .setup = "mount xfs" };

FIXTURE_SETUP(mf)
{
	LAB_CASE_START(variant->name);
	ASSERT_EQ(0, lab_setup(variant->setup, self->mnt, sizeof(self->mnt)));
	snprintf(self->path, sizeof(self->path), "%s/poisoned", self->mnt);
	self->fd = open(self->path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, lab_fill_fd(self->fd, FILE_LEN, 'P'));
	ASSERT_EQ(0, system("modprobe hwpoison_inject"));
}

FIXTURE_TEARDOWN(mf)
{
	close(self->fd);
}

/* The pfn behind @addr, from /proc/self/pagemap (root only), or 0. */
static uint64_t pfn_of(void *addr)
{
	uint64_t ent = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &ent, sizeof(ent), (uintptr_t)addr / SZ_4K * sizeof(ent)) != sizeof(ent))
		ent = 0;
	close(fd);
	/* bit 63: present; bits 0-54: the pfn */
	return ent >> 63 ? ent & ((1ULL << 55) - 1) : 0;
}

/* The verdict memory_failure() logged for @pfn, or "" if none yet. */
static void mf_verdict(uint64_t pfn, char *out, size_t len)
{
	char line[512], key[64];
	FILE *log = popen("dmesg", "r");

	out[0] = '\0';
	if (!log)
		return;
	snprintf(key, sizeof(key), "%#llx: recovery action for dax page: ", (unsigned long long)pfn);
	while (fgets(line, sizeof(line), log))
		if (strstr(line, key))
			snprintf(out, len, "%s", strstr(line, key) + strlen(key));
	pclose(log);
	out[strcspn(out, "\n")] = '\0';
}

TEST_F(mf, memory_failure)
{
	char cmd[128], verdict[64];
	uint64_t pfn;
	char *p;

	p = mmap(NULL, FILE_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ('P', p[PAGE_OFF]);
	pfn = pfn_of(p + PAGE_OFF);
	ASSERT_NE(0, pfn) TH_LOG("no pfn in /proc/self/pagemap");
	/* Zapped, not truncated: the entry and the file keep the block. */
	ASSERT_EQ(0, munmap(p, FILE_LEN));

	snprintf(cmd, sizeof(cmd), "echo %#llx > /sys/kernel/debug/hwpoison/corrupt-pfn",
		 (unsigned long long)pfn);
	ASSERT_EQ(0, system(cmd));
	mf_verdict(pfn, verdict, sizeof(verdict));
	ASSERT_STREQ("Recovered", verdict)
		TH_LOG("evidence: memory failure on pfn %#llx (unmapped page of %s): \"%s\"",
		       (unsigned long long)pfn, self->path, verdict[0] ? verdict : "no verdict logged");
}

LAB_HARNESS_MAIN
