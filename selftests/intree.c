// SPDX-License-Identifier: GPL-2.0
/*
 * The series' own selftests (tools/testing/selftests/spm_ops in the kernel
 * tree, the ones upstream CI would run), built against the test kernel and
 * run here as one test: every one of theirs must pass.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "testlib.h"

#define INTREE_RUNNER	"/bin/spm_ops_kselftest"

static int test_intree(void)
{
	char out[16384], *line, *save;
	int r, ok = 0, not_ok = 0, skipped = 0;

	r = run_cmd(INTREE_RUNNER " 2>&1", out, sizeof(out));
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		info("%s", line);
		if (!strncmp(line, "not ok ", 7))
			not_ok++;
		else if (!strncmp(line, "ok ", 3) && strstr(line, "# SKIP"))
			skipped++;
		else if (!strncmp(line, "ok ", 3))
			ok++;
	}
	info("tools/testing/selftests/spm_ops: %d passed, %d failed, %d skipped",
	     ok, not_ok, skipped);
	CHECK(r == 0 && !not_ok && !skipped && ok >= 7,
	      "tools/testing/selftests/spm_ops: exit %d, %d passed, %d failed, %d skipped (all 7 must pass here)",
	      r, ok, not_ok, skipped);
	return PASS;
}
TEST(intree_selftests, "tools/testing/selftests/spm_ops, the series' own tests, all pass",
     need_spm_ops, test_intree, cleanup_policy);
