// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Escaping of untrusted bytes. The input may hold any byte (including bytes
 * that are not UTF-8); the output never holds a line break, a control
 * character, invalid UTF-8 or a code point that reorders or hides text.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"

static const char hex_digits[] = "0123456789abcdef";

/*
 * Length (2..4) of the strictly valid multibyte UTF-8 sequence at s, its code
 * point in *cp; 1 for an ASCII byte; 0 when the byte at s does not start a
 * valid sequence (stray continuation byte, overlong form, surrogate, above
 * U+10FFFF, sequence cut by the end of the string).
 */
static size_t utf8_seq(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	uint32_t v;
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0; /* overlong */
		else if (c == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90; /* overlong */
		else if (c == 0xf4)
			hi = 0x8f; /* above U+10FFFF */
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
		v = (v << 6) | (s[i] & 0x3f);
	}
	*cp = v;
	return n;
}

/*
 * Default-ignorable code points (Unicode's DerivedCoreProperties.txt, 15.1):
 * drawn as nothing, so "rm\u200b" would pass for "rm" and a zero-width
 * space inside a path would not be seen.
 */
static bool cp_default_ignorable(uint32_t cp)
{
	if (cp < 0x00ad)
		return false;
	return cp == 0x00ad || cp == 0x034f || cp == 0x061c || cp == 0x115f || cp == 0x1160 ||
	       cp == 0x17b4 || cp == 0x17b5 || (cp >= 0x180b && cp <= 0x180f) ||
	       (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2060 && cp <= 0x206f) || cp == 0x3164 || (cp >= 0xfe00 && cp <= 0xfe0f) ||
	       cp == 0xfeff || cp == 0xffa0 || (cp >= 0xfff0 && cp <= 0xfff8) ||
	       (cp >= 0x1bca0 && cp <= 0x1bca3) || (cp >= 0x1d173 && cp <= 0x1d17a) ||
	       (cp >= 0xe0000 && cp <= 0xe0fff);
}

/* White space other than ASCII's (White_Space in PropList.txt): it passes for a blank. */
static bool cp_unicode_space(uint32_t cp)
{
	return cp == 0x0085 || cp == 0x00a0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
	       cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

/*
 * Valid code points that must not reach a terminal or a log as is: C1
 * controls, line and paragraph separators, the bidirectional controls that
 * can make a line read differently from what it holds, code points drawn as
 * nothing, and spaces that are not ASCII's (one would split what looks like a
 * word, or pass for the separator between two).
 */
static bool cp_unsafe(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp_unicode_space(cp) || cp_default_ignorable(cp);
}

/* Writes [from, to) as is. */
static int put_run(FILE *out, const unsigned char *from, const unsigned char *to)
{
	size_t n = (size_t)(to - from);

	if (n && fwrite(from, 1, n, out) != n)
		return -1;
	return 0;
}

/* prefix then the low 'digits' hex digits of v, lowercase, into buf. */
static const char *fmt_hex(char *buf, const char *prefix, uint32_t v, int digits)
{
	size_t plen = strlen(prefix);
	int i;

	memcpy(buf, prefix, plen);
	for (i = 0; i < digits; i++)
		buf[plen + i] = hex_digits[(v >> (4 * (digits - 1 - i))) & 0xf];
	buf[plen + digits] = '\0';
	return buf;
}

/*
 * cp as \uNNNN, or above U+FFFF as \UNNNNNNNN (json: as a UTF-16
 * surrogate pair \uD8NN\uDCNN, which JSON decoders join back).
 */
static const char *fmt_code_point(char *buf, uint32_t cp, bool json)
{
	uint32_t v = cp - 0x10000;

	if (cp <= 0xffff)
		return fmt_hex(buf, "\\u", cp, 4);
	if (!json)
		return fmt_hex(buf, "\\U", cp, 8);
	fmt_hex(buf, "\\u", 0xd800 | (v >> 10), 4);
	fmt_hex(buf + 6, "\\u", 0xdc00 | (v & 0x3ff), 4);
	return buf;
}

/*
 * The escape of the one byte c that C, JSON and bash's $'...' all read the
 * same way: a backslash and a letter when the language has it (letters: the
 * ones it has, '\\' and '"' included where they need one), else a control
 * byte in hex after hex_prefix; NULL: c is written as it is.
 */
static const char *letter_escape(char *buf, unsigned char c, const char *letters,
				 const char *hex_prefix)
{
	const char *esc;

	switch (c) {
	case '\\':
		esc = "\\\\";
		break;
	case '"':
		esc = "\\\"";
		break;
	case '\n':
		esc = "\\n";
		break;
	case '\t':
		esc = "\\t";
		break;
	case '\r':
		esc = "\\r";
		break;
	case '\a':
		esc = "\\a";
		break;
	case '\b':
		esc = "\\b";
		break;
	case '\f':
		esc = "\\f";
		break;
	case '\v':
		esc = "\\v";
		break;
	default:
		esc = NULL;
	}
	if (esc && strchr(letters, esc[1]))
		return esc;
	if (c < 0x20 || c == 0x7f)
		return fmt_hex(buf, hex_prefix, c, 2);
	return NULL;
}

/* Escape, for escape_c_quoted, of the n-byte item at p (NULL: copy it as is). */
static const char *c_quoted_escape(char *buf, const unsigned char *p, size_t n, uint32_t cp)
{
	if (n == 0)
		return fmt_hex(buf, "\\x", *p, 2);
	if (n > 1)
		return cp_unsafe(cp) ? fmt_code_point(buf, cp, false) : NULL;
	return letter_escape(buf, *p, "\\\"ntr", "\\x");
}

/* Escape, for escape_json_string, of the n-byte item at p (NULL: copy it as is). */
static const char *json_escape(char *buf, const unsigned char *p, size_t n, uint32_t cp)
{
	if (n == 0)
		return fmt_hex(buf, "\\udc", *p, 2);
	if (n > 1)
		return cp_unsafe(cp) ? fmt_code_point(buf, cp, true) : NULL;
	return letter_escape(buf, *p, "\\\"ntrbf", "\\u00");
}

/*
 * Escape, inside bash's $'...', of the n-byte item at p (NULL: copy it as is).
 * Unsafe code points are written as their UTF-8 bytes (\xNN each) rather than
 * \uNNNN: bash converts \u to the current locale's charset, so \u would not
 * read back as the same bytes outside a UTF-8 locale.
 */
static const char *ansi_c_escape(char *buf, const unsigned char *p, size_t n, uint32_t cp)
{
	size_t i;

	if (n == 0)
		return fmt_hex(buf, "\\x", *p, 2);
	if (n > 1) {
		if (!cp_unsafe(cp))
			return NULL;
		buf[0] = '\0';
		for (i = 0; i < n; i++)
			fmt_hex(buf + 4 * i, "\\x", p[i], 2);
		return buf;
	}
	/* Not \' nor a bare !: nothing for history expansion to misread. */
	if (*p == '\'' || *p == '!')
		return fmt_hex(buf, "\\x", *p, 2);
	return letter_escape(buf, *p, "\\ntrabfv", "\\x");
}

/* Escape, inside '...', of the n-byte item at p (only ever called on printable text). */
static const char *single_quote_escape(char *buf, const unsigned char *p, size_t n, uint32_t cp)
{
	(void)buf;
	(void)cp;
	if (n == 1 && *p == '\'')
		return "'\\''";
	return NULL;
}

/* Writes open, s escaped item by item with fn, then close. */
static int write_escaped(FILE *out, const char *s, size_t len, const char *open, const char *close,
			 const char *(*fn)(char *buf, const unsigned char *p, size_t n,
					   uint32_t cp))
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = len ? p + len : p;
	const unsigned char *run = p;
	char buf[20];

	if (fputs(open, out) == EOF)
		return -1;
	while (p < end) {
		const char *esc;
		uint32_t cp = 0;
		size_t n = utf8_seq(p, (size_t)(end - p), &cp);

		esc = fn(buf, p, n, cp);
		if (n == 0)
			n = 1;
		if (esc) {
			if (put_run(out, run, p) || fputs(esc, out) == EOF)
				return -1;
			run = p + n;
		}
		p += n;
	}
	if (put_run(out, run, p) || fputs(close, out) == EOF)
		return -1;
	return 0;
}

/*
 * Whether s holds only printable ASCII other than '"' and '\\', which both
 * c_quoted_escape() and json_escape() copy as is: most strings, written
 * without going through them byte by byte.
 */
static bool quoted_plain(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			return false;
	}
	return true;
}

/* "s", s holding only plain bytes (quoted_plain()). */
static int write_quoted_plain(FILE *out, const char *s, size_t len)
{
	if (fputc('"', out) == EOF || (len && fwrite(s, 1, len, out) != len) ||
	    fputc('"', out) == EOF)
		return -1;
	return 0;
}

int escape_c_quoted(FILE *out, const char *s, size_t len)
{
	if (quoted_plain(s, len))
		return write_quoted_plain(out, s, len);
	return write_escaped(out, s, len, "\"", "\"", c_quoted_escape);
}

int escape_json_string(FILE *out, const char *s, size_t len)
{
	if (quoted_plain(s, len))
		return write_quoted_plain(out, s, len);
	return write_escaped(out, s, len, "\"", "\"", json_escape);
}

enum shell_style {
	SHELL_BARE,
	SHELL_SINGLE,
	SHELL_ANSI_C,
};

static bool shell_safe_byte(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	switch (c) {
	case '_':
	case '@':
	case '%':
	case '+':
	case '=':
	case ':':
	case ',':
	case '.':
	case '/':
	case '-':
		return true;
	default:
		return false;
	}
}

/* The simplest quoting that bash reads back as exactly these bytes. */
static enum shell_style shell_style(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	bool bare = true;
	size_t i = 0;

	if (len == 0)
		return SHELL_SINGLE;
	while (i < len) {
		uint32_t cp = 0;
		size_t n = utf8_seq(p + i, len - i, &cp);

		if (n == 0)
			return SHELL_ANSI_C;
		if (n == 1) {
			if (p[i] < 0x20 || p[i] == 0x7f)
				return SHELL_ANSI_C;
			if (!shell_safe_byte(p[i]))
				bare = false;
		} else {
			if (cp_unsafe(cp))
				return SHELL_ANSI_C;
			bare = false;
		}
		i += n;
	}
	return bare ? SHELL_BARE : SHELL_SINGLE;
}

static int write_shell_word(FILE *out, const char *s, size_t len, enum shell_style style)
{
	switch (style) {
	case SHELL_BARE:
		return put_run(out, (const unsigned char *)s, (const unsigned char *)s + len);
	case SHELL_SINGLE:
		return write_escaped(out, s, len, "'", "'", single_quote_escape);
	case SHELL_ANSI_C:
	default:
		return write_escaped(out, s, len, "$'", "'", ansi_c_escape);
	}
}

int escape_shell_word(FILE *out, const char *s, size_t len)
{
	return write_shell_word(out, s, len, shell_style(s, len));
}

/* Words bash parses as syntax when they come first in a command. */
static bool shell_reserved_word(const char *s, size_t len)
{
	static const char *const reserved[] = {
		"case",	    "coproc", "do", "done",   "elif", "else", "esac",  "fi",	"for",
		"function", "if",     "in", "select", "then", "time", "until", "while",
	};
	size_t i;

	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		if (strlen(reserved[i]) == len && memcmp(reserved[i], s, len) == 0)
			return true;
	}
	return false;
}

int escape_shell_command_word(FILE *out, const char *s, size_t len)
{
	enum shell_style style = shell_style(s, len);

	/* A bare first word "A=b" is an assignment, "if" a keyword: quote them. */
	if (style == SHELL_BARE && (memchr(s, '=', len) || shell_reserved_word(s, len)))
		style = SHELL_SINGLE;
	return write_shell_word(out, s, len, style);
}
