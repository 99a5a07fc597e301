/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * --compile-db FILE: the compilation database of what tracer saw
 * (compiledb.h), written to FILE at the end, whole or not at all.
 *
 * Nothing is written while the build runs: the entries are kept in memory
 * and FILE is replaced at the end (also after SIGINT or SIGTERM) by a
 * temporary file renamed over it (outfile.h: same rules as -o, mode 0644,
 * the invoking user's under sudo). A tracer killed (SIGKILL) leaves the old
 * FILE as it was and no temporary file. /dev/null discards the database.
 *
 * An existing FILE is merged into, always: its entries are kept unless this
 * run compiled the same (directory, file, output), so that a build with
 * nothing to do, or an incremental one, does not empty it. A FILE that is no
 * compilation database is refused before the build runs. At the end, the
 * entries whose source file is gone are dropped (configure's conftest.c,
 * CMake's TryCompile sources). --compile-db-append, which asked for the
 * merge before it was the default, is still accepted and changes nothing.
 */
#ifndef TRACER_CDBFILE_H
#define TRACER_CDBFILE_H

#include <stdbool.h>
#include "compiledb.h"
#include "opts.h"
#include "outfile.h"

struct cdbfile {
	struct compiledb *db; /* NULL: no --compile-db */
	const char *path;
	bool discard; /* FILE is /dev/null: nothing to write */
	uint64_t failed; /* events that could not be kept (out of memory) */
};

/*
 * Before anything is attached: the options and the file. FILE must be a file
 * tracer may write for owner (outfile_check()), not the -o or --timeline
 * file, and an existing FILE must be a compilation database. Returns -1
 * when all is well (or no --compile-db), else the exit status, with the
 * message written on standard error.
 */
int cdbfile_open(struct cdbfile *c, const struct tracer_opts *opts,
		 const struct outfile_owner *owner);

/* Every event, in order. */
void cdbfile_event(struct cdbfile *c, const struct tracer_event *ev);

/*
 * At the end: merges with the existing FILE, drops the entries whose source
 * is gone, writes, puts in place, and says so on standard error. Returns 0
 * or -1 (message written; FILE untouched).
 */
int cdbfile_commit(struct cdbfile *c, const struct outfile_owner *owner);

void cdbfile_close(struct cdbfile *c);

#endif /* TRACER_CDBFILE_H */
