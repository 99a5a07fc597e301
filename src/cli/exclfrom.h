/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The exclusions as the command line collects them (--exclude,
 * --exclude-caller, --exclude-comm, --exclude-from): plain lists of strings,
 * handed to the library, which checks them (tracer_create()). And the
 * reader of --exclude-from's file format, pure, and of its file.
 */
#ifndef TRACER_EXCLFROM_H
#define TRACER_EXCLFROM_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* --exclude-from's file: a list, never more than this (the rest is a mistake). */
#define EXCLFROM_MAX_BYTES (1024 * 1024)

/* Strings the list owns (copies), in the order given. */
struct strlist {
	char **v;
	size_t n;
};

struct exclusions {
	struct strlist paths; /* files whose execs are dropped */
	struct strlist callers; /* files whose root processes' execs are dropped */
	struct strlist comms; /* command names */
};

/* Adds a copy of the len bytes at s. Returns 0 or -ENOMEM. */
int strlist_add(struct strlist *l, const char *s, size_t len);

/*
 * Reads one entry per line: a line starting with '/' is a path (as
 * --exclude), one starting with "caller /" a caller's file (as
 * --exclude-caller), any other a command name; blank lines and lines
 * starting with '#' are skipped, and so is the space around an entry.
 * Returns 0, -EINVAL for a line that is none of these (a NUL byte, "caller"
 * without a path) with its number in *line, -ENOMEM, or -EIO (*line 0) when
 * reading failed.
 */
int exclfrom_read(struct exclusions *x, FILE *f, size_t *line);

/*
 * Reads --exclude-from's file at path (the one function here that touches
 * the file system): a regular file of root's or of owner's, of at most
 * EXCLFROM_MAX_BYTES, never waited on (a FIFO, /dev/zero, a terminal are
 * refused before a byte is read). Returns NULL, or why not (a static
 * string), with the invalid line's number in *line (0: not a line's fault).
 */
const char *exclfrom_load(struct exclusions *x, const char *path, uid_t owner, size_t *line);

void exclusions_free(struct exclusions *x);

#endif /* TRACER_EXCLFROM_H */
