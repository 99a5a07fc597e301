// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Every escaper on arbitrary bytes: the output is one line of valid UTF-8
 * with no control character, whatever the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "fuzz_check.h"

typedef int (*escaper)(FILE *out, const char *s, size_t len);

static void check_one(escaper fn, const char *s, size_t len)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);

	FUZZ_ASSERT(out);
	FUZZ_ASSERT(fn(out, s, len) == 0);
	FUZZ_ASSERT(fclose(out) == 0);
	FUZZ_ASSERT(size >= 2); /* at least the quotes, or '' */
	FUZZ_ASSERT(fuzz_no_controls(buf, size));
	FUZZ_ASSERT(fuzz_valid_utf8(buf, size));
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes, so that any read past the end is caught. */
	char *s = malloc(size ? size : 1);

	FUZZ_ASSERT(s);
	memcpy(s, data, size);
	check_one(escape_c_quoted, s, size);
	check_one(escape_json_string, s, size);
	if (size) {
		/* A bare shell word may be one byte long. */
		char *buf = NULL;
		size_t n = 0;
		FILE *out = open_memstream(&buf, &n);

		FUZZ_ASSERT(out);
		FUZZ_ASSERT(escape_shell_word(out, s, size) == 0);
		FUZZ_ASSERT(escape_shell_command_word(out, s, size) == 0);
		FUZZ_ASSERT(fclose(out) == 0);
		FUZZ_ASSERT(fuzz_no_controls(buf, n));
		FUZZ_ASSERT(fuzz_valid_utf8(buf, n));
		free(buf);
	} else {
		check_one(escape_shell_word, s, size);
		check_one(escape_shell_command_word, s, size);
	}
	free(s);
	return 0;
}
