/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the lab's guest tests (kselftest_harness.h based).
 */
#ifndef LAB_TEST_H
#define LAB_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <sys/ioctl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>

#define SZ_4K	4096UL
#define SZ_2M	(2UL << 20)
#define SZ_1G	(1UL << 30)

/* Page faults this process has taken so far, minor and major. */
static inline long lab_faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt + ru.ru_majflt;
}

/* Run shell command @cmd: its exit status, or -1 if it did not exit. */
static inline int lab_run(const char *cmd)
{
	int ret = system(cmd);

	return WIFEXITED(ret) ? WEXITSTATUS(ret) : -1;
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
	return lab_run(cmd) == 0 ? 0 : -1;
}

/*
 * Fill the free space of the file system at @mnt with victim files
 * (@mnt/victim.N) of byte @c, the way another user of the file system would
 * reuse freed blocks, and commit them.  Returns the bytes written.
 */
static inline long lab_refill(const char *mnt, char c)
{
	static char buf[SZ_2M];
	char path[300];
	long total = 0;
	ssize_t done = sizeof(buf);
	int fd, n;

	memset(buf, c, sizeof(buf));
	for (n = 0; n < 64 && done > 0; n++) {
		snprintf(path, sizeof(path), "%s/victim.%d", mnt, n);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			break;
		/* A short write or an error (ENOSPC) means the space is full. */
		while ((done = write(fd, buf, sizeof(buf))) == sizeof(buf))
			total += done;
		if (done > 0)
			total += done;
		fsync(fd);
		close(fd);
	}
	sync();
	return total;
}

/*
 * Look for byte @c in the victim files lab_refill() wrote.  Returns the
 * number found; the first is described in @where.
 */
static inline long lab_find_in_victims(const char *mnt, char c, char *where, size_t len)
{
	static char buf[SZ_2M];
	char path[300];
	long found = 0, off, i;
	ssize_t got;
	int fd, n;

	where[0] = '\0';
	for (n = 0; n < 64; n++) {
		snprintf(path, sizeof(path), "%s/victim.%d", mnt, n);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			break;
		for (off = 0; (got = pread(fd, buf, sizeof(buf), off)) > 0; off += got)
			for (i = 0; i < got; i++)
				if (buf[i] == c && found++ == 0)
					snprintf(where, len, "victim.%d at offset %#lx", n, off + i);
		close(fd);
	}
	return found;
}

/*
 * Call @fn for each mapped extent of @fd (FIEMAP: on a DAX file system the
 * physical addresses are offsets into the pmem device), until it returns
 * nonzero; returns that value, 0 at the end, -1 on error.
 */
static inline int lab_fiemap(int fd, int (*fn)(const struct fiemap_extent *, void *), void *arg)
{
	union {
		struct fiemap map;
		char buf[sizeof(struct fiemap) + 64 * sizeof(struct fiemap_extent)];
	} u;
	struct fiemap_extent *e;
	__u64 start = 0;
	unsigned int i;
	int ret;

	for (;;) {
		memset(&u, 0, sizeof(u));
		u.map.fm_start = start;
		u.map.fm_length = ~0ULL;
		u.map.fm_flags = FIEMAP_FLAG_SYNC;
		u.map.fm_extent_count = 64;
		if (ioctl(fd, FS_IOC_FIEMAP, &u.map))
			return -1;
		if (!u.map.fm_mapped_extents)
			return 0;
		for (i = 0; i < u.map.fm_mapped_extents; i++) {
			e = &u.map.fm_extents[i];
			ret = fn(e, arg);
			if (ret)
				return ret;
			if (e->fe_flags & FIEMAP_EXTENT_LAST)
				return 0;
		}
		start = e->fe_logical + e->fe_length;
	}
}

struct lab_phys {
	__u64 off, phys;	/* in: a file offset or a device offset; out: the other */
};

static inline int lab_phys_of(const struct fiemap_extent *e, void *arg)
{
	struct lab_phys *p = arg;

	if (p->off < e->fe_logical || p->off >= e->fe_logical + e->fe_length)
		return 0;
	p->phys = e->fe_physical + p->off - e->fe_logical;
	return 1;
}

static inline int lab_off_of(const struct fiemap_extent *e, void *arg)
{
	struct lab_phys *p = arg;

	if (p->phys < e->fe_physical || p->phys >= e->fe_physical + e->fe_length)
		return 0;
	p->off = e->fe_logical + p->phys - e->fe_physical;
	return 1;
}

/* The device offset of file offset @off of @fd, or -1 (a hole). */
static inline long long lab_phys(int fd, off_t off)
{
	struct lab_phys p = { .off = off };

	return lab_fiemap(fd, lab_phys_of, &p) == 1 ? (long long)p.phys : -1;
}

/*
 * Which victim file (lab_refill()) holds device offset @phys now?  Returns
 * its number with the file offset in @off, or -1.
 */
static inline int lab_victim_at(const char *mnt, long long phys, long long *off)
{
	struct lab_phys p = { .phys = phys };
	char path[300];
	int fd, n, hit;

	for (n = 0; n < 64; n++) {
		snprintf(path, sizeof(path), "%s/victim.%d", mnt, n);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return -1;
		hit = lab_fiemap(fd, lab_off_of, &p) == 1;
		close(fd);
		if (hit) {
			*off = p.off;
			return n;
		}
	}
	return -1;
}

/* Free bytes of the file system at @mnt, after committing what is pending. */
static inline long long lab_free_bytes(const char *mnt)
{
	struct statvfs st;
	int dir = open(mnt, O_RDONLY | O_DIRECTORY);

	if (dir < 0)
		return -1;
	syncfs(dir);
	close(dir);
	if (statvfs(mnt, &st))
		return -1;
	return (long long)st.f_bfree * st.f_frsize;
}

/*
 * Wait up to @secs seconds for the file system at @mnt to have at least
 * @want free bytes (a deferred free to happen).  Returns the last count.
 */
static inline long long lab_wait_free_bytes(const char *mnt, long long want, int secs)
{
	long long got;
	int i;

	for (i = 0; (got = lab_free_bytes(mnt)) < want && i < secs; i++)
		sleep(1);
	return got;
}

/* Remove the victim files of lab_refill(). */
static inline void lab_unrefill(const char *mnt)
{
	char path[300];
	int n;

	for (n = 0; n < 64; n++) {
		snprintf(path, sizeof(path), "%s/victim.%d", mnt, n);
		if (unlink(path))
			break;
	}
}

/*
 * The value of lab.NAME=VALUE on the kernel command line (the host's make
 * variables reach the guest that way), copied to @buf; NULL if absent.
 */
static inline const char *lab_param_str(const char *name, char *buf, size_t len)
{
	char line[4096], key[64], *p;
	FILE *f = fopen("/proc/cmdline", "r");
	const char *val = NULL;

	if (!f)
		return NULL;
	snprintf(key, sizeof(key), "lab.%s=", name);
	if (fgets(line, sizeof(line), f)) {
		for (p = strtok(line, " \n"); p; p = strtok(NULL, " \n"))
			if (!strncmp(p, key, strlen(key))) {
				snprintf(buf, len, "%s", p + strlen(key));
				val = buf;
			}
	}
	fclose(f);
	return val;
}

/* lab.NAME=N on the kernel command line, or @def. */
static inline long lab_param(const char *name, long def)
{
	char buf[256];

	return lab_param_str(name, buf, sizeof(buf)) ? strtol(buf, NULL, 0) : def;
}

/*
 * Is the test case @variant.@test selected?  lab.case=STRING[,STRING...]
 * (LAB_CASE on the host) keeps only the cases whose name contains one of
 * the STRINGs, so that the stress mode can run one case many times; without
 * it every case runs.
 */
static inline bool lab_case_selected(const char *variant, const char *test)
{
	char want[256], name[256], *one, *save;

	if (!lab_param_str("case", want, sizeof(want)))
		return true;
	snprintf(name, sizeof(name), "%s.%s", variant, test);
	for (one = strtok_r(want, ",", &save); one; one = strtok_r(NULL, ",", &save))
		if (strstr(name, one))
			return true;
	return false;
}

/*
 * TEST_HARNESS_MAIN, with every test's time limit (its TEST_F_TIMEOUT, or
 * the harness's 30 s default) multiplied by lab.slow=N (LAB_SLOW on the
 * host; 4 for a LAB_DEBUG=1 kernel) and by lab.iter=N (LAB_ITER: the
 * reproducers repeat each case N times): a limit that does not follow the
 * kernel's cost or the work asked for fails a run by time alone.  The
 * collection's limit (guest/bin/lab-run) and the guest's (LAB_TIMEOUT)
 * scale the same way.  A macro, so that it can be used after
 * kselftest_harness.h whatever the order of inclusion.
 */
#define LAB_HARNESS_MAIN						\
	static void __attribute__((constructor))			\
	__constructor_order_last(void)					\
	{								\
		if (!__constructor_order)				\
			__constructor_order = _CONSTRUCTOR_ORDER_BACKWARD; \
	}								\
	int main(int argc, char **argv)					\
	{								\
		long scale = lab_param("slow", 1) * lab_param("iter", 1); \
		struct __fixture_metadata *f;				\
		struct __test_metadata *t;				\
									\
		for (f = __fixture_list; scale > 1 && f; f = f->next)	\
			for (t = f->tests; t; t = t->next)		\
				t->timeout *= scale;			\
		return test_harness_run(argc, argv);			\
	}

/* A line in the kernel log, so that the host can place kernel reports. */
static inline void lab_kmsg(const char *fmt, const char *a, const char *b)
{
	FILE *f = fopen("/dev/kmsg", "w");

	if (!f)
		return;
	fprintf(f, fmt, a, b);
	fclose(f);
}

/*
 * The first thing a test case does (in its FIXTURE_SETUP): "lab:
 * subtest-start FIXTURE.VARIANT.CASE" in the kernel log, the name the
 * harness prints for the case, so that scripts/lab/report.sh charges a
 * kernel report printed from here on to this case and not to the one
 * before.  VARIANT is the name FIXTURE_VARIANT_ADD gave (the harness keeps
 * it where a fixture's set-up cannot see it), or NULL for a fixture
 * without variants.
 */
static inline void lab_case_start(const char *fixture, const char *variant,
				  const char *test)
{
	FILE *f = fopen("/dev/kmsg", "w");

	if (!f)
		return;
	fprintf(f, "lab: subtest-start %s.%s%s%s\n", fixture, variant ?: "",
		variant ? "." : "", test);
	fclose(f);
}
#define LAB_CASE_START(variant)						\
	lab_case_start(_metadata->fixture->name, (variant), _metadata->name)

#endif /* LAB_TEST_H */
