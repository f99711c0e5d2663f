// SPDX-License-Identifier: GPL-2.0
/*
 * spm_test: allocate pages on request and report the nodes they came from.
 *
 * Writing a line of key=value pairs to /sys/kernel/debug/spm_test/alloc
 * performs allocations; reading the file returns the result of the last
 * command:
 *
 *	mode=page|bulk|vmalloc|timer|irq|loop|fragment
 *	                                   how to allocate (default page)
 *	count=N                            pages (default 1)
 *	order=N                            page mode: blocks of 2^N pages,
 *	                                   N <= PAGE_ALLOC_COSTLY_ORDER
 *	nid=N                              preferred node, -1 for the local one
 *	mask=NODELIST                      nodemask passed to the allocator
 *	spm=0|1                            __GFP_SPM_NODE
 *	thisnode=0|1                       __GFP_THISNODE
 *	nofail=0|1                         __GFP_NOFAIL (page mode only)
 *	gfp=kernel|atomic|movable          GFP_KERNEL, GFP_ATOMIC, or
 *	                                   GFP_KERNEL | __GFP_MOVABLE
 *	lowmem=N                           first hold node N below its low
 *	                                   watermark (loop only)
 *	irq_alongside=0|1                  page mode: meanwhile, a hard-IRQ
 *	                                   timer on this CPU asks for pages
 *	                                   with the same flags (GFP_ATOMIC)
 *	hold=1                             page mode: keep the pages (see held)
 *
 * page allocates order-0 pages one at a time with __alloc_pages(), bulk with
 * the bulk allocator, vmalloc with vmalloc()/vmalloc_node(); timer and irq
 * allocate with GFP_ATOMIC from a timer callback (softirq) and from a hard
 * irq_work.  All pages of a command are held until the last one is allocated,
 * then their nodes are counted and they are freed.  The result reads
 *
 *	ok=N fail=M n0=.. n1=.. ... ns=T
 *
 * with one nN= field per possible node.  On a kernel without __GFP_SPM_NODE,
 * spm=1 fails with -EOPNOTSUPP.
 *
 * With hold=1 the pages of the command stay allocated, their first bytes
 * written with a pattern: /sys/kernel/debug/spm_test/held reads
 * "held=N intact=M n0=.. n1=.." (M: pages whose pattern is still there, N:
 * the pages held, now on nodes n0..), and any write to it frees them.  One
 * command holds pages at a time: another fails with -EBUSY until then.
 *
 * fragment leaves the nodes of mask= without a free block of order 1 or
 * more: it takes every such block (below the watermarks too), splits it and
 * frees every other page, whose buddy it holds.  The nodes keep about half
 * their free memory, in single pages.  The result counts the pages held
 * per node; they stay held, like hold=1's, until a write to held.
 *
 * Writing "NID 0|1" to /sys/kernel/debug/spm_test/spm_node marks or
 * unmarks node NID as SPM with spm_set_node(), as a driver would before it
 * hot-adds the node's memory; the write fails with its error.
 *
 * irq_alongside is for interrupts that arrive while a policy decides for
 * the command: every 200 us of the command, the timer asks for one page
 * (up to 4096); they add "irq_ok=N irq_fail=M irq_nN=.." to the result.
 * Pin the writer to one CPU: the timer stays on the CPU it started on.
 *
 * loop is for the benchmark: count times, allocate one page and free it at
 * once; ns= is the time the allocations took (ktime_get_ns(): under QEMU
 * -icount a count of the instructions executed).  With lowmem=N, node N's
 * zones are drained below their low watermark with pages held for the
 * length of the loop, taken without waking kswapd, so that every
 * allocation of the loop that prefers node N walks past it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#if __has_include(<linux/spm.h>)
#include <linux/spm.h>
#endif
#include <linux/string.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>
#include <linux/workqueue.h>

#define SPM_TEST_MAX_COUNT		65536
/* GFP_ATOMIC allocations run with interrupts or bottom halves off. */
#define SPM_TEST_MAX_ATOMIC_COUNT	4096
#define SPM_TEST_CMD_MAX		256
#define SPM_TEST_RESULT_MAX		(96 + 40 * MAX_NUMNODES)

enum spm_test_mode {
	SPM_TEST_PAGE,
	SPM_TEST_BULK,
	SPM_TEST_VMALLOC,
	SPM_TEST_TIMER,
	SPM_TEST_IRQ,
	SPM_TEST_LOOP,
	SPM_TEST_FRAGMENT,
};

static const char * const spm_test_modes[] = {
	[SPM_TEST_PAGE]		= "page",
	[SPM_TEST_BULK]		= "bulk",
	[SPM_TEST_VMALLOC]	= "vmalloc",
	[SPM_TEST_TIMER]	= "timer",
	[SPM_TEST_IRQ]		= "irq",
	[SPM_TEST_LOOP]		= "loop",
	[SPM_TEST_FRAGMENT]	= "fragment",
};

struct spm_test_req {
	enum spm_test_mode mode;
	unsigned int count;
	unsigned int order;
	int nid;
	bool has_mask;
	nodemask_t mask;
	bool spm;
	bool thisnode;
	bool nofail;
	bool atomic;
	bool movable;
	int lowmem_nid;
	bool irq_alongside;
	bool hold;
};

/* One command in flight: the pages and, for timer/irq, the deferred work. */
struct spm_test_run {
	struct spm_test_req *req;
	gfp_t gfp;
	struct page **pages;
	unsigned int nr;
	unsigned int first_batch;	/* bulk: pages of the first call */
	unsigned int *per_node;
	u64 ns;
	bool wrong_context;
	struct timer_list timer;
	struct irq_work irq_work;
	struct completion done;
	/* irq_alongside: the timer and the pages it got. */
	struct hrtimer irq_timer;
	struct page **irq_pages;
	unsigned int irq_nr;
	unsigned int irq_tries;
};

static DEFINE_MUTEX(spm_test_lock);
static char spm_test_result[SPM_TEST_RESULT_MAX];
/* The pages a hold=1 command kept, under spm_test_lock. */
static struct page **spm_test_kept;
static unsigned int spm_test_nr_kept;
/* The pages fragment holds, linked by page->lru, under spm_test_lock. */
static LIST_HEAD(spm_test_fragments);
static struct dentry *spm_test_dir;

static int spm_test_parse(char *cmd, struct spm_test_req *req)
{
	char *tok, *val;
	bool any = false;
	int ret, i;

	memset(req, 0, sizeof(*req));
	req->mode = SPM_TEST_PAGE;
	req->count = 1;
	req->nid = NUMA_NO_NODE;
	req->lowmem_nid = NUMA_NO_NODE;

	while ((tok = strsep(&cmd, " \t\n")) != NULL) {
		if (!*tok)
			continue;
		any = true;
		val = strchr(tok, '=');
		if (!val || !val[1])
			return -EINVAL;
		*val++ = '\0';

		if (!strcmp(tok, "mode")) {
			i = match_string(spm_test_modes,
					 ARRAY_SIZE(spm_test_modes), val);
			if (i < 0)
				return -EINVAL;
			req->mode = i;
		} else if (!strcmp(tok, "count")) {
			ret = kstrtouint(val, 0, &req->count);
			if (ret)
				return ret;
		} else if (!strcmp(tok, "order")) {
			ret = kstrtouint(val, 0, &req->order);
			if (ret)
				return ret;
		} else if (!strcmp(tok, "nid")) {
			ret = kstrtoint(val, 0, &req->nid);
			if (ret)
				return ret;
		} else if (!strcmp(tok, "lowmem")) {
			ret = kstrtoint(val, 0, &req->lowmem_nid);
			if (ret)
				return ret;
		} else if (!strcmp(tok, "mask")) {
			if (nodelist_parse(val, req->mask))
				return -EINVAL;
			req->has_mask = true;
		} else if (!strcmp(tok, "spm")) {
			ret = kstrtobool(val, &req->spm);
			if (ret)
				return ret;
		} else if (!strcmp(tok, "thisnode")) {
			ret = kstrtobool(val, &req->thisnode);
			if (ret)
				return ret;
		} else if (!strcmp(tok, "nofail")) {
			ret = kstrtobool(val, &req->nofail);
			if (ret)
				return ret;
		} else if (!strcmp(tok, "hold")) {
			ret = kstrtobool(val, &req->hold);
			if (ret)
				return ret;
		} else if (!strcmp(tok, "irq_alongside")) {
			ret = kstrtobool(val, &req->irq_alongside);
			if (ret)
				return ret;
		} else if (!strcmp(tok, "gfp")) {
			req->atomic = !strcmp(val, "atomic");
			req->movable = !strcmp(val, "movable");
			if (!req->atomic && !req->movable &&
			    strcmp(val, "kernel"))
				return -EINVAL;
		} else {
			return -EINVAL;
		}
	}

	if (!any)
		return -EINVAL;
	if (req->mode == SPM_TEST_TIMER || req->mode == SPM_TEST_IRQ)
		req->atomic = true;

	if (!req->count || req->count > SPM_TEST_MAX_COUNT)
		return -EINVAL;
	if (req->atomic && req->count > SPM_TEST_MAX_ATOMIC_COUNT)
		return -EINVAL;
	if (req->nid != NUMA_NO_NODE &&
	    (req->nid < 0 || req->nid >= MAX_NUMNODES ||
	     !node_state(req->nid, N_MEMORY)))
		return -EINVAL;
	if (req->has_mask &&
	    (nodes_empty(req->mask) ||
	     !nodes_subset(req->mask, node_states[N_POSSIBLE])))
		return -EINVAL;
	/* vmalloc() takes neither flags nor a nodemask from its callers. */
	if (req->mode == SPM_TEST_VMALLOC &&
	    (req->has_mask || req->spm || req->thisnode || req->atomic))
		return -EINVAL;
	if (req->lowmem_nid != NUMA_NO_NODE &&
	    (req->mode != SPM_TEST_LOOP || req->lowmem_nid < 0 ||
	     req->lowmem_nid >= MAX_NUMNODES ||
	     !node_state(req->lowmem_nid, N_MEMORY)))
		return -EINVAL;
	/* A small, sleeping, one-page-at-a-time allocation may not fail. */
	if (req->nofail && (req->mode != SPM_TEST_PAGE || req->atomic ||
			    req->count > SPM_TEST_MAX_ATOMIC_COUNT))
		return -EINVAL;
	if (req->irq_alongside && (req->mode != SPM_TEST_PAGE || req->nofail))
		return -EINVAL;
	if (req->hold && (req->mode != SPM_TEST_PAGE || req->irq_alongside))
		return -EINVAL;
	/* Blocks are for the plain page mode: not kept, not alongside. */
	if (req->order && (req->order > PAGE_ALLOC_COSTLY_ORDER ||
			   req->mode != SPM_TEST_PAGE || req->hold ||
			   req->irq_alongside))
		return -EINVAL;
	if (req->mode == SPM_TEST_FRAGMENT && !req->has_mask)
		return -EINVAL;
	/* __GFP_THISNODE needs a node to stay on. */
	if (req->thisnode && req->nid == NUMA_NO_NODE)
		return -EINVAL;
	return 0;
}

static int spm_test_gfp(const struct spm_test_req *req, gfp_t *gfp)
{
	/*
	 * Failures are expected results here: no allocation failure report,
	 * and no OOM kill for an allocation a test wants to see fail.
	 */
	*gfp = (req->atomic ? GFP_ATOMIC : GFP_KERNEL | __GFP_RETRY_MAYFAIL) |
	       __GFP_NOWARN;
	if (req->thisnode)
		*gfp |= __GFP_THISNODE;
	if (req->movable)
		*gfp |= __GFP_MOVABLE;
	/* __GFP_NOFAIL and __GFP_RETRY_MAYFAIL contradict each other. */
	if (req->nofail)
		*gfp = (*gfp & ~__GFP_RETRY_MAYFAIL) | __GFP_NOFAIL;
	if (req->spm) {
#ifdef __GFP_SPM_NODE
		*gfp |= __GFP_SPM_NODE;
#else
		return -EOPNOTSUPP;
#endif
	}
	return 0;
}

static int spm_test_nid(const struct spm_test_req *req)
{
	return req->nid == NUMA_NO_NODE ? numa_mem_id() : req->nid;
}

#define SPM_TEST_IRQ_PERIOD_NS	(200 * NSEC_PER_USEC)

static enum hrtimer_restart spm_test_irq_timer_fn(struct hrtimer *timer)
{
	struct spm_test_run *run = container_of(timer, struct spm_test_run,
						irq_timer);
	struct spm_test_req *req = run->req;
	struct page *page;

	if (run->irq_tries == SPM_TEST_MAX_ATOMIC_COUNT)
		return HRTIMER_NORESTART;
	run->irq_tries++;
	page = __alloc_pages((run->gfp & ~GFP_KERNEL) | GFP_ATOMIC, 0,
			     spm_test_nid(req), req->has_mask ? &req->mask : NULL);
	if (page)
		run->irq_pages[run->irq_nr++] = page;
	hrtimer_forward_now(timer, ns_to_ktime(SPM_TEST_IRQ_PERIOD_NS));
	return HRTIMER_RESTART;
}

/* Allocate the pages one by one, into run->pages[0..run->nr). */
static void spm_test_alloc_pages(struct spm_test_run *run)
{
	struct spm_test_req *req = run->req;
	nodemask_t *mask = req->has_mask ? &req->mask : NULL;
	int nid = spm_test_nid(req);
	unsigned int i;

	for (i = 0; i < req->count; i++) {
		struct page *page = __alloc_pages(run->gfp, req->order, nid,
						  mask);

		if (page)
			run->pages[run->nr++] = page;
		if (!req->atomic)
			cond_resched();
	}
}

static void spm_test_alloc_bulk(struct spm_test_run *run)
{
	struct spm_test_req *req = run->req;
	nodemask_t *mask = req->has_mask ? &req->mask : NULL;
	int nid = spm_test_nid(req);
	unsigned long filled = 0, prev;

	/* The bulk allocator may return early; call it until it stalls. */
	do {
		prev = filled;
		filled = __alloc_pages_bulk(run->gfp, nid, mask, req->count,
					    NULL, run->pages);
		if (!prev)
			run->first_batch = filled;
		cond_resched();
	} while (filled < req->count && filled > prev);
	run->nr = filled;
}

/* Pages held by lowmem=: order-0 and larger blocks, freed after the loop. */
struct spm_test_held {
	struct list_head order0;
	struct list_head blocks;
};

#define SPM_TEST_BLOCK_ORDER	(MAX_PAGE_ORDER - 1)

static bool spm_test_above_low(int nid)
{
	pg_data_t *pgdat = NODE_DATA(nid);
	int z;

	for (z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];

		if (populated_zone(zone) &&
		    zone_page_state(zone, NR_FREE_PAGES) > low_wmark_pages(zone))
			return true;
	}
	return false;
}

/*
 * Take node nid's free pages until each zone is below its low watermark (or
 * the allocator refuses): no reclaim and no kswapd, so the node stays there
 * while the loop runs.
 */
static void spm_test_drain(int nid, struct spm_test_held *held)
{
	const gfp_t gfp = __GFP_THISNODE | __GFP_NOWARN | __GFP_NORETRY;
	struct page *page;

	while (spm_test_above_low(nid)) {
		page = alloc_pages_node(nid, gfp, SPM_TEST_BLOCK_ORDER);
		if (!page)
			break;
		list_add(&page->lru, &held->blocks);
	}
	while (spm_test_above_low(nid)) {
		page = alloc_pages_node(nid, gfp, 0);
		if (!page)
			break;
		list_add(&page->lru, &held->order0);
		cond_resched();
	}
}

static void spm_test_release(struct spm_test_held *held)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, &held->blocks, lru)
		__free_pages(page, SPM_TEST_BLOCK_ORDER);
	list_for_each_entry_safe(page, next, &held->order0, lru)
		__free_page(page);
}

/*
 * With lowmem=, the node is drained again before each batch of this many
 * allocations, untimed: pages that per-CPU list draining gives back to it
 * while the loop runs must not lift it over its watermark.
 */
#define SPM_TEST_LOWMEM_BATCH	16

/* Allocate a page and free it, count times; time the allocations. */
static void spm_test_loop(struct spm_test_run *run)
{
	struct spm_test_req *req = run->req;
	nodemask_t *mask = req->has_mask ? &req->mask : NULL;
	bool lowmem = req->lowmem_nid != NUMA_NO_NODE;
	unsigned int batch = lowmem ? SPM_TEST_LOWMEM_BATCH : req->count;
	int nid = spm_test_nid(req);
	struct spm_test_held held;
	unsigned int i, end;
	u64 start;

	INIT_LIST_HEAD(&held.order0);
	INIT_LIST_HEAD(&held.blocks);
	for (i = 0; i < req->count; i = end) {
		if (lowmem)
			spm_test_drain(req->lowmem_nid, &held);
		end = min(req->count, i + batch);
		start = ktime_get_ns();
		for (; i < end; i++) {
			struct page *page = __alloc_pages(run->gfp, 0, nid,
							  mask);

			if (page) {
				run->per_node[page_to_nid(page)]++;
				run->nr++;
				__free_page(page);
			}
			if (!req->atomic)
				cond_resched();
		}
		run->ns += ktime_get_ns() - start;
	}
	spm_test_release(&held);
}

/*
 * Take node nid's free blocks of @order, below the watermarks too (no
 * reclaim, no kswapd), keep the first page of each pair and free the
 * second: the freed page cannot merge while its buddy is held.
 */
static void spm_test_fragment_order(struct spm_test_run *run, int nid,
				    unsigned int order)
{
	const gfp_t gfp = __GFP_THISNODE | __GFP_MEMALLOC | __GFP_NOWARN;
	struct page *page;
	unsigned int i;

	while ((page = alloc_pages_node(nid, gfp, order))) {
		split_page(page, order);
		for (i = 0; i < 1U << order; i += 2) {
			list_add(&page[i].lru, &spm_test_fragments);
			__free_page(page + i + 1);
		}
		run->per_node[nid] += 1U << (order - 1);
		run->nr += 1U << (order - 1);
		cond_resched();
	}
}

static long spm_test_fragment_here(void *arg)
{
	struct spm_test_run *run = arg;
	unsigned int order;
	int nid;

	/* From the largest blocks down, so that none is split for a smaller. */
	for_each_node_mask(nid, run->req->mask)
		for (order = MAX_PAGE_ORDER; order >= 1; order--)
			spm_test_fragment_order(run, nid, order);
	return 0;
}

/* On every CPU: each has lists of free blocks only it allocates from. */
static void spm_test_fragment(struct spm_test_run *run)
{
	int cpu;

	for_each_online_cpu(cpu)
		work_on_cpu(cpu, spm_test_fragment_here, run);
}

static void spm_test_timer_fn(struct timer_list *t)
{
	struct spm_test_run *run = from_timer(run, t, timer);

	run->wrong_context = !in_serving_softirq() || in_hardirq();
	spm_test_alloc_pages(run);
	complete(&run->done);
}

static void spm_test_irq_work_fn(struct irq_work *work)
{
	struct spm_test_run *run = container_of(work, struct spm_test_run,
						irq_work);

	run->wrong_context = !in_hardirq();
	spm_test_alloc_pages(run);
	complete(&run->done);
}

/* irq_alongside: the timer's pages after the result's first @len bytes. */
static void spm_test_record_irq(struct spm_test_run *run, size_t len)
{
	unsigned int i;
	int nid;

	memset(run->per_node, 0, MAX_NUMNODES * sizeof(*run->per_node));
	for (i = 0; i < run->irq_nr; i++) {
		run->per_node[page_to_nid(run->irq_pages[i])]++;
		__free_page(run->irq_pages[i]);
	}
	len += scnprintf(spm_test_result + len, sizeof(spm_test_result) - len,
			 " irq_ok=%u irq_fail=%u", run->irq_nr,
			 run->irq_tries - run->irq_nr);
	for_each_node(nid)
		len += scnprintf(spm_test_result + len,
				 sizeof(spm_test_result) - len, " irq_n%d=%u",
				 nid, run->per_node[nid]);
	scnprintf(spm_test_result + len, sizeof(spm_test_result) - len, "\n");
}

/* Count the nodes of the allocated pages into the result, free the pages. */
static void spm_test_record(struct spm_test_run *run)
{
	struct spm_test_req *req = run->req;
	unsigned int i;
	size_t len;
	int nid;

	/* loop and fragment counted their pages as they went. */
	for (i = 0; i < run->nr && req->mode != SPM_TEST_LOOP &&
		    req->mode != SPM_TEST_FRAGMENT; i++) {
		run->per_node[page_to_nid(run->pages[i])]++;
		if (req->mode != SPM_TEST_VMALLOC && !req->hold)
			__free_pages(run->pages[i], req->order);
	}

	len = scnprintf(spm_test_result, sizeof(spm_test_result),
			"ok=%u fail=%u", run->nr,
			req->mode == SPM_TEST_FRAGMENT ? 0 : req->count - run->nr);
	for_each_node(nid)
		len += scnprintf(spm_test_result + len,
				 sizeof(spm_test_result) - len, " n%d=%u", nid,
				 run->per_node[nid]);
	if (req->mode == SPM_TEST_LOOP)
		len += scnprintf(spm_test_result + len,
				 sizeof(spm_test_result) - len, " ns=%llu",
				 run->ns);
	if (req->mode == SPM_TEST_BULK)
		len += scnprintf(spm_test_result + len,
				 sizeof(spm_test_result) - len, " batch=%u",
				 run->first_batch);
	if (run->irq_pages)
		spm_test_record_irq(run, len);
	else
		scnprintf(spm_test_result + len, sizeof(spm_test_result) - len,
			  "\n");
}

static int spm_test_vmalloc(struct spm_test_run *run)
{
	struct spm_test_req *req = run->req;
	unsigned long size = (unsigned long)req->count << PAGE_SHIFT;
	unsigned int i;
	void *area;

	if (req->nid == NUMA_NO_NODE)
		area = vmalloc(size);
	else
		area = vmalloc_node(size, req->nid);
	if (area) {
		for (i = 0; i < req->count; i++)
			run->pages[i] = vmalloc_to_page(area + i * PAGE_SIZE);
		run->nr = req->count;
	}
	spm_test_record(run);
	vfree(area);
	return 0;
}

#define SPM_TEST_PATTERN(i)	(0x5a5a0000u + (i))

/* hold=1: keep the run's pages, each with a pattern to check later. */
static void spm_test_keep(struct spm_test_run *run)
{
	unsigned int i;

	for (i = 0; i < run->nr; i++) {
		u32 *p = kmap_local_page(run->pages[i]);

		*p = SPM_TEST_PATTERN(i);
		kunmap_local(p);
	}
	spm_test_kept = run->pages;
	spm_test_nr_kept = run->nr;
}

static void spm_test_free_kept(void)
{
	struct page *page, *next;
	unsigned int i;

	list_for_each_entry_safe(page, next, &spm_test_fragments, lru)
		__free_page(page);
	INIT_LIST_HEAD(&spm_test_fragments);

	for (i = 0; i < spm_test_nr_kept; i++)
		__free_page(spm_test_kept[i]);
	kvfree(spm_test_kept);
	spm_test_kept = NULL;
	spm_test_nr_kept = 0;
}

static int spm_test_run(struct spm_test_req *req)
{
	struct spm_test_run *run;
	int ret;

	run = kzalloc(sizeof(*run), GFP_KERNEL);
	if (!run)
		return -ENOMEM;
	run->req = req;
	run->pages = kvcalloc(req->count, sizeof(*run->pages), GFP_KERNEL);
	run->per_node = kcalloc(MAX_NUMNODES, sizeof(*run->per_node),
				GFP_KERNEL);
	ret = -ENOMEM;
	if (!run->pages || !run->per_node)
		goto out;
	ret = spm_test_gfp(req, &run->gfp);
	if (ret)
		goto out;
	init_completion(&run->done);

	switch (req->mode) {
	case SPM_TEST_PAGE:
		if (!req->irq_alongside) {
			spm_test_alloc_pages(run);
			break;
		}
		run->irq_pages = kvcalloc(SPM_TEST_MAX_ATOMIC_COUNT,
					  sizeof(*run->irq_pages), GFP_KERNEL);
		if (!run->irq_pages) {
			ret = -ENOMEM;
			goto out;
		}
		hrtimer_init(&run->irq_timer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_PINNED_HARD);
		run->irq_timer.function = spm_test_irq_timer_fn;
		hrtimer_start(&run->irq_timer,
			      ns_to_ktime(SPM_TEST_IRQ_PERIOD_NS),
			      HRTIMER_MODE_REL_PINNED_HARD);
		spm_test_alloc_pages(run);
		hrtimer_cancel(&run->irq_timer);
		break;
	case SPM_TEST_BULK:
		spm_test_alloc_bulk(run);
		break;
	case SPM_TEST_LOOP:
		spm_test_loop(run);
		break;
	case SPM_TEST_FRAGMENT:
		spm_test_fragment(run);
		break;
	case SPM_TEST_VMALLOC:
		ret = spm_test_vmalloc(run);
		goto out;
	case SPM_TEST_TIMER:
		timer_setup(&run->timer, spm_test_timer_fn, 0);
		mod_timer(&run->timer, jiffies + 1);
		wait_for_completion(&run->done);
		timer_delete_sync(&run->timer);
		break;
	case SPM_TEST_IRQ:
		run->irq_work = IRQ_WORK_INIT_HARD(spm_test_irq_work_fn);
		irq_work_queue(&run->irq_work);
		wait_for_completion(&run->done);
		irq_work_sync(&run->irq_work);
		break;
	}

	spm_test_record(run);
	/* The pages are freed: still report them, but fail the command. */
	if (run->wrong_context)
		ret = -EIO;
	if (req->hold) {
		spm_test_keep(run);
		run->pages = NULL;
	}
out:
	kvfree(run->irq_pages);
	kfree(run->per_node);
	kvfree(run->pages);
	kfree(run);
	return ret;
}

static ssize_t spm_test_write(struct file *file, const char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	struct spm_test_req req;
	char *cmd;
	int ret;

	if (len >= SPM_TEST_CMD_MAX)
		return -EINVAL;
	cmd = memdup_user_nul(ubuf, len);
	if (IS_ERR(cmd))
		return PTR_ERR(cmd);

	ret = spm_test_parse(cmd, &req);
	kfree(cmd);
	if (ret)
		return ret;

	mutex_lock(&spm_test_lock);
	spm_test_result[0] = '\0';
	if ((req.hold && spm_test_kept) ||
	    (req.mode == SPM_TEST_FRAGMENT && !list_empty(&spm_test_fragments)))
		ret = -EBUSY;
	else
		ret = spm_test_run(&req);
	mutex_unlock(&spm_test_lock);
	return ret ? ret : len;
}

static ssize_t spm_test_read(struct file *file, char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	ssize_t ret = -ENODATA;
	size_t n;

	mutex_lock(&spm_test_lock);
	n = strlen(spm_test_result);
	if (n)
		ret = simple_read_from_buffer(ubuf, len, ppos, spm_test_result,
					      n);
	mutex_unlock(&spm_test_lock);
	return ret;
}

static const struct file_operations spm_test_alloc_fops = {
	.owner	= THIS_MODULE,
	.read	= spm_test_read,
	.write	= spm_test_write,
	.llseek	= default_llseek,
};

static int spm_test_held_show(struct seq_file *m, void *v)
{
	unsigned int *per_node, i, intact = 0;
	int nid;

	per_node = kcalloc(MAX_NUMNODES, sizeof(*per_node), GFP_KERNEL);
	if (!per_node)
		return -ENOMEM;
	mutex_lock(&spm_test_lock);
	for (i = 0; i < spm_test_nr_kept; i++) {
		u32 *p = kmap_local_page(spm_test_kept[i]);

		intact += *p == SPM_TEST_PATTERN(i);
		kunmap_local(p);
		per_node[page_to_nid(spm_test_kept[i])]++;
	}
	seq_printf(m, "held=%u intact=%u", spm_test_nr_kept, intact);
	mutex_unlock(&spm_test_lock);
	for_each_node(nid)
		seq_printf(m, " n%d=%u", nid, per_node[nid]);
	seq_putc(m, '\n');
	kfree(per_node);
	return 0;
}

static int spm_test_held_open(struct inode *inode, struct file *file)
{
	return single_open(file, spm_test_held_show, NULL);
}

static ssize_t spm_test_held_write(struct file *file, const char __user *ubuf,
				   size_t len, loff_t *ppos)
{
	mutex_lock(&spm_test_lock);
	spm_test_free_kept();
	mutex_unlock(&spm_test_lock);
	return len;
}

static const struct file_operations spm_test_held_fops = {
	.owner		= THIS_MODULE,
	.open		= spm_test_held_open,
	.read		= seq_read,
	.write		= spm_test_held_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

static ssize_t spm_test_node_write(struct file *file, const char __user *ubuf,
				   size_t len, loff_t *ppos)
{
	char buf[32];
	int nid, spm, ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%d %d", &nid, &spm) != 2 || (spm != 0 && spm != 1))
		return -EINVAL;
#ifdef __GFP_SPM_NODE
	ret = spm_set_node(nid, spm);
#else
	ret = -EOPNOTSUPP;
#endif
	return ret ? ret : len;
}

static const struct file_operations spm_test_node_fops = {
	.owner	= THIS_MODULE,
	.write	= spm_test_node_write,
};

static int __init spm_test_init(void)
{
	spm_test_dir = debugfs_create_dir("spm_test", NULL);
	debugfs_create_file("alloc", 0600, spm_test_dir, NULL,
			    &spm_test_alloc_fops);
	debugfs_create_file("held", 0600, spm_test_dir, NULL,
			    &spm_test_held_fops);
	debugfs_create_file("spm_node", 0200, spm_test_dir, NULL,
			    &spm_test_node_fops);
	return 0;
}

static void __exit spm_test_exit(void)
{
	debugfs_remove_recursive(spm_test_dir);
	spm_test_free_kept();
}

module_init(spm_test_init);
module_exit(spm_test_exit);

MODULE_DESCRIPTION("Allocate pages on request and report their nodes (SPM selftest)");
MODULE_LICENSE("GPL");
