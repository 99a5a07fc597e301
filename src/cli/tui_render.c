// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* An exec as the --tui list keeps it, its text made when drawn (tui_render.h). */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "envdiff.h"
#include "escape.h"
#include "evcopy.h"
#include "execline.h"
#include "filter.h"
#include "names.h"
#include "parentctx.h"
#include "sh.h"
#include "tui_filter.h"
#include "tui_render.h"

static const char out_of_memory[] = "(out of memory)";

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

static char *membuf_take(struct membuf *m, bool one_line)
{
	char *nl;

	if (fclose(m->f)) {
		free(m->s);
		return NULL;
	}
	if (one_line && m->s && (nl = strchr(m->s, '\n')))
		*nl = '\0';
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

static void put_details(FILE *f, const struct tracer_event *ev, const char *env_diff)
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
	if (env_diff) {
		put_label(f, "env");
		fputs(env_diff, f);
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

int tui_render_exec(struct tui_render *r, const struct tracer_event *ev, uint32_t lookups,
		    struct tui_exec *out)
{
	struct membuf m;
	size_t cap = 0;

	memset(out, 0, sizeof(*out));
	out->ts_ns = ev->ts_ns;
	out->pid = ev->exec.pid;
	out->ppid = ev->exec.ppid;
	out->ret = ev->exec.ret;
	out->lookups = lookups;
	/* What the live filter (F) looks at, as --uid, --comm and --match do. */
	out->uid = ev->exec.uid;
	out->euid = ev->exec.euid;
	tui_filter_comm_of(&ev->exec, out->comm);
	if (!ev_command_line(&ev->exec, &out->cmdline, &cap))
		return -1;
	out->bytes += cap;
	/* What the line will show is decided now: the parents' context moves on. */
	out->line_context = execline_context(r->parents, ev);
	execline_keep(r->parents, ev);
	/* The env diff too; envdiff_write() also remembers this environment. */
	if (r->env && TRACER_EVENT_HAS(ev, exec.env_captured) && ev->exec.env_captured) {
		if (membuf_open(&m))
			goto out_nomem;
		envdiff_write(r->env, m.f, &ev->exec);
		out->env_diff = membuf_take(&m, false);
		if (!out->env_diff)
			goto out_nomem;
		out->bytes += malloc_usable_size(out->env_diff);
	}
	out->ev = evcopy_new(ev);
	if (!out->ev)
		goto out_nomem;
	out->bytes += malloc_usable_size(out->ev);
	return 0;
out_nomem:
	free(out->cmdline);
	free(out->env_diff);
	out->cmdline = out->env_diff = NULL;
	return -1;
}

void tui_render_exit(struct tui_render *r, uint32_t pid)
{
	parentctx_forget(r->parents, pid);
	envdiff_forget(r->env, pid);
}

/* The text of e in slot, made by write when the slot holds another's. */
static const char *made(struct tui_made *slot, const struct tui_exec *e, bool one_line,
			void (*write)(FILE *f, const struct tui_render *r,
				      const struct tui_exec *e),
			struct tui_render *r)
{
	struct membuf m;

	if (slot->text && slot->seq == e->seq)
		return slot->text;
	free(slot->text);
	slot->text = NULL;
	if (membuf_open(&m))
		return out_of_memory;
	write(m.f, r, e);
	r->n_made++;
	slot->text = membuf_take(&m, one_line);
	slot->seq = e->seq;
	return slot->text ? slot->text : out_of_memory;
}

static void write_line(FILE *f, const struct tui_render *r, const struct tui_exec *e)
{
	const struct execline_style style = { .time = r->time, .color = false };
	double ts = e->ts_ns > r->start_ns ? (double)(e->ts_ns - r->start_ns) / 1e9 : 0.0;

	execline_write_shown(f, &style, ts, e->ev, e->line_context, NULL, e->lookups);
}

static void write_details(FILE *f, const struct tui_render *r, const struct tui_exec *e)
{
	(void)r;
	put_details(f, e->ev, e->env_diff);
}

static void write_sh(FILE *f, const struct tui_render *r, const struct tui_exec *e)
{
	(void)r;
	format_exec_sh(f, e->ev);
}

const char *tui_render_line(struct tui_render *r, const struct tui_exec *e)
{
	return made(&r->lines[e->seq % TUI_RENDER_LINES], e, true, write_line, r);
}

const char *tui_render_details(struct tui_render *r, const struct tui_exec *e)
{
	return made(&r->details, e, false, write_details, r);
}

const char *tui_render_sh(struct tui_render *r, const struct tui_exec *e)
{
	return made(&r->sh, e, true, write_sh, r);
}

bool tui_exec_matches(const struct tui_exec *e, const char *needle)
{
	struct membuf m;
	bool found;

	if (membuf_open(&m))
		return false;
	put_hay(m.f, &e->ev->exec);
	if (!membuf_take(&m, false))
		return false;
	found = m.s && strstr(m.s, needle);
	free(m.s);
	return found;
}

void tui_render_free(struct tui_render *r)
{
	size_t i;

	for (i = 0; i < TUI_RENDER_LINES; i++)
		free(r->lines[i].text);
	free(r->details.text);
	free(r->sh.text);
	memset(r->lines, 0, sizeof(r->lines));
	r->details.text = r->sh.text = NULL;
}
