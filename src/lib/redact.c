// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Environment redaction, done in the library when a record is decoded, so
 * that no front end (text, JSON, the HTTP API, a program using libtracer)
 * ever sees a secret-looking value unless it asked for them (keep_secrets).
 * The match is deliberately wide: a name that merely looks secret
 * (KEYBOARD_LAYOUT) loses its value, a real secret is never shown.
 */
#include <string.h>
#include <tracer/tracer.h>
#include "redact.h"

/* The public header's list (TRACER_REDACTED), upper case. */
static const char *const secret_words[] = {
	"PASS",	   "SECRET",  "TOKEN",	   "KEY",  "CRED",   "AUTH", "COOKIE",
	"SESSION", "PRIVATE", "SIGNATURE", "SALT", "BEARER", "JWT",  "DSN",
};

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* Whether word occurs in name[0, n), ignoring case. */
static bool contains_word(const char *name, size_t n, const char *word)
{
	size_t wl = strlen(word), i, j;

	for (i = 0; i + wl <= n; i++) {
		for (j = 0; j < wl && upper(name[i + j]) == word[j]; j++)
			;
		if (j == wl)
			return true;
	}
	return false;
}

bool redact_is_secret(const char *entry, size_t len)
{
	const char *eq = memchr(entry, '=', len);
	size_t i, n;

	if (!eq)
		return false;
	n = (size_t)(eq - entry);
	for (i = 0; i < sizeof(secret_words) / sizeof(secret_words[0]); i++)
		if (contains_word(entry, n, secret_words[i]))
			return true;
	return false;
}

size_t redact_entry(const char *entry, size_t len, char *out, size_t cap)
{
	const char *eq = memchr(entry, '=', len);
	size_t n, rl = sizeof(TRACER_REDACTED) - 1;

	if (!eq)
		return 0;
	n = (size_t)(eq - entry) + 1;
	if (n + rl > cap)
		return 0;
	memcpy(out, entry, n);
	memcpy(out + n, TRACER_REDACTED, rl);
	return n + rl;
}
