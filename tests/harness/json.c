// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * JSON Lines of any record type (exec, fork, exit, signal, lost) as json-c
 * objects, with accessors that fail the test on a missing key or a wrong type.
 * events.c reads exec records byte-exact instead.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "internal.h"

void h_json_load(struct h_json *e, const char *path)
{
	char *line, *save = NULL, *copy;

	memset(e, 0, sizeof(*e));
	e->text = h_read_file(path, NULL);
	copy = strdup(e->text);
	cr_assert_not_null(copy);
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_object *o = json_tokener_parse(line);

		cr_assert_not_null(o, "not JSON: %s", line);
		cr_assert(json_object_is_type(o, json_type_object), "not an object: %s", line);
		e->ev = realloc(e->ev, (e->n + 1) * sizeof(*e->ev));
		cr_assert_not_null(e->ev);
		e->ev[e->n++] = o;
	}
	free(copy);
}

void h_json_free(struct h_json *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		json_object_put(e->ev[i]);
	free(e->ev);
	memset(e, 0, sizeof(*e));
}

json_object *h_json_get(json_object *o, const char *key)
{
	json_object *v = NULL;

	cr_assert(json_object_object_get_ex(o, key, &v), "no \"%s\" in %s", key,
		  json_object_to_json_string(o));
	return v;
}

int64_t h_json_int(json_object *o, const char *key)
{
	json_object *v = h_json_get(o, key);

	cr_assert(json_object_is_type(v, json_type_int), "\"%s\" is not an integer in %s", key,
		  json_object_to_json_string(o));
	return json_object_get_int64(v);
}

const char *h_json_str(json_object *o, const char *key)
{
	json_object *v = h_json_get(o, key);

	if (json_object_is_type(v, json_type_null))
		return NULL;
	cr_assert(json_object_is_type(v, json_type_string), "\"%s\" is not a string in %s", key,
		  json_object_to_json_string(o));
	return json_object_get_string(v);
}

bool h_json_is_null(json_object *o, const char *key)
{
	return json_object_is_type(h_json_get(o, key), json_type_null);
}

static bool matches(json_object *o, const char *type, const char *field, int64_t value)
{
	json_object *v;

	if (strcmp(h_json_str(o, "type"), type) != 0)
		return false;
	if (!field)
		return true;
	return json_object_object_get_ex(o, field, &v) && json_object_is_type(v, json_type_int) &&
	       json_object_get_int64(v) == value;
}

size_t h_json_count(const struct h_json *e, const char *type, const char *field, int64_t value)
{
	size_t i, n = 0;

	for (i = 0; i < e->n; i++)
		n += matches(e->ev[i], type, field, value);
	return n;
}

json_object *h_json_one(const struct h_json *e, const char *type, const char *field, int64_t value)
{
	json_object *found = NULL;
	size_t i, n = 0;

	for (i = 0; i < e->n; i++) {
		if (matches(e->ev[i], type, field, value)) {
			found = e->ev[i];
			n++;
		}
	}
	cr_assert_eq(n, 1, "%zu %s events with %s=%lld, want 1:\n%s", n, type, field ? field : "-",
		     (long long)value, e->text);
	return found;
}

static struct json_object *ev_argv(struct json_object *ev)
{
	struct json_object *v;

	if (!json_object_object_get_ex(ev, "argv", &v) || !json_object_is_type(v, json_type_array))
		return NULL;
	return v;
}

bool h_json_argv_is(struct json_object *ev, size_t n, const char *const *words)
{
	struct json_object *argv = ev_argv(ev);
	size_t i;

	if (!argv || json_object_array_length(argv) != n)
		return false;
	for (i = 0; i < n; i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(argv, i));

		if (!s || strcmp(s, words[i]) != 0)
			return false;
	}
	return true;
}

bool h_json_argv_holds(struct json_object *ev, const char *needle)
{
	struct json_object *argv = ev_argv(ev);
	size_t j;

	for (j = 0; argv && j < json_object_array_length(argv); j++) {
		const char *s = json_object_get_string(json_object_array_get_idx(argv, j));

		if (s && strstr(s, needle))
			return true;
	}
	return false;
}

bool h_json_mention(const struct h_json *e, const char *needle)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if (h_json_argv_holds(e->ev[i], needle))
			return true;
	return false;
}

struct json_object *h_json_wait(const char *path, const char *argv0, int timeout_ms)
{
	uint64_t deadline = deadline_in(timeout_ms);

	/* Polling the file: tracer writes and flushes it every 20 ms at most. */
	do {
		struct json_object *found = NULL;
		struct h_json e;
		size_t i;

		if (access(path, F_OK) != 0) {
			usleep(10000);
			continue;
		}
		h_json_load(&e, path);
		for (i = 0; i < e.n && !found; i++) {
			struct json_object *argv = ev_argv(e.ev[i]);

			if (argv && json_object_array_length(argv) > 0 &&
			    strcmp(json_object_get_string(json_object_array_get_idx(argv, 0)),
				   argv0) == 0)
				found = json_object_get(e.ev[i]);
		}
		h_json_free(&e);
		if (found)
			return found;
		usleep(10000);
	} while (remaining_ms(deadline));
	return NULL;
}
