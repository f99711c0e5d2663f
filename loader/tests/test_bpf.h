/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal environment for the loader's test objects: they must open on any
 * host, so they use neither vmlinux.h nor the system headers, and declare
 * their own struct spm_ops (libbpf only matches it to the kernel's at load).
 */
#ifndef __SPM_TEST_BPF_H
#define __SPM_TEST_BPF_H

typedef unsigned char __u8;
typedef signed char __s8;
typedef unsigned short __u16;
typedef short __s16;
typedef unsigned int __u32;
typedef int __s32;
typedef unsigned long long __u64;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef _Bool bool;
#define true	1
#define false	0

#include <bpf/bpf_helpers.h>

struct spm_admit_ctx;

struct spm_ops {
	int (*admit)(struct spm_admit_ctx *ctx);
	int (*init)(void);
	__u64 flags;
	char name[32];
};

#endif
