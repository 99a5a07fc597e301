/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Output files that nobody else can redirect or read: tracer runs as root and
 * writes command lines (which can hold secrets) to paths that may lie in
 * directories other users can write to.
 *
 * Rules, for every output file:
 * - The last component is never followed when it is a symbolic link
 *   (O_NOFOLLOW), and a regular file with more than one link is refused (a
 *   hard link planted to another file).
 * - An existing file must belong to the user it is written for (the owner
 *   below); another user's file is refused, even in /tmp.
 * - Only regular files are written, except /dev/null, and, with
 *   OUTFILE_ALLOW_SPECIAL (a path the user named), the owner's own FIFO or
 *   character device (their terminal). A FIFO is opened non-blocking: without
 *   a reader the open fails at once with a message instead of hanging.
 *   /dev/stdout and /dev/stderr (symbolic links to /proc/self/fd) mean
 *   tracer's own descriptors 1 and 2, given by the invoker: with
 *   OUTFILE_ALLOW_SPECIAL they are duplicated, never opened by name.
 * - Nothing is truncated by outfile_check(), and nothing is left created:
 *   a name that does not exist yet is checked by creating (and removing at
 *   once) a file beside it, before anything is loaded; outfile_open()
 *   truncates a file only after it has passed the checks on the descriptor
 *   itself, and resets its mode to 0600 first.
 * - A new file is created with O_EXCL (never through a link) as 0600 and
 *   given to the owner (fchown), so that a user who ran tracer through sudo
 *   can read what they asked for.
 *
 * The file is looked up in its directory through one descriptor of that
 * directory, so the checks and the open see the same directory. Not covered:
 * symbolic links in the directories along the path (root chose the path; a
 * path through another user's directory is under that user's control), and a
 * reader that opened an existing file of the owner's while it was readable
 * by others keeps its descriptor.
 */
#ifndef TRACER_OUTFILE_H
#define TRACER_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The user an output file is written for. */
struct outfile_owner {
	uid_t uid;
	gid_t gid;
};

enum outfile_flags {
	/* The path was named by the user: their own FIFO or terminal is allowed. */
	OUTFILE_ALLOW_SPECIAL = 1u << 0,
	/* Keep the content of an existing regular file and write at its end. */
	OUTFILE_APPEND = 1u << 1,
};

/*
 * Who tracer writes files for: under sudo (tracer running as root with
 * SUDO_UID set) the invoking user, SUDO_UID and SUDO_GID (or that user's
 * primary group without SUDO_GID); else tracer's own effective ids. The
 * variables are ignored when tracer does not run as root. Returns 0, or
 * -EINVAL with the reason in err when they are not decimal ids of an existing
 * user and group.
 */
int outfile_owner_from_env(struct outfile_owner *owner, char *err, size_t errlen);

/*
 * Checks path as outfile_open() would, without creating, opening or
 * truncating anything (a FIFO is not opened: whether it has a reader is known
 * only at the open). Returns 0, or a negative errno with a one-line message
 * naming the path in err.
 */
int outfile_check(const char *path, const struct outfile_owner *owner, unsigned int flags,
		  char *err, size_t errlen);

/*
 * Opens path for writing under the rules above, close-on-exec, blocking.
 * Returns the descriptor, or a negative errno with a one-line message naming
 * the path in err; nothing is created, truncated or changed on failure.
 */
int outfile_open(const char *path, const struct outfile_owner *owner, unsigned int flags, char *err,
		 size_t errlen);

/*
 * Whether a and b name the same output file (same directory and name, or the
 * same existing file): -o X --timeline X must be refused before either is
 * opened. Returns 1, 0, or a negative errno when a directory cannot be opened.
 */
int outfile_same(const char *a, const char *b);

/*
 * Whether path names the regular file that descriptor fd is open on
 * (--output-fd N with 3>>FILE and --compile-db FILE). Returns 1, 0, or a
 * negative errno when fd is not open.
 */
int outfile_same_fd(const char *path, int fd);

/*
 * A file written whole and then put in place atomically: a temporary file in
 * the same directory, created O_EXCL 0600 and given to the owner, renamed
 * over path by outfile_commit() (with the final mode) or removed by
 * outfile_abort(). fd belongs to the struct: write to it, or to
 * fdopen(dup(fd)) closed before the commit.
 */
struct outfile_tmp {
	int fd;
	int dir_fd;
	mode_t mode;
	char *name; /* the final name in the directory */
	char *tmp_name;
	char *path; /* for messages */
};

/*
 * Checks path as outfile_check() does (a regular file or nothing) and creates
 * the temporary file. Returns 0, or a negative errno with the message in err.
 */
int outfile_open_tmp(const char *path, const struct outfile_owner *owner, mode_t mode,
		     struct outfile_tmp *tmp, char *err, size_t errlen);

/*
 * A stream of its own on the temporary file (fdopen(dup(fd))): fclose() it
 * before the commit; tmp->fd stays open. NULL with errno when there is none.
 */
FILE *outfile_tmp_stream(const struct outfile_tmp *tmp);

/* Sets the mode, syncs, renames into place, frees tmp. Returns 0 or a negative errno. */
int outfile_commit(struct outfile_tmp *tmp, char *err, size_t errlen);

/* Removes the temporary file, frees tmp. */
void outfile_abort(struct outfile_tmp *tmp);

/*
 * Reads the whole of an existing output file (to merge into it) under the
 * rules above: a regular file of the owner's with one link, never through a
 * symbolic link. Returns 0 with *buf (malloc'd, NUL-terminated, free() it)
 * and *len, -ENOENT (no message) when there is none, or a negative errno with
 * a one-line message naming the path in err.
 */
int outfile_read(const char *path, const struct outfile_owner *owner, char **buf, size_t *len,
		 char *err, size_t errlen);

#endif /* TRACER_OUTFILE_H */
