// SPDX-License-Identifier: GPL-2.0
/*
 * --set values: integers of every size and sign (the first byte picks
 * them), bools and reason lists.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned int sizes[] = { 1, 2, 4, 8 };
	struct spm_enum_table tbl = {};
	unsigned int sz, bits;
	char *s, err[SPM_ERRLEN];
	bool is_signed, b;
	uint64_t v, mask;

	if (!size)
		return 0;
	sz = sizes[data[0] & 3];
	is_signed = data[0] & 4;
	bits = 8 + (data[0] >> 3) % 57;
	s = fuzz_str(data + 1, size - 1);

	if (!spm_parse_int(s, sz, is_signed, &v, err, sizeof(err)))
		fuzz_assert(sz == 8 || v < (1ULL << (sz * 8)));
	else
		fuzz_assert(err[0]);
	if (!spm_parse_bool(s, &b))
		fuzz_assert(!strcmp(s, "1") || !strcmp(s, "0") ||
			    !strcmp(s, "true") || !strcmp(s, "false"));

	spm_enum_table_add(&tbl, "fault", 0);
	spm_enum_table_add(&tbl, "demotion", 6);
	spm_enum_table_add(&tbl, "far", 40);
	if (!spm_parse_reasons(s, &tbl, bits, &mask, err, sizeof(err)))
		fuzz_assert(!(mask & ~((1ULL << 6) | 1 | (1ULL << 40))) &&
			    (bits > 40 || !(mask & (1ULL << 40))));
	spm_enum_table_free(&tbl);
	free(s);
	return 0;
}
