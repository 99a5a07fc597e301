// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* --stop-at patterns: the compiler, and the kernel's matcher run in userspace. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include "stopglob.h"
#include "glob.h"

static void class_add(__u8 *cls, unsigned int lo, unsigned int hi)
{
	unsigned int c;

	for (c = lo; c <= hi && c < 256; c++)
		cls[c >> 3] |= 1u << (c & 7);
}

/*
 * One member of a bracket expression at *p, a byte or a backslash and the
 * byte it escapes, into *c; *p moves past it.
 */
static int class_member(const char **p, unsigned int *c, const char **why)
{
	const char *q = *p;

	if (*q == '[' && (q[1] == ':' || q[1] == '=' || q[1] == '.')) {
		*why = "character classes ([:name:]), equivalence classes and collating symbols are not supported";
		return -EINVAL;
	}
	if (*q == '\\')
		q++;
	if (!*q) {
		*why = "unterminated '['";
		return -EINVAL;
	}
	*c = (unsigned char)*q++;
	*p = q;
	return 0;
}

/*
 * A bracket expression at p (just after '['): its set into cls, the pattern
 * position after its ']' into *end. The first byte (after '!' or '^') is a
 * member even when it is ']'; a '-' between two members makes a range (an
 * empty one when reversed, as glibc's fnmatch in the C locale); a backslash
 * makes the next byte a member.
 */
static int parse_class(const char *p, __u8 *cls, const char **end, const char **why)
{
	bool negate = false, first = true;
	unsigned int lo, hi;
	int i, ret;

	memset(cls, 0, 32);
	if (*p == '!' || *p == '^') {
		negate = true;
		p++;
	}
	for (;;) {
		if (*p == ']' && !first)
			break;
		first = false;
		ret = class_member(&p, &lo, why);
		if (ret)
			return ret;
		hi = lo;
		if (p[0] == '-' && p[1] && p[1] != ']') {
			p++;
			ret = class_member(&p, &hi, why);
			if (ret)
				return ret;
		}
		class_add(cls, lo, hi);
	}
	if (negate)
		for (i = 0; i < 32; i++)
			cls[i] = ~cls[i];
	/* NUL never occurs in a subject. */
	cls[0] &= ~1u;
	*end = p + 1;
	return 0;
}

int glob_compile(const char *pattern, struct tracer_glob *g, const char **why)
{
	struct tracer_glob tmp;
	const char *p = pattern, *reason = "";
	int ret;

	if (!why)
		why = &reason;
	if (!g)
		g = &tmp;
	memset(g, 0, sizeof(*g));
	if (!pattern || !*pattern) {
		*why = "empty";
		return -EINVAL;
	}
	if (strlen(pattern) > TRACER_GLOB_MAX) {
		*why = "longer than 255 bytes";
		return -EINVAL;
	}
	while (*p) {
		switch (*p) {
		case '*':
			/* A run of stars is one star. */
			if (!g->ntok || g->tok[g->ntok - 1] != TRACER_GLOB_TOK(TRACER_GLOB_STAR, 0))
				g->tok[g->ntok++] = TRACER_GLOB_TOK(TRACER_GLOB_STAR, 0);
			p++;
			break;
		case '?':
			g->tok[g->ntok++] = TRACER_GLOB_TOK(TRACER_GLOB_ANY, 0);
			p++;
			break;
		case '[':
			if (g->nclass == TRACER_GLOB_CLASSES) {
				*why = "more than 16 bracket expressions";
				return -EINVAL;
			}
			ret = parse_class(p + 1, g->cls[g->nclass], &p, why);
			if (ret)
				return ret;
			g->tok[g->ntok++] = TRACER_GLOB_TOK(TRACER_GLOB_CLASS, g->nclass);
			g->nclass++;
			break;
		case '\\':
			if (!p[1]) {
				*why = "ends with a backslash";
				return -EINVAL;
			}
			p++;
			/* fall through */
		default:
			g->tok[g->ntok++] = TRACER_GLOB_TOK(TRACER_GLOB_LIT, (unsigned char)*p);
			p++;
		}
	}
	return 0;
}

bool glob_match(const struct tracer_glob *g, const char *s, size_t len)
{
	static __thread char buf[TRACER_GLOB_BUF];
	struct tracer_glob_state st;
	unsigned long i;
	int r = TRACER_GLOB_FAIL;

	if (len >= 4096)
		return false;
	memcpy(buf, s, len);
	tracer_glob_begin(&st, 0, len);
	for (i = 0; i < TRACER_GLOB_STEPS; i++) {
		r = tracer_glob_step(&st, g, buf);
		if (r != TRACER_GLOB_MORE)
			break;
	}
	return r == TRACER_GLOB_MATCH;
}
