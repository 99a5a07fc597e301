// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Exec events read from tracer's JSON Lines, byte-exact, and checked field by field. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "harness.h"
#include "internal.h"

void put_utf8(char *out, size_t *n, uint32_t cp)
{
	if (cp < 0x80) {
		out[(*n)++] = (char)cp;
	} else if (cp < 0x800) {
		out[(*n)++] = (char)(0xc0 | (cp >> 6));
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		out[(*n)++] = (char)(0xe0 | (cp >> 12));
		out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	} else {
		out[(*n)++] = (char)(0xf0 | (cp >> 18));
		out[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3f));
		out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	}
}

int hex4(const char *s, uint32_t *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		char c = s[i];
		int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		*v = (*v << 4) | (uint32_t)d;
	}
	return 0;
}

/*
 * Decodes the body of a JSON string (between the quotes), with \udcNN
 * (U+DC80..U+DCFF alone) read back as the byte NN. Returns false when the
 * string is not valid JSON or holds another lone surrogate.
 */
static bool json_unescape(const char *s, size_t len, struct h_bytes *out)
{
	char *o = xmalloc(len + 1);
	size_t i = 0, n = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp, lo;

		if (c < 0x20)
			return false;
		if (c != '\\') {
			o[n++] = (char)c;
			i++;
			continue;
		}
		if (i + 1 >= len)
			return false;
		switch (s[i + 1]) {
		case '"':
			o[n++] = '"';
			break;
		case '\\':
			o[n++] = '\\';
			break;
		case '/':
			o[n++] = '/';
			break;
		case 'b':
			o[n++] = '\b';
			break;
		case 'f':
			o[n++] = '\f';
			break;
		case 'n':
			o[n++] = '\n';
			break;
		case 'r':
			o[n++] = '\r';
			break;
		case 't':
			o[n++] = '\t';
			break;
		case 'u':
			if (i + 6 > len || hex4(s + i + 2, &cp))
				return false;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (i + 12 > len || s[i + 6] != '\\' || s[i + 7] != 'u' ||
				    hex4(s + i + 8, &lo) || lo < 0xdc00 || lo > 0xdfff)
					return false;
				put_utf8(o, &n, 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00));
				i += 12;
				continue;
			}
			if (cp >= 0xdc80 && cp <= 0xdcff)
				o[n++] = (char)(cp & 0xff);
			else if (cp >= 0xdc00 && cp <= 0xdfff)
				return false;
			else
				put_utf8(o, &n, cp);
			i += 6;
			continue;
		default:
			return false;
		}
		i += 2;
	}
	o[n] = '\0';
	out->ptr = o;
	out->len = n;
	return true;
}

/* Strict UTF-8 length of the sequence at p (0 when invalid), code point in *cp. */
static size_t utf8_len(const unsigned char *p, size_t len, uint32_t *cp)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t n, i;
	uint32_t v;

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
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if (p[i] < lo || p[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
		v = (v << 6) | (p[i] & 0x3f);
	}
	*cp = v;
	return n;
}

bool h_hidden_code_point(uint32_t cp)
{
	static const uint32_t ranges[][2] = {
		/* bidirectional controls, line and paragraph separators */
		{ 0x061c, 0x061c },
		{ 0x200e, 0x200f },
		{ 0x2028, 0x202f },
		{ 0x2066, 0x2069 },
		{ 0xfeff, 0xfeff },
		/* default-ignorable (DerivedCoreProperties.txt) */
		{ 0x00ad, 0x00ad },
		{ 0x034f, 0x034f },
		{ 0x115f, 0x1160 },
		{ 0x17b4, 0x17b5 },
		{ 0x180b, 0x180f },
		{ 0x200b, 0x200d },
		{ 0x2060, 0x2065 },
		{ 0x206a, 0x206f },
		{ 0x3164, 0x3164 },
		{ 0xfe00, 0xfe0f },
		{ 0xffa0, 0xffa0 },
		{ 0xfff0, 0xfff8 },
		{ 0x1bca0, 0x1bca3 },
		{ 0x1d173, 0x1d17a },
		{ 0xe0000, 0xe0fff },
		/* white space other than ASCII's */
		{ 0x0085, 0x0085 },
		{ 0x00a0, 0x00a0 },
		{ 0x1680, 0x1680 },
		{ 0x2000, 0x200a },
		{ 0x205f, 0x205f },
		{ 0x3000, 0x3000 },
	};
	size_t i;

	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (cp >= ranges[i][0] && cp <= ranges[i][1])
			return true;
	return false;
}

void h_assert_clean_line(const char *line, size_t len)
{
	const unsigned char *p = (const unsigned char *)line;
	size_t i = 0;

	while (i < len) {
		uint32_t cp = 0;
		size_t n = utf8_len(p + i, len - i, &cp);

		cr_assert(n, "invalid UTF-8 at byte %zu of line: %s", i, h_show(line, len));
		cr_assert(cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp <= 0x9f),
			  "control character U+%04X at byte %zu of line: %s", cp, i,
			  h_show(line, len));
		cr_assert(!h_hidden_code_point(cp), "unescaped U+%04X at byte %zu of line: %s", cp,
			  i, h_show(line, len));
		i += n;
	}
}

/*
 * Rewrites a JSON line: every string value (not the keys) becomes "@N",
 * N its index in strs[] where its exact bytes are stored. json-c then gives
 * the structure, and the bytes come from our own decoder (json-c turns
 * \udcNN into U+FFFD).
 */
static char *json_extract_strings(const char *line, size_t len, struct h_bytes **strs, size_t *n)
{
	char *out = xmalloc(len * 2 + 32);
	size_t i = 0, o = 0, cap = 32;

	*strs = xmalloc(cap * sizeof(**strs));
	*n = 0;
	while (i < len) {
		size_t j, k;

		if (line[i] != '"') {
			out[o++] = line[i++];
			continue;
		}
		for (j = i + 1; j < len && line[j] != '"'; j++) {
			if (line[j] == '\\')
				j++;
		}
		if (j >= len)
			return NULL;
		for (k = j + 1; k < len && (line[k] == ' ' || line[k] == '\t'); k++)
			;
		if (k < len && line[k] == ':') {
			memcpy(out + o, line + i, j + 1 - i);
			o += j + 1 - i;
		} else {
			if (*n == cap) {
				struct h_bytes *ns = xmalloc(cap * 2 * sizeof(*ns));

				memcpy(ns, *strs, cap * sizeof(*ns));
				*strs = ns;
				cap *= 2;
			}
			if (!json_unescape(line + i + 1, j - i - 1, &(*strs)[*n]))
				return NULL;
			o += (size_t)sprintf(out + o, "\"@%zu\"", *n);
			(*n)++;
		}
		i = j + 1;
	}
	out[o] = '\0';
	return out;
}

static json_object *parse_strict(const char *s, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *o;

	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, s, (int)len);
	if (o && (json_tokener_get_error(tok) != json_tokener_success ||
		  (size_t)json_tokener_get_parse_end(tok) != len)) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

static const struct h_bytes *str_field(json_object *obj, const char *key, struct h_bytes *strs,
				       size_t n, size_t line_no, bool nullable)
{
	json_object *v;
	const char *s;
	size_t idx;

	cr_assert(json_object_object_get_ex(obj, key, &v), "line %zu: no key \"%s\"", line_no, key);
	if (nullable && json_object_is_type(v, json_type_null))
		return NULL;
	cr_assert(json_object_is_type(v, json_type_string), "line %zu: \"%s\" is not a string",
		  line_no, key);
	s = json_object_get_string(v);
	cr_assert(s[0] == '@', "line %zu: internal error on \"%s\"", line_no, key);
	idx = strtoul(s + 1, NULL, 10);
	cr_assert(idx < n, "line %zu: internal error on \"%s\"", line_no, key);
	return &strs[idx];
}

static long long int_field(json_object *obj, const char *key, size_t line_no)
{
	json_object *v;

	cr_assert(json_object_object_get_ex(obj, key, &v), "line %zu: no key \"%s\"", line_no, key);
	cr_assert(json_object_is_type(v, json_type_int), "line %zu: \"%s\" is not an integer",
		  line_no, key);
	return json_object_get_int64(v);
}

static bool bool_field(json_object *obj, const char *key, size_t line_no)
{
	json_object *v;

	cr_assert(json_object_object_get_ex(obj, key, &v), "line %zu: no key \"%s\"", line_no, key);
	cr_assert(json_object_is_type(v, json_type_boolean), "line %zu: \"%s\" is not a boolean",
		  line_no, key);
	return json_object_get_boolean(v);
}

static double num_field(json_object *obj, const char *key, size_t line_no)
{
	json_object *v;

	cr_assert(json_object_object_get_ex(obj, key, &v), "line %zu: no key \"%s\"", line_no, key);
	cr_assert(json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int),
		  "line %zu: \"%s\" is not a number", line_no, key);
	return json_object_get_double(v);
}

static void copy_str(char *dst, size_t size, const struct h_bytes *b, size_t line_no,
		     const char *key)
{
	cr_assert(b->len < size && !memchr(b->ptr, '\0', b->len), "line %zu: bad \"%s\": %s",
		  line_no, key, h_show(b->ptr, b->len));
	memcpy(dst, b->ptr, b->len);
	dst[b->len] = '\0';
}

/*
 * The number of the exec's context keys in obj: all of argc to egid or none,
 * the *_flags arrays, and the environment's keys all or none.
 */
static size_t context_keys(json_object *obj, size_t line_no)
{
	static const char *const always[] = { "argc",	     "argv_bytes", "cwd",    "exe",
					      "interpreter", "stdin",	   "stdout", "stderr",
					      "euid",	     "egid" };
	static const char *const env[] = { "env", "envc", "env_bytes", "env_truncated",
					   "env_fault" };
	static const char *const flagged[] = { "cwd",	"exe",	  "interpreter",
					       "stdin", "stdout", "stderr" };
	size_t n = 0, i;
	char key[32];

	for (i = 0; i < sizeof(always) / sizeof(always[0]); i++)
		n += json_object_object_get_ex(obj, always[i], NULL);
	cr_assert(n == 0 || n == sizeof(always) / sizeof(always[0]),
		  "line %zu: %zu of the context's keys", line_no, n);
	if (!n)
		return 0;
	for (i = 0; i < sizeof(env) / sizeof(env[0]); i++)
		n += json_object_object_get_ex(obj, env[i], NULL);
	cr_assert(n == 10 || n == 15, "line %zu: some of the environment's keys", line_no);
	for (i = 0; i < sizeof(flagged) / sizeof(flagged[0]); i++) {
		snprintf(key, sizeof(key), "%s_flags", flagged[i]);
		n += json_object_object_get_ex(obj, key, NULL);
	}
	return n;
}

/*
 * The number of the exec identity's keys (issues 23.11, 27.6): exe_ino and
 * exe_dev together or neither, ns_pid with pidns, container with cgroup.
 */
static size_t identity_keys(json_object *obj, size_t line_no)
{
	static const char *const keys[] = { "exe_ino", "exe_dev", "mntns",    "pidns",
					    "ns_pid",  "cgroup",  "container" };
	bool has[7];
	size_t n = 0, i;

	for (i = 0; i < 7; i++)
		n += has[i] = json_object_object_get_ex(obj, keys[i], NULL);
	cr_assert(has[0] == has[1], "line %zu: exe_ino without exe_dev", line_no);
	cr_assert(has[3] == has[4], "line %zu: pidns without ns_pid", line_no);
	cr_assert(has[5] || !has[6], "line %zu: a container without its cgroup", line_no);
	cr_assert(has[0] || n == 0, "line %zu: namespaces without exe_ino", line_no);
	return n;
}

static void parse_event(const char *line, size_t len, size_t line_no, struct h_event *e)
{
	static const char *const exec_keys[] = {
		"type",	      "ts",	 "time",       "pid",	   "tid",   "ppid",
		"uid",	      "gid",	 "comm",       "filename", "argv",  "argv_truncated",
		"argv_fault", "syscall", "syscall_id", "ret",	   "errno", "tty",
	};
	static const char *const lost_keys[] = { "type", "ts", "time", "count", "cpu" };
	const struct h_bytes *type, *b;
	struct h_bytes *strs;
	json_object *orig, *obj, *arr;
	char *rewritten;
	size_t n_strs, i, n_keys;

	memset(e, 0, sizeof(*e));
	e->line_no = line_no;
	h_assert_clean_line(line, len);
	orig = parse_strict(line, len);
	cr_assert(orig && json_object_is_type(orig, json_type_object),
		  "line %zu is not a valid JSON object: %s", line_no, h_show(line, len));
	json_object_put(orig);
	rewritten = json_extract_strings(line, len, &strs, &n_strs);
	cr_assert(rewritten, "line %zu: bad string in %s", line_no, h_show(line, len));
	obj = parse_strict(rewritten, strlen(rewritten));
	cr_assert(obj, "line %zu: internal error parsing %s", line_no, h_show(line, len));

	type = str_field(obj, "type", strs, n_strs, line_no, false);
	n_keys = (size_t)json_object_object_length(obj);
	if (h_bytes_eqs(type, "lost")) {
		e->lost = true;
		cr_assert(n_keys == 5, "line %zu: unexpected keys in %s", line_no,
			  h_show(line, len));
		for (i = 0; i < 5; i++)
			cr_assert(json_object_object_get_ex(obj, lost_keys[i], NULL),
				  "line %zu: no \"%s\"", line_no, lost_keys[i]);
		e->ts = num_field(obj, "ts", line_no);
		e->count = int_field(obj, "count", line_no);
		e->cpu = int_field(obj, "cpu", line_no);
		cr_assert(e->count > 0, "line %zu: lost count %lld", line_no, e->count);
		json_object_put(obj);
		return;
	}
	cr_assert(h_bytes_eqs(type, "exec"), "line %zu: unknown type %s", line_no,
		  h_show(type->ptr, type->len));
	/* The filename's marks, present only when true. */
	e->filename_truncated = json_object_object_get_ex(obj, "filename_truncated", NULL);
	e->filename_fault = json_object_object_get_ex(obj, "filename_fault", NULL);
	if (e->filename_truncated)
		cr_assert(bool_field(obj, "filename_truncated", line_no), "line %zu", line_no);
	if (e->filename_fault)
		cr_assert(bool_field(obj, "filename_fault", line_no), "line %zu", line_no);
	/* The 18 keys, and the exec's context (issue 11) and identity when the library reports them. */
	cr_assert(n_keys == 18 + e->filename_truncated + e->filename_fault +
				    context_keys(obj, line_no) + identity_keys(obj, line_no),
		  "line %zu: %zu keys (expected 18 and the context's) in %s", line_no, n_keys,
		  h_show(line, len));
	for (i = 0; i < 18; i++)
		cr_assert(json_object_object_get_ex(obj, exec_keys[i], NULL), "line %zu: no \"%s\"",
			  line_no, exec_keys[i]);
	e->ts = num_field(obj, "ts", line_no);
	e->pid = int_field(obj, "pid", line_no);
	e->tid = int_field(obj, "tid", line_no);
	e->ppid = int_field(obj, "ppid", line_no);
	e->uid = int_field(obj, "uid", line_no);
	e->gid = int_field(obj, "gid", line_no);
	e->comm = *str_field(obj, "comm", strs, n_strs, line_no, false);
	e->filename = *str_field(obj, "filename", strs, n_strs, line_no, false);
	cr_assert(json_object_object_get_ex(obj, "argv", &arr) &&
			  json_object_is_type(arr, json_type_array),
		  "line %zu: argv is not an array", line_no);
	e->argc = json_object_array_length(arr);
	e->argv = xmalloc((e->argc + 1) * sizeof(*e->argv));
	for (i = 0; i < e->argc; i++) {
		json_object *v = json_object_array_get_idx(arr, i);
		const char *s;
		size_t idx;

		cr_assert(json_object_is_type(v, json_type_string),
			  "line %zu: argv[%zu] is not a string", line_no, i);
		s = json_object_get_string(v);
		idx = strtoul(s + 1, NULL, 10);
		cr_assert(s[0] == '@' && idx < n_strs, "line %zu: internal error", line_no);
		e->argv[i] = strs[idx];
	}
	e->argv_truncated = bool_field(obj, "argv_truncated", line_no);
	e->argv_fault = bool_field(obj, "argv_fault", line_no);
	b = str_field(obj, "syscall", strs, n_strs, line_no, false);
	copy_str(e->syscall, sizeof(e->syscall), b, line_no, "syscall");
	e->syscall_id = int_field(obj, "syscall_id", line_no);
	e->ret = int_field(obj, "ret", line_no);
	b = str_field(obj, "errno", strs, n_strs, line_no, true);
	if (b)
		copy_str(e->err, sizeof(e->err), b, line_no, "errno");
	b = str_field(obj, "tty", strs, n_strs, line_no, true);
	if (b) {
		copy_str(e->tty, sizeof(e->tty), b, line_no, "tty");
		e->has_tty = true;
	}
	json_object_put(obj);
}

void h_events_parse(struct h_events *evs, const char *data, size_t len)
{
	size_t i = 0, line_no = 0, cap = 0;

	memset(evs, 0, sizeof(*evs));
	cr_assert(len == 0 || data[len - 1] == '\n', "output does not end with a newline: %s",
		  h_show(data + (len > 200 ? len - 200 : 0), len > 200 ? 200 : len));
	while (i < len) {
		const char *nl = memchr(data + i, '\n', len - i);
		size_t l = (size_t)(nl - (data + i));

		line_no++;
		if (evs->n == cap) {
			struct h_event *ne;

			cap = cap ? cap * 2 : 256;
			ne = xmalloc(cap * sizeof(*ne));
			if (evs->n)
				memcpy(ne, evs->ev, evs->n * sizeof(*ne));
			evs->ev = ne;
		}
		parse_event(data + i, l, line_no, &evs->ev[evs->n]);
		if (evs->ev[evs->n].lost) {
			evs->n_lost++;
			evs->lost_sum += evs->ev[evs->n].count;
		} else {
			evs->n_exec++;
		}
		evs->n++;
		i += l + 1;
	}
}

void h_events_load(struct h_events *evs, const char *path)
{
	size_t len;
	char *data = h_read_file(path, &len);

	h_events_parse(evs, data, len);
}

bool h_argv_has(const struct h_event *e, const char *s)
{
	size_t i;

	for (i = 0; i < e->argc; i++) {
		if (h_bytes_eqs(&e->argv[i], s))
			return true;
	}
	return false;
}

static const char *show_argv(const struct h_event *e)
{
	char *s = xmalloc(1);
	size_t i;

	s[0] = '\0';
	for (i = 0; i < e->argc; i++)
		s = (char *)h_str("%s%s\"%s\"", s, i ? ", " : "",
				  h_show(e->argv[i].ptr, e->argv[i].len));
	return h_str("[%s]", s);
}

static bool ev_match(const struct h_event *e, const char *argv0, const char *a, const char *b)
{
	if (e->lost)
		return false;
	if (argv0 && (e->argc == 0 || !h_bytes_eqs(&e->argv[0], argv0)))
		return false;
	return (!a || h_argv_has(e, a)) && (!b || h_argv_has(e, b));
}

size_t h_count(const struct h_events *evs, const char *a, const char *b)
{
	size_t i, n = 0;

	for (i = 0; i < evs->n; i++)
		n += ev_match(&evs->ev[i], NULL, a, b);
	return n;
}

const struct h_event *h_one0(const struct h_events *evs, const char *argv0, const char *a,
			     const char *b)
{
	const struct h_event *found = NULL;
	size_t i, n = 0;

	for (i = 0; i < evs->n; i++) {
		if (ev_match(&evs->ev[i], argv0, a, b)) {
			found = &evs->ev[i];
			n++;
		}
	}
	if (n != 1) {
		/* Show the events that hold a (or all of them), to tell what went wrong. */
		const char *shown = "";
		size_t k = 0;

		for (i = 0; i < evs->n && k < 20; i++) {
			const struct h_event *e = &evs->ev[i];

			if (e->lost || (a && !h_argv_has(e, a) && n == 0 && evs->n > 20))
				continue;
			shown = h_str("%s\n  line %zu: pid %lld ret %lld fault %d truncated %d "
				      "filename \"%s\" argv %s",
				      shown, e->line_no, e->pid, e->ret, e->argv_fault,
				      e->argv_truncated, h_show(e->filename.ptr, e->filename.len),
				      show_argv(e));
			k++;
		}
		cr_assert_fail("expected exactly one exec with argv[0] \"%s\" and argv holding "
			       "\"%s\" and \"%s\", found %zu; events:%s",
			       argv0 ? argv0 : "*", a ? a : "", b ? b : "", n, shown);
	}
	return found;
}

const struct h_event *h_by_pid(const struct h_events *evs, long long pid)
{
	const struct h_event *found = NULL;
	size_t i, n = 0;

	for (i = 0; i < evs->n; i++) {
		if (!evs->ev[i].lost && evs->ev[i].pid == pid) {
			found = &evs->ev[i];
			n++;
		}
	}
	cr_assert(n == 1, "expected exactly one exec from pid %lld, found %zu", pid, n);
	return found;
}

const struct h_event *h_one(const struct h_events *evs, const char *a, const char *b)
{
	return h_one0(evs, NULL, a, b);
}

void h_check_exec(const struct h_event *e, const struct h_expect *x)
{
	long long tid = x->tid ? x->tid : x->pid;
	long long sc = x->syscall_id ? x->syscall_id : 59;
	size_t i, n = 0;

	cr_assert(!e->lost, "not an exec event");
	cr_expect_eq(e->pid, x->pid, "line %zu: pid %lld, expected %lld", e->line_no, e->pid,
		     x->pid);
	cr_expect_eq(e->tid, tid, "line %zu: tid %lld, expected %lld", e->line_no, e->tid, tid);
	if (x->ppid != H_ANY)
		cr_expect_eq(e->ppid, x->ppid, "line %zu: ppid %lld, expected %lld", e->line_no,
			     e->ppid, x->ppid);
	cr_expect_eq(e->uid, (long long)getuid(), "line %zu: uid %lld", e->line_no, e->uid);
	cr_expect_eq(e->gid, (long long)getgid(), "line %zu: gid %lld", e->line_no, e->gid);
	if (x->filename)
		cr_expect(h_bytes_eqs(&e->filename, x->filename),
			  "line %zu: filename \"%s\", expected \"%s\"", e->line_no,
			  h_show(e->filename.ptr, e->filename.len), x->filename);
	if (x->comm)
		cr_expect(h_bytes_eqs(&e->comm, x->comm), "line %zu: comm \"%s\", expected \"%s\"",
			  e->line_no, h_show(e->comm.ptr, e->comm.len), x->comm);
	if (x->fault == H_FAULT_YES)
		cr_expect(e->argv_fault, "line %zu: argv_fault is false, expected true",
			  e->line_no);
	if (x->fault == H_FAULT_NO)
		cr_expect(!e->argv_fault, "line %zu: argv_fault is true", e->line_no);
	if (e->argv_fault && x->fault != H_FAULT_NO) {
		/* What could be read is exact, and the event says it is not whole. */
		cr_expect(e->argv_truncated, "line %zu: argv_fault without argv_truncated",
			  e->line_no);
		while (x->argv && x->argv[n])
			n++;
		if (x->argv)
			cr_expect_leq(e->argc, n,
				      "line %zu: argc %zu, more than the %zu passed: argv %s",
				      e->line_no, e->argc, n, show_argv(e));
		for (i = 0; x->argv && i < n && i < e->argc; i++)
			cr_expect(h_bytes_eqs(&e->argv[i], x->argv[i]),
				  "line %zu: argv[%zu] \"%s\", expected \"%s\"", e->line_no, i,
				  h_show(e->argv[i].ptr, e->argv[i].len),
				  h_show(x->argv[i], strlen(x->argv[i])));
	} else if (x->argv) {
		while (x->argv[n])
			n++;
		cr_expect_eq(e->argc, n, "line %zu: argc %zu, expected %zu: argv %s", e->line_no,
			     e->argc, n, show_argv(e));
		for (i = 0; i < n && i < e->argc; i++)
			cr_expect(h_bytes_eqs(&e->argv[i], x->argv[i]),
				  "line %zu: argv[%zu] \"%s\", expected \"%s\"", e->line_no, i,
				  h_show(e->argv[i].ptr, e->argv[i].len),
				  h_show(x->argv[i], strlen(x->argv[i])));
	}
	if (!e->argv_fault)
		cr_expect_eq(e->argv_truncated, x->truncated,
			     "line %zu: argv_truncated %d, expected %d", e->line_no,
			     e->argv_truncated, x->truncated);
	if (sc != H_ANY) {
		cr_expect_eq(e->syscall_id, sc, "line %zu: syscall_id %lld, expected %lld",
			     e->line_no, e->syscall_id, sc);
		cr_expect_str_eq(e->syscall, sc == 322 ? "execveat" : "execve",
				 "line %zu: syscall %s", e->line_no, e->syscall);
	}
	cr_expect_eq(e->ret, x->ret, "line %zu: ret %lld, expected %lld", e->line_no, e->ret,
		     x->ret);
	if (x->ret == 0)
		cr_expect(e->err[0] == '\0', "line %zu: errno \"%s\", expected null", e->line_no,
			  e->err);
	else
		cr_expect_str_eq(e->err, x->err ? x->err : "?",
				 "line %zu: errno \"%s\", expected %s", e->line_no, e->err,
				 x->err ? x->err : "?");
	if (x->tty)
		cr_expect(e->has_tty && strcmp(e->tty, x->tty) == 0,
			  "line %zu: tty %s, expected \"%s\"", e->line_no,
			  e->has_tty ? e->tty : "null", x->tty);
	else
		cr_expect(!e->has_tty, "line %zu: tty \"%s\", expected null", e->line_no, e->tty);
	cr_expect(e->ts > 0, "line %zu: ts %f", e->line_no, e->ts);
}
