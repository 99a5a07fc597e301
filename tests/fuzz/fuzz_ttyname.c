// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * tty_normalize on arbitrary names and buffer sizes: a result fits, is a
 * path under /dev with no ".." and no empty component, and normalizing it
 * again gives itself.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "ttyname.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cap;
	char *name, *path, again[512];
	int ret;

	if (size < 1)
		return 0;
	/* The first byte picks the output buffer's size (0..255). */
	cap = data[0];
	name = strndup((const char *)data + 1, size - 1);
	path = malloc(cap ? cap : 1);
	FUZZ_ASSERT(name && path);
	ret = tty_normalize(name, path, cap);
	FUZZ_ASSERT(ret == 0 || ret == -EINVAL || ret == -ENAMETOOLONG);
	if (ret == 0) {
		size_t len = strnlen(path, cap);

		FUZZ_ASSERT(len < cap);
		FUZZ_ASSERT(strncmp(path, "/dev/", 5) == 0);
		FUZZ_ASSERT(!strstr(path, "/../") && !strstr(path, "//"));
		FUZZ_ASSERT(path[len - 1] != '/');
		FUZZ_ASSERT(tty_normalize(path, again, sizeof(again)) == 0);
		FUZZ_ASSERT(strcmp(path, again) == 0);
	}
	free(path);
	free(name);
	return 0;
}
