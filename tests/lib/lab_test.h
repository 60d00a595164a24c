/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the lab's guest tests (kselftest_harness.h based).
 */
#ifndef LAB_TEST_H
#define LAB_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

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

/* Count the bytes equal to @c in @buf. */
static inline long lab_count(const char *buf, size_t len, char c)
{
	long n = 0;
	size_t i;

	for (i = 0; i < len; i++)
		n += buf[i] == c;
	return n;
}

/* Write @len bytes of @c to @fd from offset 0. */
static inline int lab_fill_fd(int fd, size_t len, char c)
{
	char buf[SZ_4K];
	size_t done;

	memset(buf, c, sizeof(buf));
	for (done = 0; done < len; done += sizeof(buf))
		if (pwrite(fd, buf, sizeof(buf), done) != sizeof(buf))
			return -1;
	return 0;
}

/*
 * Wait up to @secs seconds for @child.  Returns 0 with its status, or -1
 * if it is still running (it is then left running).
 */
static inline int lab_wait_child(pid_t child, int secs, int *status)
{
	int i;

	for (i = 0; i < secs * 10; i++) {
		if (waitpid(child, status, WNOHANG) == child)
			return 0;
		usleep(100 * 1000);
	}
	return -1;
}

/* Remove every entry of directory @dir (not recursive: the tests' files). */
static inline int lab_clean_dir(const char *dir)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "find '%s' -mindepth 1 -maxdepth 1 ! -name lost+found -exec rm -rf {} +", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/*
 * Fill the free space of the file system at @mnt with victim files of byte
 * @c, the way another user of the file system would reuse freed blocks, and
 * commit them.  Returns the bytes written.
 */
static inline long lab_refill(const char *mnt, char c)
{
	char path[300], buf[SZ_2M];
	long total = 0;
	int fd, n;

	memset(buf, c, sizeof(buf));
	for (n = 0; n < 64; n++) {
		snprintf(path, sizeof(path), "%s/victim.%d", mnt, n);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			break;
		while (write(fd, buf, sizeof(buf)) == sizeof(buf))
			total += sizeof(buf);
		fsync(fd);
		close(fd);
		if (errno == ENOSPC)
			break;
	}
	sync();
	return total;
}

#endif /* LAB_TEST_H */
