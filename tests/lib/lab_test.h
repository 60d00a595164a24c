/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the lab's guest tests (kselftest_harness.h based).
 */
#ifndef LAB_TEST_H
#define LAB_TEST_H

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#define SZ_4K	4096UL
#define SZ_2M	(2UL << 20)

/* Page faults this process has taken so far, minor and major. */
static inline long lab_faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt + ru.ru_majflt;
}

/*
 * Ask the guest's lab-setup for a piece of the pmem layout ("mount ext4",
 * "devdax lab-devdax", ...).  It creates it on first use and prints the path.
 */
static inline int lab_setup(const char *what, char *path, size_t len)
{
	char cmd[128];
	FILE *p;
	int got;

	snprintf(cmd, sizeof(cmd), "lab-setup %s", what);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	got = fgets(path, len, p) != NULL;
	if (pclose(p) != 0 || !got)
		return -1;
	path[strcspn(path, "\n")] = '\0';
	return 0;
}

/*
 * Map @len bytes of @fd at file offset @off, at a 2 MiB-aligned address, so
 * that whether a fault gets a PMD depends only on the file's blocks.
 */
static inline char *lab_map_aligned(int fd, size_t len, off_t off)
{
	char *area, *p;

	area = mmap(NULL, len + SZ_2M, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return MAP_FAILED;
	p = (char *)(((unsigned long)area + SZ_2M - 1) & ~(SZ_2M - 1));
	if (p > area)
		munmap(area, p - area);
	munmap(p + len, area + len + SZ_2M - (p + len));
	return mmap(p, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, off);
}

/* Write one byte to every 4 KiB page of [p, p + len); return the faults taken. */
static inline long lab_touch(char *p, size_t len, char val)
{
	long before = lab_faults();
	size_t off;

	for (off = 0; off < len; off += SZ_4K)
		p[off] = val;
	return lab_faults() - before;
}

#endif /* LAB_TEST_H */
