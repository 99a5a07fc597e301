// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * --format sh: each exec as one line that, pasted into bash, runs it again:
 *
 *	(cd -P -- /src || exit; exec -a gcc -- /usr/bin/gcc -c x.c)
 *
 * and, with the environment captured, exactly that environment:
 *
 *	(cd -P -- /src || exit; IFS=$' \t\n'; unset -v $(compgen -e); HOME=/root
 *	 PATH=/usr/bin exec -a gcc -- /usr/bin/gcc -c x.c)
 *
 * Why this form: only bash's exec sets argv[0] (-a), and env -i, which could
 * set an exact environment, cannot; exec -c empties the environment but also
 * drops the assignments before it. So the subshell unsets every exported
 * variable and passes the entries as assignments to exec, which exports
 * exactly them (a subshell's exec adds nothing, not even SHLVL). Bash builds
 * the environment from its variables, so the entries come in its order, not
 * the original one. The subshell keeps the user's shell: exec replaces it only.
 *
 * Every word goes through escape_shell_word(): bare, '...', or $'...' with
 * \xNN for anything else, so the line is one line, holds no byte the
 * terminal or bash would act on, and no argument can end the command early.
 * When the exec cannot be repeated exactly, the line is a comment saying why
 * ("# failed: ENOENT: (cd ...)") that still shows the command: an entry bash
 * cannot assign (a name that is not an identifier, or one of bash's own
 * special variables), a value the library redacted, a cut argv or
 * environment, a cwd that is gone, a program run through an fd whose file is
 * gone.
 *
 * A program named through a descriptor or a process (/dev/fd/N, /dev/stdin,
 * /proc/PID/fd/N, /proc/self/exe, //dev/./fd/0: the path read lexically,
 * relative to the cwd) would run whatever that descriptor holds when the
 * line is pasted: the line runs the file that ran (the exe) instead, or is a
 * comment when that is not known. An environment that names a variable
 * twice (D=1 D=2) is passed with the last value only, which a comment at the
 * end of the line says.
 */
#define _GNU_SOURCE /* memmem */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "format.h"

/* Variables bash computes or keeps read-only: an assignment would not export the value. */
static const char *const bash_special[] = {
	"BASHOPTS",	 "BASHPID",	  "BASH_ALIASES",    "BASH_ARGC",   "BASH_ARGV",
	"BASH_ARGV0",	 "BASH_CMDS",	  "BASH_COMMAND",    "BASH_LINENO", "BASH_SOURCE",
	"BASH_SUBSHELL", "BASH_VERSINFO", "COMP_WORDBREAKS", "DIRSTACK",    "EPOCHREALTIME",
	"EPOCHSECONDS",	 "EUID",	  "FUNCNAME",	     "GROUPS",	    "HISTCMD",
	"LINENO",	 "PPID",	  "RANDOM",	     "SECONDS",	    "SHELLOPTS",
	"SRANDOM",	 "UID",
};

static bool is_identifier(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return false;
	}
	return true;
}

/* The length of the name in "NAME=value" when bash can export that entry by assignment, else 0. */
static size_t assignable(const struct tracer_bytes *b)
{
	const char *eq = b->len && b->ptr ? memchr(b->ptr, '=', b->len) : NULL;
	size_t len, i;

	if (!eq)
		return 0;
	len = (size_t)(eq - b->ptr);
	if (!is_identifier(b->ptr, len))
		return 0;
	for (i = 0; i < sizeof(bash_special) / sizeof(bash_special[0]); i++)
		if (strlen(bash_special[i]) == len && memcmp(bash_special[i], b->ptr, len) == 0)
			return 0;
	return len;
}

/*
 * The library hid the value, or a URL's password in it (no --no-redact):
 * "NAME=<redacted>", "URL=http://bob:<redacted>@proxy". A value that held
 * the marker itself is reported too, which costs only the replay.
 */
static bool redacted(const struct tracer_bytes *b)
{
	static const char marker[] = TRACER_REDACTED;
	const char *eq = memchr(b->ptr, '=', b->len);

	return eq && memmem(eq + 1, (size_t)(b->ptr + b->len - eq - 1), marker,
			    sizeof(marker) - 1) != NULL;
}

static bool component_is(const char *c, size_t n, const char *name)
{
	return strlen(name) == n && memcmp(c, name, n) == 0;
}

static bool all_digits(const char *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (c[i] < '0' || c[i] > '9')
			return false;
	return n > 0;
}

/*
 * Whether the path, its components in comp (n of them, "//" and "." gone),
 * names a file through a descriptor or a process: /dev/std{in,out,err},
 * /dev/fd/..., and anything under /proc/<pid>, /proc/self, /proc/thread-self
 * (fd/N, task/T/fd/N, exe, cwd/..., root/...). Whoever runs the line later
 * gets what that descriptor or process holds then, not the file that ran.
 */
static bool names_through_a_process(const struct tracer_bytes *comp, size_t n)
{
	if (n >= 2 && component_is(comp[0].ptr, comp[0].len, "dev"))
		return component_is(comp[1].ptr, comp[1].len, "fd") ||
		       component_is(comp[1].ptr, comp[1].len, "stdin") ||
		       component_is(comp[1].ptr, comp[1].len, "stdout") ||
		       component_is(comp[1].ptr, comp[1].len, "stderr");
	if (n >= 2 && component_is(comp[0].ptr, comp[0].len, "proc"))
		return all_digits(comp[1].ptr, comp[1].len) ||
		       component_is(comp[1].ptr, comp[1].len, "self") ||
		       component_is(comp[1].ptr, comp[1].len, "thread-self");
	return false;
}

#define PATH_COMPONENTS_MAX 512

/*
 * Adds the components of s[0, len) to comp (*n of them): "" and "." are
 * skipped, ".." drops the last one. Returns false when that cannot be trusted:
 * a ".." under /dev or /proc, where the kernel follows a symlink first
 * (/dev/fd/../exe is /proc/self/exe), or too many components.
 */
static bool add_components(struct tracer_bytes *comp, size_t *n, const char *s, size_t len)
{
	size_t i = 0, j;

	while (i < len) {
		for (j = i; j < len && s[j] != '/'; j++)
			;
		if (component_is(s + i, j - i, "..")) {
			if (*n && (component_is(comp[0].ptr, comp[0].len, "dev") ||
				   component_is(comp[0].ptr, comp[0].len, "proc")))
				return false;
			if (*n)
				(*n)--;
		} else if (j > i && !component_is(s + i, j - i, ".")) {
			if (*n == PATH_COMPONENTS_MAX)
				return false;
			comp[*n].ptr = s + i;
			comp[(*n)++].len = j - i;
		}
		i = j + 1;
	}
	return true;
}

/*
 * Whether path (relative to cwd when it does not start with '/'; cwd may be
 * empty) resolves through a descriptor or a process, read lexically; true
 * when that cannot be told.
 */
static bool through_a_descriptor(struct tracer_bytes path, struct tracer_bytes cwd)
{
	struct tracer_bytes comp[PATH_COMPONENTS_MAX];
	size_t n = 0;

	if (!path.ptr || !path.len)
		return false;
	if (path.ptr[0] != '/' && cwd.ptr && !add_components(comp, &n, cwd.ptr, cwd.len))
		return true;
	if (!add_components(comp, &n, path.ptr, path.len))
		return true;
	return names_through_a_process(comp, n);
}

/*
 * Whether the filename means nothing, or something else, to the bash that
 * runs the line, so that the exe must be run instead: relative to execveat's
 * directory fd, empty, or a name that goes through a descriptor or a process
 * (fexecve()'s /dev/fd/N, /proc/PID/fd/N, //dev/fd/0, /dev/stdin).
 */
static bool needs_exe(const struct tracer_exec_event *e, bool ctx)
{
	bool relative = !e->filename.len || e->filename.ptr[0] != '/';
	struct tracer_bytes cwd = ctx ? e->cwd.path : (struct tracer_bytes){ NULL, 0 };

	return !e->filename.len || (e->syscall_nr == TRACER_SYSCALL_EXECVEAT && relative) ||
	       through_a_descriptor(e->filename, cwd);
}

/* Why the line cannot repeat the exec exactly, "" when it can. */
static const char *why_not(const struct tracer_event *ev, bool ctx, char *buf, size_t size)
{
	const struct tracer_exec_event *e = &ev->exec;
	const char *err;
	uint32_t i;

	if (e->ret) {
		err = e->ret < 0 && e->ret != INT32_MIN ? errno_name(-e->ret) : NULL;
		if (err)
			snprintf(buf, size, "failed: %s", err);
		else
			snprintf(buf, size, "failed: %" PRId32, e->ret);
		return buf;
	}
	if (e->argv_fault)
		return "argv unreadable";
	if (e->argv_truncated)
		return "argv truncated";
	if (!e->argv || !e->argc)
		return "no argv[0]";
	if (!ctx || !e->cwd.path.ptr)
		return "cwd unknown";
	if (e->cwd.flags & TRACER_PATH_DELETED)
		return "cwd deleted";
	if (e->cwd.flags & (TRACER_PATH_CUT | TRACER_PATH_DETACHED))
		return "cwd not reachable";
	if (needs_exe(e, ctx)) {
		/* A #! script run through an fd: its exe is that fd's name. */
		if (!e->exe.path.ptr || e->exe.path.ptr[0] != '/' ||
		    through_a_descriptor(e->exe.path, (struct tracer_bytes){ NULL, 0 }))
			return "exe unknown";
		if (e->exe.flags & TRACER_PATH_DELETED)
			return "exe deleted";
		if (e->exe.flags)
			return "exe not reachable";
	}
	if (!e->env_captured)
		return "";
	if (e->env_fault)
		return "environment unreadable";
	if (e->env_truncated)
		return "environment truncated";
	for (i = 0; e->env && i < e->envc; i++) {
		if (!assignable(&e->env[i]))
			return "environment entry not settable from bash";
		if (redacted(&e->env[i]))
			return "environment redacted";
	}
	return "";
}

/* The file to run: the filename as passed to exec, else the resolved exe. */
static struct tracer_bytes program(const struct tracer_event *ev, bool ctx)
{
	const struct tracer_exec_event *e = &ev->exec;

	/* The fd the filename names, or is relative to, is gone: the exe is not. */
	if (ctx && e->exe.path.ptr && !e->exe.flags && needs_exe(e, ctx))
		return e->exe.path;
	return e->filename;
}

static int write_program(FILE *out, struct tracer_bytes p)
{
	/* A name without a slash: execve opens it in the cwd, bash's exec would search $PATH. */
	if (p.len && !memchr(p.ptr, '/', p.len)) {
		char buf[4096 + 2];

		if (p.len + 2 <= sizeof(buf)) {
			memcpy(buf, "./", 2);
			memcpy(buf + 2, p.ptr, p.len);
			return escape_shell_word(out, buf, p.len + 2);
		}
	}
	return escape_shell_word(out, p.ptr, p.len);
}

static int write_env(FILE *out, const struct tracer_exec_event *e)
{
	uint32_t i;
	size_t name;

	if (fputs("IFS=$' \\t\\n'; unset -v $(compgen -e); ", out) == EOF)
		return -1;
	for (i = 0; e->env && i < e->envc; i++) {
		name = assignable(&e->env[i]);
		if (!name)
			continue; /* said in the comment */
		if (fwrite(e->env[i].ptr, 1, name + 1, out) != name + 1 ||
		    escape_shell_word(out, e->env[i].ptr + name + 1, e->env[i].len - name - 1) ||
		    fputc(' ', out) == EOF)
			return -1;
	}
	return 0;
}

static const struct tracer_bytes *sort_env; /* qsort has no context argument */

static int cmp_env_names(const void *a, const void *b)
{
	const struct tracer_bytes *x = &sort_env[*(const uint32_t *)a];
	const struct tracer_bytes *y = &sort_env[*(const uint32_t *)b];
	size_t nx = assignable(x), ny = assignable(y);
	int c = memcmp(x->ptr, y->ptr, nx < ny ? nx : ny);

	return c ? c : (nx > ny) - (nx < ny);
}

/*
 * " # environment: D, E repeated, only the last value of each passed" when
 * the environment names a variable twice (D=1 D=2): bash exports the last
 * assignment only. Names that bash can assign are identifiers: written as is.
 */
static int write_repeated_names(FILE *out, const struct tracer_exec_event *e)
{
	uint32_t *idx, i, n = 0;
	int ret = 0, said = 0;

	if (!e->env || e->envc < 2)
		return 0;
	idx = malloc(e->envc * sizeof(*idx));
	if (!idx)
		return -1;
	for (i = 0; i < e->envc; i++)
		if (assignable(&e->env[i]))
			idx[n++] = i;
	sort_env = e->env;
	qsort(idx, n, sizeof(*idx), cmp_env_names);
	for (i = 1; i < n && !ret; i++) {
		const struct tracer_bytes *prev = &e->env[idx[i - 1]], *cur = &e->env[idx[i]];

		if (cmp_env_names(&idx[i - 1], &idx[i]) != 0)
			continue;
		if (i >= 2 && cmp_env_names(&idx[i - 2], &idx[i]) == 0)
			continue; /* already said */
		if (fputs(said++ ? ", " : " # environment: ", out) == EOF ||
		    fwrite(cur->ptr, 1, assignable(prev), out) != assignable(prev))
			ret = -1;
	}
	if (!ret && said &&
	    fputs(said > 1 ? " repeated, only the last value of each passed" :
			     " repeated, only its last value passed",
		  out) == EOF)
		ret = -1;
	free(idx);
	return ret;
}

int format_exec_sh(FILE *out, const struct tracer_event *ev)
{
	bool ctx = TRACER_EVENT_HAS(ev, exec.total_env_bytes);
	const struct tracer_exec_event *e = &ev->exec;
	const char *why;
	char buf[64];
	uint32_t i;

	why = why_not(ev, ctx, buf, sizeof(buf));
	if (*why && fprintf(out, "# %s: ", why) < 0)
		return -1;
	if (fputc('(', out) == EOF)
		return -1;
	if (ctx && e->cwd.path.ptr &&
	    (fputs("cd -P -- ", out) == EOF ||
	     escape_shell_word(out, e->cwd.path.ptr, e->cwd.path.len) ||
	     fputs(" || exit; ", out) == EOF))
		return -1;
	if (ctx && e->env_captured && write_env(out, e))
		return -1;
	if (fputs("exec ", out) == EOF)
		return -1;
	if (e->argv && e->argc) {
		if (fputs("-a ", out) == EOF ||
		    escape_shell_word(out, e->argv[0].ptr, e->argv[0].len))
			return -1;
		if (fputc(' ', out) == EOF)
			return -1;
	}
	if (fputs("-- ", out) == EOF || write_program(out, program(ev, ctx)))
		return -1;
	for (i = 1; e->argv && i < e->argc; i++) {
		if (fputc(' ', out) == EOF ||
		    escape_shell_word(out, e->argv[i].ptr, e->argv[i].len))
			return -1;
	}
	if (fputc(')', out) == EOF || (ctx && e->env_captured && write_repeated_names(out, e)))
		return -1;
	if (fputc('\n', out) == EOF || ferror(out))
		return -1;
	return 0;
}

int format_lost_sh(FILE *out, uint64_t count, uint32_t cpu)
{
	if (fprintf(out, "# lost %" PRIu64 " events (cpu %" PRIu32 ")\n", count, cpu) < 0 ||
	    ferror(out))
		return -1;
	return 0;
}
