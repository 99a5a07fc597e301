// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * For test_sh: writes its argv, cwd and environment to fd 3, each string
 * followed by a NUL: "argv", argc strings, "cwd", the cwd, "env", the
 * entries in environ's order.
 */
#include <limits.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static void put(const char *s)
{
	size_t len = strlen(s) + 1;

	if (write(3, s, len) != (ssize_t)len)
		_exit(2);
}

int main(int argc, char **argv)
{
	char cwd[PATH_MAX];
	char **e;
	int i;

	put("argv");
	for (i = 0; i < argc; i++)
		put(argv[i]);
	put("cwd");
	if (!getcwd(cwd, sizeof(cwd)))
		return 3;
	put(cwd);
	put("env");
	for (e = environ; *e; e++)
		put(*e);
	return 0;
}
