// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* An exec as the --tui list keeps it (tui_render.h). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "envdiff.h"
#include "escape.h"
#include "execline.h"
#include "filter.h"
#include "names.h"
#include "parentctx.h"
#include "sh.h"
#include "tui_filter.h"
#include "tui_render.h"

/* A stream into memory; the string ends at its first '\n' when one_line. */
struct membuf {
	FILE *f;
	char *s;
	size_t len;
};

static int membuf_open(struct membuf *m)
{
	m->s = NULL;
	m->len = 0;
	m->f = open_memstream(&m->s, &m->len);
	return m->f ? 0 : -1;
}

static char *membuf_take(struct membuf *m, bool one_line, size_t *bytes)
{
	char *nl;

	if (fclose(m->f)) {
		free(m->s);
		return NULL;
	}
	if (one_line && m->s && (nl = strchr(m->s, '\n')))
		*nl = '\0';
	*bytes += m->len + 1;
	return m->s;
}

static void put_label(FILE *f, const char *label)
{
	fprintf(f, "%-12s ", label);
}

static void put_path(FILE *f, const char *label, const struct tracer_path *p)
{
	if (!p->path.ptr || !p->path.len)
		return;
	put_label(f, label);
	escape_shell_word(f, p->path.ptr, p->path.len);
	fputc('\n', f);
}

static void put_stdio(FILE *f, const struct tracer_exec_event *e)
{
	static const char *const names[] = { "stdin", "stdout", "stderr" };
	char link[64];
	int i;

	for (i = 0; i < 3; i++) {
		const struct tracer_fd *fd = &e->stdio[i];

		if (fd->kind == TRACER_FD_UNKNOWN)
			continue;
		put_label(f, names[i]);
		if (fd->kind == TRACER_FD_CLOSED)
			fputs("closed", f);
		else if (fd->kind == TRACER_FD_PATH && fd->path.path.ptr)
			escape_shell_word(f, fd->path.path.ptr, fd->path.path.len);
		else if (fd_link_name(fd, link, sizeof(link)) == 0)
			fputs(link, f);
		fputc('\n', f);
	}
}

/* argv one per line, at most TUI_DETAILS_ARGV_MAX bytes of them: the cut said. */
static void put_argv(FILE *f, const struct tracer_exec_event *e)
{
	size_t used = 0;
	uint32_t i;

	for (i = 0; i < e->argc; i++) {
		put_label(f, i ? "" : "argv");
		if (used + e->argv[i].len > TUI_DETAILS_ARGV_MAX) {
			fprintf(f, "... (%u more arguments not shown)\n", e->argc - i);
			return;
		}
		used += e->argv[i].len;
		escape_shell_word(f, e->argv[i].ptr, e->argv[i].len);
		fputc('\n', f);
	}
	if (e->argv_truncated || e->argv_fault) {
		put_label(f, "");
		fprintf(f, "... (%s)\n", e->argv_fault ? "some unreadable" : "cut by --max-args");
	}
}

static void put_details(FILE *f, const struct tracer_event *ev, struct envdiff *env)
{
	const struct tracer_exec_event *e = &ev->exec;

	fprintf(f, "%-12s %u\n%-12s %u\n", "pid", e->pid, "ppid", e->ppid);
	if (e->ret)
		fprintf(f, "%-12s %d (%s)\n", "ret", e->ret, errno_name(-e->ret));
	put_argv(f, e);
	put_label(f, "filename");
	escape_shell_word(f, e->filename.ptr ? e->filename.ptr : "", e->filename.len);
	fputc('\n', f);
	put_path(f, "cwd", &e->cwd);
	put_path(f, "exe", &e->exe);
	put_path(f, "interpreter", &e->interpreter);
	put_stdio(f, e);
	fprintf(f, "%-12s %u\n%-12s %u\n", "uid", e->uid, "euid", e->euid);
	if (e->tty)
		fprintf(f, "%-12s %s\n", "tty", e->tty);
	if (env && e->env_captured) {
		put_label(f, "env");
		envdiff_write(env, f, e);
		fputc('\n', f);
	}
}

/* What / searches: the command line, the filename and the cwd, as shown. */
static void put_hay(FILE *f, const struct tracer_exec_event *e)
{
	size_t used = 0;
	uint32_t i;

	for (i = 0; i < e->argc && used < TUI_DETAILS_ARGV_MAX; i++) {
		used += e->argv[i].len;
		escape_shell_word(f, e->argv[i].ptr, e->argv[i].len);
		fputc(' ', f);
	}
	fputc('\n', f);
	escape_shell_word(f, e->filename.ptr ? e->filename.ptr : "", e->filename.len);
	fputc('\n', f);
	if (e->cwd.path.ptr)
		escape_shell_word(f, e->cwd.path.ptr, e->cwd.path.len);
}

static void free_exec(struct tui_exec *x)
{
	free(x->line);
	free(x->details);
	free(x->sh);
	free(x->hay);
	free(x->cmdline);
}

int tui_render_exec(struct tui_render *r, const struct tracer_event *ev, uint32_t lookups,
		    struct tui_exec *out)
{
	const struct execline_style style = { .time = r->time, .color = false };
	double ts = ev->ts_ns > r->start_ns ? (double)(ev->ts_ns - r->start_ns) / 1e9 : 0.0;
	struct membuf m;
	size_t cap = 0;

	memset(out, 0, sizeof(*out));
	out->ts_ns = ev->ts_ns;
	out->pid = ev->exec.pid;
	out->ppid = ev->exec.ppid;
	out->ret = ev->exec.ret;
	/* What the live filter (F) looks at, as --uid, --comm and --match do. */
	out->uid = ev->exec.uid;
	out->euid = ev->exec.euid;
	tui_filter_comm_of(&ev->exec, out->comm);
	if (!ev_command_line(&ev->exec, &out->cmdline, &cap))
		return -1;
	out->bytes += cap;
	if (membuf_open(&m))
		goto out_nomem;
	execline_write(m.f, &style, ts, ev, r->parents, NULL, lookups);
	execline_keep(r->parents, ev);
	out->line = membuf_take(&m, true, &out->bytes);
	if (membuf_open(&m))
		goto out_nomem;
	put_details(m.f, ev, r->env);
	out->details = membuf_take(&m, false, &out->bytes);
	if (membuf_open(&m))
		goto out_nomem;
	format_exec_sh(m.f, ev);
	out->sh = membuf_take(&m, true, &out->bytes);
	if (membuf_open(&m))
		goto out_nomem;
	put_hay(m.f, &ev->exec);
	out->hay = membuf_take(&m, false, &out->bytes);
	if (out->line && out->details && out->sh && out->hay && out->cmdline)
		return 0;
out_nomem:
	free_exec(out);
	return -1;
}

void tui_render_exit(struct tui_render *r, uint32_t pid)
{
	parentctx_forget(r->parents, pid);
	envdiff_forget(r->env, pid);
}
