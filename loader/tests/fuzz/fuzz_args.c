// SPDX-License-Identifier: GPL-2.0
/* The command line: the input's lines are the words after "spm-loader". */
#include "fuzz.h"

#define FUZZ_MAX_WORDS	16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size), *argv[FUZZ_MAX_WORDS + 2], *p;
	char err[SPM_ERRLEN];
	struct spm_args a;
	int argc = 1;

	argv[0] = "spm-loader";
	for (p = s; p && argc <= FUZZ_MAX_WORDS; argc++) {
		argv[argc] = p;
		p = strchr(p, '\n');
		if (p)
			*p++ = '\0';
	}
	argv[argc] = NULL;
	if (spm_parse_args(argc, argv, &a, err, sizeof(err)))
		fuzz_assert(err[0]);
	else
		fuzz_assert(a.cmd != SPM_CMD_NONE && a.cmd < SPM_NR_CMDS &&
			    (a.cmd != SPM_CMD_ATTACH || a.file));
	spm_free_args(&a);
	free(s);
	return 0;
}
