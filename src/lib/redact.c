// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Environment redaction, done in the library when a record is decoded, so
 * that no front end (text, JSON, the HTTP API, a program using libtracer)
 * ever sees a secret-looking value unless it asked for them (keep_secrets).
 *
 * A name is read as its words, not as a string to search: MONKEY holds no
 * KEY and XDG_SESSION_ID no secret, but API_KEY, apiKey and MYSQL_PWD do.
 * Values are not guessed at, with one exception whatever the name: the
 * password of a URL's user info (postgres://alice:pw@host), the one place a
 * value says on its face that it holds a secret.
 */
#include <stdbool.h>
#include <string.h>
#include <tracer/tracer.h>
#include "redact.h"

/* A word of the name that is a secret on its own (the whole word, any case; see below). */
static const char *const secret_words[] = {
	"PASS", "PW",	  "PWD",     "SECRETS", "TOKENS", "KEY", "KEYS", "CRED",    "CREDS",
	"AUTH", "COOKIE", "COOKIES", "SALT",	"BEARER", "JWT", "DSN",	 "WEBHOOK", "SIGNATURE",
};

/*
 * Long words that also end a word run together (PGPASSWORD, GITHUBTOKEN,
 * AWSSECRETACCESSKEY): long enough that the run is not an unrelated word.
 */
static const char *const secret_endings[] = {
	"PASSWORD",   "PASSWORDS",   "PASSWD", "PASSPHRASE", "SECRET",	  "TOKEN",
	"CREDENTIAL", "CREDENTIALS", "APIKEY", "ACCESSKEY",  "SECRETKEY", "PRIVATEKEY",
};

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_letter(char c)
{
	return is_lower(c) || is_upper(c);
}

/* Whether word (upper case) equals w[0, n), ignoring case. */
static bool word_is(const char *w, size_t n, const char *word)
{
	size_t i;

	if (strlen(word) != n)
		return false;
	for (i = 0; i < n && upper(w[i]) == word[i]; i++)
		;
	return i == n;
}

/* Whether w[0, n) ends with ending (upper case), ignoring case. */
static bool word_ends_with(const char *w, size_t n, const char *ending)
{
	size_t el = strlen(ending);

	return el <= n && word_is(w + n - el, el, ending);
}

/* Whether one word of the name, w[0, n), makes it secret; whole: the name is this word. */
static bool secret_word(const char *w, size_t n, bool whole)
{
	size_t i;

	/* The shell's PWD (and OLDPWD) is the directory; MYSQL_PWD is a password. */
	if (whole && word_is(w, n, "PWD"))
		return false;
	for (i = 0; i < sizeof(secret_words) / sizeof(secret_words[0]); i++)
		if (word_is(w, n, secret_words[i]))
			return true;
	for (i = 0; i < sizeof(secret_endings) / sizeof(secret_endings[0]); i++)
		if (word_ends_with(w, n, secret_endings[i]))
			return true;
	return false;
}

/*
 * Whether a word ends between name[i - 1] and name[i]: at a letter after a
 * digit or a digit after a letter, at a capital after a small letter (apiKey),
 * and at the last capital of a run followed by a small letter (DBPassword).
 */
static bool word_boundary(const char *name, size_t i, size_t n)
{
	char a = name[i - 1], b = name[i];

	if (is_letter(a) != is_letter(b) || is_digit(a) != is_digit(b))
		return true;
	if (is_lower(a) && is_upper(b))
		return true;
	return is_upper(a) && is_upper(b) && i + 1 < n && is_lower(name[i + 1]);
}

bool redact_name_is_secret(const char *name, size_t n)
{
	size_t start = 0, i;

	for (i = 0; i <= n; i++) {
		bool sep = i == n || !(is_letter(name[i]) || is_digit(name[i]));

		if (!sep && (i == start || !word_boundary(name, i, n)))
			continue;
		if (i > start && secret_word(name + start, i - start, start == 0 && i == n))
			return true;
		start = sep ? i + 1 : i;
	}
	return false;
}

/*
 * The next URL password in v[0, n) from *pos on: [*from, *to) its bytes, the
 * part of a URL's authority ("scheme://user:password@host") between the
 * first ':' and the last '@' (a password may hold an unescaped '@'). Returns
 * false when there is none.
 */
static bool next_url_password(const char *v, size_t n, size_t *pos, size_t *from, size_t *to)
{
	size_t i, end, colon, at;

	for (i = *pos; i + 3 <= n; i++) {
		if (i == 0 || memcmp(v + i, "://", 3) != 0 ||
		    !(is_letter(v[i - 1]) || is_digit(v[i - 1])))
			continue;
		for (end = i + 3; end < n; end++)
			if (strchr("/?# \t\n", v[end]))
				break;
		*pos = end;
		at = end;
		while (at > i + 3 && v[at - 1] != '@')
			at--;
		if (at == i + 3)
			continue; /* no user info */
		at--;
		for (colon = i + 3; colon < at && v[colon] != ':'; colon++)
			;
		if (colon + 1 >= at)
			continue; /* a user without a password */
		*from = colon + 1;
		*to = at;
		return true;
	}
	return false;
}

bool redact_is_secret(const char *entry, size_t len)
{
	const char *eq = memchr(entry, '=', len);
	size_t name, pos = 0, from, to;

	if (!eq)
		return false;
	name = (size_t)(eq - entry);
	if (redact_name_is_secret(entry, name))
		return true;
	pos = name + 1;
	return next_url_password(entry, len, &pos, &from, &to);
}

/* "NAME=value" with each URL password replaced, into out; 0 when it does not fit. */
static size_t redact_urls(const char *entry, size_t len, char *out, size_t cap)
{
	size_t rl = sizeof(TRACER_REDACTED) - 1, pos, from, to, copied = 0, o = 0;

	pos = (size_t)((const char *)memchr(entry, '=', len) - entry) + 1;
	while (next_url_password(entry, len, &pos, &from, &to)) {
		if (o + (from - copied) + rl > cap)
			return 0;
		memcpy(out + o, entry + copied, from - copied);
		o += from - copied;
		memcpy(out + o, TRACER_REDACTED, rl);
		o += rl;
		copied = to;
	}
	if (o + (len - copied) > cap)
		return 0;
	memcpy(out + o, entry + copied, len - copied);
	return o + (len - copied);
}

size_t redact_entry(const char *entry, size_t len, char *out, size_t cap)
{
	const char *eq = memchr(entry, '=', len);
	size_t n, rl = sizeof(TRACER_REDACTED) - 1;

	if (!eq)
		return 0;
	n = (size_t)(eq - entry);
	if (!redact_name_is_secret(entry, n))
		return redact_urls(entry, len, out, cap);
	if (n + 1 + rl > cap)
		return 0;
	memcpy(out, entry, n + 1);
	memcpy(out + n + 1, TRACER_REDACTED, rl);
	return n + 1 + rl;
}
