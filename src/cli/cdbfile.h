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
	bool append;
	bool discard; /* FILE is /dev/null: nothing to write */
	uint64_t failed; /* events that could not be kept (out of memory) */
};

/*
 * Before anything is attached: the options and the file. FILE must be a file
 * tracer may write for owner (outfile_check()), not the -o or --timeline
 * file, and with --compile-db-append an existing FILE must be a compilation
 * database. Returns -1 when all is well (or no --compile-db), else the exit
 * status, with the message written on standard error.
 */
int cdbfile_open(struct cdbfile *c, const struct cli_opts *opts, const struct outfile_owner *owner);

/* Every event, in order. */
void cdbfile_event(struct cdbfile *c, const struct tracer_event *ev);

/*
 * At the end: merges with the existing FILE (--compile-db-append), writes,
 * puts in place, and says so on standard error. Returns 0 or -1 (message
 * written; FILE untouched).
 */
int cdbfile_commit(struct cdbfile *c, const struct outfile_owner *owner);

void cdbfile_close(struct cdbfile *c);

#endif /* TRACER_CDBFILE_H */
