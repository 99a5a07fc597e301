// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Writes tracer's shell completions from its option table (opts_table.c), at
 * build time: completions_gen bash|zsh|fish > FILE. One source for --help,
 * the man page's check and the completions: an option added to the table is
 * completed without anyone touching a script.
 *
 * A program of its own rather than a hidden `tracer --completions`: the
 * build runs it (no root, no BPF, nothing of tracer's start-up), and tracer
 * keeps no option that is not for its users.
 *
 * What an option's argument completes to follows from its name in the table
 * (PID: running pids, TTY: terminals in use, FILE and PATH: files, USER,
 * GROUP, NAME: command names), except the closed sets below, which are
 * checked against the parser itself before anything is written: a value it
 * refuses fails the build.
 */
#include <argp.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"
#include "opts_int.h"

/* What the argument of an option completes to. */
enum arg_kind {
	ARG_NONE, /* a flag */
	ARG_FREE, /* a number, a size, a pattern: nothing to offer */
	ARG_WORDS, /* one of a closed set */
	ARG_LIST, /* a comma-separated list of a closed set */
	ARG_PID,
	ARG_TTY,
	ARG_FILE,
	ARG_USER,
	ARG_GROUP,
	ARG_COMMAND, /* a command name */
};

/* The closed sets, by option; an option not in the table is left out. */
static const struct {
	const char *option;
	enum arg_kind kind;
	const char *values[8];
} closed_sets[] = {
	{ "format", ARG_WORDS, { "text", "json", "sh" } },
	{ "events", ARG_LIST, { "exec", "fork", "exit", "signal", "all" } },
	{ "color", ARG_WORDS, { "auto", "always", "never" } },
	{ "time", ARG_WORDS, { "rel", "wall", "iso", "none" } },
};

#define N_CLOSED_SETS (sizeof(closed_sets) / sizeof(closed_sets[0]))

/* An option of the table, as the completions see it. */
struct option_info {
	const char *name; /* long name */
	int short_name; /* 0: none */
	enum arg_kind kind;
	const char *const *values; /* ARG_WORDS, ARG_LIST: NULL-terminated */
	const char *doc;
};

static bool is_option(const struct argp_option *o)
{
	return o->name && !(o->flags & (OPTION_HIDDEN | OPTION_DOC));
}

static enum arg_kind kind_of_arg(const char *arg)
{
	static const struct {
		const char *arg;
		enum arg_kind kind;
	} kinds[] = {
		{ "PID", ARG_PID },	 { "TTY", ARG_TTY },   { "FILE", ARG_FILE },
		{ "PATH", ARG_FILE },	 { "USER", ARG_USER }, { "GROUP", ARG_GROUP },
		{ "NAME", ARG_COMMAND },
	};
	size_t i;

	if (!arg)
		return ARG_NONE;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (!strcmp(arg, kinds[i].arg))
			return kinds[i].kind;
	}
	return ARG_FREE;
}

static struct option_info info_of(const struct argp_option *o)
{
	struct option_info info = {
		.name = o->name,
		.short_name = o->key > 0 && o->key < 128 && isalnum(o->key) ? o->key : 0,
		.kind = kind_of_arg(o->arg),
		.doc = o->doc ? o->doc : "",
	};
	size_t i;

	for (i = 0; i < N_CLOSED_SETS; i++) {
		if (!strcmp(o->name, closed_sets[i].option)) {
			info.kind = closed_sets[i].kind;
			info.values = closed_sets[i].values;
		}
	}
	return info;
}

/* Whether tracer's parser takes --option value. */
static bool parser_takes(const char *option, const char *value)
{
	static struct cli_opts opts;
	char flag[64], arg[64];
	char *argv[] = { "tracer", "--all", flag, arg, NULL };
	FILE *null = fopen("/dev/null", "w");
	int ret;

	if (!null)
		return false;
	snprintf(flag, sizeof(flag), "--%s", option);
	snprintf(arg, sizeof(arg), "%s", value);
	memset(&opts, 0, sizeof(opts));
	ret = opts_parse(4, argv, &opts, null, null);
	opts_free(&opts);
	fclose(null);
	return ret == -1;
}

/* Every value of every closed set whose option tracer has: 0, or -1 (said). */
static int check_closed_sets(void)
{
	const struct argp_option *o;
	const char *const *v;
	int ret = 0;

	for (o = opts_table; o->name || o->key || o->doc; o++) {
		struct option_info info = is_option(o) ? info_of(o) : (struct option_info){ 0 };

		for (v = info.values; v && *v; v++) {
			if (!parser_takes(info.name, *v)) {
				fprintf(stderr, "completions_gen: tracer refuses --%s %s\n",
					info.name, *v);
				ret = -1;
			}
		}
	}
	return ret;
}

/*
 * The help text's first clause, without what it says in parentheses: up to
 * the first ". ", ": " or "; " outside them, at most size - 1 bytes, cut
 * between words.
 */
static void short_doc(const char *doc, char *buf, size_t size)
{
	size_t n = 0, last_space = 0;
	int depth = 0;

	for (; *doc && n + 1 < size; doc++) {
		if (*doc == '(')
			depth++;
		if (!depth && strchr(":;.", *doc) && (doc[1] == ' ' || !doc[1]))
			break;
		if (!depth && !(*doc == ' ' && (doc[1] == '(' || (n && buf[n - 1] == ' ')))) {
			if (*doc == ' ')
				last_space = n;
			buf[n++] = *doc;
		}
		if (*doc == ')' && depth)
			depth--;
	}
	if (*doc && n + 1 >= size && last_space)
		n = last_space;
	while (n && (buf[n - 1] == ' ' || buf[n - 1] == ','))
		n--;
	buf[n] = '\0';
}

static void put_values(FILE *out, const char *const *values, const char *sep)
{
	const char *const *v;

	for (v = values; *v; v++)
		fprintf(out, "%s%s", v == values ? "" : sep, *v);
}

/* bash: the case arm that completes the argument of an option. */
static void bash_arg_case(FILE *out, const struct option_info *o)
{
	static const char *const action[] = {
		[ARG_FREE] = "return",
		[ARG_PID] = "_pids; return",
		[ARG_TTY] = "_tracer_ttys; return",
		[ARG_FILE] = "_filedir; return",
		[ARG_USER] = "COMPREPLY=($(compgen -u -- \"$cur\")); return",
		[ARG_GROUP] = "COMPREPLY=($(compgen -g -- \"$cur\")); return",
		[ARG_COMMAND] = "COMPREPLY=($(compgen -c -- \"$cur\")); return",
	};

	fprintf(out, "\t--%s", o->name);
	if (o->short_name)
		fprintf(out, " | -%c", o->short_name);
	fputs(")\n\t\t", out);
	if (o->kind == ARG_WORDS || o->kind == ARG_LIST) {
		fputs(o->kind == ARG_LIST ? "_tracer_list '" : "COMPREPLY=($(compgen -W '", out);
		put_values(out, o->values, " ");
		fputs(o->kind == ARG_LIST ? "'" : "' -- \"$cur\"))", out);
		fputs("\n\t\treturn\n\t\t;;\n", out);
		return;
	}
	fprintf(out, "%s\n\t\t;;\n", action[o->kind]);
}

static const char bash_head[] =
	"# bash completion for tracer(1), made from tracer's option table by\n"
	"# completions_gen (src/cli/completions_gen.c): do not edit.\n"
	"\n"
	"# The terminals in use, as --tty takes them (pts/3, tty1).\n"
	"_tracer_ttys()\n"
	"{\n"
	"\tCOMPREPLY=($(compgen -W \"$(ps -e -o tty= 2>/dev/null | sort -u | grep -v '^?')\" "
	"-- \"$cur\"))\n"
	"}\n"
	"\n"
	"# A comma-separated list of the words in $1: completes the last item.\n"
	"_tracer_list()\n"
	"{\n"
	"\tlocal last=${cur##*,}\n"
	"\tCOMPREPLY=($(compgen -P \"${cur%\"$last\"}\" -W \"$1\" -- \"$last\"))\n"
	"\tcompopt -o nospace\n"
	"}\n"
	"\n"
	"_tracer()\n"
	"{\n"
	"\tlocal cur prev words cword split i\n"
	"\t_init_completion -s || return\n"
	"\n"
	"\t# After --, the COMMAND and its own arguments.\n"
	"\tfor ((i = 1; i < cword; i++)); do\n"
	"\t\tif [[ ${words[i]} == -- ]]; then\n"
	"\t\t\t_command_offset $((i + 1))\n"
	"\t\t\treturn\n"
	"\t\tfi\n"
	"\tdone\n"
	"\n"
	"\tcase $prev in\n";

static void write_bash(FILE *out)
{
	const struct argp_option *o;
	struct option_info info;

	fputs(bash_head, out);
	for (o = opts_table; o->name || o->key || o->doc; o++) {
		info = is_option(o) ? info_of(o) : (struct option_info){ 0 };
		if (info.name && info.kind != ARG_NONE)
			bash_arg_case(out, &info);
	}
	fputs("\tesac\n\t$split && return\n\n\tif [[ $cur == -* ]]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W '",
	      out);
	for (o = opts_table; o->name || o->key || o->doc; o++) {
		if (is_option(o))
			fprintf(out, "--%s ", o->name);
	}
	fputs("--' -- \"$cur\"))\n\t\treturn\n\tfi\n"
	      "\t# Arguments: the pids to trace.\n\t_pids\n} &&\n\tcomplete -F _tracer tracer\n",
	      out);
}

/* zsh: text inside '...[text]' of an _arguments spec. */
static void zsh_quoted(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", out);
		else if (*s == '[' || *s == ']' || *s == ':' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else
			fputc(*s, out);
	}
}

static void zsh_option(FILE *out, const struct option_info *o)
{
	static const char *const action[] = {
		[ARG_FREE] = " ",
		[ARG_PID] = "_pids",
		[ARG_TTY] = "_tracer_ttys",
		[ARG_FILE] = "_files",
		[ARG_USER] = "_users",
		[ARG_GROUP] = "_groups",
		[ARG_COMMAND] = "_command_names -e",
	};
	char doc[96];

	short_doc(o->doc, doc, sizeof(doc));
	/* -p+ and --pid=: the argument in the same word or the next. */
	if (o->short_name)
		fprintf(out, "\t'(-%c --%s)'{-%c%s,--%s%s}'", o->short_name, o->name, o->short_name,
			o->kind == ARG_NONE ? "" : "+", o->name, o->kind == ARG_NONE ? "" : "=");
	else
		fprintf(out, "\t'--%s%s", o->name, o->kind == ARG_NONE ? "" : "=");
	fputs("[", out);
	zsh_quoted(out, doc);
	fputs("]", out);
	if (o->kind == ARG_WORDS || o->kind == ARG_LIST) {
		fprintf(out, ":%s:", o->name);
		fputs(o->kind == ARG_LIST ? "_sequence compadd - " : "(", out);
		put_values(out, o->values, " ");
		fputs(o->kind == ARG_LIST ? "" : ")", out);
	} else if (o->kind != ARG_NONE) {
		fprintf(out, ":%s:%s", o->name, action[o->kind]);
	}
	fputs("' \\\n", out);
}

static void write_zsh(FILE *out)
{
	const struct argp_option *o;
	struct option_info info;

	fputs("#compdef tracer\n"
	      "# zsh completion for tracer(1), made from tracer's option table by\n"
	      "# completions_gen (src/cli/completions_gen.c): do not edit.\n"
	      "\n"
	      "_tracer_ttys() {\n"
	      "\tcompadd - ${(u)${(f)\"$(ps -e -o tty= 2>/dev/null)\"}:#\\?}\n"
	      "}\n"
	      "\n"
	      "_arguments -s -S \\\n",
	      out);
	for (o = opts_table; o->name || o->key || o->doc; o++) {
		info = is_option(o) ? info_of(o) : (struct option_info){ 0 };
		if (info.name)
			zsh_option(out, &info);
	}
	fputs("\t'*:pid:_pids'\n", out);
}

/* fish: text inside '...'. */
static void fish_quoted(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
}

static void fish_option(FILE *out, const struct option_info *o)
{
	static const char *const action[] = {
		[ARG_FREE] = "-x",
		[ARG_PID] = "-x -a '(__fish_complete_pids)'",
		[ARG_TTY] = "-x -a '(ps -e -o tty= | sort -u | string match -v \"?\")'",
		[ARG_FILE] = "-r -F",
		[ARG_USER] = "-x -a '(__fish_complete_users)'",
		[ARG_GROUP] = "-x -a '(__fish_complete_groups)'",
		[ARG_COMMAND] = "-x -a '(__fish_complete_command)'",
	};
	char doc[96];

	short_doc(o->doc, doc, sizeof(doc));
	fprintf(out, "complete -c tracer -l %s", o->name);
	if (o->short_name)
		fprintf(out, " -s %c", o->short_name);
	if (o->kind == ARG_WORDS || o->kind == ARG_LIST) {
		fputs(" -x -a '", out);
		if (o->kind == ARG_LIST)
			fputs("(__fish_append , ", out);
		put_values(out, o->values, " ");
		fputs(o->kind == ARG_LIST ? ")'" : "'", out);
	} else if (o->kind != ARG_NONE) {
		fprintf(out, " %s", action[o->kind]);
	}
	fputs(" -d '", out);
	fish_quoted(out, doc);
	fputs("'\n", out);
}

static void write_fish(FILE *out)
{
	const struct argp_option *o;
	struct option_info info;

	fputs("# fish completion for tracer(1), made from tracer's option table by\n"
	      "# completions_gen (src/cli/completions_gen.c): do not edit.\n"
	      "complete -c tracer -f\n",
	      out);
	for (o = opts_table; o->name || o->key || o->doc; o++) {
		info = is_option(o) ? info_of(o) : (struct option_info){ 0 };
		if (info.name)
			fish_option(out, &info);
	}
}

int main(int argc, char **argv)
{
	static const struct {
		const char *shell;
		void (*write)(FILE *out);
	} shells[] = { { "bash", write_bash }, { "zsh", write_zsh }, { "fish", write_fish } };
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: completions_gen bash|zsh|fish\n");
		return 2;
	}
	if (check_closed_sets())
		return 1;
	for (i = 0; i < sizeof(shells) / sizeof(shells[0]); i++) {
		if (!strcmp(argv[1], shells[i].shell)) {
			shells[i].write(stdout);
			return fflush(stdout) || ferror(stdout) ? 1 : 0;
		}
	}
	fprintf(stderr, "completions_gen: unknown shell %s\n", argv[1]);
	return 2;
}
