/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * lab_daxcheck: the interface of /dev/lab_daxcheck (tests/kmod/lab_daxcheck.c),
 * shared by the module and the guest tests (tests/lib/daxcheck.h).
 *
 * The module reports state; it decides nothing.  The DAX entry format is
 * private to fs/dax.c and differs between kernels (the series adds a bit),
 * so the caller says how to decode an entry (dax_shift) and proves that
 * decoding right on a page of known pfn (LAB_DAXCHECK_PFN) before it
 * trusts anything decoded with it.
 */
#ifndef LAB_DAXCHECK_H
#define LAB_DAXCHECK_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * One page of one entry of a file's mapping, as LAB_DAXCHECK_FILE sees it;
 * for a compound page (device-dax), its head page for the whole folio.
 */
struct lab_daxcheck_page {
	__u64 index;		/* file page index of this page */
	__u64 entry;		/* raw xarray value of its entry (xa_to_value()) */
	__u64 entry_index;	/* first index the entry covers */
	__u64 pfn;		/* decoded with the caller's dax_shift */
	__u64 page_index;	/* page->index */
	__s32 refcount;		/* page_ref_count() */
	__u32 flags;		/* LAB_DAXCHECK_* below */
	__u64 folio_pages;	/* pages of its folio this record stands for */
};

/* lab_daxcheck_page.flags */
#define LAB_DAXCHECK_MAPPING_FILE	0x1	/* page->mapping is this file's */
#define LAB_DAXCHECK_MAPPING_NULL	0x2	/* page->mapping is NULL */
#define LAB_DAXCHECK_MAPPING_COW	0x4	/* page->mapping is 6.1's DAX CoW mark */
#define LAB_DAXCHECK_NO_PAGE		0x8	/* the pfn is not an fsdax page: bad decoding */
#define LAB_DAXCHECK_ZERO		0x10	/* a zero-page or empty entry: no pfn */
#define LAB_DAXCHECK_TAIL		0x20	/* the pfn is a tail page of a folio */
/*
 * The page rests at a reference count of 0, not 1: its dev_pagemap has
 * PGMAP_IDLE_AT_ZERO (the series' phase D).  The count of an idle page
 * with nothing else holding it is 0 with this flag, 1 without; with it,
 * a page whose count is above 0 holds one dev_pagemap reference.
 */
#define LAB_DAXCHECK_IDLE_AT_ZERO	0x40

struct lab_daxcheck_file {
	__s32 fd;		/* an open file of a DAX inode */
	__u32 dax_shift;	/* how many low bits of an entry are flags */
	__u64 start;		/* first page index to report */
	__u64 pages;		/* in: room in buf (records); out: records written */
	__u64 buf;		/* user pointer to struct lab_daxcheck_page[pages] */
	__u64 nrpages;		/* out: mapping->nrpages */
};

struct lab_daxcheck_pfn {
	__u64 addr;		/* in: a user address, mapped and faulted */
	__u64 pfn;		/* out: the pfn of the page mapped there */
};

struct lab_daxcheck_pgmap {
	__u64 pfn;		/* in: a pfn of the device */
	__s64 count;		/* out: its dev_pagemap's reference count */
	__u64 nr_pages;		/* out: pages the dev_pagemap covers */
};

/* Report the pages of every entry of a file from start on. */
#define LAB_DAXCHECK_FILE	_IOWR('D', 1, struct lab_daxcheck_file)
/*
 * The pfn mapped at a user address, found through get_user_pages(), not
 * through the entry: the known state that proves a decoding.
 */
#define LAB_DAXCHECK_PFN	_IOWR('D', 2, struct lab_daxcheck_pfn)
/*
 * The reference count of the dev_pagemap of a pfn: the atomic counter and
 * the per-cpu counts added up, exact while no reference is taken or dropped
 * (the counter's mode is never switched: that would kill a dev_pagemap's
 * ref).  The count does not include the reference the read itself takes.
 */
#define LAB_DAXCHECK_PGMAP	_IOWR('D', 3, struct lab_daxcheck_pgmap)

#endif /* LAB_DAXCHECK_H */
