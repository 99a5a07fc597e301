/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The attach targets of the programs in "tracer.tp_btf/NAME" (the kernel's
 * typedef btf_trace_NAME) and "tracer.iter/NAME" (its function
 * bpf_iter_NAME) sections, by their ids in the kernel's BTF. libbpf 1.1
 * loads the kernel's whole BTF for any program of its own tp_btf and iter
 * kinds, even when btf_custom_path serves the CO-RE relocations: these
 * sections are handled here instead (libbpf_register_prog_handler), with
 * the same program type, attach type and attach target at load.
 */
#ifndef TRACER_BTFTARGETS_H
#define TRACER_BTFTARGETS_H

#include <stddef.h>
#include <stdint.h>
#include "btfscan.h"

/* How many targets there are; their ids are passed around in this order. */
#define BTFTARGETS_N 7

/* Registers the section handlers, once per process. 0 or a negative errno. */
int btftargets_register(void);

/* The ids of the targets, found in the raw BTF open on fd (0: not in this kernel). */
int btftargets_scan(int fd, int32_t ids[BTFTARGETS_N]);

/* The targets as names and kinds to look for (btfscan.h), then their ids once found. */
void btftargets_wants(struct btfscan_want want[BTFTARGETS_N]);
void btftargets_found(const struct btfscan_want want[BTFTARGETS_N], int32_t ids[BTFTARGETS_N]);

/* Sets the ids the next loads use (the same for every object: they are the kernel's). */
void btftargets_set(const int32_t ids[BTFTARGETS_N]);

/* The section name of target i, for messages and tests. */
const char *btftargets_section(size_t i);

#endif /* TRACER_BTFTARGETS_H */
