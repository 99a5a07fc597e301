// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Which execs are compiles: compiler driver and wrapper names, and what a
 * driver's arguments ask for (see compiledb.h). Arguments are byte strings
 * (not NUL-terminated), exactly as the kernel captured them.
 */
#include <string.h>

#include "compiledb.h"
#include "compiledb_int.h"

static const char *const builtin_drivers[] = { "cc", "c++", "gcc", "g++", "clang", "clang++" };
static const char *const wrappers[] = { "ccache", "distcc", "icecc", "sccache" };

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool bytes_eq(const struct tracer_bytes *b, const char *s)
{
	size_t n = strlen(s);

	return b->len == n && !memcmp(b->ptr, s, n);
}

static bool bytes_starts(const struct tracer_bytes *b, const char *s)
{
	size_t n = strlen(s);

	return b->len >= n && !memcmp(b->ptr, s, n);
}

/* The length of name without a version suffix: "gcc-12" and "clang-14.0.6" end at the '-'. */
static size_t without_version(const char *name, size_t len)
{
	size_t i = len;

	while (i > 0 && (is_digit(name[i - 1]) || name[i - 1] == '.'))
		i--;
	if (i < len && i > 1 && name[i - 1] == '-' && is_digit(name[i]))
		return i - 1;
	return len;
}

/* name is drv, or ends with "-drv" (a target prefix). */
static bool matches_driver(const char *name, size_t len, const char *drv)
{
	size_t n = strlen(drv);

	if (len == n)
		return !memcmp(name, drv, n);
	return len > n + 1 && name[len - n - 1] == '-' && !memcmp(name + len - n, drv, n);
}

bool compiledb_is_driver(const struct compiledb *db, const char *name, size_t len)
{
	size_t i;

	len = without_version(name, len);
	for (i = 0; i < sizeof(builtin_drivers) / sizeof(builtin_drivers[0]); i++) {
		if (matches_driver(name, len, builtin_drivers[i]))
			return true;
	}
	for (i = 0; db && i < db->n_compilers; i++) {
		if (matches_driver(name, len, db->compilers[i]))
			return true;
	}
	return false;
}

bool compiledb_is_wrapper(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(wrappers) / sizeof(wrappers[0]); i++) {
		if (len == strlen(wrappers[i]) && !memcmp(name, wrappers[i], len))
			return true;
	}
	return false;
}

/*
 * Source files by extension, as gcc and clang take them without -x: C,
 * C++, Objective-C and Objective-C++ (and their preprocessed forms), assembler
 * (.s, .S, .sx) and CUDA. Headers are compiled only with -x.
 */
static const char *const source_exts[] = { "c",	  "i", "cc", "cp", "cxx", "cpp", "CPP",
					   "c++", "C", "ii", "m",  "mi",  "mm",	 "M",
					   "mii", "s", "S",  "sx", "cu" };

static bool has_source_ext(const struct tracer_bytes *b)
{
	const char *dot = NULL;
	size_t i, ext_len;

	for (i = b->len; i > 0; i--) {
		if (b->ptr[i - 1] == '/')
			break;
		if (b->ptr[i - 1] == '.') {
			dot = b->ptr + i;
			break;
		}
	}
	/* No extension, or a name that is only one (".c"). */
	if (!dot || dot - 1 == b->ptr || dot[-2] == '/')
		return false;
	ext_len = b->len - (size_t)(dot - b->ptr);
	for (i = 0; i < sizeof(source_exts) / sizeof(source_exts[0]); i++) {
		if (ext_len == strlen(source_exts[i]) && !memcmp(dot, source_exts[i], ext_len))
			return true;
	}
	return false;
}

/*
 * Options of gcc and clang whose argument is the next word when written
 * alone ("-o out", "-I dir"): that word is never an input file.
 */
static const char *const takes_next[] = {
	"-o",
	"-x",
	"-I",
	"-D",
	"-U",
	"-L",
	"-l",
	"-A",
	"-B",
	"-F",
	"-T",
	"-e",
	"-u",
	"-z",
	"-MF",
	"-MT",
	"-MQ",
	"-MJ",
	"-include",
	"-imacros",
	"-isystem",
	"-isystem-after",
	"-iquote",
	"-idirafter",
	"-iprefix",
	"-iwithprefix",
	"-iwithprefixbefore",
	"-iwithsysroot",
	"-isysroot",
	"-imultilib",
	"-iframework",
	"-ivfsoverlay",
	"-cxx-isystem",
	"-Xlinker",
	"-Xassembler",
	"-Xpreprocessor",
	"-Xclang",
	"-Xanalyzer",
	"-Xopenmp-target",
	"-Xcuda-ptxas",
	"-Xcuda-fatbinary",
	"-mllvm",
	"-aux-info",
	"-arch",
	"-target",
	"-gcc-toolchain",
	"-dumpdir",
	"-dumpbase",
	"-dumpbase-ext",
	"-framework",
	"-install_name",
	"-rpath",
	"--param",
	"--sysroot",
	"--output",
	"--language",
	"--include",
	"--include-directory",
	"--define-macro",
	"--undefine-macro",
	"--serialize-diagnostics",
};

static bool option_takes_next(const struct tracer_bytes *b)
{
	size_t i;

	for (i = 0; i < sizeof(takes_next) / sizeof(takes_next[0]); i++) {
		if (bytes_eq(b, takes_next[i]))
			return true;
	}
	return false;
}

/* Options after which nothing is compiled: preprocessing, dependencies only, queries. */
static const char *const no_compile[] = {
	"-E",
	"--preprocess",
	"-M",
	"-MM",
	"--dependencies",
	"--user-dependencies",
	"--version",
	"-dumpversion",
	"-dumpfullversion",
	"-dumpmachine",
	"-dumpspecs",
	"--help",
	"--target-help",
	"-###",
};

static bool is_no_compile(const struct tracer_bytes *b)
{
	size_t i;

	if (bytes_starts(b, "-print-") || bytes_starts(b, "--print-") || bytes_starts(b, "--help="))
		return true;
	for (i = 0; i < sizeof(no_compile) / sizeof(no_compile[0]); i++) {
		if (bytes_eq(b, no_compile[i]))
			return true;
	}
	return false;
}

/* -x LANG, -xLANG, --language LANG, --language=LANG: whether b is one; its LANG in *lang. */
static bool language_option(const struct tracer_bytes *argv, uint32_t argc, uint32_t *i,
			    struct tracer_bytes *lang)
{
	const struct tracer_bytes *b = &argv[*i];

	if (bytes_eq(b, "-x") || bytes_eq(b, "--language")) {
		if (*i + 1 >= argc)
			return false;
		*lang = argv[++*i];
		return true;
	}
	if (bytes_starts(b, "-x")) {
		*lang = (struct tracer_bytes){ b->ptr + 2, b->len - 2 };
		return true;
	}
	if (bytes_starts(b, "--language=")) {
		*lang = (struct tracer_bytes){ b->ptr + 11, b->len - 11 };
		return true;
	}
	return false;
}

/* -o OUT, -oOUT, --output OUT, --output=OUT: whether b is one; OUT in *out. */
static bool output_option(const struct tracer_bytes *argv, uint32_t argc, uint32_t *i,
			  struct tracer_bytes *out)
{
	const struct tracer_bytes *b = &argv[*i];

	if (bytes_eq(b, "-o") || bytes_eq(b, "--output")) {
		if (*i + 1 >= argc)
			return false;
		*out = argv[++*i];
		return true;
	}
	if (bytes_starts(b, "--output=")) {
		*out = (struct tracer_bytes){ b->ptr + 9, b->len - 9 };
		return true;
	}
	if (bytes_starts(b, "-o") && b->len > 2) {
		*out = (struct tracer_bytes){ b->ptr + 2, b->len - 2 };
		return true;
	}
	return false;
}

void compiledb_classify(const struct tracer_bytes *argv, uint32_t argc, uint32_t first,
			struct compiledb_call *call)
{
	struct tracer_bytes lang = { NULL, 0 };
	bool forced = false, stop = false;
	uint32_t i;

	call->compiles = false;
	call->n_sources = 0;
	call->output = (struct tracer_bytes){ NULL, 0 };
	/* clang's driver running its own front end or assembler. */
	if (first < argc && (bytes_eq(&argv[first], "-cc1") || bytes_eq(&argv[first], "-cc1as")))
		return;
	for (i = first; i < argc; i++) {
		const struct tracer_bytes *b = &argv[i];

		if (language_option(argv, argc, &i, &lang)) {
			forced = !(lang.len == 4 && !memcmp(lang.ptr, "none", 4));
			continue;
		}
		if (output_option(argv, argc, &i, &call->output))
			continue;
		if (is_no_compile(b)) {
			stop = true;
			continue;
		}
		if (option_takes_next(b)) {
			i++;
			continue;
		}
		/* Options, standard input ("-"), response files ("@file": not read). */
		if (b->len == 0 || b->ptr[0] == '-' || b->ptr[0] == '@')
			continue;
		if ((forced || has_source_ext(b)) && call->n_sources < COMPILEDB_MAX_SOURCES)
			call->sources[call->n_sources++] = i;
	}
	call->compiles = !stop && call->n_sources > 0;
}
