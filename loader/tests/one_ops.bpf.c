// SPDX-License-Identifier: GPL-2.0
/* A well-formed policy: one spm_ops map and globals of every kind. */
#include "test_bpf.h"

char _license[] SEC("license") = "GPL";

const volatile __u8 v_u8 = 1;
const volatile __s8 v_s8 = -1;
const volatile __u16 v_u16;
const volatile __s16 v_s16;
const volatile __u32 v_u32;
const volatile __s32 v_s32;
const volatile __u64 v_u64;
const volatile __s64 v_s64;
const volatile bool v_bool;
const volatile __u64 allow_nodes;
const volatile __u8 small_nodes;
const volatile __u32 allow_reasons;
const volatile __u8 tiny_reasons;

enum test_mode { MODE_OFF, MODE_EXPLICIT = 5, MODE_SPILL = 7 };
const volatile enum test_mode mode;

typedef const volatile __u32 cv_u32_t;
cv_u32_t typedef_var;

const __u32 not_volatile = 3;
__u32 in_bss;
__u32 in_data = 1;
const volatile struct { int a; } a_struct;

SEC("struct_ops/test_admit")
int test_admit(unsigned long long *ctx)
{
	return v_u8 + v_s8 + v_u16 + v_s16 + v_u32 + v_s32 + v_u64 + v_s64 +
	       v_bool + allow_nodes + small_nodes + allow_reasons +
	       tiny_reasons + mode + typedef_var + not_volatile + in_bss +
	       in_data + a_struct.a;
}

SEC(".struct_ops.link")
struct spm_ops one_ops = {
	.admit = (void *)test_admit,
	.name = "one_policy",
};
