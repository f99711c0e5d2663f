// SPDX-License-Identifier: GPL-2.0
/* A struct_ops map of another type only. */
#include "test_bpf.h"

char _license[] SEC("license") = "GPL";

struct foo_ops {
	int (*run)(void);
	char name[16];
};

SEC("struct_ops/foo_run")
int foo_run(unsigned long long *ctx)
{
	return 0;
}

SEC(".struct_ops.link")
struct foo_ops foo = {
	.run = (void *)foo_run,
	.name = "foo",
};
