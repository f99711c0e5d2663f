// SPDX-License-Identifier: GPL-2.0
/*
 * template: the smallest useful spm_ops policy, to copy and change.
 *
 * It admits what the built-in rule admits (a kernel caller that passes
 * __GFP_SPM_NODE and names the node) and, in addition, user memory of the
 * processes whose pid the operator lists, when their own memory policy
 * names the node:
 *
 *	spm-loader attach template.bpf.o --set trusted_pid=1234
 *	numactl --membind=2 -- ...	# in process 1234: lands on node 2
 *
 * Build it in the tree (make -C bpf) or, copied elsewhere, with
 * make -C bpf POLICY=path/to/my_policy.bpf.c; see bpf/README.md.
 */
#include "spm.bpf.h"

/* kfuncs and struct_ops need a GPL-compatible licence. */
char _license[] SEC("license") = "GPL";

/*
 * A knob: const volatile globals live in .rodata, set by
 * spm-loader attach --set NAME=VALUE before the program is loaded, and
 * the verifier treats them as constants.
 */
const volatile s32 trusted_pid;

/* Verdicts per reason, read with spm-loader stats or bpftool map dump. */
SPM_VERDICTS_DEFINE();

/* The exit record spm-loader prints when the policy is ejected. */
UEI_DEFINE(uei);

/*
 * admit(): 1 lets the allocation take a page from req->nid, an SPM node;
 * 0 refuses it and the allocator goes on to system RAM.  It runs inside
 * the page allocator, in any context (hard IRQ too): no sleeping, no
 * allocating, keep it short.  req is read-only.
 */
SEC("struct_ops/admit")
s32 BPF_PROG(template_admit, const struct spm_admit_ctx *req)
{
	bool admit;

	/* The built-in rule: asked for with the flag, and named. */
	admit = (req->flags & SPM_CTX_GFP_SPM) && spm_ctx_named(req);
	/* ...or user memory of the trusted process, under its own policy. */
	if (!admit && trusted_pid && req->pid == trusted_pid)
		admit = spm_ctx_user_named(req, SPM_USER_REASONS);
	spm_count_verdict(req->reason, admit);
	return admit;
}

/*
 * mpol_check(): may a user memory policy (mbind, set_mempolicy) name the
 * SPM node nid?  0 allows it, -EINVAL refuses it, as the built-in rule
 * does for everyone else.  Without this op no one may.
 */
SEC("struct_ops/mpol_check")
s32 BPF_PROG(template_mpol_check, const struct spm_admit_ctx *req)
{
	bool allow = trusted_pid && req->pid == trusted_pid;

	spm_count_verdict(SPM_REASON_MPOL_CHECK, allow);
	return allow ? 0 : -EINVAL;
}

/* init(): sleepable, once at attach; an error refuses the attach. */
SEC("struct_ops.s/init")
s32 BPF_PROG(template_init)
{
	if (trusted_pid < 0) {
		/* Checked at compile time as printf's format is. */
		spm_error("trusted_pid %d is not a pid", trusted_pid);
		return -EINVAL;
	}
	return 0;
}

/* exit(): sleepable, once at detach or ejection; keep why. */
SEC("struct_ops.s/exit")
void BPF_PROG(template_exit, struct spm_exit_info *info)
{
	UEI_RECORD(uei, info);
}

/* Only .name is required; every op left out has the built-in default. */
SPM_OPS_DEFINE(template_ops,
	       .admit = (void *)template_admit,
	       .mpol_check = (void *)template_mpol_check,
	       .init = (void *)template_init,
	       .exit = (void *)template_exit,
	       .name = "template");
