/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The kernel BTF the load needs, without libbpf 1.1 parsing all of it (5.5
 * MB, held twice: 11 MB of tracer's peak, and 25-80 ms of CO-RE candidate
 * search and page faults at every start):
 *
 * - the attach targets of the tp_btf and iter programs (their sections are
 *   "tracer.tp_btf/NAME" and "tracer.iter/NAME", handled here: libbpf would
 *   load the whole BTF for any program of its own tp_btf or iter kinds) are
 *   found by a streaming scan of the kernel's BTF (btfscan.h), or read from
 *   the cache;
 * - the CO-RE relocations use a minimal BTF of the types the object reads
 *   (made in this process from a stream of the kernel's BTF, btfmin.h:
 *   some tens of KB), given to libbpf as btf_custom_path through a sealed
 *   memory file.
 *
 * Both are cached per kernel build and BPF object in a root-owned directory
 * (/var/cache/tracer, or $TRACER_BTF_CACHE; "off" uses the kernel's whole
 * BTF as before). Files are opened without following symbolic links,
 * validated (owner, mode, size, keys, checksum, BTF that parses) before use,
 * and written atomically (a new file renamed into place). Any problem falls
 * back to the kernel's whole BTF: slower, never wrong.
 */
#ifndef TRACER_BTFCACHE_H
#define TRACER_BTFCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BTFCACHE_DIR_DEFAULT "/var/cache/tracer"

/* Where the minimal BTF came from. */
enum btfcache_source {
	BTFCACHE_KERNEL, /* none: libbpf reads the kernel's whole BTF */
	BTFCACHE_HIT, /* read from the cache */
	BTFCACHE_MADE, /* made now (and cached when the directory allows) */
};

struct btfcache_load {
	enum btfcache_source source;
	int btf_fd; /* memory file holding the minimal BTF, or -1 */
	char btf_path[32]; /* "/proc/self/fd/N" for libbpf's btf_custom_path, or "" */
	char why[160]; /* with BTFCACHE_KERNEL: why the whole BTF is used */
};

/*
 * Finds the attach targets (the libbpf section handlers use them at load)
 * and, unless whole is set, the minimal BTF for the BPF object obj (its ELF
 * bytes). Returns 0 or a negative errno when the attach targets cannot be
 * found at all; the minimal BTF's absence is not an error (ld->why).
 */
int btfcache_prepare(struct btfcache_load *ld, const void *obj, size_t obj_len, bool whole);

/* After the load: closes the memory file. */
void btfcache_done(struct btfcache_load *ld);

/*
 * The load failed with a cached minimal BTF: the file is removed, so that
 * the next start makes it again.
 */
void btfcache_reject(const void *obj, size_t obj_len);

/* For the tests: the cache file's name for this kernel and object ("KEY-KEY.btf"). */
int btfcache_file_name(const void *obj, size_t obj_len, char *name, size_t size);

#endif /* TRACER_BTFCACHE_H */
