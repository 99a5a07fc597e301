// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The program --stop-at stops (tests/stop): its first action is to create
 * the file argv[1], so that a test can tell it has not run yet. Built twice:
 * static and not position-independent (stopped at its ELF entry point), and
 * dynamic (stopped at the dynamic loader's entry).
 */
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd;

	if (argc < 2)
		return 2;
	fd = open(argv[1], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return 1;
	close(fd);
	return 0;
}
