/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Type ids of a few named types of a raw BTF file, read in one pass through a
 * small buffer: the kernel's BTF is 5.5 MB, and libbpf 1.1 holds it twice
 * while parsing it (11 MB of tracer's peak) only to look up the attach
 * targets of the tp_btf and iter programs.
 */
#ifndef TRACER_BTFSCAN_H
#define TRACER_BTFSCAN_H

#include <stddef.h>
#include <stdint.h>
#include <linux/btf.h>

/* Longest name btfscan_find() looks for (without the NUL). */
#define BTFSCAN_NAME_MAX 63

struct btfscan_want {
	const char *name; /* at most BTFSCAN_NAME_MAX bytes */
	uint32_t kind; /* BTF_KIND_* */
	int32_t id; /* out: the first type of that name and kind, 0 when none */
};

/*
 * Fills in the id of each wanted type from the raw (not ELF) base BTF open
 * on fd, read from its start. Returns 0 (ids of types not found are 0), or
 * -EINVAL when the file is not a BTF this reader knows, or -errno.
 */
int btfscan_find(int fd, struct btfscan_want *want, size_t n);

/* The reader both this file and btfmin.c stream a raw BTF file through. */
#define BTFSCAN_WINDOW (64 * 1024)

struct btfscan_reader {
	int fd;
	uint64_t size; /* of the file */
	uint64_t at; /* file offset of buf[0] */
	size_t len;
	unsigned char buf[BTFSCAN_WINDOW];
};

/*
 * A reader (malloc'd, free() it) of the raw BTF open on fd, its header read
 * into *hdr and checked (magic, version, sections inside the file); NULL
 * with errno otherwise.
 */
struct btfscan_reader *btfscan_open(int fd, struct btf_header *hdr);

/* len (<= BTFSCAN_WINDOW) bytes at file offset off, or NULL at end of file or on error. */
const void *btfscan_window(struct btfscan_reader *r, uint64_t off, size_t len);

/* Bytes that follow struct btf_type for a kind, or -1 for a kind not known. */
int64_t btfscan_type_extra(uint32_t kind, uint32_t vlen);

/* len bytes of fd from file offset off, whole: 0, or -EIO (short or failed). */
int btfscan_read_at(int fd, void *buf, size_t len, uint64_t off);

#endif /* TRACER_BTFSCAN_H */
