// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The compilation database as JSON: written with tracer's own escaping (every
 * byte of an argument kept, see escape.h), read back with json-c to merge
 * into an existing database. Entries read are written back member by member, in
 * their order, so that what another tool wrote (CMake's "command", Bear's
 * extra members) survives a merge.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "compiledb.h"
#include "compiledb_int.h"
#include "escape.h"

static void write_args(const struct cdb_args *a, FILE *out)
{
	uint32_t i;

	fputc('[', out);
	for (i = 0; i < a->argc; i++) {
		if (i)
			fputs(", ", out);
		escape_json_string(out, a->argv[i].ptr, a->argv[i].len);
	}
	fputc(']', out);
}

static void write_member(FILE *out, bool first, const char *key, const char *val, size_t len)
{
	fprintf(out, "%s    \"%s\": ", first ? "" : ",\n", key);
	escape_json_string(out, val, len);
}

/* A string, an array of strings on one line, anything else as json-c writes it. */
static void write_loaded_value(FILE *out, struct json_object *v)
{
	size_t i, n;

	if (json_object_is_type(v, json_type_string)) {
		escape_json_string(out, json_object_get_string(v),
				   (size_t)json_object_get_string_len(v));
		return;
	}
	if (json_object_is_type(v, json_type_array)) {
		n = json_object_array_length(v);
		for (i = 0; i < n; i++) {
			if (!json_object_is_type(json_object_array_get_idx(v, i), json_type_string))
				break;
		}
		if (i == n) {
			fputc('[', out);
			for (i = 0; i < n; i++) {
				if (i)
					fputs(", ", out);
				write_loaded_value(out, json_object_array_get_idx(v, i));
			}
			fputc(']', out);
			return;
		}
	}
	fputs(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
							JSON_C_TO_STRING_NOSLASHESCAPE),
	      out);
}

static void write_loaded(FILE *out, struct json_object *o)
{
	bool first = true;

	json_object_object_foreach(o, key, val) {
		fputs(first ? "    " : ",\n    ", out);
		escape_json_string(out, key, strlen(key));
		fputs(": ", out);
		write_loaded_value(out, val);
		first = false;
	}
}

int compiledb_write(const struct compiledb *db, FILE *out)
{
	bool first = true;
	size_t i;

	fputc('[', out);
	for (i = 0; i < db->n_entries; i++) {
		const struct cdb_entry *e = &db->entries[i];

		if (!cdb_entry_kept(e))
			continue;
		fputs(first ? "\n  {\n" : ",\n  {\n", out);
		first = false;
		if (e->loaded) {
			write_loaded(out, e->loaded);
		} else {
			write_member(out, true, "directory", e->directory.ptr, e->directory.len);
			fputs(",\n    \"arguments\": ", out);
			write_args(e->args, out);
			write_member(out, false, "file", e->file.ptr, e->file.len);
			if (e->output.ptr)
				write_member(out, false, "output", e->output.ptr, e->output.len);
		}
		fputs("\n  }", out);
	}
	fputs(first ? "]\n" : "\n]\n", out);
	return fflush(out) || ferror(out) ? -1 : 0;
}

static int load_fail(char *err, size_t errlen, const char *why, size_t entry)
{
	if (entry)
		snprintf(err, errlen, "not a JSON compilation database: entry %zu: %s", entry, why);
	else
		snprintf(err, errlen, "not a JSON compilation database: %s", why);
	return -EINVAL;
}

/* A member that must be a string when present: 1 when found, 0 absent, -EINVAL else. */
static int string_member(struct json_object *o, const char *key, const char **s, size_t *len)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return -EINVAL;
	*s = json_object_get_string(v);
	*len = (size_t)json_object_get_string_len(v);
	return 1;
}

static int load_entry(struct compiledb *db, struct json_object *o, size_t n, char *err,
		      size_t errlen)
{
	const char *dir, *file, *output = NULL;
	size_t dir_len, file_len, output_len = 0;
	struct cdb_entry e = { 0 };
	int has_output, ret;

	if (!json_object_is_type(o, json_type_object))
		return load_fail(err, errlen, "not an object", n);
	if (string_member(o, "directory", &dir, &dir_len) != 1)
		return load_fail(err, errlen, "no \"directory\" string", n);
	if (string_member(o, "file", &file, &file_len) != 1)
		return load_fail(err, errlen, "no \"file\" string", n);
	has_output = string_member(o, "output", &output, &output_len);
	if (has_output < 0)
		return load_fail(err, errlen, "\"output\" is not a string", n);
	if (!dir_len || dir[0] != '/')
		return load_fail(err, errlen, "\"directory\" is not an absolute path", n);
	/* The key as tracer writes its own: file and output absolute, against directory. */
	ret = cdb_abs_path("", 0, dir, dir_len, &e.directory);
	if (!ret)
		ret = cdb_abs_path(e.directory.ptr, e.directory.len, file, file_len, &e.file);
	if (!ret && has_output)
		ret = cdb_abs_path(e.directory.ptr, e.directory.len, output, output_len, &e.output);
	if (!ret) {
		e.loaded = json_object_get(o);
		ret = cdb_add_entry(db, &e);
	}
	cdb_entry_free(&e);
	if (ret)
		snprintf(err, errlen, "out of memory");
	return ret;
}

static bool all_space(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return false;
	}
	return true;
}

static size_t line_of(const char *s, size_t off)
{
	size_t i, line = 1;

	for (i = 0; i < off; i++)
		line += s[i] == '\n';
	return line;
}

int compiledb_load(struct compiledb *db, const char *text, size_t len, char *err, size_t errlen)
{
	struct json_tokener *tok;
	struct json_object *top;
	enum json_tokener_error jerr;
	char why[160];
	size_t end, i, n;
	int ret = 0;

	if (all_space(text, len))
		return 0;
	if (len > INT32_MAX)
		return load_fail(err, errlen, "larger than 2 GiB", 0);
	tok = json_tokener_new();
	if (!tok) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	top = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!top || jerr != json_tokener_success) {
		if (jerr == json_tokener_continue || jerr == json_tokener_success)
			snprintf(why, sizeof(why), "unexpected end of file");
		else
			snprintf(why, sizeof(why), "line %zu: %s", line_of(text, end),
				 json_tokener_error_desc(jerr));
		json_object_put(top);
		return load_fail(err, errlen, why, 0);
	}
	if (!all_space(text + end, len - end)) {
		snprintf(why, sizeof(why), "line %zu: more after the array", line_of(text, end));
		ret = load_fail(err, errlen, why, 0);
	} else if (!json_object_is_type(top, json_type_array)) {
		ret = load_fail(err, errlen, "not an array", 0);
	}
	n = ret ? 0 : json_object_array_length(top);
	for (i = 0; i < n && !ret; i++)
		ret = load_entry(db, json_object_array_get_idx(top, i), i + 1, err, errlen);
	json_object_put(top);
	return ret;
}
