// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The context of an exec in the text and JSON lines. Every path and
 * environment entry is untrusted bytes and goes through escape.c; a path's
 * flags (cut, deleted, detached) are shown next to it, never folded into it.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "envdiff.h"
#include "escape.h"
#include "num.h"

static const char *const path_flag_names[] = { "cut", "deleted", "detached" };

#define N_PATH_FLAGS (sizeof(path_flag_names) / sizeof(path_flag_names[0]))

static const char *const stdio_names[] = { "stdin", "stdout", "stderr" };

/* The longest pipe or socket link name: "socket:[" 20 digits "]". */
#define INO_LINK_MAX 32

/* "pipe:[INO]" or "socket:[INO]" at p, without printf (two per exec): the end. */
static char *ino_link_name(char *p, const struct tracer_fd *fd)
{
	p = fd->kind == TRACER_FD_PIPE ? NUM_LIT(p, "pipe:[") : NUM_LIT(p, "socket:[");
	p = num_u64(p, fd->ino);
	*p++ = ']';
	return p;
}

int fd_link_name(const struct tracer_fd *fd, char *buf, size_t size)
{
	char tmp[INO_LINK_MAX];
	size_t n;

	switch (fd->kind) {
	case TRACER_FD_PIPE:
	case TRACER_FD_SOCKET:
		n = (size_t)(ino_link_name(tmp, fd) - tmp);
		if (n >= size)
			return -1;
		memcpy(buf, tmp, n);
		buf[n] = '\0';
		return 0;
	case TRACER_FD_ANON:
		n = (size_t)snprintf(buf, size, "anon_inode:%.*s", (int)fd->path.path.len,
				     fd->path.path.ptr ? fd->path.path.ptr : "");
		return n >= size ? -1 : 0;
	default:
		return -1;
	}
}

/* ---- text ---- */

/* "(cut,deleted)" after a path that has flags. */
static int text_flags(FILE *out, uint32_t flags)
{
	const char *sep = "(";
	size_t i;

	if (!flags)
		return 0;
	for (i = 0; i < N_PATH_FLAGS; i++) {
		if (!(flags & (1u << i)))
			continue;
		if (fprintf(out, "%s%s", sep, path_flag_names[i]) < 0)
			return -1;
		sep = ",";
	}
	if (flags >> N_PATH_FLAGS && fprintf(out, "%s0x%" PRIx32, sep, flags) < 0)
		return -1;
	return fputc(')', out) == EOF ? -1 : 0;
}

/* before, key, after: one write (the keys are this file's own, short). */
static inline int put_key_n(FILE *out, const char *before, size_t nb, const char *key,
			    const char *after, size_t na)
{
	size_t nk = strlen(key);
	char buf[64];

	if (nb + nk + na > sizeof(buf))
		return fprintf(out, "%s%s%s", before, key, after) < 0 ? -1 : 0;
	memcpy(buf, before, nb);
	memcpy(buf + nb, key, nk);
	memcpy(buf + nb + nk, after, na);
	return num_flush(out, buf, buf + nb + nk + na);
}

/* before and after are string literals: their lengths are known (five keys per exec). */
#define put_key(out, before, key, after) \
	put_key_n(out, before, sizeof(before) - 1, key, after, sizeof(after) - 1)

static int text_path(FILE *out, const char *key, const struct tracer_path *p)
{
	if (!p->path.ptr)
		return 0;
	if (put_key(out, " ", key, "=") || escape_c_quoted(out, p->path.ptr, p->path.len))
		return -1;
	return text_flags(out, p->flags);
}

static bool fd_same(const struct tracer_fd *a, const struct tracer_fd *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case TRACER_FD_PATH:
	case TRACER_FD_ANON:
		return a->path.flags == b->path.flags && a->path.path.len == b->path.path.len &&
		       (!a->path.path.len ||
			(a->path.path.ptr && b->path.path.ptr &&
			 memcmp(a->path.path.ptr, b->path.path.ptr, a->path.path.len) == 0));
	case TRACER_FD_PIPE:
	case TRACER_FD_SOCKET:
		return a->ino == b->ino;
	default:
		return false;
	}
}

/* One fd as a shell redirection: 0<"/dev/null", 1>pipe:[7], 2>&1, 0<&-. */
static int text_fd(FILE *out, const struct tracer_exec_event *e, int i)
{
	const struct tracer_fd *fd = &e->stdio[i];
	char dir = i == 0 ? '<' : '>';
	char buf[INO_LINK_MAX + 4], *p;

	switch (fd->kind) {
	case TRACER_FD_CLOSED:
		return fprintf(out, " %d%c&-", i, dir) < 0 ? -1 : 0;
	case TRACER_FD_PATH:
		if (i == 2 && fd_same(fd, &e->stdio[1]))
			return fputs(" 2>&1", out) == EOF ? -1 : 0;
		if (!fd->path.path.ptr)
			return 0;
		if (fputc(' ', out) == EOF || fputc('0' + i, out) == EOF ||
		    fputc(dir, out) == EOF ||
		    escape_c_quoted(out, fd->path.path.ptr, fd->path.path.len))
			return -1;
		return text_flags(out, fd->path.flags);
	case TRACER_FD_PIPE:
	case TRACER_FD_SOCKET:
	case TRACER_FD_ANON:
		if (i == 2 && fd_same(fd, &e->stdio[1]))
			return fputs(" 2>&1", out) == EOF ? -1 : 0;
		if (fd->kind == TRACER_FD_ANON) {
			/* The kernel's name ("[eventfd]"), quoted like any other bytes. */
			if (fprintf(out, " %d%canon_inode:", i, dir) < 0)
				return -1;
			return escape_c_quoted(out, fd->path.path.ptr ? fd->path.path.ptr : "",
					       fd->path.path.len);
		}
		p = buf;
		*p++ = ' ';
		*p++ = (char)('0' + i);
		*p++ = dir;
		return num_flush(out, buf, ino_link_name(p, fd));
	default:
		return 0; /* not read */
	}
}

int text_context(FILE *out, const struct tracer_exec_event *e, struct envdiff *env)
{
	int i;

	if (e->argv_truncated && fprintf(out, " argc=%" PRIu32 " argv_bytes=%" PRIu64,
					 e->total_argc, e->total_argv_bytes) < 0)
		return -1;
	if (e->euid != e->uid && fprintf(out, " euid=%" PRIu32, e->euid) < 0)
		return -1;
	if (e->egid != e->gid && fprintf(out, " egid=%" PRIu32, e->egid) < 0)
		return -1;
	if (text_path(out, "cwd", &e->cwd) || text_path(out, "exe", &e->exe) ||
	    text_path(out, "interp", &e->interpreter))
		return -1;
	for (i = 0; i < 3; i++)
		if (text_fd(out, e, i))
			return -1;
	if (e->env_captured && envdiff_write(env, out, e))
		return -1;
	return 0;
}

/* ---- JSON ---- */

static int json_flags(FILE *out, const char *key, uint32_t flags)
{
	const char *sep = "";
	size_t i;

	if (!flags)
		return 0;
	if (fprintf(out, ",\"%s_flags\":[", key) < 0)
		return -1;
	for (i = 0; i < N_PATH_FLAGS; i++) {
		if (!(flags & (1u << i)))
			continue;
		if (fprintf(out, "%s\"%s\"", sep, path_flag_names[i]) < 0)
			return -1;
		sep = ",";
	}
	return fputc(']', out) == EOF ? -1 : 0;
}

/* ,"key":"path" and ,"key_flags":[...] when it has flags; ,"key":null when none. */
static int json_path(FILE *out, const char *key, const struct tracer_path *p)
{
	if (put_key(out, ",\"", key, "\":"))
		return -1;
	if (!p->path.ptr)
		return fputs("null", out) == EOF ? -1 : 0;
	if (escape_json_string(out, p->path.ptr, p->path.len))
		return -1;
	return json_flags(out, key, p->flags);
}

/* "anon_inode:" and the kernel's name, escaped as one string. */
static int json_anon(FILE *out, const struct tracer_bytes *name)
{
	static const char prefix[] = "anon_inode:";
	size_t n = sizeof(prefix) - 1 + name->len;
	char *s = malloc(n);
	int ret;

	if (!s)
		return -1;
	memcpy(s, prefix, sizeof(prefix) - 1);
	if (name->len)
		memcpy(s + sizeof(prefix) - 1, name->ptr, name->len);
	ret = escape_json_string(out, s, n);
	free(s);
	return ret;
}

static int json_fd(FILE *out, const char *key, const struct tracer_fd *fd)
{
	char buf[INO_LINK_MAX + 16], *p;

	switch (fd->kind) {
	case TRACER_FD_PATH:
		return json_path(out, key, &fd->path);
	case TRACER_FD_ANON:
		if (put_key(out, ",\"", key, "\":"))
			return -1;
		return json_anon(out, &fd->path.path);
	case TRACER_FD_PIPE:
	case TRACER_FD_SOCKET:
		/* The keys are stdin, stdout, stderr. */
		p = stpcpy(NUM_LIT(buf, ",\""), key);
		p = ino_link_name(NUM_LIT(p, "\":\""), fd);
		*p++ = '"';
		return num_flush(out, buf, p);
	default:
		/* Closed, or not read. */
		return put_key(out, ",\"", key, "\":null");
	}
}

static int json_env(FILE *out, const struct tracer_exec_event *e)
{
	uint32_t n = e->env ? e->envc : 0, i;

	if (fputs(",\"env\":[", out) == EOF)
		return -1;
	for (i = 0; i < n; i++) {
		if (i && fputc(',', out) == EOF)
			return -1;
		if (escape_json_string(out, e->env[i].ptr, e->env[i].len))
			return -1;
	}
	if (fprintf(out,
		    "],\"envc\":%" PRIu32 ",\"env_bytes\":%" PRIu64
		    ",\"env_truncated\":%s,\"env_fault\":%s",
		    e->total_envc, e->total_env_bytes, e->env_truncated ? "true" : "false",
		    e->env_fault ? "true" : "false") < 0)
		return -1;
	return 0;
}

int json_context(FILE *out, const struct tracer_exec_event *e)
{
	char buf[2 * (NUM_MAX + 16)], *p;
	int i;

	p = num_u64(NUM_LIT(buf, ",\"argc\":"), e->total_argc);
	p = num_u64(NUM_LIT(p, ",\"argv_bytes\":"), e->total_argv_bytes);
	if (num_flush(out, buf, p))
		return -1;
	if (json_path(out, "cwd", &e->cwd) || json_path(out, "exe", &e->exe) ||
	    json_path(out, "interpreter", &e->interpreter))
		return -1;
	for (i = 0; i < 3; i++)
		if (json_fd(out, stdio_names[i], &e->stdio[i]))
			return -1;
	p = num_u64(NUM_LIT(buf, ",\"euid\":"), e->euid);
	p = num_u64(NUM_LIT(p, ",\"egid\":"), e->egid);
	if (num_flush(out, buf, p))
		return -1;
	if (e->env_captured && json_env(out, e))
		return -1;
	return 0;
}
