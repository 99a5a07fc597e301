// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Terminal names: tty_normalize() and tty_resolve(). */
#include <errno.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/types.h>

#include <criterion/criterion.h>

#include "wire.h"
#include "ttyname.h"

Test(tty_normalize, spellings)
{
	static const struct {
		const char *name;
		const char *path;
	} cases[] = {
		{ "/dev/pts/9", "/dev/pts/9" },
		{ "pts/9", "/dev/pts/9" },
		{ "pts9", "/dev/pts/9" },
		{ "pts/123", "/dev/pts/123" },
		{ "pts0", "/dev/pts/0" },
		{ "/dev/pts/0", "/dev/pts/0" },
		{ "tty1", "/dev/tty1" },
		{ "ttyS0", "/dev/ttyS0" },
		{ "console", "/dev/console" },
		{ "ttyUSB0", "/dev/ttyUSB0" },
		{ "ttyACM12", "/dev/ttyACM12" },
		{ "hvc0", "/dev/hvc0" },
		{ "/dev/tty1", "/dev/tty1" },
		{ "/dev/ttyS0", "/dev/ttyS0" },
		{ "/dev/console", "/dev/console" },
		/* An explicit /dev path is kept as written. */
		{ "/dev/pts9", "/dev/pts9" },
		{ "/dev/tty", "/dev/tty" },
		{ "serial/by-id/usb-x", "/dev/serial/by-id/usb-x" },
		{ "/dev/..tty", "/dev/..tty" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[64];

		memset(path, 'x', sizeof(path));
		cr_assert_eq(tty_normalize(cases[i].name, path, sizeof(path)), 0, "%s",
			     cases[i].name);
		cr_assert_str_eq(path, cases[i].path, "%s", cases[i].name);
	}
}

Test(tty_normalize, rejects)
{
	static const char *const bad[] = {
		"",
		"..",
		".",
		"../tty1",
		"../etc/passwd",
		"/dev/../etc/passwd",
		"/dev/pts/../tty1",
		"pts/..",
		"foo/../tty1",
		"/dev/./tty1",
		"./tty1",
		"pts//9",
		"/dev//tty1",
		"//dev/tty1",
		"tty1/",
		"/dev/pts/9/",
		"/dev/",
		"/dev",
		"/",
		"/etc/passwd",
		"/tmp/tty1",
		"/devx/tty1",
		"/proc/self/fd/0",
		"pts/",
		"pts/9x",
		"pts/x",
		"pts/-1",
		"pts/9/1",
		"pts9x",
		"pts",
		"ptsx",
		"/dev/pts/",
		"/dev/pts",
		"/dev/pts/x",
		"/dev/pts/9x",
		"/dev/pts/ptmx",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char path[64] = "untouched";

		cr_assert_eq(tty_normalize(bad[i], path, sizeof(path)), -EINVAL, "%s", bad[i]);
		cr_assert_str_eq(path, "", "%s", bad[i]);
	}
	cr_assert_eq(tty_normalize(NULL, NULL, 0), -EINVAL);
}

Test(tty_normalize, too_long)
{
	char path[16];

	/* "/dev/pts/9" is 10 characters plus the NUL. */
	cr_assert_eq(tty_normalize("pts9", path, 11), 0);
	cr_assert_str_eq(path, "/dev/pts/9");
	cr_assert_eq(tty_normalize("pts9", path, 10), -ENAMETOOLONG);
	cr_assert_eq(tty_normalize("pts/9", path, 10), -ENAMETOOLONG);
	cr_assert_eq(tty_normalize("/dev/pts/9", path, 10), -ENAMETOOLONG);
	cr_assert_eq(tty_normalize("tty1", path, 10), 0);
	cr_assert_eq(tty_normalize("ttyS10", path, 10), -ENAMETOOLONG);
	cr_assert_eq(tty_normalize("tty1", NULL, 0), -ENAMETOOLONG);
	/* A bad name stays a bad name, whatever the size. */
	cr_assert_eq(tty_normalize("pts/9x", path, 2), -EINVAL);
}

struct pty {
	int master, slave;
	char name[64];
	uint32_t dev;
};

static void open_pty(struct pty *p)
{
	struct stat st;

	if (openpty(&p->master, &p->slave, p->name, NULL, NULL))
		cr_skip_test("openpty: %s", strerror(errno));
	cr_assert_eq(strncmp(p->name, "/dev/pts/", 9), 0, "%s", p->name);
	cr_assert_eq(stat(p->name, &st), 0);
	cr_assert(S_ISCHR(st.st_mode));
	p->dev = TRACER_TTY_DEV(major(st.st_rdev), minor(st.st_rdev));
	cr_assert_neq(p->dev, 0);
}

static void close_pty(struct pty *p)
{
	close(p->slave);
	close(p->master);
}

Test(tty_resolve, real_pty)
{
	char spelling[80];
	struct pty p;
	uint32_t dev;

	open_pty(&p);

	dev = 0;
	cr_assert_eq(tty_resolve(p.name, &dev), 0, "%s", p.name);
	cr_assert_eq(dev, p.dev);

	/* pts/N */
	dev = 0;
	cr_assert_eq(tty_resolve(p.name + 5, &dev), 0, "%s", p.name + 5);
	cr_assert_eq(dev, p.dev);

	/* ptsN, the kernel's own name for it */
	snprintf(spelling, sizeof(spelling), "pts%s", p.name + 9);
	dev = 0;
	cr_assert_eq(tty_resolve(spelling, &dev), 0, "%s", spelling);
	cr_assert_eq(dev, p.dev);

	/* Unix98 pty slaves: major 136 and up, minor N for /dev/pts/N. */
	cr_assert_geq(TRACER_TTY_MAJOR(dev), 136);
	cr_assert_leq(TRACER_TTY_MAJOR(dev), 143);
	cr_assert_eq(TRACER_TTY_MINOR(dev), strtoul(p.name + 9, NULL, 10));
	close_pty(&p);
}

Test(tty_resolve, two_ptys_differ)
{
	struct pty a, b;
	uint32_t da, db;

	open_pty(&a);
	open_pty(&b);
	cr_assert_eq(tty_resolve(a.name, &da), 0);
	cr_assert_eq(tty_resolve(b.name, &db), 0);
	cr_assert_neq(da, db);
	close_pty(&a);
	close_pty(&b);
}

Test(tty_resolve, not_a_terminal)
{
	uint32_t dev = 42;

	cr_assert_eq(tty_resolve("/dev/null", &dev), -ENOTTY);
	cr_assert_eq(tty_resolve("null", &dev), -ENOTTY);
	cr_assert_eq(tty_resolve("/dev/zero", &dev), -ENOTTY);
	/* A directory. */
	cr_assert_eq(tty_resolve("/dev/shm", &dev), -ENOTTY);
	cr_assert_eq(dev, 42);
}

Test(tty_resolve, aliases_are_not_terminals)
{
	static const char *const aliases[] = { "/dev/tty",     "tty",	  "/dev/ptmx",
					       "/dev/console", "console", "/dev/tty0" };
	uint32_t dev = 42;
	struct stat st;

	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		char path[64];

		cr_assert_eq(tty_normalize(aliases[i], path, sizeof(path)), 0);
		if (stat(path, &st))
			continue;
		cr_assert_eq(tty_resolve(aliases[i], &dev), -ENOTTY, "%s", aliases[i]);
	}
	cr_assert_eq(dev, 42);
}

Test(tty_resolve, missing)
{
	uint32_t dev = 42;

	cr_assert_eq(tty_resolve("/dev/pts/999999", &dev), -ENOENT);
	cr_assert_eq(tty_resolve("pts/999999", &dev), -ENOENT);
	cr_assert_eq(tty_resolve("pts999999", &dev), -ENOENT);
	cr_assert_eq(tty_resolve("ttyNOSUCHTHING", &dev), -ENOENT);
	/* A path through a file that is not a directory. */
	cr_assert_eq(tty_resolve("/dev/null/tty1", &dev), -ENOENT);
	cr_assert_eq(dev, 42);
}

Test(tty_resolve, bad_names)
{
	uint32_t dev = 42;

	cr_assert_eq(tty_resolve("", &dev), -EINVAL);
	cr_assert_eq(tty_resolve("pts/9x", &dev), -EINVAL);
	cr_assert_eq(tty_resolve("/etc/passwd", &dev), -EINVAL);
	cr_assert_eq(tty_resolve("../dev/null", &dev), -EINVAL);
	cr_assert_eq(dev, 42);
}

/* /proc/PID/stat's tty_nr: major in bits 8-19, minor in bits 0-7 and 20-31. */
Test(tty_nr_path, encodings)
{
	char path[64];

	cr_assert_eq(tty_nr_path(0, path, sizeof(path)), -ENOTTY);
	cr_assert_eq(tty_nr_path((136 << 8) | 3, path, sizeof(path)), 0);
	cr_assert_str_eq(path, "/dev/pts/3");
	/* pts 300: major 137, minor 44 */
	cr_assert_eq(tty_nr_path((137 << 8) | 44, path, sizeof(path)), 0);
	cr_assert_str_eq(path, "/dev/pts/300");
	/* minor 256 + 2 of major 136 (the high minor bits) */
	cr_assert_eq(tty_nr_path((136 << 8) | 2 | (1 << 20), path, sizeof(path)), 0);
	cr_assert_str_eq(path, "/dev/pts/258");
	cr_assert_eq(tty_nr_path((4 << 8) | 1, path, sizeof(path)), 0);
	cr_assert_str_eq(path, "/dev/tty1");
	cr_assert_eq(tty_nr_path((4 << 8) | 64, path, sizeof(path)), 0);
	cr_assert_str_eq(path, "/dev/ttyS0");
	cr_assert_eq(tty_nr_path((204 << 8) | 64, path, sizeof(path)), 0);
	cr_assert_str_eq(path, "device 204:64");
}

Test(tty_is_own_alias, spellings)
{
	cr_assert(tty_is_own_alias("/dev/tty"));
	cr_assert(tty_is_own_alias("tty"));
	cr_assert(!tty_is_own_alias("tty1"));
	cr_assert(!tty_is_own_alias("/dev/pts/0"));
}
