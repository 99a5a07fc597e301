/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Argument and environment strings, of any size up to the byte limit, into a
 * ring-buffer record. No kernel buffer holds them whole: they are copied in
 * pieces of TRACER_ARG_CHUNK bytes through a per-CPU chunk straight into the
 * record (a ring-buffer dynptr), so a 2 MiB argv costs no 2 MiB of memory
 * per CPU.
 *
 * From the caller's memory (an array of user pointers, as passed to exec:
 * 8 bytes each, 4 for a 32-bit caller),
 * two passes: the first measures every string (the true count and size, and
 * how much of it the limits keep), so that the record can be reserved with
 * its exact size; the second copies what is kept. From the new image's
 * argument area (one contiguous range), one pass.
 *
 * An empty string reads as length 1 (its NUL) on most kernels and as 0 on
 * some (6.12): both are an empty string, never a fault.
 */
#ifndef TRACER_STRINGS_BPF_H
#define TRACER_STRINGS_BPF_H

#include "maps.bpf.h"

/* MAX_ARG_STRLEN (32 pages): the longest string exec accepts, in chunks. */
#define STR_CHUNKS (32 * 4096 / (TRACER_ARG_CHUNK - 1) + 2)
/* How many strings a vector is followed for at most. */
#define VEC_MAX (2 * TRACER_ARGS_HARD_MAX)

/* Zeros to fill what could not be read: a record never carries stale bytes. */
static const char zeros[TRACER_ARG_CHUNK];

/* What a callback gets: the scratch (its state in s->ls) and the record. */
struct loop_ctx {
	struct scratch *s;
	struct bpf_dynptr *d;
};

/*
 * Reads the next piece of the string being measured: into the stage, right
 * after the strings already there, while they all fit; else into the chunk.
 */
static long measure_chunk(__u32 i, void *data)
{
	struct loop_ctx *c = data;
	struct loop_state *m = &c->s->ls;
	__u64 q = m->staged + m->off;
	long n;

	if (m->stage_ok && q < STAGE_MAX) {
		barrier_var(q);
		q &= STAGE_MAX - 1;
		n = bpf_probe_read_user_str(&c->s->stage[q], TRACER_ARG_CHUNK, (const void *)m->p);
	} else {
		m->stage_ok = 0;
		n = bpf_probe_read_user_str(c->s->chunk, TRACER_ARG_CHUNK, (const void *)m->p);
	}

	if (n < 0) {
		m->flags |= TRACER_EXEC_ARGS_FAULT;
		return 1;
	}
	if (n < TRACER_ARG_CHUNK) {
		if (n > 0)
			m->off += n - 1;
		m->str_done = 1;
		return 1;
	}
	m->off += n - 1;
	m->p += n - 1;
	return 0;
}

/* vec[i] of the vector in ls: 8-byte pointers, or 4-byte ones of a 32-bit caller. */
static __always_inline long read_vec(struct loop_state *ls, __u32 i, const char **str)
{
	*str = NULL;
	if (ls->ptr_size == 4)
		return bpf_probe_read_user(str, 4, (const void *)(ls->vec + 4 * (__u64)i));
	return bpf_probe_read_user(str, 8, (const void *)(ls->vec + 8 * (__u64)i));
}

/* bpf_loop() callback: measures vec[i]; stops at the NULL that ends the vector. */
static long measure_one(__u32 i, void *data)
{
	struct loop_ctx *c = data;
	struct loop_state *m = &c->s->ls;
	const char *str;
	__u64 size;

	if (read_vec(m, i, &str)) {
		m->flags |= TRACER_EXEC_ARGS_FAULT;
		return 1;
	}
	if (!str)
		return 1;
	m->p = (__u64)str;
	m->off = 0;
	m->str_done = 0;
	bpf_loop(STR_CHUNKS, measure_chunk, c, 0);
	if (!m->str_done) {
		/* Unreadable, or longer than exec accepts (a failed exec). */
		m->flags |= TRACER_EXEC_ARGS_FAULT;
		return 1;
	}
	size = m->off + 1;
	m->staged += size;
	m->count++;
	m->total += size;
	if (m->flags & TRACER_EXEC_ARGS_CUT)
		return 0;
	if (m->max_count && i >= m->max_count) {
		m->flags |= TRACER_EXEC_ARGS_CUT;
		return 0;
	}
	if (m->keep + size > m->limit) {
		/* A prefix of this one, that fits the limit with the NUL it lacks. */
		if (m->limit > m->keep + 1)
			m->keep = m->limit - 1;
		m->flags |= TRACER_EXEC_ARGS_CUT;
		return 0;
	}
	m->keep += size;
	return 0;
}

/* What the first pass over a vector found. */
struct vec_measure {
	__u64 total; /* bytes of every string, NULs included */
	__u64 keep; /* bytes the limits keep */
	__u32 count;
	__u32 flags; /* TRACER_EXEC_ARGS_FAULT, TRACER_EXEC_ARGS_CUT */
	__u32 staged; /* every string is in s->stage, one after the other */
};

/*
 * First pass over a user vector: m->count and m->total are the truth when no
 * fault is flagged, m->keep what the limits keep.
 */
static __always_inline void vec_measure(struct scratch *s, struct vec_measure *m, __u64 vec,
					__u32 ptr_size, __u64 limit, __u32 max_count, bool stage)
{
	struct loop_ctx c = { .s = s };
	struct loop_state *ls = &s->ls;

	ls->vec = vec;
	ls->ptr_size = ptr_size;
	ls->limit = limit;
	ls->max_count = max_count;
	ls->count = 0;
	ls->total = 0;
	ls->keep = 0;
	ls->flags = 0;
	ls->staged = 0;
	ls->stage_ok = stage;
	if (vec)
		bpf_loop(VEC_MAX, measure_one, &c, 0);
	m->staged = ls->stage_ok && !(ls->flags & TRACER_EXEC_ARGS_FAULT);
	m->total = ls->total;
	m->keep = ls->keep;
	m->count = ls->count;
	m->flags = ls->flags;
}

static long copy_chunk(__u32 i, void *data)
{
	struct loop_ctx *c = data;
	struct loop_state *ls = &c->s->ls;
	__u64 room, w;
	long n;

	if (ls->off >= ls->end)
		return 1;
	room = ls->end - ls->off;
	n = bpf_probe_read_user_str(c->s->chunk, TRACER_ARG_CHUNK, (const void *)ls->p);
	if (n < 0) {
		ls->flags = 1;
		return 1;
	}
	if (n == 0) {
		c->s->chunk[0] = 0;
		n = 1;
	}
	/* A whole chunk is size - 1 bytes and a NUL that is not the string's. */
	w = n < TRACER_ARG_CHUNK ? n : n - 1;
	if (w > room)
		w = room;
	barrier_var(w);
	if (w > TRACER_ARG_CHUNK)
		return 1;
	bpf_dynptr_write(c->d, ls->off, c->s->chunk, w, 0);
	ls->off += w;
	if (n < TRACER_ARG_CHUNK)
		return 1;
	ls->p += n - 1;
	return 0;
}

static long copy_one(__u32 i, void *data)
{
	struct loop_ctx *c = data;
	struct loop_state *ls = &c->s->ls;
	const char *str;

	if (ls->off >= ls->end)
		return 1;
	if (read_vec(ls, i, &str) || !str) {
		ls->flags = 1;
		return 1;
	}
	ls->p = (__u64)str;
	bpf_loop(STR_CHUNKS, copy_chunk, c, 0);
	return ls->flags ? 1 : 0;
}

static long zero_chunk(__u32 i, void *data)
{
	struct loop_ctx *c = data;
	struct loop_state *ls = &c->s->ls;
	__u64 w;

	if (ls->off >= ls->end)
		return 1;
	w = ls->end - ls->off;
	if (w > TRACER_ARG_CHUNK)
		w = TRACER_ARG_CHUNK;
	barrier_var(w);
	if (w > TRACER_ARG_CHUNK)
		return 1;
	bpf_dynptr_write(c->d, ls->off, (void *)zeros, w, 0);
	ls->off += w;
	return 0;
}

#define REC_CHUNKS (2 * TRACER_ARGBYTES_HARD_MAX / TRACER_ARG_CHUNK + 2)

/*
 * Its first lines are zero_chunk()'s, on purpose: each bpf_loop() callback
 * bounds the width it passes to the helpers itself, just before them
 * (barrier_var() keeps the compiler from moving the check away), the shape
 * every verifier from 6.1 on accepts here.
 */
static long area_chunk(__u32 i, void *data)
{
	struct loop_ctx *c = data;
	struct loop_state *ls = &c->s->ls;
	__u64 w;

	if (ls->off >= ls->end)
		return 1;
	w = ls->end - ls->off;
	if (w > TRACER_ARG_CHUNK)
		w = TRACER_ARG_CHUNK;
	barrier_var(w);
	if (w > TRACER_ARG_CHUNK || w == 0)
		return 1;
	if (bpf_probe_read_user(c->s->chunk, w, (const void *)ls->p)) {
		ls->flags = 1;
		return 1;
	}
	bpf_dynptr_write(c->d, ls->off, c->s->chunk, w, 0);
	ls->off += w;
	ls->p += w;
	return 0;
}

/*
 * Second pass: the kept bytes into the record at [off, off + keep), from the
 * user vector vec or, when vec is 0, from the new image's area at area.
 * Returns true when something could not be read (the rest is zeros).
 */
static __always_inline bool strings_copy(struct scratch *s, struct bpf_dynptr *d, __u64 vec,
					 __u32 ptr_size, __u64 area, __u64 off, __u64 keep,
					 bool staged)
{
	struct loop_ctx c = { .s = s, .d = d };
	struct loop_state *ls = &s->ls;

	if (!keep)
		return false;
	if (staged) {
		/* Read by the measuring pass already. */
		barrier_var(keep);
		if (keep > STAGE_MAX + TRACER_ARG_CHUNK)
			return true;
		bpf_dynptr_write(d, off, s->stage, keep, 0);
		return false;
	}
	ls->vec = vec;
	ls->ptr_size = ptr_size;
	ls->p = area;
	ls->off = off;
	ls->end = off + keep;
	ls->flags = 0;
	if (vec)
		bpf_loop(VEC_MAX, copy_one, &c, 0);
	else
		bpf_loop(REC_CHUNKS, area_chunk, &c, 0);
	if (ls->off < ls->end) {
		bpf_loop(REC_CHUNKS, zero_chunk, &c, 0);
		return true;
	}
	return false;
}

#endif /* TRACER_STRINGS_BPF_H */
