// SPDX-License-Identifier: GPL-2.0
/* Node lists: parse, format, parse again, same nodes. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t bits[SPM_NODE_WORDS], again[SPM_NODE_WORDS];
	char *s = fuzz_str(data, size), err[SPM_ERRLEN];
	static char buf[8 * SPM_MAX_NODES];

	if (!spm_parse_nodelist(s, bits, SPM_MAX_NODES, err, sizeof(err))) {
		spm_format_nodes(bits, SPM_MAX_NODES, buf, sizeof(buf));
		fuzz_assert(!spm_parse_nodelist(buf, again, SPM_MAX_NODES,
						err, sizeof(err)));
		fuzz_assert(!memcmp(bits, again, sizeof(bits)));
		fuzz_assert(spm_nodelist_highest(bits, SPM_MAX_NODES) <
			    SPM_MAX_NODES);
	} else {
		fuzz_assert(err[0]);
	}
	/* a mask narrower than a word, as --set *_nodes of a u8 has */
	spm_parse_nodelist(s, bits, 8, err, sizeof(err));
	free(s);
	return 0;
}
