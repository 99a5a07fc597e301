/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* Checks the fuzz targets share: what any output of tracer must be. */
#ifndef TRACER_FUZZ_CHECK_H
#define TRACER_FUZZ_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

/* Stops the run with a message libFuzzer shows next to the crashing input. */
#define FUZZ_ASSERT(cond)                                                                        \
	do {                                                                                     \
		if (!(cond)) {                                                                   \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                 \
		}                                                                                \
	} while (0)

/* True if s[0..len) is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
bool fuzz_valid_utf8(const char *s, size_t len);
/* True if s[0..len) holds no C0 control byte (tab and newline included) and no DEL. */
bool fuzz_no_controls(const char *s, size_t len);

#endif /* TRACER_FUZZ_CHECK_H */
