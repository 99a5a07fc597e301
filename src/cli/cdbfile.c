// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* --compile-db FILE: checked at the start, written at the end (see cdbfile.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cdbfile.h"

/* The existing database, read into db; -ENOENT: there is none. */
static int read_existing(const char *path, const struct outfile_owner *owner, struct compiledb *db)
{
	char err[512], why[320];
	size_t len;
	char *text;
	int ret;

	ret = outfile_read(path, owner, &text, &len, err, sizeof(err));
	if (ret == -ENOENT)
		return ret;
	if (ret) {
		fprintf(stderr, "tracer: %s\n", err);
		return ret;
	}
	ret = compiledb_load(db, text, len, why, sizeof(why));
	free(text);
	if (ret)
		fprintf(stderr, "tracer: --compile-db %s: %s\n", path, why);
	return ret;
}

int cdbfile_open(struct cdbfile *c, const struct cli_opts *opts, const struct outfile_owner *owner)
{
	const char *others[] = { opts->output, opts->timeline };
	struct compiledb *existing;
	struct stat st;
	char err[512];
	size_t i;
	int ret;

	memset(c, 0, sizeof(*c));
	if (!opts->compile_db)
		return -1;
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		if (!others[i])
			continue;
		ret = outfile_same(opts->compile_db, others[i]);
		if (ret > 0) {
			fprintf(stderr, "tracer: --compile-db and %s name the same file\n",
				i ? "--timeline" : "-o");
			return TRACER_EXIT_USAGE;
		}
	}
	if (outfile_check(opts->compile_db, owner, 0, err, sizeof(err))) {
		fprintf(stderr, "tracer: %s\n", err);
		return TRACER_EXIT_FAILURE;
	}
	c->db = compiledb_new();
	if (!c->db)
		goto out_nomem;
	for (i = 0; i < opts->n_compile_db_compilers; i++) {
		if (compiledb_add_compiler(c->db, opts->compile_db_compilers[i]))
			goto out_nomem;
	}
	c->path = opts->compile_db;
	/* outfile_check() allows no other device: it is /dev/null, never to be replaced. */
	c->discard = !lstat(c->path, &st) && S_ISCHR(st.st_mode);
	if (c->discard)
		return -1;
	/* A file that cannot be merged into is refused now, before the build runs. */
	existing = compiledb_new();
	if (!existing)
		goto out_nomem;
	ret = read_existing(c->path, owner, existing);
	compiledb_free(existing);
	if (ret && ret != -ENOENT) {
		cdbfile_close(c);
		return ret == -EINVAL ? TRACER_EXIT_USAGE : TRACER_EXIT_FAILURE;
	}
	return -1;

out_nomem:
	fprintf(stderr, "tracer: out of memory\n");
	cdbfile_close(c);
	return TRACER_EXIT_FAILURE;
}

void cdbfile_event(struct cdbfile *c, const struct tracer_event *ev)
{
	if (c->db && compiledb_add_event(c->db, ev))
		c->failed++;
}

static void report(const struct cdbfile *c, const struct compiledb *written)
{
	struct compiledb_stats run, all;

	compiledb_get_stats(c->db, &run);
	compiledb_get_stats(written, &all);
	fprintf(stderr, "tracer: compilation database %s: %llu %s (%llu %s seen)\n", c->path,
		(unsigned long long)all.entries, all.entries == 1 ? "entry" : "entries",
		(unsigned long long)run.compiles, run.compiles == 1 ? "compile" : "compiles");
	if (run.cut)
		fprintf(stderr,
			"tracer: %llu compiles left out of the database: their arguments were cut (see --max-arg-bytes)\n",
			(unsigned long long)run.cut);
	if (run.no_dir)
		fprintf(stderr,
			"tracer: %llu compiles left out of the database: their directory is unknown or longer than 4095 bytes\n",
			(unsigned long long)run.no_dir);
	if (all.dropped)
		fprintf(stderr,
			"tracer: %llu %s left out of the database: the source file is gone\n",
			(unsigned long long)all.dropped, all.dropped == 1 ? "entry" : "entries");
	if (run.no_mem || c->failed)
		fprintf(stderr, "tracer: compiles left out of the database: out of memory\n");
}

/* The temporary file, written whole. */
static int write_tmp(struct outfile_tmp *tmp, const struct compiledb *db)
{
	FILE *f = outfile_tmp_stream(tmp);
	int ret;

	if (!f)
		return -1;
	ret = compiledb_write(db, f);
	if (fclose(f))
		ret = -1;
	return ret;
}

/* Whether the source file still exists: only "no such file" counts as gone. */
static bool source_exists(const char *path, void *arg)
{
	struct stat st;

	(void)arg;
	return stat(path, &st) == 0 || (errno != ENOENT && errno != ENOTDIR);
}

int cdbfile_commit(struct cdbfile *c, const struct outfile_owner *owner)
{
	struct compiledb *out;
	struct outfile_tmp tmp;
	char err[512];
	int ret;

	if (!c->db || c->discard)
		return 0;
	out = compiledb_new();
	if (!out) {
		fprintf(stderr, "tracer: out of memory\n");
		return -1;
	}
	ret = read_existing(c->path, owner, out);
	if (ret && ret != -ENOENT)
		goto out_free;
	ret = compiledb_merge(out, c->db);
	if (ret) {
		fprintf(stderr, "tracer: out of memory\n");
		goto out_free;
	}
	compiledb_drop_missing(out, source_exists, NULL);
	ret = outfile_open_tmp(c->path, owner, 0644, &tmp, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "tracer: %s\n", err);
		goto out_free;
	}
	if (write_tmp(&tmp, out)) {
		fprintf(stderr, "tracer: %s: cannot write it: %s\n", c->path, strerror(errno));
		outfile_abort(&tmp);
		ret = -1;
		goto out_free;
	}
	ret = outfile_commit(&tmp, err, sizeof(err));
	if (ret)
		fprintf(stderr, "tracer: %s\n", err);
	else
		report(c, out);
out_free:
	compiledb_free(out);
	return ret ? -1 : 0;
}

void cdbfile_close(struct cdbfile *c)
{
	compiledb_free(c->db);
	memset(c, 0, sizeof(*c));
}
