// SPDX-License-Identifier: GPL-2.0
/*
 * dax_bench - the DAX paths the series touches, timed, on one target.
 *
 *   dax_bench [-r REPS] [-s MiB] [-g MiB] ext4|xfs|devdax
 *
 * Workloads: gup_test (CONFIG_GUP_TEST, /sys/kernel/debug/gup_test)
 * GUP_FAST, PIN_FAST, the slow-path GUP_BASIC and PIN_BASIC, and
 * PIN_LONGTERM (device-dax only: fs-dax must refuse it), get and put
 * apart; fault-in of every 4 KiB page, of a file whose entries exist
 * ("fault") and of a freshly allocated one ("assoc": each fault creates
 * and associates its entry); truncate and punch hole of a mapped, faulted
 * file; munmap of a faulted mapping.  Files are mapped at a 2 MiB
 * aligned address at file offset 0 ("pmd") or 4 KiB ("pte": no PMD can
 * map it); device-dax also at 1 GiB on a second instance aligned to 1 GiB
 * ("pud": one fault, see bench_fault_pud()).  Each measurement is taken REPS times; the fastest is printed
 * (see report()), one line per metric, for the host to collect:
 *
 *   bench: <workload>.<target>.<pmd|pte|pud>[.<op>.<get|put>] <value> <unit>
 *
 * Times come from CLOCK_MONOTONIC (and gup_test's ktime): under QEMU with
 * -icount they count guest instructions.  "bench-info:" lines say how the
 * ranges were mapped (fault counts); "bench-skip:" lines name a metric that
 * cannot exist and why; "bench-warn:" lines say a pmd case could not be
 * PMD-mapped.  Exit status 1 on any error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "gup_test.h"
#include "lab_test.h"

#define GUP_TEST_FILE	"/sys/kernel/debug/gup_test"
#define MAX_REPS	31

static int reps = 5;
static size_t size = 32UL << 20;	/* fault, truncate, punch, munmap */
static size_t gup_size = 64UL << 20;	/* gup_test ranges */
static const char *target;
static char path[300];
static int gup_fd = -1;

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stdout, "bench-error: %s: ", target ? target : "dax_bench");
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fprintf(stdout, "%s%s\n", errno ? ": " : "", errno ? strerror(errno) : "");
	fflush(stdout);
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * Return right after a timer tick.  The guest kernel ticks every 4 ms
 * (HZ=250, periodic), and under -icount the interrupt's instructions count
 * as the interrupted task's time.  Whether a tick falls inside a short
 * timed operation depends on the phase between the two, which a kernel
 * with other code before the operation shifts, and a loop of repetitions
 * can lock: one kernel then pays the tick in every repetition and the
 * other in none.  Started just after a tick, an operation shorter than the
 * tick period sees none and a longer one a fixed number.
 * CLOCK_MONOTONIC_COARSE moves only at a tick, so wait for it to move.
 */
static void tick_align(void)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &a);
	do
		clock_gettime(CLOCK_MONOTONIC_COARSE, &b);
	while (b.tv_nsec == a.tv_nsec && b.tv_sec == a.tv_sec);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Print the fastest of @v[0..n) as metric @name, and every value on a
 * "bench-reps:" line.  The fastest, not the median: under -icount a
 * repetition can only gain instructions (a timer tick the operation
 * outlasts, see tick_align(); lockdep meeting a lock chain for the first
 * time), never lose them.  @ns: the values are nanoseconds, printed as usec.
 */
static void report(const char *name, uint64_t *v, int n, int ns)
{
	int i;

	printf("bench-reps: %s", name);
	for (i = 0; i < n; i++)
		printf(ns ? " %.3f" : " %.0f", ns ? v[i] / 1000.0 : (double)v[i]);
	printf("\n");
	qsort(v, n, sizeof(*v), cmp_u64);
	printf(ns ? "bench: %s %.3f usec\n" : "bench: %s %.0f usec\n", name,
	       ns ? v[0] / 1000.0 : (double)v[0]);
	fflush(stdout);
}

static void report_ns(const char *name, uint64_t *v, int n)
{
	report(name, v, n, 1);
}

static void report_us(const char *name, uint64_t *v, int n)
{
	report(name, v, n, 0);
}

static int is_devdax(void)
{
	return !strcmp(target, "devdax");
}

/*
 * A fresh file of @len bytes, written through a first mapping if @touch
 * (else its blocks are allocated and never written).  A PMD can
 * map it only where its blocks are 2 MiB-aligned on the device: xfs (su=2m)
 * aligns them, ext4 does with mm.sh's stripe=512 (mballoc then aligns
 * requests of whole stripes); should it not, a pad file (PATH.pad, under
 * 2 MiB) is resized until the file's first block lands on a 2 MiB
 * boundary.  The same steps on the same file system give the same layout
 * on either kernel.
 */
static int make_file(size_t len, int touch)
{
	static off_t pad_len;
	char pad[320];
	long long phys = -1;
	int fd, pfd, try;
	char *p;

	snprintf(pad, sizeof(pad), "%s.pad", path);
	unlink(path);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die("open %s", path);
	for (try = 0; ; try++) {
		if (fallocate(fd, 0, 0, len))
			die("fallocate %zu MiB on %s", len >> 20, path);
		phys = lab_phys(fd, 0);
		if (phys < 0)
			die("FIEMAP %s", path);
		if (phys % SZ_2M == 0 || try == 3)
			break;
		/* Free it, let the free commit, and allocate behind a larger pad. */
		if (ftruncate(fd, 0) || syncfs(fd))
			die("truncate %s", path);
		pad_len = (pad_len + SZ_2M - phys % SZ_2M) % SZ_2M;
		pfd = open(pad, O_RDWR | O_CREAT | O_TRUNC, 0600);
		if (pfd < 0 || (pad_len && fallocate(pfd, 0, 0, pad_len)) || fsync(pfd))
			die("pad file %s", pad);
		close(pfd);
	}
	if (phys % SZ_2M) {
		printf("bench-warn: %s: %s starts at device offset %#llx, not 2 MiB-aligned: its pmd cases take PTE faults\n",
		       target, path, phys);
		fflush(stdout);
	}
	if (!touch)
		return fd;
	p = lab_map_aligned(fd, len, 0);
	if (p == MAP_FAILED)
		die("mmap %s", path);
	lab_touch(p, len, 1);
	munmap(p, len);
	return fd;
}

static int open_target(size_t len)
{
	int fd;

	if (!is_devdax())
		return make_file(len + SZ_2M, 1);
	fd = open(path, O_RDWR);
	if (fd < 0)
		die("open %s", path);
	return fd;
}

/* Map @len bytes: offset 0 (PMD-mappable) or 4 KiB (PTE only). */
static char *map(int fd, size_t len, int pte)
{
	char *p = lab_map_aligned(fd, len, pte ? SZ_4K : 0);

	if (p == MAP_FAILED)
		die("mmap %zu MiB of %s at offset %lu", len >> 20, path, pte ? SZ_4K : 0);
	return p;
}

static void info_faults(const char *what, const char *mapping, long faults, size_t len)
{
	printf("bench-info: %s.%s.%s: %ld faults for %zu MiB (%lu would be all PMD, %lu all PTE)\n",
	       what, target, mapping, faults, len >> 20, len / SZ_2M, len / SZ_4K);
}

struct gup_op {
	const char *name;
	unsigned long cmd;
};

static const struct gup_op gup_ops[] = {
	{ "gup_fast", GUP_FAST_BENCHMARK },
	{ "pin_fast", PIN_FAST_BENCHMARK },
	{ "gup_basic", GUP_BASIC_TEST },
	{ "pin_basic", PIN_BASIC_TEST },
	{ "pin_longterm", PIN_LONGTERM_BENCHMARK },
};

static void bench_gup(int pte)
{
	const char *mapping = pte ? "pte" : "pmd";
	uint64_t get[MAX_REPS], put[MAX_REPS];
	struct gup_test gup;
	char name[128];
	unsigned int i;
	long faults;
	int fd, r;
	char *p;

	fd = open_target(gup_size);
	p = map(fd, gup_size, pte);
	faults = lab_touch(p, gup_size, 2);
	info_faults("gup", mapping, faults, gup_size);

	for (i = 0; i < sizeof(gup_ops) / sizeof(gup_ops[0]); i++) {
		for (r = 0; r < reps; r++) {
			memset(&gup, 0, sizeof(gup));
			gup.addr = (unsigned long)p;
			gup.size = gup_size;
			gup.nr_pages_per_call = 512;
			tick_align();
			if (ioctl(gup_fd, gup_ops[i].cmd, &gup))
				die("gup_test %s", gup_ops[i].name);
			if (gup_ops[i].cmd == PIN_LONGTERM_BENCHMARK && !is_devdax()) {
				/* fs-dax: FOLL_LONGTERM must pin nothing. */
				if (gup.size != 0) {
					errno = 0;
					die("PIN_LONGTERM pinned %llu bytes of an fs-dax file: it must refuse",
					    (unsigned long long)gup.size);
				}
				break;
			}
			if (gup.size != gup_size) {
				errno = 0;
				die("gup_test %s got %llu of %zu bytes", gup_ops[i].name,
				    (unsigned long long)gup.size, gup_size);
			}
			get[r] = gup.get_delta_usec;
			put[r] = gup.put_delta_usec;
		}
		if (gup_ops[i].cmd == PIN_LONGTERM_BENCHMARK && !is_devdax()) {
			printf("bench-check: gup.%s.%s.pin_longterm refused, as fs-dax must\n",
			       target, mapping);
			printf("bench-skip: gup.%s.%s.pin_longterm: fs-dax refuses FOLL_LONGTERM (checked)\n",
			       target, mapping);
			continue;
		}
		snprintf(name, sizeof(name), "gup.%s.%s.%s.get", target, mapping, gup_ops[i].name);
		report_us(name, get, reps);
		snprintf(name, sizeof(name), "gup.%s.%s.%s.put", target, mapping, gup_ops[i].name);
		report_us(name, put, reps);
	}
	munmap(p, gup_size);
	close(fd);
}

/* Touch every 4 KiB page of a fresh mapping; munmap of a faulted mapping. */
static void bench_fault_munmap(int pte)
{
	const char *mapping = pte ? "pte" : "pmd";
	uint64_t fault[MAX_REPS], unmap[MAX_REPS], t;
	long faults = 0;
	char name[128];
	int fd, r, n;
	char *p;

	/*
	 * munmap of a PMD mapping takes 37 us or, in some repetitions, 5-11
	 * us more; with 5 repetitions one boot in six never saw the fast
	 * case.  PMD repetitions are cheap: take three times as many.
	 */
	n = pte ? reps : 3 * reps;
	if (n > MAX_REPS)
		n = MAX_REPS;
	fd = open_target(size);
	for (r = 0; r < n; r++) {
		p = map(fd, size, pte);
		tick_align();
		t = now_ns();
		faults = lab_touch(p, size, 'a' + r);
		fault[r] = now_ns() - t;
		tick_align();
		t = now_ns();
		munmap(p, size);
		unmap[r] = now_ns() - t;
	}
	info_faults("fault", mapping, faults, size);
	snprintf(name, sizeof(name), "fault.%s.%s", target, mapping);
	report_ns(name, fault, n);
	snprintf(name, sizeof(name), "munmap.%s.%s", target, mapping);
	report_ns(name, unmap, n);
	close(fd);
}

/*
 * The fault of a device-dax instance with a 1 GiB alignment, at @dev: one
 * write maps the whole GiB with a PUD (the device's get_unmapped_area()
 * aligns the mapping to 1 GiB).  Only that write is timed, and the munmap:
 * touching the GiB page by page would time 262144 user writes and hide the
 * fault.  The touch comes after, untimed, and must not fault: it proves
 * that the one fault mapped the GiB.
 */
static void bench_fault_pud(const char *dev)
{
	uint64_t fault[MAX_REPS], unmap[MAX_REPS], t;
	long faults, more;
	int fd, r, n;
	char *p;

	n = 3 * reps;
	if (n > MAX_REPS)
		n = MAX_REPS;
	fd = open(dev, O_RDWR);
	if (fd < 0)
		die("open %s", dev);
	for (r = 0; r < n; r++) {
		p = mmap(NULL, SZ_1G, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			die("mmap 1 GiB of %s", dev);
		if ((unsigned long)p & (SZ_1G - 1)) {
			errno = 0;
			die("%s mapped at %p, not 1 GiB-aligned", dev, p);
		}
		tick_align();
		faults = lab_faults();
		t = now_ns();
		*(volatile char *)p = 'a' + r;
		fault[r] = now_ns() - t;
		faults = lab_faults() - faults;
		more = lab_touch(p, SZ_1G, 'a' + r);
		if (faults != 1 || more) {
			errno = 0;
			die("%s: the first write took %ld faults and the rest of the GiB %ld: not one PUD",
			    dev, faults, more);
		}
		tick_align();
		t = now_ns();
		munmap(p, SZ_1G);
		unmap[r] = now_ns() - t;
	}
	printf("bench-info: fault.devdax.pud: 1 fault maps 1 GiB of %s\n", dev);
	report_ns("fault.devdax.pud", fault, n);
	report_ns("munmap.devdax.pud", unmap, n);
	close(fd);
}

/*
 * Touch every 4 KiB page of a file no mapping has touched yet: every
 * fault allocates an entry and associates its pages with the file (on
 * the series: takes their page and dev_pagemap references).  The writes
 * also convert unwritten extents, on either kernel alike.
 */
static void bench_assoc(int pte)
{
	const char *mapping = pte ? "pte" : "pmd";
	uint64_t v[MAX_REPS], t;
	char name[128];
	long faults = 0;
	int fd, r;
	char *p;

	for (r = 0; r < reps; r++) {
		fd = make_file(size + SZ_2M, 0);
		p = map(fd, size, pte);
		tick_align();
		t = now_ns();
		faults = lab_touch(p, size, 'a' + r);
		v[r] = now_ns() - t;
		munmap(p, size);
		close(fd);
		unlink(path);
	}
	info_faults("assoc", mapping, faults, size);
	snprintf(name, sizeof(name), "assoc.%s.%s", target, mapping);
	report_ns(name, v, reps);
}

/* Truncate or punch the whole of a mapped, faulted file. */
static void bench_free(int pte, int punch)
{
	const char *mapping = pte ? "pte" : "pmd";
	size_t len = size + SZ_2M;
	uint64_t v[MAX_REPS], t;
	char name[128];
	int fd, r, ret;
	char *p;

	for (r = 0; r < reps; r++) {
		fd = make_file(len, 1);
		p = map(fd, size, pte);
		lab_touch(p, size, 'A' + r);
		tick_align();
		t = now_ns();
		if (punch)
			ret = fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, len);
		else
			ret = ftruncate(fd, 0);
		v[r] = now_ns() - t;
		if (ret)
			die("%s %s", punch ? "punch hole" : "truncate", path);
		munmap(p, size);
		close(fd);
		unlink(path);
	}
	snprintf(name, sizeof(name), "%s.%s.%s", punch ? "punch" : "truncate", target, mapping);
	report_ns(name, v, reps);
}

static size_t mib(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*end || v == 0 || v > 1024 || v % 2) {
		fprintf(stderr, "dax_bench: a size is an even number of MiB, 2-1024: '%s'\n", s);
		exit(2);
	}
	return v << 20;
}

int main(int argc, char **argv)
{
	char where[256];
	int c, pte;

	while ((c = getopt(argc, argv, "r:s:g:")) != -1) {
		switch (c) {
		case 'r':
			reps = atoi(optarg);
			if (reps < 1 || reps > MAX_REPS || reps % 2 == 0) {
				fprintf(stderr, "dax_bench: -r takes an odd number, 1-%d\n", MAX_REPS);
				return 2;
			}
			break;
		case 's':
			size = mib(optarg);
			break;
		case 'g':
			gup_size = mib(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc - 1)
		goto usage;
	target = argv[optind];
	if (strcmp(target, "ext4") && strcmp(target, "xfs") && strcmp(target, "devdax"))
		goto usage;

	gup_fd = open(GUP_TEST_FILE, O_RDWR);
	if (gup_fd < 0)
		die("open %s (CONFIG_GUP_TEST, debugfs)", GUP_TEST_FILE);

	if (is_devdax()) {
		if (lab_setup("devdax lab-devdax", path, sizeof(path)))
			die("lab-setup devdax lab-devdax failed");
	} else {
		snprintf(where, sizeof(where), "mount %s", target);
		if (lab_setup(where, path, sizeof(path)))
			die("lab-setup %s failed", where);
		strncat(path, "/bench.dat", sizeof(path) - strlen(path) - 1);
	}
	printf("bench-info: %s on %s, %d repetitions, %zu MiB (gup %zu MiB)\n",
	       target, path, reps, size >> 20, gup_size >> 20);

	for (pte = 0; pte <= 1; pte++) {
		if (pte && is_devdax()) {
			printf("bench-skip: *.devdax.pte: a device-dax instance with 2 MiB alignment maps only PMDs\n");
			break;
		}
		bench_gup(pte);
		bench_fault_munmap(pte);
		if (!is_devdax()) {
			bench_assoc(pte);
			bench_free(pte, 0);
			bench_free(pte, 1);
		}
	}
	if (is_devdax()) {
		char dev[300];

		if (lab_setup("devdax lab-bench-1g 1G 2G", dev, sizeof(dev)))
			die("lab-setup devdax lab-bench-1g 1G 2G failed");
		bench_fault_pud(dev);
	} else {
		unlink(path);
		strncat(path, ".pad", sizeof(path) - strlen(path) - 1);
		unlink(path);
	}
	return 0;
usage:
	fprintf(stderr, "usage: dax_bench [-r REPS] [-s MiB] [-g MiB] ext4|xfs|devdax\n");
	return 2;
}
