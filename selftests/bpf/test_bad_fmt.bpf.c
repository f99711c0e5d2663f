// SPDX-License-Identifier: GPL-2.0
/*
 * Hands spm_bpf_error_bstr() a format without its terminating NUL, in a
 * read-only map: the verifier must refuse the program at load, not let the
 * kernel read past the string when it formats the message.
 */
#include "spm.bpf.h"

char _license[] SEC("license") = "GPL";

/* Exactly 4 bytes: C drops the NUL of an initializer that does not fit. */
static const char unterminated[4] = "abcd";

SEC("struct_ops/admit")
s32 BPF_PROG(bad_fmt_admit, const struct spm_admit_ctx *req)
{
	unsigned long long args[1] = { req->nid };

	spm_bpf_error_bstr(unterminated, args, sizeof(args));
	return 0;
}

SPM_OPS_DEFINE(test_bad_fmt_ops,
	       .admit = (void *)bad_fmt_admit,
	       .name = "test_bad_fmt");
