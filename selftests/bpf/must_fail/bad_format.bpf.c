// SPDX-License-Identifier: GPL-2.0
/*
 * Must NOT compile: spm_error()'s format does not match its arguments
 * (%s given a number, a conversion without an argument, an argument
 * without a conversion).  selftests/Makefile builds it with
 * make -C bpf POLICY=... and fails if the compiler accepts it, or rejects
 * it for another reason than -Wformat.
 */
#include "spm.bpf.h"

char _license[] SEC("license") = "GPL";

SEC("struct_ops/admit")
s32 BPF_PROG(bad_format_admit, const struct spm_admit_ctx *req)
{
	if (req->order > 10)
		spm_error("order %s on node %d", req->order, req->nid);
	if (req->nid > 60)
		spm_error("node %d, order %u");
	if (req->pid < 0)
		spm_exit(1, "pid", req->pid);
	return 0;
}

SPM_OPS_DEFINE(bad_format_ops,
	       .admit = (void *)bad_format_admit,
	       .name = "bad_format");
