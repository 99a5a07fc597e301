// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* The test hooks (testhooks.h): compiled only with -DTRACER_TEST_HOOKS=ON. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "testhooks.h"

bool testhook_no_prepare_exec(void)
{
	return getenv("TRACER_TEST_NO_PREPARE_EXEC") != NULL;
}

void testhook_seed_hold(void)
{
	const char *path = getenv("TRACER_TEST_SEED_HOLD");
	char c;
	int fd;

	if (!path)
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	while (read(fd, &c, 1) < 0 && errno == EINTR)
		;
	close(fd);
}
