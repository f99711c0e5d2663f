// SPDX-License-Identifier: GPL-2.0
/*
 * Test results: the reason a test fails or is skipped, and diagnostics.
 * In every binary of the suite (spm_selftest, spm_demo, spm_bench), so
 * that the helpers of testlib.c can report the same way everywhere.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

bool verbose;
const char *test_name = "spm_selftest";

static char reason[512];
static int reason_kind;

static int set_reason(int kind, const char *fmt, va_list ap)
{
	if (!reason_kind) {
		vsnprintf(reason, sizeof(reason), fmt, ap);
		reason_kind = kind;
	}
	return kind;
}

int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_reason(FAIL, fmt, ap);
	va_end(ap);
	return FAIL;
}

int skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_reason(SKIP, fmt, ap);
	va_end(ap);
	return SKIP;
}

/* Every line of it a KTAP diagnostic: "# name: first", "#   next". */
void info(const char *fmt, ...)
{
	char buf[8192], *line, *nl;
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (line = buf; line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		if (line == buf)
			printf("# %s: %s\n", test_name, line);
		else if (*line || nl)
			printf("#   %s\n", line);
	}
}

const char *test_reason(void)
{
	return reason_kind ? reason : "";
}

int test_reason_kind(void)
{
	return reason_kind;
}

int fail_prefix(const char *prefix)
{
	char old[sizeof(reason)];
	int n;

	if (!reason_kind)
		return fail("%s: failed without a reason", prefix);
	memcpy(old, reason, sizeof(old));
	n = snprintf(reason, sizeof(reason), "%s: ", prefix);
	if (n > 0 && (size_t)n < sizeof(reason))
		memcpy(reason + n, old, sizeof(reason) - n - 1);
	reason[sizeof(reason) - 1] = '\0';
	return reason_kind;
}
