/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * What each process's last successful exec ran with (cwd, uid, euid,
 * standard fds), so that the readable line (execline.h) shows only what
 * differs from the parent's. A process is forgotten at its exit; at most
 * PARENTCTX_MAX_PROCS processes and PARENTCTX_MAX_BYTES bytes of paths are
 * kept: past either, everything is forgotten at once (the lines then show the
 * cwd again, as for a process whose parent was never seen).
 */
#ifndef TRACER_PARENTCTX_H
#define TRACER_PARENTCTX_H

#include <stdbool.h>
#include <stdint.h>
#include <tracer/tracer.h>

#define PARENTCTX_MAX_PROCS 4096
#define PARENTCTX_MAX_BYTES (16u << 20)

/* A path kept: its bytes (owned) and flags. */
struct kept_path {
	char *s; /* NULL: none */
	uint32_t len, flags;
};

struct kept_fd {
	enum tracer_fd_kind kind;
	struct kept_path path;
	uint64_t ino;
};

/* One process's context. */
struct proc_context {
	uint32_t pid; /* 0: a free slot */
	uint32_t uid, euid;
	struct kept_path cwd;
	struct kept_fd stdio[3];
};

struct parentctx;

struct parentctx *parentctx_new(void);
void parentctx_free(struct parentctx *p);

/* The context e is compared with: its own process's last exec, else its parent's; NULL: neither. */
const struct proc_context *parentctx_of(const struct parentctx *p,
					const struct tracer_exec_event *e);

/* Remembers e's context for its process (a successful exec); out of memory, nothing. */
void parentctx_keep(struct parentctx *p, const struct tracer_exec_event *e);

/* Slots in the table now: it starts small and grows with the processes kept. */
size_t parentctx_capacity(const struct parentctx *p);

/* The process exited (p may be NULL). */
void parentctx_forget(struct parentctx *p, uint32_t pid);

bool kept_path_eq(const struct kept_path *k, const struct tracer_path *p);
bool kept_fd_eq(const struct kept_fd *k, const struct tracer_fd *fd);

#endif /* TRACER_PARENTCTX_H */
