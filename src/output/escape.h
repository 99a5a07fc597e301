/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Escaping of untrusted bytes (comm, filename, arguments) so that no byte a
 * traced process chooses can break a line or forge a field.
 */
#ifndef TRACER_ESCAPE_H
#define TRACER_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* "..." with C escapes: \" \\ \n \t \r \xNN for other controls and invalid UTF-8. */
int escape_c_quoted(FILE *out, const char *s, size_t len);
/*
 * One shell word that bash reads back as exactly these bytes: bare when every
 * byte is safe, '...' when printable, $'...' (with \n, \xNN, \uNNNN) otherwise;
 * '' for the empty string.
 */
int escape_shell_word(FILE *out, const char *s, size_t len);
/*
 * Same, for the first word of a command line: also quoted when bash would not
 * read it bare as a command name (an assignment "A=b", a reserved word "if").
 */
int escape_shell_command_word(FILE *out, const char *s, size_t len);
/*
 * A JSON string "..." (valid UTF-8 output). Bytes that are not valid UTF-8 are
 * written as \udcNN (NN the byte, as Python's surrogateescape does).
 */
int escape_json_string(FILE *out, const char *s, size_t len);

#endif /* TRACER_ESCAPE_H */
