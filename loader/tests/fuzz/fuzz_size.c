// SPDX-License-Identifier: GPL-2.0
/* Sizes (quotas): a size that parses is positive and formats back. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size), err[SPM_ERRLEN], buf[32];
	uint64_t bytes, again;

	if (!spm_parse_size(s, &bytes, err, sizeof(err))) {
		fuzz_assert(bytes > 0);
		spm_format_size(bytes, buf, sizeof(buf));
		/* an exact unit parses back to the same bytes */
		if (!strchr(buf, '.')) {
			fuzz_assert(!spm_parse_size(buf, &again, err,
						    sizeof(err)));
			fuzz_assert(again == bytes);
		}
	} else {
		fuzz_assert(err[0]);
	}
	free(s);
	return 0;
}
