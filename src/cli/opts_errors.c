// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The option parser's messages: one line each, "tracer: ...", whatever the
 * value holds; and, when getopt itself rejected a word (ARGP_NO_ERRS keeps
 * it quiet), which word and why.
 */
#include <stdbool.h>
#include <string.h>

#include "opts_int.h"

/* Writes s between single quotes, control characters escaped: one line. */
static void put_quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('\'', f);
}

error_t usage_error(struct parse_ctx *ctx, const char *pre, const char *arg, const char *post)
{
	fputs("tracer: ", ctx->err);
	fputs(pre, ctx->err);
	if (arg)
		put_quoted(ctx->err, arg);
	fputs(post, ctx->err);
	fputc('\n', ctx->err);
	ctx->exit_code = TRACER_EXIT_USAGE;
	return EINVAL;
}

static const struct argp_option *find_short(int key)
{
	const struct argp_option *o;

	for (o = opts_table; o->name || o->key || o->doc; o++) {
		if (o->key == key && o->key > 0 && o->key < 256 && !(o->flags & OPTION_DOC))
			return o;
	}
	return NULL;
}

/*
 * getopt rejected argv[i]: say why, the way getopt itself would have, on one
 * line. Returns false when nothing wrong is found in that word.
 */
static bool explain_word(struct parse_ctx *ctx, char **argv, int argc, int i)
{
	const char *w = argv[i];
	bool last = i == argc - 1;

	if (!w || w[0] != '-' || w[1] == '\0' || strcmp(w, "--") == 0)
		return false;

	if (w[1] == '-') {
		const char *name = w + 2;
		const char *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		const struct argp_option *o, *found = NULL;
		int matches = 0;
		char buf[256];

		snprintf(buf, sizeof(buf), "--%.*s", (int)(len < 200 ? len : 200), name);
		for (o = opts_table; o->name || o->key || o->doc; o++) {
			if (!o->name || strncmp(o->name, name, len) != 0)
				continue;
			if (strlen(o->name) == len) {
				found = o;
				matches = 1;
				break;
			}
			found = o;
			matches++;
		}
		if (matches == 0)
			usage_error(ctx, "unrecognized option ", buf, " (see --help)");
		else if (matches > 1)
			usage_error(ctx, "option ", buf, " is ambiguous (see --help)");
		else if (found->arg && !eq && last)
			usage_error(ctx, "option ", buf, " requires an argument (see --help)");
		else if (!found->arg && eq)
			usage_error(ctx, "option ", buf, " doesn't allow an argument (see --help)");
		else
			return false;
		return true;
	}

	for (w++; *w; w++) {
		const struct argp_option *o = find_short((unsigned char)*w);
		char buf[3] = { '-', *w, '\0' };

		if (!o) {
			usage_error(ctx, "unrecognized option ", buf, " (see --help)");
			return true;
		}
		if (o->arg) {
			if (w[1] || !last)
				return false;
			usage_error(ctx, "option ", buf, " requires an argument (see --help)");
			return true;
		}
	}
	return false;
}

/*
 * The word at fault is the one before state->next when getopt moved past it,
 * or the one at state->next when it stopped inside a group of short options
 * ("-jx"): in that case state->next did not move since the last option.
 */
void explain_getopt_error(struct parse_ctx *ctx, int argc, char **argv)
{
	int next = ctx->err_next;
	int first = ctx->last_next < next ? next - 1 : next;
	int second = first == next ? next - 1 : next;

	if (first >= 1 && first < argc && explain_word(ctx, argv, argc, first))
		return;
	if (second >= 1 && second < argc && explain_word(ctx, argv, argc, second))
		return;
	usage_error(ctx, "invalid command line (see --help)", NULL, "");
}
