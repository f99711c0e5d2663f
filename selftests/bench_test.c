// SPDX-License-Identifier: GPL-2.0
/*
 * bench_smoke: spm_bench runs one short round and prints every figure it
 * says it would (spm_bench --list), each once with a positive value, and
 * no other; then "bench done N figures".
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "testlib.h"

#define SPM_BENCH	"/bin/spm_bench"

static int test_bench_smoke(void)
{
	static char list[16384], out[32768];
	char *line, *save, policy[32], figure[64], unit[32], want[160];
	const char *at, *next;
	int nr = 0, listed = -1, r;
	double value;

	r = run_cmd(SPM_BENCH " --list 2>&1", list, sizeof(list));
	CHECK(r == 0, "spm_bench --list: exit %d: %.300s", r, list);
	/* a leading newline: every line, the first too, follows one */
	out[0] = '\n';
	r = run_cmd(SPM_BENCH " --reps 1 2>&1", out + 1, sizeof(out) - 1);
	CHECK(r == 0, "spm_bench --reps 1: exit %d: %.300s", r,
	      strstr(out, "bench error") ?: out);

	for (line = strtok_r(list, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "figures %d", &listed) == 1)
			continue;
		CHECK(sscanf(line, "figure %31s %63s %31s", policy, figure,
			     unit) == 3, "spm_bench --list: bad line '%s'",
		      line);
		snprintf(want, sizeof(want), "\nbench %s %s ", policy, figure);
		at = strstr(out, want);
		CHECK(at, "no figure %s under %s", figure, policy);
		CHECK(sscanf(at + strlen(want), "%lf %31s", &value, unit) == 2 &&
		      value > 0, "figure %s under %s: bad line '%.80s'",
		      figure, policy, at + 1);
		CHECK(!strstr(at + 1, want), "figure %s under %s twice", figure,
		      policy);
		nr++;
	}
	CHECK(listed == nr && nr > 0, "spm_bench --list: %d figures, says %d",
	      nr, listed);
	/* No figure but the listed ones, and the closing line. */
	for (at = out, r = 0; (next = strstr(at, "\nbench ")); at = next + 1)
		r += strncmp(next, "\nbench done ", 12) &&
		     strncmp(next, "\nbench error ", 13);
	CHECK(r == nr, "%d figure lines, %d listed", r, nr);
	snprintf(want, sizeof(want), "\nbench done %d figures\n", nr);
	CHECK(strstr(out, want), "expected '%s' in: %.300s", want + 1,
	      strstr(out, "bench done") ?: "(no bench done line)");
	info("%d figures", nr);
	return PASS;
}

static int setup_bench_smoke(void)
{
	int r = need_module();

	if (r == PASS && access(SPM_BENCH, X_OK))
		r = fail("%s missing from the guest", SPM_BENCH);
	return r;
}
TEST(bench_smoke, "spm_bench runs: every figure of spm_bench --list, one short round",
     setup_bench_smoke, test_bench_smoke, cleanup_policy);
