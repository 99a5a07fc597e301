// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Unit tests of escape.c: exact outputs, invariants, and read-back by bash. */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture.h"
#include "run_bash.h"
#include "escape.h"

/* A string literal and its length (the literal may hold NUL bytes). */
#define LIT(s) (s), (sizeof(s) - 1)

static char *run_esc(int (*fn)(FILE *, const char *, size_t), const char *s, size_t len)
{
	struct capture c;

	cap_open(&c);
	cr_assert_eq(fn(c.f, s, len), 0);
	return cap_close(&c);
}

#define EXPECT_ESC(fn, lit, want)                                                            \
	do {                                                                                 \
		char *got_ = run_esc(fn, LIT(lit));                                          \
		cr_expect_str_eq(got_, want, "%s(%s): got [%s], want [%s]", #fn, #lit, got_, \
				 want);                                                      \
		free(got_);                                                                  \
	} while (0)

/* ---- escape_c_quoted ---- */

Test(c_quoted, plain)
{
	EXPECT_ESC(escape_c_quoted, "hello", "\"hello\"");
	EXPECT_ESC(escape_c_quoted, "/usr/bin/ls", "\"/usr/bin/ls\"");
	EXPECT_ESC(escape_c_quoted, "a b", "\"a b\"");
	EXPECT_ESC(escape_c_quoted, "", "\"\"");
}

Test(c_quoted, quotes_and_backslashes)
{
	EXPECT_ESC(escape_c_quoted, "say \"hi\"", "\"say \\\"hi\\\"\"");
	EXPECT_ESC(escape_c_quoted, "it's", "\"it's\"");
	EXPECT_ESC(escape_c_quoted, "a\\b", "\"a\\\\b\"");
	EXPECT_ESC(escape_c_quoted, "\\x41", "\"\\\\x41\"");
}

Test(c_quoted, controls)
{
	EXPECT_ESC(escape_c_quoted, "a\nb", "\"a\\nb\"");
	EXPECT_ESC(escape_c_quoted, "a\rb", "\"a\\rb\"");
	EXPECT_ESC(escape_c_quoted, "a\tb", "\"a\\tb\"");
	EXPECT_ESC(escape_c_quoted, "\x1b[31mred\x1b[0m", "\"\\x1b[31mred\\x1b[0m\"");
	EXPECT_ESC(escape_c_quoted, "\x7f", "\"\\x7f\"");
	EXPECT_ESC(escape_c_quoted, "\x01\x1f\a\b\f\v", "\"\\x01\\x1f\\x07\\x08\\x0c\\x0b\"");
	EXPECT_ESC(escape_c_quoted, "a\0b", "\"a\\x00b\"");
}

Test(c_quoted, invalid_utf8)
{
	EXPECT_ESC(escape_c_quoted, "\xff", "\"\\xff\"");
	EXPECT_ESC(escape_c_quoted, "a\376b", "\"a\\xfeb\"");
	/* truncated multibyte, at the end and in the middle */
	EXPECT_ESC(escape_c_quoted, "\xe6\x97", "\"\\xe6\\x97\"");
	EXPECT_ESC(escape_c_quoted, "\xe6\x97x", "\"\\xe6\\x97x\"");
	EXPECT_ESC(escape_c_quoted, "\xc3", "\"\\xc3\"");
	/* overlongs */
	EXPECT_ESC(escape_c_quoted, "\xc0\xaf", "\"\\xc0\\xaf\"");
	EXPECT_ESC(escape_c_quoted, "\xc1\xbf", "\"\\xc1\\xbf\"");
	EXPECT_ESC(escape_c_quoted, "\xe0\x80\xaf", "\"\\xe0\\x80\\xaf\"");
	EXPECT_ESC(escape_c_quoted, "\xf0\x80\x80\xaf", "\"\\xf0\\x80\\x80\\xaf\"");
	/* surrogates */
	EXPECT_ESC(escape_c_quoted, "\xed\xa0\x80", "\"\\xed\\xa0\\x80\"");
	EXPECT_ESC(escape_c_quoted, "\xed\xbf\xbf", "\"\\xed\\xbf\\xbf\"");
	/* above U+10FFFF */
	EXPECT_ESC(escape_c_quoted, "\xf4\x90\x80\x80", "\"\\xf4\\x90\\x80\\x80\"");
	EXPECT_ESC(escape_c_quoted, "\xf5\x80\x80\x80", "\"\\xf5\\x80\\x80\\x80\"");
	/* stray continuation byte */
	EXPECT_ESC(escape_c_quoted, "\x80", "\"\\x80\"");
}

Test(c_quoted, valid_utf8)
{
	EXPECT_ESC(escape_c_quoted, "caf\xc3\xa9", "\"caf\xc3\xa9\"");
	EXPECT_ESC(escape_c_quoted, "\xe6\x97\xa5\xe6\x9c\xac", "\"\xe6\x97\xa5\xe6\x9c\xac\"");
	EXPECT_ESC(escape_c_quoted, "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");
	EXPECT_ESC(escape_c_quoted, "\xed\x9f\xbf", "\"\xed\x9f\xbf\""); /* U+D7FF */
	EXPECT_ESC(escape_c_quoted, "\xee\x80\x80", "\"\xee\x80\x80\""); /* U+E000 */
	EXPECT_ESC(escape_c_quoted, "\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\""); /* U+10FFFF */
	EXPECT_ESC(escape_c_quoted, "\xc2\xa1", "\"\xc2\xa1\""); /* U+00A1 */
}

Test(c_quoted, unsafe_code_points)
{
	EXPECT_ESC(escape_c_quoted, "a\xe2\x80\xa8z", "\"a\\u2028z\"");
	EXPECT_ESC(escape_c_quoted, "\xe2\x80\xa9", "\"\\u2029\"");
	EXPECT_ESC(escape_c_quoted, "\xe2\x80\256cod.exe", "\"\\u202ecod.exe\"");
	EXPECT_ESC(escape_c_quoted, "\xe2\x80\xaa", "\"\\u202a\"");
	EXPECT_ESC(escape_c_quoted, "\xe2\x80\x8e\xe2\x80\x8f", "\"\\u200e\\u200f\"");
	EXPECT_ESC(escape_c_quoted, "\xe2\x81\xa6\xe2\x81\xa9", "\"\\u2066\\u2069\"");
	EXPECT_ESC(escape_c_quoted, "\xef\xbb\xbf", "\"\\ufeff\"");
	EXPECT_ESC(escape_c_quoted, "\xc2\x80\xc2\x85\xc2\x9f", "\"\\u0080\\u0085\\u009f\"");
	EXPECT_ESC(escape_c_quoted, "\xd8\x9c", "\"\\u061c\"");
	/* drawn as nothing (default-ignorable), and spaces that are not ASCII's */
	EXPECT_ESC(escape_c_quoted, "rm\xe2\x80\x8b", "\"rm\\u200b\"");
	EXPECT_ESC(escape_c_quoted, "\xe2\x81\xa0\xc2\xad\xe3\x85\xa4",
		   "\"\\u2060\\u00ad\\u3164\"");
	EXPECT_ESC(escape_c_quoted, "\xef\xbe\xa0\xcd\x8f\xef\xb8\x8f",
		   "\"\\uffa0\\u034f\\ufe0f\"");
	EXPECT_ESC(escape_c_quoted, "\xf3\xa0\x80\x81", "\"\\U000e0001\"");
	EXPECT_ESC(escape_c_quoted, "\xf3\xa0\xbf\xbf", "\"\\U000e0fff\"");
	EXPECT_ESC(escape_c_quoted, "\xf0\x9d\x85\xb3", "\"\\U0001d173\"");
	EXPECT_ESC(escape_c_quoted,
		   "a\xc2\xa0"
		   "b\xe2\x80\x83"
		   "c",
		   "\"a\\u00a0b\\u2003c\"");
	EXPECT_ESC(escape_c_quoted, "\xe2\x80\xaf\xe3\x80\x80\xe1\x9a\x80",
		   "\"\\u202f\\u3000\\u1680\"");
	/* neighbours that are fine */
	EXPECT_ESC(escape_c_quoted, "\xe2\x80\xa7\xe2\x80\xb0", "\"\xe2\x80\xa7\xe2\x80\xb0\"");
	EXPECT_ESC(escape_c_quoted, "\xc2\xac\xc2\xae\xe3\x85\xa3\xe3\x85\xa5",
		   "\"\xc2\xac\xc2\xae\xe3\x85\xa3\xe3\x85\xa5\"");
	EXPECT_ESC(escape_c_quoted, "\xf3\xa1\x80\x80", "\"\xf3\xa1\x80\x80\""); /* U+E1000 */
}

/* ---- escape_shell_word ---- */

Test(shell_word, bare)
{
	EXPECT_ESC(escape_shell_word, "ls", "ls");
	EXPECT_ESC(escape_shell_word, "-l", "-l");
	EXPECT_ESC(escape_shell_word, "/usr/bin/x86_64-linux-gnu", "/usr/bin/x86_64-linux-gnu");
	EXPECT_ESC(escape_shell_word, "user@host:a,b+c%d=e.f", "user@host:a,b+c%d=e.f");
	EXPECT_ESC(escape_shell_word, "A=b", "A=b");
	EXPECT_ESC(escape_shell_word, "if", "if");
}

Test(shell_word, single_quoted)
{
	EXPECT_ESC(escape_shell_word, "", "''");
	EXPECT_ESC(escape_shell_word, "a b", "'a b'");
	EXPECT_ESC(escape_shell_word, "it's", "'it'\\''s'");
	EXPECT_ESC(escape_shell_word, "'", "''\\'''");
	EXPECT_ESC(escape_shell_word, "say \"hi\"", "'say \"hi\"'");
	EXPECT_ESC(escape_shell_word, "a\\b", "'a\\b'");
	EXPECT_ESC(escape_shell_word, "$HOME", "'$HOME'");
	EXPECT_ESC(escape_shell_word, "`id`$(id)", "'`id`$(id)'");
	EXPECT_ESC(escape_shell_word, "*", "'*'");
	EXPECT_ESC(escape_shell_word, "~", "'~'");
	EXPECT_ESC(escape_shell_word, "!x", "'!x'");
	EXPECT_ESC(escape_shell_word, "#c", "'#c'");
	EXPECT_ESC(escape_shell_word, "a;b|c&d", "'a;b|c&d'");
	EXPECT_ESC(escape_shell_word, "{a,b}", "'{a,b}'");
	EXPECT_ESC(escape_shell_word, "caf\xc3\xa9", "'caf\xc3\xa9'");
	EXPECT_ESC(escape_shell_word, "\xe6\x97\xa5\xe6\x9c\xac", "'\xe6\x97\xa5\xe6\x9c\xac'");
}

Test(shell_word, ansi_c)
{
	EXPECT_ESC(escape_shell_word, "a\nb", "$'a\\nb'");
	EXPECT_ESC(escape_shell_word, "\r\t\a\b\f\v", "$'\\r\\t\\a\\b\\f\\v'");
	EXPECT_ESC(escape_shell_word, "\x1b[31mred", "$'\\x1b[31mred'");
	/* a hex digit after \x1b stays a literal: bash reads at most 2 digits */
	EXPECT_ESC(escape_shell_word, "\0331f", "$'\\x1b1f'");
	EXPECT_ESC(escape_shell_word, "\x7f", "$'\\x7f'");
	EXPECT_ESC(escape_shell_word, "\x01", "$'\\x01'");
	EXPECT_ESC(escape_shell_word, "\xff", "$'\\xff'");
	EXPECT_ESC(escape_shell_word, "\xe6\x97", "$'\\xe6\\x97'");
	EXPECT_ESC(escape_shell_word, "\xc0\xaf", "$'\\xc0\\xaf'");
	EXPECT_ESC(escape_shell_word, "\xed\xa0\x80", "$'\\xed\\xa0\\x80'");
	EXPECT_ESC(escape_shell_word, "it's\n", "$'it\\x27s\\n'");
	EXPECT_ESC(escape_shell_word, "hi!\n", "$'hi\\x21\\n'");
	EXPECT_ESC(escape_shell_word, "a\\b\n", "$'a\\\\b\\n'");
	EXPECT_ESC(escape_shell_word, "\"$x\"\n", "$'\"$x\"\\n'");
	EXPECT_ESC(escape_shell_word, "caf\xc3\xa9\n", "$'caf\xc3\xa9\\n'");
	/* unsafe code points: their UTF-8 bytes, so that any locale reads them back */
	EXPECT_ESC(escape_shell_word, "\xe2\x80\xa8", "$'\\xe2\\x80\\xa8'");
	EXPECT_ESC(escape_shell_word, "a\xe2\x80\256b", "$'a\\xe2\\x80\\xaeb'");
	EXPECT_ESC(escape_shell_word, "\xc2\x85", "$'\\xc2\\x85'");
}

Test(shell_word, command_word)
{
	EXPECT_ESC(escape_shell_command_word, "ls", "ls");
	EXPECT_ESC(escape_shell_command_word, "A=b", "'A=b'");
	EXPECT_ESC(escape_shell_command_word, "=", "'='");
	EXPECT_ESC(escape_shell_command_word, "if", "'if'");
	EXPECT_ESC(escape_shell_command_word, "done", "'done'");
	EXPECT_ESC(escape_shell_command_word, "iffy", "iffy");
	EXPECT_ESC(escape_shell_command_word, "A=b c", "'A=b c'");
	EXPECT_ESC(escape_shell_command_word, "A=\n", "$'A=\\n'");
	EXPECT_ESC(escape_shell_command_word, "", "''");
}

/* ---- escape_json_string ---- */

Test(json_string, plain_and_specials)
{
	EXPECT_ESC(escape_json_string, "plain", "\"plain\"");
	EXPECT_ESC(escape_json_string, "", "\"\"");
	EXPECT_ESC(escape_json_string, "a b/c", "\"a b/c\"");
	EXPECT_ESC(escape_json_string, "say \"hi\" it's", "\"say \\\"hi\\\" it's\"");
	EXPECT_ESC(escape_json_string, "a\\b", "\"a\\\\b\"");
	EXPECT_ESC(escape_json_string, "\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"");
	EXPECT_ESC(escape_json_string, "\x01\x0b\x1b[0m\x7f",
		   "\"\\u0001\\u000b\\u001b[0m\\u007f\"");
	EXPECT_ESC(escape_json_string, "a\0b", "\"a\\u0000b\"");
}

Test(json_string, utf8)
{
	EXPECT_ESC(escape_json_string, "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac",
		   "\"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac\"");
	EXPECT_ESC(escape_json_string, "\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");
	EXPECT_ESC(escape_json_string, "\xe2\x80\xa8\xe2\x80\xae\xc2\x85\xef\xbb\xbf",
		   "\"\\u2028\\u202e\\u0085\\ufeff\"");
}

Test(json_string, hidden_code_points)
{
	EXPECT_ESC(escape_json_string, "rm\xe2\x80\x8b", "\"rm\\u200b\"");
	EXPECT_ESC(escape_json_string, "\xc2\xa0", "\"\\u00a0\"");
	/* above U+FFFF: a surrogate pair, never \U (not JSON) */
	EXPECT_ESC(escape_json_string, "\xf3\xa0\x80\x81", "\"\\udb40\\udc01\"");
	EXPECT_ESC(escape_json_string, "\xf3\xa0\xbf\xbf", "\"\\udb43\\udfff\"");
}

Test(shell_word, hidden_code_points)
{
	EXPECT_ESC(escape_shell_word, "rm\xe2\x80\x8b", "$'rm\\xe2\\x80\\x8b'");
	EXPECT_ESC(escape_shell_word,
		   "a\xc2\xa0"
		   "b",
		   "$'a\\xc2\\xa0b'");
	EXPECT_ESC(escape_shell_word, "\xf3\xa0\x80\x81", "$'\\xf3\\xa0\\x80\\x81'");
}

Test(json_string, invalid_utf8)
{
	EXPECT_ESC(escape_json_string, "\xff", "\"\\udcff\"");
	EXPECT_ESC(escape_json_string, "a\xe6\x97", "\"a\\udce6\\udc97\"");
	EXPECT_ESC(escape_json_string, "\xc0\xaf", "\"\\udcc0\\udcaf\"");
	EXPECT_ESC(escape_json_string, "\xed\xa0\x80", "\"\\udced\\udca0\\udc80\"");
	EXPECT_ESC(escape_json_string, "\xf4\x90\x80\x80", "\"\\udcf4\\udc90\\udc80\\udc80\"");
}

Test(errors, null_empty_string)
{
	char *s;

	s = run_esc(escape_c_quoted, NULL, 0);
	cr_expect_str_eq(s, "\"\"");
	free(s);
	s = run_esc(escape_json_string, NULL, 0);
	cr_expect_str_eq(s, "\"\"");
	free(s);
	s = run_esc(escape_shell_word, NULL, 0);
	cr_expect_str_eq(s, "''");
	free(s);
	s = run_esc(escape_shell_command_word, NULL, 0);
	cr_expect_str_eq(s, "''");
	free(s);
}

/* ---- write errors ---- */

Test(errors, write_failure_reported)
{
	/* a read-only stream: every write fails */
	FILE *f = fopen("/dev/null", "r");

	cr_assert_not_null(f);
	setvbuf(f, NULL, _IONBF, 0);
	cr_expect_eq(escape_c_quoted(f, LIT("abc\n")), -1);
	cr_expect_eq(escape_shell_word(f, LIT("abc")), -1);
	cr_expect_eq(escape_shell_word(f, LIT("a b")), -1);
	cr_expect_eq(escape_shell_word(f, LIT("a\n")), -1);
	cr_expect_eq(escape_json_string(f, LIT("abc")), -1);
	fclose(f);
}

/* ---- invariants over generated strings ---- */

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

/* A hostile string: no NUL, biased towards bytes and sequences that need care. */
static size_t gen_hostile(char *buf, size_t cap)
{
	static const char *const pieces[] = { "'",
					      "\"",
					      "\\",
					      "\n",
					      "\r",
					      "\t",
					      "\x1b",
					      "\x7f",
					      "\x01",
					      " ",
					      "$",
					      "`",
					      "!",
					      "=",
					      "%",
					      "#",
					      "~",
					      "*",
					      "x",
					      "1",
					      "f",
					      "\xff",
					      "\xc0\xaf",
					      "\xed\xa0\x80",
					      "\xe6\x97",
					      "\xc3\xa9",
					      "\xe6\x97\xa5",
					      "\xf0\x9f\x98\x80",
					      "\xe2\x80\xa8",
					      "\xe2\x80\x8b",
					      "\xc2\xa0",
					      "\xf3\xa0\x80\x81",
					      "\xe2\x80\x83",
					      "\xe2\x80\xae",
					      "\xc2\x85",
					      "\xef\xbb\xbf",
					      "\x80",
					      "\xf4\x90\x80\x80",
					      "\\x41",
					      "\\u2028",
					      "$'",
					      "'\\''" };
	size_t n = rng() % 8, len = 0, i;

	for (i = 0; i < n; i++) {
		const char *p;
		size_t pl;
		char one;

		if (rng() % 4 == 0) {
			one = (char)(rng() % 255 + 1);
			p = &one;
			pl = 1;
		} else {
			p = pieces[rng() % (sizeof(pieces) / sizeof(pieces[0]))];
			pl = strlen(p);
		}
		if (len + pl > cap)
			break;
		memcpy(buf + len, p, pl);
		len += pl;
	}
	return len;
}

/* Independent strict UTF-8 decoder: code point, or -1 when invalid; *n its length. */
static long test_utf8(const unsigned char *s, size_t len, size_t *n)
{
	long cp, min;
	size_t need, i;

	if (s[0] < 0x80) {
		*n = 1;
		return s[0];
	} else if ((s[0] & 0xe0) == 0xc0) {
		need = 2, cp = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		need = 3, cp = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		need = 4, cp = s[0] & 0x07, min = 0x10000;
	} else {
		return -1;
	}
	if (len < need)
		return -1;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*n = need;
	return cp;
}

static bool test_unsafe(long cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff || cp == 0x61c ||
	       (cp >= 0x200b && cp <= 0x200d) || (cp >= 0x2060 && cp <= 0x206f) || cp == 0xad ||
	       cp == 0x3164 || (cp >= 0xe0000 && cp <= 0xe0fff) || (cp >= 0x2000 && cp <= 0x200a) ||
	       cp == 0xa0 || cp == 0x202f || cp == 0x3000;
}

/* Output is valid UTF-8 with no control, line break or bidi code point. */
static void check_clean(const char *out, const char *what)
{
	const unsigned char *p = (const unsigned char *)out;
	size_t len = strlen(out), i = 0, n = 0;

	while (i < len) {
		long cp = test_utf8(p + i, len - i, &n);

		cr_assert(cp >= 0, "%s: invalid UTF-8 at %zu in [%s]", what, i, out);
		cr_assert(!test_unsafe(cp), "%s: code point %lx at %zu in [%s]", what, cp, i, out);
		i += n;
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static long hexn(const char *p, int n)
{
	long v = 0;
	int i;

	for (i = 0; i < n; i++) {
		int d = hexval(p[i]);

		cr_assert(d >= 0, "bad hex digit in [%.*s]", n, p);
		v = v * 16 + d;
	}
	return v;
}

static size_t put_utf8(char *out, long cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Reads back a "..." string written by escape_json_string (json) or
 * escape_c_quoted (!json); returns its length, the bytes in out.
 */
static size_t unescape_quoted(const char *s, char *out, bool json)
{
	size_t len = strlen(s), o = 0, i;

	cr_assert(len >= 2 && s[0] == '"' && s[len - 1] == '"', "not quoted: [%s]", s);
	for (i = 1; i < len - 1; i++) {
		long cp;

		cr_assert(s[i] != '"', "unescaped quote in [%s]", s);
		if (s[i] != '\\') {
			out[o++] = s[i];
			continue;
		}
		i++;
		switch (s[i]) {
		case '"':
		case '\\':
			out[o++] = s[i];
			break;
		case 'n':
			out[o++] = '\n';
			break;
		case 't':
			out[o++] = '\t';
			break;
		case 'r':
			out[o++] = '\r';
			break;
		case 'b':
			cr_assert(json);
			out[o++] = '\b';
			break;
		case 'f':
			cr_assert(json);
			out[o++] = '\f';
			break;
		case 'x':
			cr_assert(!json);
			out[o++] = (char)hexn(s + i + 1, 2);
			i += 2;
			break;
		case 'U':
			cr_assert(!json, "\\U in JSON: [%s]", s);
			o += put_utf8(out + o, hexn(s + i + 1, 8));
			i += 8;
			break;
		case 'u':
			cp = hexn(s + i + 1, 4);
			i += 4;
			if (json && cp >= 0xd800 && cp <= 0xdbff) {
				cr_assert(s[i + 1] == '\\' && s[i + 2] == 'u',
					  "lone high surrogate: [%s]", s);
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (hexn(s + i + 3, 4) - 0xdc00);
				i += 6;
				o += put_utf8(out + o, cp);
			} else if (json && cp >= 0xdc80 && cp <= 0xdcff)
				out[o++] = (char)(cp & 0xff);
			else
				o += put_utf8(out + o, cp);
			break;
		default:
			cr_assert_fail("unknown escape \\%c in [%s]", s[i], s);
		}
	}
	return o;
}

Test(invariants, generated_strings_round_trip)
{
	char in[64], back[256];
	int iter;

	for (iter = 0; iter < 3000; iter++) {
		size_t len = gen_hostile(in, sizeof(in)), blen;
		char *c = run_esc(escape_c_quoted, in, len);
		char *j = run_esc(escape_json_string, in, len);
		char *w = run_esc(escape_shell_word, in, len);

		check_clean(c, "c_quoted");
		check_clean(j, "json");
		check_clean(w, "shell");
		blen = unescape_quoted(c, back, false);
		cr_assert(blen == len && memcmp(back, in, len) == 0, "c_quoted round trip: [%s]",
			  c);
		blen = unescape_quoted(j, back, true);
		cr_assert(blen == len && memcmp(back, in, len) == 0, "json round trip: [%s]", j);
		free(c);
		free(j);
		free(w);
	}
}

/* ---- bash reads the shell words back as the same bytes ---- */

static const struct {
	const char *s;
	size_t len;
} hostile[] = {
	{ LIT("plain") },
	{ LIT("") },
	{ LIT("a b") },
	{ LIT("a  b\tc") },
	{ LIT("it's") },
	{ LIT("'") },
	{ LIT("''") },
	{ LIT("say \"hi\"") },
	{ LIT("back\\slash\\") },
	{ LIT("\\'") },
	{ LIT("a\nb") },
	{ LIT("\n") },
	{ LIT("cr\r") },
	{ LIT("\x1b[31mred\x1b[0m") },
	{ LIT("\0331f") },
	{ LIT("\x7f\x01\x02\x1f") },
	{ LIT("\a\b\f\v") },
	{ LIT("\xff") },
	{ LIT("\xfe\xff") },
	{ LIT("\xe6\x97") },
	{ LIT("\xe6\x97x") },
	{ LIT("\xc0\xaf") },
	{ LIT("\xed\xa0\x80") },
	{ LIT("\xf4\x90\x80\x80") },
	{ LIT("caf\xc3\xa9") },
	{ LIT("\xe6\x97\xa5\xe6\x9c\xac") },
	{ LIT("\xe2\x80\xa8") },
	{ LIT("\xe2\x80\256cod.exe") },
	{ LIT("\xc2\x85\xef\xbb\xbf") },
	{ LIT("rm\xe2\x80\x8b -\xc2\xa0\xf3\xa0\x80\x81\xe2\x80\x83") },
	{ LIT("$HOME `id` $(id) ${x}") },
	{ LIT("!!") },
	{ LIT("!x") },
	{ LIT("#comment") },
	{ LIT("~root") },
	{ LIT("*?[a]") },
	{ LIT("{a,b}") },
	{ LIT("a;b|c&d>e<f") },
	{ LIT("A=b") },
	{ LIT("-n") },
	{ LIT("-e") },
	{ LIT("%s%n") },
	{ LIT("x\n[0.000000] pid=1 tid=1 uid=0 gid=0 syscall_id=59 comm=\"x\"") },
	{ LIT("$'\\x41'") },
	{ LIT("\\x41\\u2028") },
	{ LIT("\\") },
};

#define N_HOSTILE (sizeof(hostile) / sizeof(hostile[0]))

/* printf '%s\0' WORD... for every word; checks bash prints exactly the bytes. */
static void bash_round_trip(const char *const *words, const size_t *lens, size_t n,
			    const char *locale)
{
	struct capture sc, wc;
	char *script, *want, *got;
	size_t want_len, got_len, i;
	FILE *f = cap_open(&sc), *w = cap_open(&wc);

	fputs("printf '%s\\0'", f);
	for (i = 0; i < n; i++) {
		fputc(' ', f);
		cr_assert_eq(escape_shell_word(f, words[i], lens[i]), 0);
		fwrite(words[i], 1, lens[i], w);
		fputc('\0', w);
	}
	script = cap_close(&sc);
	want = cap_close(&wc);
	want_len = wc.size;
	got = run_bash(script, locale, &got_len);
	cr_assert(got_len == want_len && memcmp(got, want, want_len) == 0,
		  "bash (%s) read back different bytes from: %s", locale, script);
	free(got);
	free(script);
	free(want);
}

static void bash_hostile(const char *locale)
{
	const char *words[N_HOSTILE];
	size_t lens[N_HOSTILE], i;

	for (i = 0; i < N_HOSTILE; i++) {
		words[i] = hostile[i].s;
		lens[i] = hostile[i].len;
	}
	bash_round_trip(words, lens, N_HOSTILE, locale);
}

Test(bash, hostile_words_utf8_locale)
{
	bash_hostile("C.UTF-8");
}

Test(bash, hostile_words_c_locale)
{
	bash_hostile("C");
}

Test(bash, hostile_words_one_by_one)
{
	size_t i;

	/* Separately, so that a failure names the word. */
	for (i = 0; i < N_HOSTILE; i++)
		bash_round_trip(&hostile[i].s, &hostile[i].len, 1, "C.UTF-8");
}

Test(bash, generated_words)
{
	static char bufs[400][64];
	const char *words[400];
	size_t lens[400], i;

	rng_state = 777;
	for (i = 0; i < 400; i++) {
		lens[i] = gen_hostile(bufs[i], sizeof(bufs[i]));
		words[i] = bufs[i];
	}
	bash_round_trip(words, lens, 400, "C.UTF-8");
	bash_round_trip(words, lens, 400, "C");
}

/* Every byte 1..255 alone, and after a backslash and a quote. */
Test(bash, every_byte)
{
	static char bufs[255][3];
	const char *words[255 * 2];
	size_t lens[255 * 2], i;

	for (i = 0; i < 255; i++) {
		bufs[i][0] = (char)(i + 1);
		bufs[i][1] = '\\';
		bufs[i][2] = '\'';
		words[2 * i] = bufs[i];
		lens[2 * i] = 1;
		words[2 * i + 1] = bufs[i];
		lens[2 * i + 1] = 3;
	}
	bash_round_trip(words, lens, 255 * 2, "C.UTF-8");
	bash_round_trip(words, lens, 255 * 2, "C");
}

/*
 * The first word of a command: an assignment or a reserved word would not run
 * a command. With PATH empty, command_not_found_handle sees the name bash
 * would have run.
 */
Test(bash, command_words)
{
	static const char *const names[] = { "A=b",   "a=b=c", "if",	 "then",     "while",
					     "done",  "fi",    "case",	 "in",	     "time",
					     "x=y z", "n=\n",  "coproc", "function", "{a}" };
	struct capture sc, wc;
	char *script, *want, *got;
	size_t want_len, got_len, i;
	FILE *f = cap_open(&sc), *w = cap_open(&wc);

	fputs("command_not_found_handle() { printf '%s\\0' \"$1\"; return 0; }\n", f);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		cr_assert_eq(escape_shell_command_word(f, names[i], strlen(names[i])), 0);
		fputs(" arg\n", f);
		fwrite(names[i], 1, strlen(names[i]) + 1, w);
	}
	script = cap_close(&sc);
	want = cap_close(&wc);
	want_len = wc.size;
	got = run_bash(script, "C.UTF-8", &got_len);
	cr_assert(got_len == want_len && memcmp(got, want, want_len) == 0,
		  "bash did not run the named commands: %s", script);
	free(got);
	free(script);
	free(want);
}
