// SPDX-License-Identifier: GPL-2.0
/*
 * lab_daxcheck - read the real state behind a DAX file, for the invariant
 * checks of the guest tests.
 *
 * A test can see what a file's pages do (data, FIEMAP, whether a truncate
 * waits); it cannot see the reference counts and the entries that decide
 * it.  This module reports them: for each page of each entry in a file's
 * mapping, the raw entry, the pfn, the page's reference count and its
 * ->mapping and ->index (LAB_DAXCHECK_FILE); the pfn mapped at a user
 * address, found through get_user_pages() (LAB_DAXCHECK_PFN); and the
 * reference count of a device's dev_pagemap (LAB_DAXCHECK_PGMAP), exact in
 * a quiescent state.  It
 * judges nothing: the tests hold the invariants.
 *
 * The entry format is private to the DAX core and changes with the series,
 * so the caller gives the number of flag bits (dax_shift) and checks the
 * decoding against LAB_DAXCHECK_PFN on a page it faulted.  A wrong shift
 * cannot crash the module: a pfn that is not a DAX page (fsdax, or
 * device-dax's MEMORY_DEVICE_GENERIC) is reported as LAB_DAXCHECK_NO_PAGE
 * and its struct page is not read.
 *
 * A device-dax file (the series maps device-dax through entries of the
 * device inode's mapping) has compound pages when its alignment is above
 * 4 KiB: the entry's state is its folio's, in the head page, and a tail's
 * ->mapping and count mean nothing.  A record is therefore one folio: its
 * head page, with folio_pages saying how many pages it stands for (1 for
 * fsdax, whose pages are never compound).
 *
 * The interface is in lab_daxcheck.h.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/memremap.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/page-flags.h>
#include <linux/percpu-refcount.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include "lab_daxcheck.h"

/* The entry bits that are the same in every 6.1 DAX entry format. */
#define ENTRY_PMD	BIT(1)
#define ENTRY_ZERO	BIT(2)
#define ENTRY_EMPTY	BIT(3)
/* The series' PUD bit (patch 0028, DAX_SHIFT 6); below that, a pfn bit. */
#define ENTRY_PUD	BIT(5)
#define ENTRY_PUD_SHIFT	6

/* A struct page we may read: the pfn is an fsdax or a device-dax page. */
static struct page *dax_page(unsigned long pfn)
{
	struct page *page;

	if (!pfn_valid(pfn))
		return NULL;
	page = pfn_to_page(pfn);
	if (!is_zone_device_page(page) ||
	    (page->pgmap->type != MEMORY_DEVICE_FS_DAX &&
	     page->pgmap->type != MEMORY_DEVICE_GENERIC))
		return NULL;
	return page;
}

/* Fill @r for the page at @pfn; returns how many pages the record covers. */
static unsigned long fill_page(struct lab_daxcheck_page *r, struct address_space *mapping,
			       unsigned long pfn)
{
	struct page *page = dax_page(pfn);

	r->pfn = pfn;
	r->folio_pages = 1;
	if (!page) {
		r->flags |= LAB_DAXCHECK_NO_PAGE;
		return 1;
	}
	/* A tail here is a wrong decoding or an entry inside a folio. */
	if (PageTail(page))
		r->flags |= LAB_DAXCHECK_TAIL;
	else
		r->folio_pages = compound_nr(page);
	r->refcount = page_ref_count(page);
#ifdef PGMAP_IDLE_AT_ZERO
	if (page->pgmap->flags & PGMAP_IDLE_AT_ZERO)
		r->flags |= LAB_DAXCHECK_IDLE_AT_ZERO;
#endif
	r->page_index = page->index;
	if (page->mapping == mapping)
		r->flags |= LAB_DAXCHECK_MAPPING_FILE;
	else if (!page->mapping)
		r->flags |= LAB_DAXCHECK_MAPPING_NULL;
#ifdef PAGE_MAPPING_DAX_COW
	/* 6.1's mark for a reflink-shared page; the series has no mark */
	else if ((uintptr_t)page->mapping == PAGE_MAPPING_DAX_COW)
		r->flags |= LAB_DAXCHECK_MAPPING_COW;
#endif
	return r->folio_pages;
}

static long check_file(struct lab_daxcheck_file __user *uarg)
{
	struct lab_daxcheck_file arg;
	struct lab_daxcheck_page *out;
	struct address_space *mapping;
	u64 n = 0, room;
	struct file *file;
	long ret = 0;
	void *entry;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.dax_shift < 4 || arg.dax_shift > 8 || arg.pages > (1 << 18))
		return -EINVAL;
	file = fget(arg.fd);
	if (!file)
		return -EBADF;
	mapping = file->f_mapping;
	if (!IS_DAX(mapping->host)) {
		ret = -EINVAL;
		goto out_fput;
	}
	room = arg.pages;
	out = kvcalloc(max_t(u64, room, 1), sizeof(*out), GFP_KERNEL);
	if (!out) {
		ret = -ENOMEM;
		goto out_fput;
	}

	/*
	 * Under the i_pages lock: no entry changes while it is read, and the
	 * pages of an entry in the tree are live (the device cannot finish
	 * going away while the file system has entries).
	 */
	{
		XA_STATE(xas, &mapping->i_pages, arg.start);

		xas_lock_irq(&xas);
		xas_for_each(&xas, entry, ULONG_MAX) {
			unsigned long v, pfn, nr, i, step;

			if (!xa_is_value(entry))
				continue;
			v = xa_to_value(entry);
			nr = v & ENTRY_PMD ? PTRS_PER_PMD : 1;
			if (arg.dax_shift >= ENTRY_PUD_SHIFT && (v & ENTRY_PUD))
				nr = PTRS_PER_PUD * PTRS_PER_PMD;
			pfn = v >> arg.dax_shift;
			for (i = 0; i < nr && n < room; i += step) {
				struct lab_daxcheck_page *r = &out[n++];

				r->index = xas.xa_index + i;
				r->entry = v;
				r->entry_index = xas.xa_index;
				step = 1;
				if (v & (ENTRY_ZERO | ENTRY_EMPTY))
					r->flags = LAB_DAXCHECK_ZERO;
				else
					step = fill_page(r, mapping, pfn + i);
			}
			if (n >= room)
				break;
		}
		arg.nrpages = mapping->nrpages;
		xas_unlock_irq(&xas);
	}

	arg.pages = n;
	if (copy_to_user(u64_to_user_ptr(arg.buf), out, n * sizeof(*out)) ||
	    copy_to_user(uarg, &arg, sizeof(arg)))
		ret = -EFAULT;
	kvfree(out);
out_fput:
	fput(file);
	return ret;
}

static long check_pfn(struct lab_daxcheck_pfn __user *uarg)
{
	struct lab_daxcheck_pfn arg;
	struct page *page;
	int got;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	/* No FOLL_LONGTERM: fs-dax refuses it.  Held for the read only. */
	got = pin_user_pages_fast(arg.addr, 1, 0, &page);
	if (got != 1)
		return got < 0 ? got : -EFAULT;
	arg.pfn = page_to_pfn(page);
	unpin_user_page(page);
	return copy_to_user(uarg, &arg, sizeof(arg)) ? -EFAULT : 0;
}

/*
 * The bias a percpu_ref in percpu mode keeps in its atomic counter, so that
 * the counter cannot reach zero while the per-cpu counts hold the rest
 * (lib/percpu-refcount.c, where it is private).
 */
#define LAB_PERCPU_COUNT_BIAS	BIT(BITS_PER_LONG - 1)

/*
 * The count of a percpu_ref without changing its mode: the atomic counter
 * in atomic mode; in percpu mode, the atomic counter less its bias plus the
 * per-cpu counts.  Exact when nothing takes or drops a reference during
 * the read, which is how the tests use it.
 *
 * Switching the counter to atomic mode and back, the documented way to an
 * exact count, is not available here: a dev_pagemap's percpu_ref is not
 * initialised with PERCPU_REF_ALLOW_REINIT, and percpu_ref_switch_to_atomic()
 * frees the per-cpu counters of such a ref for good, which leaves it dead
 * (every get_dev_pagemap() and DAX fault of the device fails after that).
 */
static long pgmap_ref_count(struct percpu_ref *ref)
{
	unsigned long ptr, sum;
	int cpu;

	rcu_read_lock();
	ptr = READ_ONCE(ref->percpu_count_ptr);
	sum = atomic_long_read(&ref->data->count);
	if (!(ptr & __PERCPU_REF_ATOMIC)) {
		unsigned long __percpu *pc;

		pc = (unsigned long __percpu *)(ptr & ~__PERCPU_REF_ATOMIC_DEAD);

		sum -= LAB_PERCPU_COUNT_BIAS;
		for_each_possible_cpu(cpu)
			sum += *per_cpu_ptr(pc, cpu);
	}
	rcu_read_unlock();
	return (long)sum;
}

static long check_pgmap(struct lab_daxcheck_pgmap __user *uarg)
{
	struct lab_daxcheck_pgmap arg;
	struct dev_pagemap *pgmap;
	int i;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	pgmap = get_dev_pagemap(arg.pfn, NULL);
	if (!pgmap)
		return -ENXIO;
	/* Minus the reference get_dev_pagemap() just took. */
	arg.count = pgmap_ref_count(&pgmap->ref) - 1;
	arg.nr_pages = 0;
	for (i = 0; i < pgmap->nr_range; i++)
		arg.nr_pages += PHYS_PFN(range_len(&pgmap->ranges[i]));
	put_dev_pagemap(pgmap);
	return copy_to_user(uarg, &arg, sizeof(arg)) ? -EFAULT : 0;
}

static long lab_daxcheck_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *p = (void __user *)arg;

	switch (cmd) {
	case LAB_DAXCHECK_FILE:
		return check_file(p);
	case LAB_DAXCHECK_PFN:
		return check_pfn(p);
	case LAB_DAXCHECK_PGMAP:
		return check_pgmap(p);
	}
	return -ENOTTY;
}

static const struct file_operations lab_daxcheck_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= lab_daxcheck_ioctl,
};

static struct miscdevice lab_daxcheck_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "lab_daxcheck",
	.fops	= &lab_daxcheck_fops,
	.mode	= 0600,
};

module_misc_device(lab_daxcheck_dev);
MODULE_DESCRIPTION("DAX lab: report the entries, page and pagemap references behind a DAX file");
MODULE_LICENSE("GPL");
