/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The glob matcher of --stop-at, shared word for word by the BPF program
 * (bpf/stop.bpf.h runs it in the kernel, one step per bpf_loop() iteration)
 * and userspace (src/lib/stopglob.c runs the same steps in a plain loop, and the
 * unit test compares the result with fnmatch(3)).
 *
 * Userspace compiles a pattern once, before load, into tokens: a literal
 * byte, '?' (any byte), '*' (any run of bytes), or a bracket expression as a
 * 256-bit set. The kernel side then never parses a pattern: each step reads
 * one token and at most one byte of the subject. The semantics are
 * fnmatch(pattern, subject, 0) in the C locale: no FNM_PATHNAME ('*', '?' and
 * classes match '/'), no FNM_PERIOD, backslash escapes. Character classes
 * ("[[:alpha:]]"), equivalence classes and collating symbols are refused at
 * compile time.
 *
 * The matcher keeps one backtracking point (the last '*'): when a later token
 * fails, the '*' takes one more byte and the rest is tried again. That is
 * exact for globs, and bounds the work to (tokens + 1) * (length + 1) steps.
 */
#ifndef TRACER_GLOB_H
#define TRACER_GLOB_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

/* At most this many --stop-at patterns, each at most TRACER_GLOB_MAX bytes. */
#define TRACER_STOP_MAX 8
#define TRACER_GLOB_MAX 255
#define TRACER_GLOB_TOKENS 256 /* > TRACER_GLOB_MAX: a byte makes at most one token */
#define TRACER_GLOB_CLASSES 16 /* bracket expressions per pattern */
/*
 * The subject is read from a buffer of this size (a power of two) at
 * (base + i) masked: any index the verifier sees stays inside it.
 */
#define TRACER_GLOB_BUF 16384
/* The most steps a match can take: (tokens + 1) * (subject + 1), subjects < 4096 bytes. */
#define TRACER_GLOB_STEPS ((TRACER_GLOB_TOKENS + 1) * 4097)

/* Token kinds (bits 8-9); the low byte is the literal or the class index. */
#define TRACER_GLOB_LIT 0
#define TRACER_GLOB_ANY 1
#define TRACER_GLOB_STAR 2
#define TRACER_GLOB_CLASS 3
#define TRACER_GLOB_TOK(kind, arg) ((__u16)((kind) << 8 | (arg)))

/* A compiled pattern. */
struct tracer_glob {
	__u32 ntok;
	__u32 nclass;
	__u16 tok[TRACER_GLOB_TOKENS];
	__u8 cls[TRACER_GLOB_CLASSES][32]; /* bit c of class k: byte c is in it */
};

/*
 * The patterns of --stop-at that can change while running (stop_at_dynamic):
 * the value of the one-element map that the stop_sets map holds. Userspace
 * fills a new one for each change and swaps it in whole (bpf/stop.bpf.h), so
 * that a match in progress never sees half of a change. generation counts
 * the changes (24 bits: wire.h's TRACER_STOP_GENERATION).
 */
struct tracer_stop_set {
	__u32 count;
	__u32 generation;
	struct tracer_glob globs[TRACER_STOP_MAX];
};

/*
 * Where a match stands: the next token and subject byte, and the backtracking
 * point (star_ti: the token after the last '*' + 1, 0 when none yet).
 */
struct tracer_glob_state {
	__u32 ti;
	__u32 si;
	__u32 star_ti;
	__u32 star_si;
	__u32 base; /* the subject: buf[base .. base + len) */
	__u32 len;
};

enum tracer_glob_step {
	TRACER_GLOB_MORE = 0,
	TRACER_GLOB_MATCH = 1,
	TRACER_GLOB_FAIL = 2,
};

static __always_inline void tracer_glob_begin(struct tracer_glob_state *st, __u32 base, __u32 len)
{
	st->ti = 0;
	st->si = 0;
	st->star_ti = 0;
	st->star_si = 0;
	st->base = base;
	st->len = len;
}

static __always_inline int tracer_glob_tok_matches(const struct tracer_glob *g, __u32 tok, __u32 c)
{
	__u32 arg = tok & 0xff;

	switch (tok >> 8) {
	case TRACER_GLOB_LIT:
		return arg == c;
	case TRACER_GLOB_ANY:
		return 1;
	case TRACER_GLOB_CLASS:
		return (g->cls[arg & (TRACER_GLOB_CLASSES - 1)][(c >> 3) & 31] >> (c & 7)) & 1;
	}
	return 0;
}

/* One step of matching g against the subject in buf: TRACER_GLOB_MORE until decided. */
static __always_inline int tracer_glob_step(struct tracer_glob_state *st,
					    const struct tracer_glob *g, const char *buf)
{
	__u32 ti = st->ti, si = st->si, tok, c;

	if (ti < g->ntok && ti < TRACER_GLOB_TOKENS) {
		tok = g->tok[ti & (TRACER_GLOB_TOKENS - 1)];
		if ((tok >> 8) == TRACER_GLOB_STAR) {
			st->ti = ti + 1;
			st->star_ti = ti + 1 + 1;
			st->star_si = si;
			return TRACER_GLOB_MORE;
		}
		if (si < st->len) {
			c = (__u8)buf[(st->base + si) & (TRACER_GLOB_BUF - 1)];
			if (tracer_glob_tok_matches(g, tok, c)) {
				st->ti = ti + 1;
				st->si = si + 1;
				return TRACER_GLOB_MORE;
			}
		}
	} else if (si >= st->len) {
		return TRACER_GLOB_MATCH;
	}
	/* Mismatch: the last '*' takes one more byte, and the rest is tried again. */
	if (st->star_ti && st->star_si < st->len) {
		st->star_si++;
		st->si = st->star_si;
		st->ti = st->star_ti - 1;
		return TRACER_GLOB_MORE;
	}
	return TRACER_GLOB_FAIL;
}

#endif /* TRACER_GLOB_H */
