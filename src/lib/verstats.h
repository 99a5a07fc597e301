/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The verifier's own figures per program (-v): how many instructions it
 * walked and how long it took, from the kernel's BPF_LOG_STATS lines. They
 * are what start-up spends in BPF_PROG_LOAD, program by program.
 */
#ifndef TRACER_VERSTATS_H
#define TRACER_VERSTATS_H

#include <bpf/libbpf.h>

struct verstats;

/* Asks the kernel for the stats of every program obj will load; NULL if out of memory. */
struct verstats *verstats_request(struct bpf_object *obj);
/* Prints one line per program loaded, to standard error. */
void verstats_print(const struct verstats *vs, struct bpf_object *obj);
void verstats_free(struct verstats *vs);

#endif /* TRACER_VERSTATS_H */
