/* SPDX-License-Identifier: GPL-2.0 */
/*
 * daxcheck.h - the guest side of /dev/lab_daxcheck (tests/kmod/lab_daxcheck.c):
 * read a DAX file's entries and page references, a pfn through
 * get_user_pages(), and a dev_pagemap's reference count.  Plain helpers
 * returning -1 on error; the tests judge.
 */
#ifndef LAB_DAXCHECK_LIB_H
#define LAB_DAXCHECK_LIB_H

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "lab_daxcheck.h"

/* 6.1's DAX_PMD, bit 1 in every entry format: the entry maps 512 pages. */
#define DAXCHECK_ENTRY_PMD	(1UL << 1)
/* Phase B's bit 4 of an entry: zapped by a layout break (DAX_SHIFT 5). */
#define DAXCHECK_ENTRY_ZAP	(1UL << 4)

static inline int daxcheck_open(void)
{
	if (system("modprobe lab_daxcheck"))
		return -1;
	return open("/dev/lab_daxcheck", O_RDWR | O_CLOEXEC);
}

/* The pages of @fd's entries from index 0, decoded with @shift, into @buf. */
static inline long daxcheck_file(int chk, int fd, unsigned int shift,
				 struct lab_daxcheck_page *buf, long room)
{
	struct lab_daxcheck_file arg = {
		.fd = fd, .dax_shift = shift, .start = 0,
		.pages = room, .buf = (uintptr_t)buf,
	};

	memset(buf, 0, room * sizeof(*buf));
	if (ioctl(chk, LAB_DAXCHECK_FILE, &arg))
		return -1;
	return arg.pages;
}

/* The pfn get_user_pages() finds at @addr (faulted in), or -1. */
static inline long daxcheck_pfn(int chk, const void *addr)
{
	struct lab_daxcheck_pfn arg = { .addr = (uintptr_t)addr };

	if (ioctl(chk, LAB_DAXCHECK_PFN, &arg))
		return -1;
	return arg.pfn;
}

/* The exact reference count of @pfn's dev_pagemap, or -1. */
static inline long daxcheck_pgmap(int chk, uint64_t pfn)
{
	struct lab_daxcheck_pgmap arg = { .pfn = pfn };

	if (ioctl(chk, LAB_DAXCHECK_PGMAP, &arg))
		return -1;
	return arg.count;
}

/*
 * Is the page of @r shared by the entries of several files (reflink)?
 * 6.1 marks such a page with PAGE_MAPPING_DAX_COW; the series leaves its
 * ->mapping NULL.  Either way ->index counts the entries.
 */
static inline int daxcheck_shared(const struct lab_daxcheck_page *r)
{
	return (r->flags & LAB_DAXCHECK_MAPPING_COW) ||
	       ((r->flags & LAB_DAXCHECK_MAPPING_NULL) && r->page_index > 0);
}

/*
 * The reference count of the page of @r when nothing holds it: 1 on stock
 * and up to phase C, 0 from phase D on, as the kernel reports per page.
 */
static inline int daxcheck_idle_base(const struct lab_daxcheck_page *r)
{
	return (r->flags & LAB_DAXCHECK_IDLE_AT_ZERO) ? 0 : 1;
}

/*
 * The count of the page of @r when only its entry may hold it, for entries
 * decoded with @shift: the idle base, plus the entry's own reference under
 * phase B's model (DAX_SHIFT 5 and up) while the entry is not zapped.
 */
static inline int daxcheck_idle_count(const struct lab_daxcheck_page *r, unsigned int shift)
{
	return daxcheck_idle_base(r) + (shift >= 5 && !(r->entry & DAXCHECK_ENTRY_ZAP));
}

/*
 * The dev_pagemap references that the pages of @buf hold themselves: where
 * pages rest at 0 (phase D), a referenced page (a folio, for device-dax)
 * holds one while its count is above 0; before, none.  Entries' own
 * dev_pagemap references (phase B) are not counted here.
 */
static inline long daxcheck_pgmap_held(const struct lab_daxcheck_page *buf, long n)
{
	long i, held = 0;

	for (i = 0; i < n; i++)
		held += (buf[i].flags & LAB_DAXCHECK_IDLE_AT_ZERO) && buf[i].refcount > 0;
	return held;
}

static inline struct lab_daxcheck_page *daxcheck_at(struct lab_daxcheck_page *buf, long n,
						   uint64_t index)
{
	long i;

	for (i = 0; i < n; i++)
		if (buf[i].index == index)
			return &buf[i];
	return NULL;
}

/*
 * The entry decoding (DAX_SHIFT) under which file pages @i0 and @i1,
 * mapped at @p and faulted, have the pfns get_user_pages() sees there;
 * 0 if none does.  Pick pages of two different 2 MiB entries.
 */
static inline unsigned int daxcheck_find_shift(int chk, int fd, const char *p,
					       uint64_t i0, uint64_t i1,
					       struct lab_daxcheck_page *buf, long room)
{
	long want0 = daxcheck_pfn(chk, p + i0 * 4096), want1 = daxcheck_pfn(chk, p + i1 * 4096);
	unsigned int s;

	if (want0 < 0 || want1 < 0)
		return 0;
	for (s = 4; s <= 6; s++) {
		long n = daxcheck_file(chk, fd, s, buf, room);
		struct lab_daxcheck_page *a = daxcheck_at(buf, n, i0), *b = daxcheck_at(buf, n, i1);

		if (a && b && !((a->flags | b->flags) & LAB_DAXCHECK_NO_PAGE) &&
		    (long)a->pfn == want0 && (long)b->pfn == want1)
			return s;
	}
	return 0;
}

#endif /* LAB_DAXCHECK_LIB_H */
