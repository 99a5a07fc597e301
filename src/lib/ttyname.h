/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* Terminal names as users type them, and their device numbers. */
#ifndef TRACER_TTYNAME_H
#define TRACER_TTYNAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Turns a user's spelling (/dev/pts/9, pts/9, pts9, /dev/tty1, tty1, ttyS0)
 * into a device path (/dev/pts/9, /dev/tty1, /dev/ttyS0). Pure: no file
 * system access. Returns 0, or -EINVAL for an empty or malformed name (no
 * "..", no empty component, path under /dev only), -ENAMETOOLONG when it does
 * not fit in size.
 */
int tty_normalize(const char *name, char *path, size_t size);

/*
 * Resolves a user's spelling to the terminal's device number
 * (TRACER_TTY_DEV(major, minor)). Returns 0, -ENOENT when there is no such
 * device, -ENOTTY when it exists but is not a terminal, -EINVAL for a bad name.
 */
int tty_resolve(const char *name, uint32_t *dev);

/* Whether name spells /dev/tty, the alias of the caller's own controlling terminal. */
bool tty_is_own_alias(const char *name);

/*
 * The device path of a terminal from its tty_nr (/proc/PID/stat's encoding):
 * /dev/pts/N, /dev/ttyN, /dev/ttySN, else "device MAJ:MIN". -ENOTTY for 0
 * (no terminal).
 */
int tty_nr_path(uint32_t tty_nr, char *path, size_t size);

/* The path of the calling process's controlling terminal; -ENOTTY without one. */
int tty_own_path(char *path, size_t size);

#endif /* TRACER_TTYNAME_H */
