// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Overwrites its own argv[1] as soon as it starts, then checks that
 * /proc/self/cmdline shows the new bytes and reports "rewritten 1" (or 0).
 *
 *   wl_rewrite SECRET
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "wl.h"

int main(int argc, char **argv)
{
	char buf[4096];
	ssize_t n;
	size_t len;
	int fd, ok;

	if (argc < 2)
		return 2;
	len = strlen(argv[1]);
	memset(argv[1], 'X', len);

	fd = open("/proc/self/cmdline", O_RDONLY);
	if (fd < 0)
		wl_die("open cmdline");
	n = read(fd, buf, sizeof(buf));
	close(fd);
	ok = n > 0 && memmem(buf, (size_t)n, argv[1], len) != NULL;
	wl_report("rewritten %d", ok);
	return 0;
}
