/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libFuzzer harnesses of spm-loader's parsers.  Each is built twice: with
 * clang's -fsanitize=fuzzer for "make fuzz", and into test_loader, which
 * runs the checked-in corpus (tests/fuzz-corpus/NAME/) through it.
 */
#ifndef __SPM_FUZZ_H
#define __SPM_FUZZ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spm-loader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a C string (the parsers take argv words). */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A property that must hold; a crash is what the fuzzer reports. */
#define fuzz_assert(cond)	do { if (!(cond)) abort(); } while (0)

#endif /* __SPM_FUZZ_H */
