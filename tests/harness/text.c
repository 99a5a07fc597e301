// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* tracer's text lines parsed back, and the words a shell reads from them. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "internal.h"

static void expect_lit(char **p, const char *lit, const char *line)
{
	size_t n = strlen(lit);

	cr_assert(strncmp(*p, lit, n) == 0, "text line: expected \"%s\" at \"%.40s\" in: %s", lit,
		  *p, h_show(line, strlen(line)));
	*p += n;
}

static long long expect_num(char **p, const char *line)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(*p, &end, 10);
	cr_assert(end != *p && errno == 0, "text line: expected a number at \"%.40s\" in: %s", *p,
		  h_show(line, strlen(line)));
	*p = end;
	return v;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A C-quoted string ("..." with \" \\ \n \t \r \xNN \uNNNN) at *p. */
static void expect_cquoted(char **p, struct h_bytes *out, const char *line)
{
	char *s = *p, *o;
	size_t n = 0;

	expect_lit(&s, "\"", line);
	o = xmalloc(strlen(s) * 4 + 1);
	while (*s && *s != '"') {
		uint32_t cp;

		if (*s != '\\') {
			o[n++] = *s++;
			continue;
		}
		switch (s[1]) {
		case '"':
		case '\\':
			o[n++] = s[1];
			s += 2;
			break;
		case 'n':
			o[n++] = '\n';
			s += 2;
			break;
		case 't':
			o[n++] = '\t';
			s += 2;
			break;
		case 'r':
			o[n++] = '\r';
			s += 2;
			break;
		case 'x':
			cr_assert(hexval(s[2]) >= 0 && hexval(s[3]) >= 0, "bad \\x escape in: %s",
				  h_show(line, strlen(line)));
			o[n++] = (char)(hexval(s[2]) * 16 + hexval(s[3]));
			s += 4;
			break;
		case 'u':
			cr_assert(hex4(s + 2, &cp) == 0, "bad \\u escape in: %s",
				  h_show(line, strlen(line)));
			put_utf8(o, &n, cp);
			s += 6;
			break;
		case 'U': {
			/* \UNNNNNNNN: an unsafe code point above U+FFFF. */
			uint32_t lo;

			cr_assert(hex4(s + 2, &cp) == 0 && hex4(s + 6, &lo) == 0,
				  "bad \\U escape in: %s", h_show(line, strlen(line)));
			put_utf8(o, &n, cp << 16 | lo);
			s += 10;
			break;
		}
		default:
			cr_assert_fail("bad escape \\%c in: %s", s[1], h_show(line, strlen(line)));
		}
	}
	expect_lit(&s, "\"", line);
	o[n] = '\0';
	out->ptr = o;
	out->len = n;
	*p = s;
}

/*
 * Skips the exec's context fields between tty and the argv label (cwd="...",
 * 0<"...", env: +'A=b c' ...), each a word whose quoted parts ("..." with C
 * escapes, '...', $'...') may hold spaces.
 */
static void skip_context(char **pp)
{
	char *p = *pp;

	while (*p == ' ' && strncmp(p, " argv:", 6) != 0 && strncmp(p, " argv(", 6) != 0) {
		for (p++; *p && *p != ' ';) {
			if (*p == '"' || (p[0] == '$' && p[1] == '\'')) {
				char close = *p == '"' ? '"' : '\'';

				p += close == '"' ? 1 : 2;
				while (*p && *p != close)
					p += p[0] == '\\' && p[1] ? 2 : 1;
				if (*p)
					p++;
			} else if (*p == '\'') {
				p = strchr(p + 1, '\'') ? strchr(p + 1, '\'') + 1 : p + strlen(p);
			} else {
				p++;
			}
		}
	}
	*pp = p;
}

void h_text_parse(char *line, struct h_text *t)
{
	char *p = line, *end;

	memset(t, 0, sizeof(*t));
	h_assert_clean_line(line, strlen(line));
	expect_lit(&p, "[", line);
	t->ts = strtod(p, &end);
	cr_assert(end != p, "text line: bad timestamp in: %s", h_show(line, strlen(line)));
	p = end;
	expect_lit(&p, "] pid=", line);
	t->pid = expect_num(&p, line);
	expect_lit(&p, " tid=", line);
	t->tid = expect_num(&p, line);
	expect_lit(&p, " uid=", line);
	t->uid = expect_num(&p, line);
	expect_lit(&p, " gid=", line);
	t->gid = expect_num(&p, line);
	expect_lit(&p, " syscall_id=", line);
	t->syscall_id = expect_num(&p, line);
	expect_lit(&p, " comm=", line);
	expect_cquoted(&p, &t->comm, line);
	expect_lit(&p, " filename=", line);
	expect_cquoted(&p, &t->filename, line);
	expect_lit(&p, " ppid=", line);
	t->ppid = expect_num(&p, line);
	expect_lit(&p, " ret=", line);
	t->ret = expect_num(&p, line);
	if (strncmp(p, " err=", 5) == 0) {
		size_t n;

		p += 5;
		n = strcspn(p, " ");
		cr_assert(n < sizeof(t->err), "text line: bad err in: %s",
			  h_show(line, strlen(line)));
		memcpy(t->err, p, n);
		p += n;
	}
	expect_lit(&p, " tty=", line);
	if (*p == '"') {
		struct h_bytes b;

		expect_cquoted(&p, &b, line);
		snprintf(t->tty, sizeof(t->tty), "%s", b.ptr);
	} else {
		size_t n = strcspn(p, " ");

		cr_assert(n < sizeof(t->tty), "text line: bad tty in: %s",
			  h_show(line, strlen(line)));
		memcpy(t->tty, p, n);
		p += n;
	}
	skip_context(&p);
	expect_lit(&p, " ", line);
	end = strchr(p, ':');
	cr_assert(end && (size_t)(end - p) < sizeof(t->label), "text line: no argv label in: %s",
		  h_show(line, strlen(line)));
	memcpy(t->label, p, (size_t)(end - p));
	cr_assert(strcmp(t->label, "argv") == 0 || strcmp(t->label, "argv(truncated)") == 0 ||
			  strcmp(t->label, "argv(unreadable)") == 0,
		  "text line: bad argv label \"%s\"", t->label);
	t->words = end + 1;
}

void h_shell_words(const char *words, const char *lc_all, char **out, size_t *len)
{
	const char *script = h_str("printf '%%s\\0'%s", words);
	const char *env = h_str("LC_ALL=%s", lc_all);
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int pfd[2], st;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		cr_assert_fail("pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		char *const argv[] = { "bash", "--norc", "--noprofile", "-c", (char *)script, NULL };
		char *const envp[] = { (char *)env, "PATH=/usr/bin:/bin", NULL };

		child_reset_signals();
		dup2(pfd[1], 1);
		execve("/bin/bash", argv, envp);
		_exit(127);
	}
	close(pfd[1]);
	while (pump(pfd[0], &buf, &n, &cap, false) != 0)
		;
	close(pfd[0]);
	waitpid(pid, &st, 0);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "bash failed (0x%x) on: %s", st,
		  h_show(words, strlen(words)));
	if (!buf)
		buf = calloc(1, 1);
	*out = pool_add(buf);
	*len = n;
}
