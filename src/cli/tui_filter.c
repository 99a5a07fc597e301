// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* The --tui list's live filter (tui_filter.h). */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "parse.h"
#include "tui_filter.h"

#define MAX_WORDS (TUI_FILTER_TEXT / 2)

enum filter_kind {
	KIND_NONE,
	KIND_UID,
	KIND_COMM,
	KIND_MATCH,
	KIND_FAILED
};

static const struct {
	const char *name;
	enum filter_kind kind;
} filter_names[] = {
	{ "uid", KIND_UID },
	{ "comm", KIND_COMM },
	{ "match", KIND_MATCH },
	{ "failed", KIND_FAILED },
};

/* Never 0: an exec's kept answer starts at 0, which no filter is. */
static uint32_t next_gen(void)
{
	static uint32_t gen;

	if (!++gen)
		++gen;
	return gen;
}

void tui_filter_toggle_failed(struct tui_filter *f)
{
	f->failed = !f->failed;
	f->gen = next_gen();
}

bool tui_filter_none(const struct tui_filter *f)
{
	return !f->failed && !f->n_uids && !f->n_comms && !f->n_match;
}

/*
 * text split into words as a shell splits them ('...' literal, "..." with \
 * before " \ $ `, \ alone before any character), each NUL-terminated in
 * store (strlen(text) + 1 bytes are enough: quotes and blanks go).
 */
static int split_words(const char *text, char *store, char **words, size_t *n, char *err,
		       size_t errlen)
{
	const char *p = text;
	char *o = store, quote;

	for (*n = 0;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return 0;
		if (*n == MAX_WORDS) {
			snprintf(err, errlen, "too many words");
			return -1;
		}
		words[(*n)++] = o;
		for (quote = 0; *p && (quote || (*p != ' ' && *p != '\t')); p++) {
			if (quote == '\'' && *p != '\'')
				*o++ = *p;
			else if (*p == '\\' && p[1] && (quote != '"' || strchr("\"\\$`", p[1])))
				*o++ = *++p;
			else if (quote && *p == quote)
				quote = 0;
			else if (!quote && (*p == '\'' || *p == '"'))
				quote = *p;
			else
				*o++ = *p;
		}
		if (quote) {
			snprintf(err, errlen, "a %s quote is not closed",
				 quote == '\'' ? "single" : "double");
			return -1;
		}
		*o++ = '\0';
	}
}

/* "--uid", "--uid=V", "uid=V", "uid": its kind, and its value when in the word (else NULL). */
static enum filter_kind word_kind(char *w, char **value)
{
	char *name = strncmp(w, "--", 2) ? w : w + 2;
	size_t len = strcspn(name, "="), i;

	for (i = 0; i < sizeof(filter_names) / sizeof(filter_names[0]); i++) {
		if (strlen(filter_names[i].name) != len || strncmp(name, filter_names[i].name, len))
			continue;
		*value = name[len] == '=' ? name + len + 1 : NULL;
		return filter_names[i].kind;
	}
	return KIND_NONE;
}

/* One user of --uid: a number, else a name of the user database (as the command line's). */
static int add_uid(struct tui_filter *f, const char *word, char *err, size_t errlen)
{
	char shown[64];
	struct passwd *pw;
	uint32_t uid;

	if (!*word) {
		snprintf(err, errlen, "invalid --uid: an empty user");
		return -1;
	}
	if (parse_id(word, &uid)) {
		pw = getpwnam(word);
		if (!pw) {
			snprintf(err, errlen, "unknown user %s in --uid",
				 printable(word, shown, sizeof(shown)));
			return -1;
		}
		uid = pw->pw_uid;
	}
	if (f->n_uids == TUI_FILTER_MAX) {
		snprintf(err, errlen, "too many users in --uid (at most %d)", TUI_FILTER_MAX);
		return -1;
	}
	f->uids[f->n_uids++] = uid;
	return 0;
}

static int add_uids(struct tui_filter *f, char *list, char *err, size_t errlen)
{
	char *word;

	do {
		word = strsep(&list, ",");
		if (add_uid(f, word, err, errlen))
			return -1;
	} while (list);
	return 0;
}

static int add_value(struct tui_filter *f, enum filter_kind kind, char *value, char *err,
		     size_t errlen)
{
	const char *name = kind == KIND_COMM ? "comm" : "match";
	size_t len = strlen(value);

	if (kind == KIND_UID)
		return add_uids(f, value, err, errlen);
	if (!len) {
		snprintf(err, errlen, "invalid --%s: an empty %s", name,
			 kind == KIND_COMM ? "name" : "pattern");
		return -1;
	}
	if ((kind == KIND_COMM ? f->n_comms : f->n_match) == TUI_FILTER_MAX) {
		snprintf(err, errlen, "too many --%s (at most %d)", name, TUI_FILTER_MAX);
		return -1;
	}
	if (kind == KIND_COMM) {
		/* Cut to 15 bytes, as the kernel cuts comm (and the library the names). */
		snprintf(f->comms[f->n_comms++], TUI_COMM_LEN, "%s", value);
		return 0;
	}
	/* The pool holds every word of a text that fitted TUI_FILTER_TEXT. */
	f->match[f->n_match++] = (uint16_t)f->pool_len;
	memcpy(f->pool + f->pool_len, value, len + 1);
	f->pool_len += len + 1;
	return 0;
}

int tui_filter_parse(const char *text, struct tui_filter *out, char *err, size_t errlen)
{
	char store[TUI_FILTER_TEXT], shown[64], *words[MAX_WORDS], *value;
	struct tui_filter f = { 0 };
	enum filter_kind kind;
	size_t n, i;

	if (strlen(text) >= TUI_FILTER_TEXT) {
		snprintf(err, errlen, "the filter is too long (at most %d bytes)",
			 TUI_FILTER_TEXT - 1);
		return -1;
	}
	if (split_words(text, store, words, &n, err, errlen))
		return -1;
	for (i = 0; i < n; i++) {
		kind = word_kind(words[i], &value);
		if (kind == KIND_NONE) {
			snprintf(err, errlen,
				 "unknown filter %s: --uid, --comm, --match or --failed",
				 printable(words[i], shown, sizeof(shown)));
			return -1;
		}
		if (kind == KIND_FAILED) {
			if (value) {
				snprintf(err, errlen, "--failed takes no value");
				return -1;
			}
			f.failed = true;
			continue;
		}
		if (!value && i + 1 == n) {
			snprintf(err, errlen, "--%s needs a value",
				 kind == KIND_UID  ? "uid" :
				 kind == KIND_COMM ? "comm" :
						     "match");
			return -1;
		}
		if (!value)
			value = words[++i];
		if (add_value(&f, kind, value, err, errlen))
			return -1;
	}
	f.gen = next_gen();
	*out = f;
	return 0;
}

static bool uid_in(const struct tui_filter *f, uint32_t uid)
{
	size_t i;

	for (i = 0; i < f->n_uids; i++)
		if (f->uids[i] == uid)
			return true;
	return false;
}

static bool comm_in(const struct tui_filter *f, const char *comm)
{
	size_t i;

	for (i = 0; i < f->n_comms; i++)
		if (!strncmp(f->comms[i], comm, TUI_COMM_LEN))
			return true;
	return false;
}

static bool match_in(const struct tui_filter *f, const char *cmdline)
{
	size_t i;

	/* Not kept (out of memory): shown rather than hidden unseen, as the bus does. */
	if (!cmdline)
		return true;
	for (i = 0; i < f->n_match; i++)
		if (!fnmatch(f->pool + f->match[i], cmdline, 0))
			return true;
	return false;
}

bool tui_filter_pass(const struct tui_filter *f, const struct tui_exec *e)
{
	if (f->failed && !e->ret)
		return false;
	if (f->n_uids && !uid_in(f, e->uid) && !uid_in(f, e->euid))
		return false;
	if (f->n_comms && !comm_in(f, e->comm))
		return false;
	return !f->n_match || match_in(f, e->cmdline);
}

void tui_filter_describe(const struct tui_filter *f, char *buf, size_t len)
{
	FILE *out;
	size_t i;

	if (!len)
		return;
	buf[0] = '\0';
	out = fmemopen(buf, len, "w");
	if (!out)
		return;
	for (i = 0; i < f->n_uids; i++)
		fprintf(out, "%s%u", i ? "," : "--uid ", f->uids[i]);
	for (i = 0; i < f->n_comms; i++) {
		fputs(ftell(out) ? " --comm " : "--comm ", out);
		escape_shell_word(out, f->comms[i], strlen(f->comms[i]));
	}
	for (i = 0; i < f->n_match; i++) {
		fputs(ftell(out) ? " --match " : "--match ", out);
		escape_shell_word(out, f->pool + f->match[i], strlen(f->pool + f->match[i]));
	}
	if (f->failed)
		fputs(ftell(out) ? " --failed" : "--failed", out);
	fclose(out);
	/* Cut: fmemopen leaves the last byte for the NUL only when it fits. */
	buf[len - 1] = '\0';
}

static const char *basename_of(const char *path, size_t len, size_t *base_len)
{
	const char *slash = memrchr(path, '/', len);
	const char *base = slash ? slash + 1 : path;

	*base_len = len - (size_t)(base - path);
	return base;
}

void tui_filter_comm_of(const struct tracer_exec_event *e, char comm[TUI_COMM_LEN])
{
	const char *name = e->filename.ptr ? e->filename.ptr : "";
	size_t len = e->filename.ptr ? e->filename.len : 0, base_len;
	const char *base;

	/* fexecve(): the kernel's filename is /dev/fd/N; the comm is the file's name. */
	if (!e->ret && e->syscall_nr == TRACER_SYSCALL_EXECVEAT && len >= 8 &&
	    !memcmp(name, "/dev/fd/", 8) && e->exe.path.ptr && e->exe.path.len) {
		name = e->exe.path.ptr;
		len = e->exe.path.len;
	}
	base = basename_of(name, len, &base_len);
	if (base_len > TUI_COMM_LEN - 1)
		base_len = TUI_COMM_LEN - 1;
	memcpy(comm, base, base_len);
	comm[base_len] = '\0';
}
