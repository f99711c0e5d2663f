// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup_spm: SPM nodes per cgroup, from a table that can change while the
 * policy runs.
 *
 * cgroup_table maps a cgroup v2 id to the SPM nodes its tasks may use
 * (struct spm_cgroup_entry, bpf/spm_cgroup.h):
 *
 *  - explicit nodes: only allocations that name the node, the way
 *    soft_guardrail trusts a user memory policy (mbind, set_mempolicy,
 *    tmpfs mpol=, migrate_pages, move_pages);
 *  - spill nodes: also the cgroup's user memory (spill_reasons: page
 *    faults, page cache, large folios) that the allocator's fallback takes
 *    there, which happens only once system RAM is below its watermarks,
 *    SPM nodes coming last in every fallback order;
 *  - an optional quota per node, checked against the pages the cgroup has
 *    there (its memcg's mapped anonymous pages and page cache on the node,
 *    counted by the kernel as they are mapped or added): an allocation
 *    over it is refused and the kernel serves it from system RAM.
 *
 * The entry of the nearest ancestor wins, so a job's sub-cgroups inherit
 * it.  A task without one, or an allocation outside task context, gets the
 * hard guardrail: only __GFP_SPM_NODE callers that name the node.
 * mpol_check() refuses the nodes that the cgroup may not use, so mbind() to
 * them fails, or loses them from a mixed mask.  A mask covering every
 * memory node is refused as by soft_guardrail (trust_all_nodes_mask).
 *
 *	spm-loader attach cgroup_spm.bpf.o --allow /sys/fs/cgroup/gpu=2-3 \
 *		--allow /sys/fs/cgroup/batch=3:spill:256M
 *	spm-loader cgroup set /sys/fs/cgroup/other=2
 *	spm-loader cgroup list
 *
 * A quota needs the memory controller on the entry's cgroup.  hugetlb pool
 * pages belong to the pool, not to a cgroup's memory: no quota counts them.
 */
#include "spm.bpf.h"
#include "spm_cgroup.h"

char _license[] SEC("license") = "GPL";

/* Trust a user mask that names every memory node. */
const volatile bool trust_all_nodes_mask;
/* The reasons of the user memory a user policy may put on SPM nodes. */
const volatile u64 user_reasons = SPM_REASONS_DEFAULT;
/* The reasons of the memory that may spill onto a spill node. */
const volatile u64 spill_reasons = SPM_REASONS_DEFAULT;

/* Deepest cgroup level looked at; the root is level 0. */
#define MAX_CGROUP_LEVEL	32

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SPM_CGROUP_MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, u64);
	__type(value, struct spm_cgroup_entry);
} SPM_CGROUP_TABLE SEC(".maps");

/* What the policy decided, for spm-loader, bpftool and the tests. */
enum cgroup_stat {
	STAT_ADMIT_KERNEL,	/* __GFP_SPM_NODE naming the node */
	STAT_ADMIT_NAMED,	/* a user named an allowed node */
	STAT_ADMIT_SPILL,	/* fallback onto a spill node */
	STAT_DENY_NO_ENTRY,	/* no entry for the task, or no task */
	STAT_DENY_NODE,		/* the entry does not have the node */
	STAT_DENY_UNNAMED,	/* not named, and not a spill */
	STAT_DENY_QUOTA,	/* over the node's quota */
	STAT_MPOL_ALLOW,
	STAT_MPOL_DENY,
	NR_CGROUP_STATS,
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NR_CGROUP_STATS);
	__type(key, u32);
	__type(value, u64);
} stats SEC(".maps");

UEI_DEFINE(uei);

static __always_inline s32 count_stat(u32 which, s32 ret)
{
	u64 *c = bpf_map_lookup_elem(&stats, &which);

	if (c)
		(*c)++;
	return ret;
}

/* The entry of the current task's nearest cgroup that has one. */
static __always_inline struct spm_cgroup_entry *find_entry(u64 *cgid)
{
	struct spm_cgroup_entry *found = NULL, *e;
	int level;

	for (level = 0; level <= MAX_CGROUP_LEVEL; level++) {
		u64 id = bpf_get_current_ancestor_cgroup_id(level);

		if (!id)
			break;
		e = bpf_map_lookup_elem(&SPM_CGROUP_TABLE, &id);
		if (e) {
			found = e;
			*cgid = id;
		}
	}
	return found;
}

/*
 * Would @pages more pages on @nid take the cgroup @cgid past @quota?  The
 * kernel counts a page once it is mapped or in the page cache: allocations
 * that race this one on other CPUs may pass the quota by one each.
 */
static __always_inline bool over_quota(u64 cgid, u32 nid, u64 quota,
				       u64 pages)
{
	return spm_bpf_cgroup_node_pages(cgid, nid) + pages > quota;
}

/* A mask of every memory node is nobody's choice of a node. */
static __always_inline bool all_nodes_mask(const struct spm_admit_ctx *req)
{
	return !trust_all_nodes_mask && (req->flags & SPM_CTX_NODEMASK_ALL);
}

SEC("struct_ops/admit")
s32 BPF_PROG(cgroup_admit, const struct spm_admit_ctx *req)
{
	struct spm_cgroup_entry *e;
	u32 nid = req->nid, reason = req->reason;
	u64 cgid = 0, quota;
	bool spill;

	/* The hard guardrail holds for everyone. */
	if ((req->flags & SPM_CTX_GFP_SPM) && spm_ctx_named(req))
		return count_stat(STAT_ADMIT_KERNEL, 1);
	if (!(req->flags & SPM_CTX_IN_TASK))
		return count_stat(STAT_DENY_NO_ENTRY, 0);
	e = find_entry(&cgid);
	if (!e)
		return count_stat(STAT_DENY_NO_ENTRY, 0);
	if (nid >= SPM_CGROUP_MAX_NODES || !(e->nodes & (1ULL << nid)))
		return count_stat(STAT_DENY_NODE, 0);

	if (spm_ctx_user_named(req, spm_reasons_or(user_reasons, SPM_USER_REASONS)) &&
	    !all_nodes_mask(req))
		spill = false;
	else if ((e->spill_nodes & (1ULL << nid)) && reason < 64 &&
		 (spm_reasons_or(spill_reasons, SPM_USER_REASONS) &
		  SPM_REASON_BIT(reason)))
		spill = true;
	else
		return count_stat(STAT_DENY_UNNAMED, 0);

	quota = e->quota_pages[nid];
	if (quota && over_quota(cgid, nid, quota, 1ULL << (req->order & 31)))
		return count_stat(STAT_DENY_QUOTA, 0);
	return count_stat(spill ? STAT_ADMIT_SPILL : STAT_ADMIT_NAMED, 1);
}

SEC("struct_ops/mpol_check")
s32 BPF_PROG(cgroup_mpol_check, const struct spm_admit_ctx *req)
{
	struct spm_cgroup_entry *e;
	u32 nid = req->nid;
	u64 cgid = 0;

	e = find_entry(&cgid);
	if (!e || nid >= SPM_CGROUP_MAX_NODES || !(e->nodes & (1ULL << nid)) ||
	    all_nodes_mask(req))
		return count_stat(STAT_MPOL_DENY, -EPERM);
	return count_stat(STAT_MPOL_ALLOW, 0);
}

SEC("struct_ops.s/exit")
void BPF_PROG(cgroup_exit, struct spm_exit_info *info)
{
	UEI_RECORD(uei, info);
}

SPM_OPS_DEFINE(cgroup_spm_ops,
	       .admit = (void *)cgroup_admit,
	       .mpol_check = (void *)cgroup_mpol_check,
	       .exit = (void *)cgroup_exit,
	       .name = "cgroup_spm");
