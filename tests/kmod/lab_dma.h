/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * lab_dma: the interface of /dev/lab_dma (tests/kmod/lab_dma.c), shared by
 * the module and the guest tests.
 */
#ifndef LAB_DMA_H
#define LAB_DMA_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* LAB_DMA_PIN flags */
#define LAB_DMA_LONGTERM	0x1	/* pin with FOLL_LONGTERM, as RDMA does */

struct lab_dma_req {
	__u64 addr;	/* PIN: user address of the page; READ: 4096-byte buffer */
	__u32 flags;	/* PIN: LAB_DMA_* */
	__u32 byte;	/* WRITE: the byte to fill the page with */
};

/* Pin the page at addr, for writing, the way a driver sets up DMA. */
#define LAB_DMA_PIN	_IOW('L', 1, struct lab_dma_req)
/* Copy the pinned page out to addr: what the device would read. */
#define LAB_DMA_READ	_IOW('L', 2, struct lab_dma_req)
/* Fill the pinned page with byte: a device write landing in it. */
#define LAB_DMA_WRITE	_IOW('L', 3, struct lab_dma_req)
/* Release the pin (also done when the file is closed). */
#define LAB_DMA_UNPIN	_IO('L', 4)
/*
 * Release the pins of every open lab_dma file, as a device reset would.
 * Lets a test end a pin whose file belongs to a task that cannot close it
 * (one asleep in its own exit, waiting for that very pin).
 */
#define LAB_DMA_UNPIN_ALL	_IO('L', 5)

#endif /* LAB_DMA_H */
