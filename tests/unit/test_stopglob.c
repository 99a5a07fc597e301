// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * --stop-at patterns: the compiler and the matcher the kernel runs
 * (common/glob.h), against fnmatch(pattern, subject, 0) of the C
 * library, on chosen cases and on many random ones.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>

#include <criterion/criterion.h>

#include "stopglob.h"
#include "glob.h"

/* The kernel's verdict and fnmatch's must agree; returns the verdict. */
static bool same_as_fnmatch(const char *pat, const char *s)
{
	struct tracer_glob g;
	const char *why = NULL;
	int want;
	bool got;

	cr_assert_eq(glob_compile(pat, &g, &why), 0, "%s: %s", pat, why);
	want = fnmatch(pat, s, 0);
	cr_assert(want == 0 || want == FNM_NOMATCH, "fnmatch(%s) failed", pat);
	got = glob_match(&g, s, strlen(s));
	cr_assert_eq(got, want == 0, "pattern \"%s\" subject \"%s\": kernel %d, fnmatch %d", pat, s,
		     got, want == 0);
	return got;
}

Test(stopglob, chosen)
{
	static const char *const subjects[] = {
		"",	  "a",	    "ab",	  "abc",      "/usr/bin/make",
		"make",	  "cc1",    "cc1plus",	  "x.sh",     ".hidden",
		"a/b/c",  "[",	    "]",	  "-",	      "\\",
		"*",	  "?",	    "a*b",	  "aaaaaaab", "abababab",
		"/a/./b", "gcc-12", "python3.11", "!x",	      "^x",
		"a]b",	  "a-b",    "\xe9t\xe9",  "ab\\",     "/bin/ls",
	};
	static const char *const patterns[] = {
		"a",
		"*",
		"?",
		"??",
		"a*",
		"*c",
		"*b*",
		"a?c",
		"*/make",
		"make",
		"cc1*",
		"*.sh",
		".*",
		"a/*",
		"*/*/*",
		"[abc]",
		"[!abc]",
		"[^abc]",
		"[a-c]*",
		"[]]",
		"[]a]",
		"[!]]",
		"[a-]",
		"[-a]",
		"\\*",
		"\\?",
		"\\[",
		"\\\\",
		"a\\*b",
		"[\\]]",
		"[\\\\]",
		"*a*a*a*b",
		"*ab*ab",
		"*[0-9]",
		"gcc-[0-9]*",
		"python3.*",
		"[c-a]",
		"[a-c-e]",
		"[!a-z]*",
		"*[!/]",
		"/*/ls",
		"[/]*",
		"[\xe0-\xff]t*",
		"ab\\\\",
		"[*]",
		"[?]",
		"*\\]",
		"[][]",
		"[!][]",
		"a[]-]b",
		"**",
		"a**b",
		"*?",
		"?*?",
	};
	size_t i, j;

	for (i = 0; i < sizeof(patterns) / sizeof(*patterns); i++)
		for (j = 0; j < sizeof(subjects) / sizeof(*subjects); j++)
			same_as_fnmatch(patterns[i], subjects[j]);
	cr_assert(same_as_fnmatch("*/make", "/usr/bin/make"));
	cr_assert(!same_as_fnmatch("mak", "make"));
}

/* Random patterns and subjects over a small alphabet, where the special bytes are frequent. */
Test(stopglob, random)
{
	static const char pat_alpha[] = "ab/.*?[]!^-\\";
	static const char subj_alpha[] = "ab/.-]![\\*";
	char pat[24], subj[20];
	unsigned int seed = 12345;
	int n, i, k, checked = 0;

	for (n = 0; n < 200000; n++) {
		int plen = rand_r(&seed) % 12 + 1, slen = rand_r(&seed) % 14;

		for (i = 0; i < plen; i++)
			pat[i] = pat_alpha[rand_r(&seed) % (sizeof(pat_alpha) - 1)];
		pat[plen] = '\0';
		if (glob_compile(pat, NULL, NULL))
			continue;
		for (k = 0; k < 4; k++) {
			for (i = 0; i < slen; i++)
				subj[i] = subj_alpha[rand_r(&seed) % (sizeof(subj_alpha) - 1)];
			subj[slen] = '\0';
			same_as_fnmatch(pat, subj);
			checked++;
		}
	}
	cr_assert_gt(checked, 100000);
}

/* The longest subject and pattern the kernel sees, and the worst case for backtracking. */
Test(stopglob, limits)
{
	char pat[TRACER_GLOB_MAX + 2], subj[4096];
	struct tracer_glob g;
	const char *why;

	memset(subj, 'a', sizeof(subj) - 1);
	subj[sizeof(subj) - 1] = '\0';
	memset(pat, 0, sizeof(pat));
	for (int i = 0; i < TRACER_GLOB_MAX; i++)
		pat[i] = i % 2 ? 'a' : '*';
	pat[TRACER_GLOB_MAX - 1] = 'b';
	same_as_fnmatch(pat, subj);
	pat[TRACER_GLOB_MAX - 1] = 'a';
	same_as_fnmatch(pat, subj);
	pat[TRACER_GLOB_MAX] = 'a';
	cr_assert_eq(glob_compile(pat, &g, &why), -EINVAL);
	cr_assert_str_eq(why, "longer than 255 bytes");
}

Test(stopglob, refused)
{
	static const struct {
		const char *pat, *why;
	} bad[] = {
		{ "", "empty" },
		{ "[abc", "unterminated '['" },
		{ "[", "unterminated '['" },
		{ "[]", "unterminated '['" },
		{ "[!]", "unterminated '['" },
		{ "a\\", "ends with a backslash" },
		{ "[[:alpha:]]", NULL },
		{ "[a-[:digit:]]", NULL },
		{ "[[=a=]]", NULL },
		{ "[[.a.]]", NULL },
		{ "[a][a][a][a][a][a][a][a][a][a][a][a][a][a][a][a][a]",
		  "more than 16 bracket expressions" },
	};
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		why = NULL;
		cr_assert_eq(glob_compile(bad[i].pat, NULL, &why), -EINVAL, "%s", bad[i].pat);
		cr_assert_not_null(why);
		if (bad[i].why)
			cr_assert_str_eq(why, bad[i].why);
	}
	cr_assert_eq(glob_compile(NULL, NULL, NULL), -EINVAL);
}
