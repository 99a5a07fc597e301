/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Escaping of untrusted bytes (comm, filename, arguments) so that no byte a
 * traced process chooses can break a line or forge a field, nor hide in it.
 *
 * "Unsafe" code points are escaped by every function here: C1 controls, the
 * line and paragraph separators, bidirectional controls, Unicode's
 * default-ignorable code points (drawn as nothing: U+200B, U+2060, U+00AD,
 * U+3164, U+E0001...) and its spaces other than ASCII's (U+00A0, U+2003...).
 * Other valid UTF-8 is written as is.
 */
#ifndef TRACER_ESCAPE_H
#define TRACER_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/*
 * "..." with C escapes: \" \\ \n \t \r, \xNN for other controls and invalid
 * UTF-8, \uNNNN (\UNNNNNNNN above U+FFFF) for unsafe code points.
 */
int escape_c_quoted(FILE *out, const char *s, size_t len);
/*
 * One shell word that bash reads back as exactly these bytes: bare when every
 * byte is safe, '...' when printable, $'...' otherwise (\n, \t..., and \xNN for
 * other controls, invalid UTF-8 and each byte of an unsafe code point); '' for
 * the empty string.
 */
int escape_shell_word(FILE *out, const char *s, size_t len);
/*
 * Same, for the first word of a command line: also quoted when bash would not
 * read it bare as a command name (an assignment "A=b", a reserved word "if").
 */
int escape_shell_command_word(FILE *out, const char *s, size_t len);
/*
 * A JSON string "..." (valid UTF-8 output). Bytes that are not valid UTF-8 are
 * written as \udcNN (NN the byte, as Python's surrogateescape does); unsafe
 * code points as \uNNNN (a surrogate pair above U+FFFF), which a decoder
 * reads back as the same code point, while a person reading the file (or the
 * timeline, which is JSON) sees them.
 */
int escape_json_string(FILE *out, const char *s, size_t len);

#endif /* TRACER_ESCAPE_H */
