/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ways to pin one page of a DAX mapping, for the reproducers.
 *
 *   PIN_VMSPLICE  vmsplice() into a pipe: FOLL_GET, held until the pipe is
 *                 read.  Unprivileged.  The pin can only be read through.
 *   PIN_PVM       process_vm_writev() to our own address, its source parked
 *                 on a userfaultfd page: the target page is pinned with
 *                 FOLL_PIN, and written when the fault is resolved.
 *   PIN_DMA       /dev/lab_dma (tests/kmod/lab_dma.c): pin_user_pages()
 *                 as a driver does; the "device" reads and writes the page
 *                 on command.
 *   PIN_DMA_LONGTERM  the same with FOLL_LONGTERM, as RDMA pins memory
 *                 (refused for fsdax pages: R8; allowed for device-dax).
 *   PIN_ODIRECT   an O_DIRECT read into the page from a slow block device
 *                 (lab-setup slowdev: dm-delay over brd, which holds 'W'
 *                 bytes): the bio holds the page (FOLL_GET) until it
 *                 completes, and the device's data lands in the page then.
 *                 The delay is ten minutes; ending the pin suspends and
 *                 resumes the dm device, which dispatches the bio at once.
 *
 * pin_take() pins the page at @addr; the caller may then munmap() it.
 * pin_drop() ends the pin as its holder would: whatever it can read is
 * copied to @seen (-1 if it can read nothing), whatever it writes is @mark.
 */
#ifndef LAB_PIN_H
#define LAB_PIN_H

#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <linux/userfaultfd.h>

#include "lab_test.h"
#include "lab_dma.h"

enum pin_kind { PIN_VMSPLICE, PIN_PVM, PIN_DMA, PIN_ODIRECT, PIN_DMA_LONGTERM };

struct pin {
	enum pin_kind kind;
	bool held;
	int pipefd[2];		/* PIN_VMSPLICE */
	int uffd;		/* PIN_PVM */
	char *src;		/* PIN_PVM: the parked source page */
	void *target;
	pthread_t writer;
	ssize_t written;
	int dma;		/* PIN_DMA, PIN_DMA_LONGTERM */
	int dev;		/* PIN_ODIRECT: the slow device */
	char devname[64];	/* PIN_ODIRECT: its dm name */
	char inflight[128];	/* PIN_ODIRECT: its sysfs inflight file */
	bool started, done;	/* PIN_ODIRECT: the read began, ended */
};

static void *pin_pvm_writer(void *arg)
{
	struct pin *p = arg;
	struct iovec local = { p->src, SZ_4K }, remote = { p->target, SZ_4K };

	p->written = process_vm_writev(getpid(), &local, 1, &remote, 1, 0);
	return NULL;
}

static void *pin_odirect_reader(void *arg)
{
	struct pin *p = arg;

	__atomic_store_n(&p->started, true, __ATOMIC_SEQ_CST);
	p->written = pread(p->dev, p->target, SZ_4K, 0);
	__atomic_store_n(&p->done, true, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Reads in flight on the slow device, or -1. */
static inline int pin_odirect_inflight(struct pin *p)
{
	int reads = -1;
	FILE *f = fopen(p->inflight, "r");

	if (f) {
		if (fscanf(f, "%d", &reads) != 1)
			reads = -1;
		fclose(f);
	}
	return reads;
}

static inline int pin_take_odirect(struct pin *p, void *addr)
{
	char path[200];
	struct stat st;
	int i;

	if (lab_setup("slowdev", path, sizeof(path)) || stat(path, &st))
		return -1;
	snprintf(p->devname, sizeof(p->devname), "%s", strrchr(path, '/') + 1);
	/* Without udev, /dev/mapper/NAME is a node of its own, not a link. */
	snprintf(p->inflight, sizeof(p->inflight), "/sys/dev/block/%u:%u/inflight",
		 major(st.st_rdev), minor(st.st_rdev));
	p->dev = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (p->dev < 0)
		return -1;
	p->target = addr;
	if (pthread_create(&p->writer, NULL, pin_odirect_reader, p))
		return -1;
	/*
	 * The page reference is taken before the bio is submitted; a read
	 * that dm counts in flight, or that is still not done a second after
	 * it began (the delay is ten minutes), holds it.
	 */
	for (i = 0; i < 100; i++) {
		if (pin_odirect_inflight(p) > 0)
			return 0;
		if (__atomic_load_n(&p->done, __ATOMIC_SEQ_CST))
			break;
		if (i >= 10 && __atomic_load_n(&p->started, __ATOMIC_SEQ_CST))
			return 0;
		usleep(100 * 1000);
	}
	/* Not held up: let the read go, so that the thread ends. */
	p->held = true;
	return -1;
}

static inline int pin_take_pvm(struct pin *p, void *addr)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct uffd_msg msg;
	struct pollfd pfd;

	p->uffd = syscall(__NR_userfaultfd, O_CLOEXEC);
	if (p->uffd < 0 || ioctl(p->uffd, UFFDIO_API, &api))
		return -1;
	p->src = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p->src == MAP_FAILED)
		return -1;
	reg.range.start = (unsigned long)p->src;
	reg.range.len = SZ_4K;
	if (ioctl(p->uffd, UFFDIO_REGISTER, &reg))
		return -1;
	p->target = addr;
	if (pthread_create(&p->writer, NULL, pin_pvm_writer, p))
		return -1;
	/*
	 * process_vm_writev() pins the target before it copies; the copy
	 * faults on the source page, so a fault message means the pin is held.
	 */
	pfd.fd = p->uffd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 10000) != 1 || read(p->uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT)
		return -1;
	return 0;
}

static inline int pin_take(struct pin *p, enum pin_kind kind, void *addr)
{
	struct iovec iov = { addr, SZ_4K };
	struct lab_dma_req req = { .addr = (unsigned long)addr };
	int ret = -1;

	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->pipefd[0] = p->pipefd[1] = p->uffd = p->dma = p->dev = -1;
	switch (kind) {
	case PIN_VMSPLICE:
		if (pipe(p->pipefd) == 0 && vmsplice(p->pipefd[1], &iov, 1, 0) == SZ_4K)
			ret = 0;
		break;
	case PIN_PVM:
		ret = pin_take_pvm(p, addr);
		break;
	case PIN_DMA_LONGTERM:
		req.flags = LAB_DMA_LONGTERM;
		/* fall through */
	case PIN_DMA:
		if (system("modprobe lab_dma") != 0)
			break;
		p->dma = open("/dev/lab_dma", O_RDWR | O_CLOEXEC);
		if (p->dma >= 0)
			ret = ioctl(p->dma, LAB_DMA_PIN, &req);
		break;
	case PIN_ODIRECT:
		ret = pin_take_odirect(p, addr);
		break;
	}
	p->held = p->held || ret == 0;
	return ret;
}

/* End the pin.  Returns 0, or -1 if the holder could not finish its I/O. */
static inline int pin_drop(struct pin *p, char *seen, char mark)
{
	struct uffdio_copy copy = { .len = SZ_4K, .mode = 0 };
	struct lab_dma_req req = { .addr = (unsigned long)seen, .byte = (unsigned char)mark };
	char *page, cmd[200];
	int ret = 0;

	memset(seen, -1, SZ_4K);
	if (!p->held)
		return 0;
	p->held = false;
	switch (p->kind) {
	case PIN_VMSPLICE:
		if (read(p->pipefd[0], seen, SZ_4K) != SZ_4K)
			ret = -1;
		close(p->pipefd[0]);
		close(p->pipefd[1]);
		break;
	case PIN_PVM:
		/* Resolve the parked fault with @mark: the copy then writes it. */
		page = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (page == MAP_FAILED)
			return -1;
		memset(page, mark, SZ_4K);
		copy.dst = (unsigned long)p->src;
		copy.src = (unsigned long)page;
		if (ioctl(p->uffd, UFFDIO_COPY, &copy))
			ret = -1;
		pthread_join(p->writer, NULL);
		if (p->written != SZ_4K)
			ret = -1;
		munmap(page, SZ_4K);
		munmap(p->src, SZ_4K);
		close(p->uffd);
		break;
	case PIN_DMA:
	case PIN_DMA_LONGTERM:
		if (ioctl(p->dma, LAB_DMA_READ, &req) || ioctl(p->dma, LAB_DMA_WRITE, &req) ||
		    ioctl(p->dma, LAB_DMA_UNPIN))
			ret = -1;
		close(p->dma);
		break;
	case PIN_ODIRECT:
		/* Suspending dm-delay sends the delayed bio on, now. */
		snprintf(cmd, sizeof(cmd), "DM_DISABLE_UDEV=1 dmsetup suspend %s && DM_DISABLE_UDEV=1 dmsetup resume %s",
			 p->devname, p->devname);
		if (system(cmd))
			ret = -1;
		pthread_join(p->writer, NULL);
		if (p->written != SZ_4K)
			ret = -1;
		close(p->dev);
		break;
	}
	return ret;
}

/*
 * Does the holder write to the page when the pin ends?  (PIN_ODIRECT
 * always writes the device's 'W' bytes, whatever @mark says.)
 */
static inline bool pin_writes(enum pin_kind kind)
{
	return kind != PIN_VMSPLICE;
}

/* GUP_PIN_COUNTING_BIAS of include/linux/mm.h, which no uapi header has. */
#define PIN_COUNTING_BIAS	1024

/*
 * The references a pin of @kind adds to the count of the one order-0 page
 * it holds (fsdax pages are never compound): FOLL_PIN adds the bias
 * (try_grab_page(), try_grab_folio() in mm/gup.c), FOLL_GET 1, and an
 * O_DIRECT bio holds its page with FOLL_GET (iov_iter_get_pages2()).
 */
static inline int pin_refs(enum pin_kind kind)
{
	return kind == PIN_VMSPLICE || kind == PIN_ODIRECT ? 1 : PIN_COUNTING_BIAS;
}

#endif /* LAB_PIN_H */
