/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What an spm_ops policy needs: the kfuncs, spm_error() / spm_exit() with
 * format arguments, SPM_OPS_DEFINE() and the user exit info (UEI) record.
 * Include it after nothing else; it pulls in vmlinux.h and libbpf's helpers.
 * See bpf/README.md.
 */
#ifndef __SPM_BPF_H
#define __SPM_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

/*
 * Compat: does the running kernel have what is newer than the first
 * spm_ops kernel?  A policy tests it, as spm_ctx_nid_in_nodemask() does,
 * instead of failing the load on an older kernel.  Functions, defined
 * before the macros below: bpf_core_enum_value_exists() needs the
 * enumerator itself.
 */
static __always_inline bool __COMPAT_spm_ctx_nid_in_nodemask_flag(void)
{
	return bpf_core_enum_value_exists(enum spm_ctx_flags,
					  SPM_CTX_NID_IN_NODEMASK);
}

/*
 * The values of the kernel's spm enums as the running kernel has them, read
 * from its BTF at load (CO-RE), not as the vmlinux.h a policy was built
 * with: a policy built against an older header still means the same reason
 * and flag.  Each enumerator's name stands for its relocated value, so they
 * cannot be used where C wants a constant (a global's initializer, a case
 * label); an enumerator the running kernel lacks fails the load.
 */
#define __SPM_CORE_ENUM(type, name)	bpf_core_enum_value(enum type, name)
#define SPM_REASON_NONE		__SPM_CORE_ENUM(spm_reason, SPM_REASON_NONE)
#define SPM_REASON_FAULT	__SPM_CORE_ENUM(spm_reason, SPM_REASON_FAULT)
#define SPM_REASON_PAGECACHE	__SPM_CORE_ENUM(spm_reason, SPM_REASON_PAGECACHE)
#define SPM_REASON_THP		__SPM_CORE_ENUM(spm_reason, SPM_REASON_THP)
#define SPM_REASON_KHUGEPAGED	__SPM_CORE_ENUM(spm_reason, SPM_REASON_KHUGEPAGED)
#define SPM_REASON_HUGETLB	__SPM_CORE_ENUM(spm_reason, SPM_REASON_HUGETLB)
#define SPM_REASON_DEMOTION	__SPM_CORE_ENUM(spm_reason, SPM_REASON_DEMOTION)
#define SPM_REASON_MIGRATE_SYSCALL \
	__SPM_CORE_ENUM(spm_reason, SPM_REASON_MIGRATE_SYSCALL)
#define SPM_REASON_NUMA_BALANCING \
	__SPM_CORE_ENUM(spm_reason, SPM_REASON_NUMA_BALANCING)
#define SPM_REASON_HOTPLUG	__SPM_CORE_ENUM(spm_reason, SPM_REASON_HOTPLUG)
#define SPM_REASON_BULK		__SPM_CORE_ENUM(spm_reason, SPM_REASON_BULK)
#define SPM_REASON_MPOL_CHECK	__SPM_CORE_ENUM(spm_reason, SPM_REASON_MPOL_CHECK)
#define NR_SPM_REASONS		__SPM_CORE_ENUM(spm_reason, NR_SPM_REASONS)
#define SPM_CTX_GFP_SPM		__SPM_CORE_ENUM(spm_ctx_flags, SPM_CTX_GFP_SPM)
#define SPM_CTX_THISNODE	__SPM_CORE_ENUM(spm_ctx_flags, SPM_CTX_THISNODE)
#define SPM_CTX_HAS_NODEMASK	__SPM_CORE_ENUM(spm_ctx_flags, SPM_CTX_HAS_NODEMASK)
#define SPM_CTX_USER_POLICY	__SPM_CORE_ENUM(spm_ctx_flags, SPM_CTX_USER_POLICY)
#define SPM_CTX_IN_TASK		__SPM_CORE_ENUM(spm_ctx_flags, SPM_CTX_IN_TASK)
#define SPM_CTX_NID_IN_NODEMASK	__SPM_CORE_ENUM(spm_ctx_flags, SPM_CTX_NID_IN_NODEMASK)
#define SPM_CTX_NODEMASK_ALL	__SPM_CORE_ENUM(spm_ctx_flags, SPM_CTX_NODEMASK_ALL)
#define SPM_EXIT_NONE		__SPM_CORE_ENUM(spm_exit_kind, SPM_EXIT_NONE)
#define SPM_EXIT_UNREG		__SPM_CORE_ENUM(spm_exit_kind, SPM_EXIT_UNREG)
#define SPM_EXIT_UNREG_BPF	__SPM_CORE_ENUM(spm_exit_kind, SPM_EXIT_UNREG_BPF)
#define SPM_EXIT_UNREG_KERNEL	__SPM_CORE_ENUM(spm_exit_kind, SPM_EXIT_UNREG_KERNEL)
#define SPM_EXIT_ERROR		__SPM_CORE_ENUM(spm_exit_kind, SPM_EXIT_ERROR)
#define SPM_EXIT_ERROR_BPF	__SPM_CORE_ENUM(spm_exit_kind, SPM_EXIT_ERROR_BPF)
#define SPM_EXIT_BAD_RETURN	__SPM_CORE_ENUM(spm_exit_kind, SPM_EXIT_BAD_RETURN)
#define SPM_EXIT_OVER_BUDGET	__SPM_CORE_ENUM(spm_exit_kind, SPM_EXIT_OVER_BUDGET)

/* What mpol_check() returns to refuse; vmlinux.h has no errno values. */
#ifndef EPERM
#define EPERM		1
#endif
#ifndef EINVAL
#define EINVAL		22
#endif

/* Kernel functions a policy may call (mm/spm_ops.c). */
void spm_bpf_error_bstr(const char *fmt, unsigned long long *data,
			u32 data__sz) __ksym;
void spm_bpf_exit_bstr(s64 code, const char *fmt, unsigned long long *data,
		       u32 data__sz) __ksym;
u64 spm_bpf_node_free_pages(s32 nid) __ksym;
/* Only from admit() and mpol_check(). */
u64 spm_bpf_cgroup_node_pages(u64 cgroup_id, s32 nid) __ksym;
/* With the ctx of admit() or mpol_check(); weak: see spm_ctx_nodemask_test() */
bool spm_bpf_ctx_nodemask_test(const struct spm_admit_ctx *ctx,
			       s32 nid) __ksym __weak;

/*
 * Declare a message's format and its arguments packed into an array of u64,
 * the way bpf_printk() packs them, for the *_bstr() kfuncs.  The format is
 * const, in .rodata: the kernel accepts only a constant, NUL-terminated
 * string (its verifier checks both at load).
 */
#define __spm_bstr_args(fmt, args...)					\
	static const char ___spm_fmt[] = fmt;				\
	unsigned long long ___spm_args[___bpf_narg(args)];		\
									\
	_Pragma("GCC diagnostic push")					\
	_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")		\
	___bpf_fill(___spm_args, args);					\
	_Pragma("GCC diagnostic pop")

/*
 * The format of spm_error() and spm_exit() checked against its arguments
 * at compile time, as printf()'s: a call the compiler sees but that
 * generates no code.  A mismatch (a missing or extra argument, %s given a
 * number, %d given a pointer) is an error, not a warning: the kernel would
 * only refuse the format at run time, ejecting the policy.
 */
static inline __attribute__((format(printf, 1, 2)))
void ___spm_format_check(const char *fmt, ...) {}

#define __spm_check_format(fmt, args...)				\
	_Pragma("GCC diagnostic push")					\
	_Pragma("GCC diagnostic error \"-Wformat\"")			\
	_Pragma("GCC diagnostic error \"-Wformat-extra-args\"")		\
	___spm_format_check(fmt, ##args);				\
	_Pragma("GCC diagnostic pop")

/* Eject the policy with an error; the message ends up in last_exit. */
#define spm_error(fmt, args...)						\
({									\
	__spm_check_format(fmt, ##args)					\
	__spm_bstr_args(fmt, ##args)					\
	spm_bpf_error_bstr(___spm_fmt, ___spm_args, sizeof(___spm_args));\
})

/* Detach the policy on its own initiative, reporting @code. */
#define spm_exit(code, fmt, args...)					\
({									\
	__spm_check_format(fmt, ##args)					\
	__spm_bstr_args(fmt, ##args)					\
	spm_bpf_exit_bstr((code), ___spm_fmt, ___spm_args,		\
			  sizeof(___spm_args));				\
})

/*
 * The policy's struct spm_ops, attached with a BPF link so that the kernel
 * can detach it:  SPM_OPS_DEFINE(my_policy, .admit = (void *)my_admit,
 * .name = "my_policy");
 */
#define SPM_OPS_DEFINE(__var, ...)					\
	SEC(".struct_ops.link") struct spm_ops __var = { __VA_ARGS__ }

/* Bit of @reason in a mask of reasons (spm-loader --set *_reasons=...). */
#define SPM_REASON_BIT(reason)	(1ULL << (reason))

/*
 * Is @nid in the caller's nodemask?  Any node on a kernel with
 * spm_bpf_ctx_nodemask_test(); on one without, nodes 0-63 of
 * ctx->nodemask.
 */
static __always_inline bool spm_ctx_nodemask_test(const struct spm_admit_ctx *ctx,
						  s32 nid)
{
	if (bpf_ksym_exists(spm_bpf_ctx_nodemask_test))
		return spm_bpf_ctx_nodemask_test(ctx, nid);
	return (ctx->flags & SPM_CTX_HAS_NODEMASK) && nid >= 0 && nid < 64 &&
	       (ctx->nodemask & (1ULL << nid));
}

/* Is ctx->nid in the caller's nodemask (which it has)? */
static __always_inline bool spm_ctx_nid_in_nodemask(const struct spm_admit_ctx *ctx)
{
	if (__COMPAT_spm_ctx_nid_in_nodemask_flag())
		return ctx->flags & SPM_CTX_NID_IN_NODEMASK;
	return ctx->nid < 64 && (ctx->nodemask & (1ULL << ctx->nid));
}

/* Is ctx->nid the node the caller named? */
static __always_inline bool spm_ctx_named(const struct spm_admit_ctx *ctx)
{
	if (ctx->flags & SPM_CTX_HAS_NODEMASK)
		return spm_ctx_nid_in_nodemask(ctx);
	return ctx->nid == ctx->preferred_nid;
}

/*
 * The reasons of user memory that a user memory policy can name a node for:
 * page faults (anonymous memory, page tables), page cache and large folios.
 * Not the bulk allocator, hugetlb pool fills, demotion or atomic
 * allocations, which a task's policy also steers but its user never meant.
 */
#define SPM_USER_REASONS	(SPM_REASON_BIT(SPM_REASON_FAULT) |	\
				 SPM_REASON_BIT(SPM_REASON_PAGECACHE) |	\
				 SPM_REASON_BIT(SPM_REASON_THP))

/*
 * The initial value of a knob of reasons (const volatile u64 ..._reasons)
 * that means "@dflt": C wants a constant there, and the reasons' values are
 * the running kernel's.  spm-loader --set replaces it with a real mask.
 */
#define SPM_REASONS_DEFAULT	(~0ULL)
#define spm_reasons_or(knob, dflt)					\
	((knob) == SPM_REASONS_DEFAULT ? (dflt) : (knob))

/*
 * Did a user name ctx->nid for this allocation?  Either a memory policy
 * the user set (mbind, set_mempolicy, a tmpfs mpol=) names it and the
 * request is one of @user_reasons, or a migration system call (mbind with
 * MPOL_MF_MOVE, migrate_pages, move_pages) moves pages there: the kernel
 * asked mpol_check() about its target nodes first.  Kernel-built masks,
 * the default policies and the allocator's fallback name nothing.
 */
static __always_inline bool spm_ctx_user_named(const struct spm_admit_ctx *ctx,
					       u64 user_reasons)
{
	u32 reason = ctx->reason;

	if (!spm_ctx_named(ctx))
		return false;
	if (reason == SPM_REASON_MIGRATE_SYSCALL)
		return true;
	return (ctx->flags & SPM_CTX_USER_POLICY) && reason < 64 &&
	       (user_reasons & SPM_REASON_BIT(reason));
}

/*
 * Admit and deny counts per reason, per CPU, in a map named "verdicts"
 * (spm-loader --pin pins it at /sys/fs/bpf/spm_ops/maps/verdicts).
 * mpol_check() verdicts count as SPM_REASON_MPOL_CHECK.
 */
struct spm_verdict_count {
	u64 admit;
	u64 deny;
};

/* Room for any kernel's reasons: masks of reasons are u64. */
#define SPM_MAX_REASONS		64

#define SPM_VERDICTS_DEFINE()						\
	struct {							\
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);		\
		__uint(max_entries, SPM_MAX_REASONS);			\
		__type(key, u32);					\
		__type(value, struct spm_verdict_count);		\
	} verdicts SEC(".maps")

#define spm_count_verdict(__reason, __admit)				\
({									\
	u32 ___spm_reason = (__reason);					\
	struct spm_verdict_count *___spm_c;				\
									\
	___spm_c = bpf_map_lookup_elem(&verdicts, &___spm_reason);	\
	if (___spm_c) {							\
		if (__admit)						\
			___spm_c->admit++;				\
		else							\
			___spm_c->deny++;				\
	}								\
})

/*
 * User exit info: why the policy exited, kept in the policy's own .data so
 * that whoever holds the object (spm-loader, bpftool map dump) can read it
 * after the kernel has detached the policy.
 */
struct spm_uei {
	s64 kind;	/* 64 bits: a 32-bit cmpxchg needs -mcpu=v3 */
	s64 exit_code;
	char reason[32];
	char msg[256];
};

#define UEI_DEFINE(__name)						\
	struct spm_uei __name SEC(".data")

#define UEI_RECORD(__uei, __info)					\
({									\
	bpf_probe_read_kernel_str((__uei).reason, sizeof((__uei).reason),\
				  (__info)->reason);			\
	bpf_probe_read_kernel_str((__uei).msg, sizeof((__uei).msg),	\
				  (__info)->msg);			\
	(__uei).exit_code = (__info)->exit_code;			\
	/* Last, with a barrier: a non-zero kind says it is complete. */\
	__sync_val_compare_and_swap(&(__uei).kind, (__uei).kind,	\
				    (__info)->kind);			\
})

#endif /* __SPM_BPF_H */
