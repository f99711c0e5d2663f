// SPDX-License-Identifier: GPL-2.0
/*
 * Hands spm_bpf_error_bstr() a format in writable global data, which the
 * policy could change or unterminate while the kernel formats it: the
 * verifier must refuse the program at load.
 */
#include "spm.bpf.h"

char _license[] SEC("license") = "GPL";

static char writable[] = "node %d";

SEC("struct_ops/admit")
s32 BPF_PROG(rw_fmt_admit, const struct spm_admit_ctx *req)
{
	unsigned long long args[1] = { req->nid };

	spm_bpf_error_bstr(writable, args, sizeof(args));
	return 0;
}

SPM_OPS_DEFINE(test_rw_fmt_ops,
	       .admit = (void *)rw_fmt_admit,
	       .name = "test_rw_fmt");
