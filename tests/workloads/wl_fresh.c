// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Execs from freshly forked children whose argument strings the child never
 * touched, so that they may not be present in its memory when exec is
 * called (a BPF program cannot fault them in).
 *
 * String literals: after fork() the child has no page table entries for
 * this program's read-only data; whether a page is present when the kernel
 * reaches the tracer's probes then depends on the kernel's fault-around
 * (neighbours of a page it faults in, such as the filename's, are mapped
 * too), so each literal below fills a page of its own.
 *
 * Strings in a shared memfd mapping, 128 KiB apart: fork() never copies
 * the page table entries of a shared file mapping, and the mapping is not
 * touched in the child, so these strings are certainly not present.
 *
 *   wl_fresh MARKER SCRIPT
 *
 * After the gate, five children, each reported as "pid IDX <pid>":
 *   0: execl("/bin/true", literals..., MARKER)
 *   1: execl(SCRIPT, literals..., MARKER)               (a #! script)
 *   2: execl("/nonexistent/...", literals..., MARKER)   (fails: ENOENT)
 *   3: execve("/nonexistent/...", mapped strings)       (fails: ENOENT)
 *   4: execve("/bin/true", mapped strings)
 * The mapped strings are "mapped-arg0", "mapped string one", MARKER, "mapped".
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wl.h"

#define PAGE_LITERAL(name, text) \
	static const char name[4096] __attribute__((aligned(4096), used)) = text

PAGE_LITERAL(lit_arg0, "fresh-arg0-literal");
PAGE_LITERAL(lit_one, "fresh literal one, on a page of its own");
PAGE_LITERAL(lit_script_arg0, "fresh-script-arg0");
PAGE_LITERAL(lit_fail_path, "/nonexistent/e2e-fresh-literal-path");
PAGE_LITERAL(lit_fail_arg0, "fresh-failed-arg0");
PAGE_LITERAL(lit_mapped_path, "/nonexistent/e2e-fresh-mapped-path");

#define MAP_STRIDE (128 << 10)
#define MAP_STRINGS 4

extern char **environ;

static void wait_child(int idx, pid_t pid)
{
	int st;

	wl_report("pid %d %d", idx, pid);
	if (waitpid(pid, &st, 0) != pid)
		wl_die("waitpid");
	wl_report("status %d %d", idx, st);
}

/* MAP_STRINGS strings, MAP_STRIDE apart, in a shared mapping of a memfd. */
static char *map_strings(const char *marker)
{
	const char *strs[MAP_STRINGS] = { "mapped-arg0", "mapped string one", marker, "mapped" };
	char *map;
	int fd, i;

	fd = memfd_create("wl_fresh", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)MAP_STRIDE * MAP_STRINGS))
		wl_die("memfd");
	for (i = 0; i < MAP_STRINGS; i++) {
		size_t len = strlen(strs[i]) + 1;

		if (pwrite(fd, strs[i], len, (off_t)i * MAP_STRIDE) != (ssize_t)len)
			wl_die("pwrite");
	}
	map = mmap(NULL, (size_t)MAP_STRIDE * MAP_STRINGS, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		wl_die("mmap");
	return map;
}

int main(int argc, char **argv)
{
	const char *marker, *script;
	char *map, *margv[MAP_STRINGS + 1];
	pid_t pid;
	int i;

	if (argc != 3)
		return 2;
	marker = argv[1];
	script = argv[2];
	map = map_strings(marker);
	for (i = 0; i < MAP_STRINGS; i++)
		margv[i] = map + (size_t)i * MAP_STRIDE;
	margv[MAP_STRINGS] = NULL;
	wl_gate();

	pid = fork();
	if (pid == 0) {
		execl("/bin/true", lit_arg0, lit_one, "inline literal two", marker, (char *)NULL);
		_exit(127);
	}
	wait_child(0, pid);

	pid = fork();
	if (pid == 0) {
		execl(script, lit_script_arg0, "inline script literal", marker, (char *)NULL);
		_exit(127);
	}
	wait_child(1, pid);

	pid = fork();
	if (pid == 0) {
		execl(lit_fail_path, lit_fail_arg0, "inline failed literal", marker, (char *)NULL);
		_exit(127);
	}
	wait_child(2, pid);

	pid = fork();
	if (pid == 0) {
		execve(lit_mapped_path, margv, environ);
		_exit(127);
	}
	wait_child(3, pid);

	pid = fork();
	if (pid == 0) {
		execve("/bin/true", margv, environ);
		_exit(127);
	}
	wait_child(4, pid);
	return 0;
}
