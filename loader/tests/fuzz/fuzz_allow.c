// SPDX-License-Identifier: GPL-2.0
/* --allow and cgroup set: CGROUP=NODES[:MODE][:QUOTA]. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size), err[SPM_ERRLEN];
	struct spm_cgroup_spec spec;

	if (!spm_parse_cgroup_spec(s, &spec, err, sizeof(err))) {
		fuzz_assert(spec.path && spec.path[0] && spec.nodes);
		fuzz_assert(strlen(spec.path) < strlen(s));
		spm_free_cgroup_spec(&spec);
	} else {
		fuzz_assert(err[0] && !spec.path);
	}
	free(s);
	return 0;
}
