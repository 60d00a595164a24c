// SPDX-License-Identifier: GPL-2.0
/*
 * lab_dma - a device that holds user pages the way a DMA-capable driver does.
 *
 * vmsplice() can only show that a pinned DAX page is read after its block
 * was freed.  A driver is worse: it pins the pages of a buffer with
 * pin_user_pages() (FOLL_PIN, optionally FOLL_LONGTERM as RDMA does), hands
 * them to the device, and the device writes into them whenever its I/O
 * completes, possibly long after the application unmapped the buffer.  This
 * module is that device, made deterministic: each open file can pin one
 * page, and the test says when the "device" reads or writes it.  If the
 * block under the page was freed and given to another file meanwhile, the
 * write lands in that file.
 *
 * The interface is in lab_dma.h.  Closing the file releases the pin; so
 * does LAB_DMA_UNPIN_ALL on any lab_dma file, for all of them.
 */
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "lab_dma.h"

struct lab_dma {
	struct mutex lock;	/* serialises the commands of one file */
	struct page *page;	/* the pinned page, or NULL */
	bool written;		/* the device wrote to it: dirty on unpin */
	struct list_head node;	/* on lab_dma_files */
};

/* Every open file, for LAB_DMA_UNPIN_ALL; taken before a file's lock. */
static DEFINE_MUTEX(lab_dma_files_lock);
static LIST_HEAD(lab_dma_files);

static int lab_dma_open(struct inode *inode, struct file *file)
{
	struct lab_dma *dma = kzalloc(sizeof(*dma), GFP_KERNEL);

	if (!dma)
		return -ENOMEM;
	mutex_init(&dma->lock);
	file->private_data = dma;
	mutex_lock(&lab_dma_files_lock);
	list_add(&dma->node, &lab_dma_files);
	mutex_unlock(&lab_dma_files_lock);
	return 0;
}

static void lab_dma_unpin(struct lab_dma *dma)
{
	lockdep_assert_held(&dma->lock);
	if (!dma->page)
		return;
	unpin_user_pages_dirty_lock(&dma->page, 1, dma->written);
	dma->page = NULL;
	dma->written = false;
}

static int lab_dma_release(struct inode *inode, struct file *file)
{
	struct lab_dma *dma = file->private_data;

	mutex_lock(&lab_dma_files_lock);
	list_del(&dma->node);
	mutex_unlock(&lab_dma_files_lock);
	mutex_lock(&dma->lock);
	lab_dma_unpin(dma);
	mutex_unlock(&dma->lock);
	kfree(dma);
	return 0;
}

static void lab_dma_unpin_all(void)
{
	struct lab_dma *dma;

	mutex_lock(&lab_dma_files_lock);
	list_for_each_entry(dma, &lab_dma_files, node) {
		mutex_lock(&dma->lock);
		lab_dma_unpin(dma);
		mutex_unlock(&dma->lock);
	}
	mutex_unlock(&lab_dma_files_lock);
}

static long lab_dma_cmd(struct lab_dma *dma, unsigned int cmd, struct lab_dma_req *req)
{
	unsigned int gup_flags = FOLL_WRITE;
	void *kaddr;
	long ret;

	if (cmd == LAB_DMA_UNPIN) {
		lab_dma_unpin(dma);
		return 0;
	}
	if (cmd == LAB_DMA_PIN) {
		if (dma->page)
			return -EBUSY;
		if (req->flags & ~LAB_DMA_LONGTERM)
			return -EINVAL;
		if (req->flags & LAB_DMA_LONGTERM)
			gup_flags |= FOLL_LONGTERM;
		ret = pin_user_pages_fast(req->addr & PAGE_MASK, 1, gup_flags, &dma->page);
		if (ret == 1)
			return 0;
		dma->page = NULL;
		return ret < 0 ? ret : -EFAULT;
	}
	if (!dma->page)
		return -ENXIO;

	kaddr = kmap_local_page(dma->page);
	ret = 0;
	switch (cmd) {
	case LAB_DMA_READ:
		if (copy_to_user(u64_to_user_ptr(req->addr), kaddr, PAGE_SIZE))
			ret = -EFAULT;
		break;
	case LAB_DMA_WRITE:
		memset(kaddr, req->byte, PAGE_SIZE);
		dma->written = true;
		break;
	default:
		ret = -ENOTTY;
	}
	kunmap_local(kaddr);
	return ret;
}

static long lab_dma_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct lab_dma *dma = file->private_data;
	struct lab_dma_req req = {};
	long ret;

	if (cmd == LAB_DMA_UNPIN_ALL) {
		lab_dma_unpin_all();
		return 0;
	}
	if (cmd != LAB_DMA_UNPIN &&
	    copy_from_user(&req, (void __user *)arg, sizeof(req)))
		return -EFAULT;
	mutex_lock(&dma->lock);
	ret = lab_dma_cmd(dma, cmd, &req);
	mutex_unlock(&dma->lock);
	return ret;
}

static const struct file_operations lab_dma_fops = {
	.owner		= THIS_MODULE,
	.open		= lab_dma_open,
	.release	= lab_dma_release,
	.unlocked_ioctl	= lab_dma_ioctl,
};

static struct miscdevice lab_dma_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "lab_dma",
	.fops	= &lab_dma_fops,
};

module_misc_device(lab_dma_dev);
MODULE_DESCRIPTION("DAX lab: pin user pages like a DMA driver, read and write them on command");
MODULE_LICENSE("GPL");
