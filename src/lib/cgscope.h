/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * tracer_options.cgroup: the cgroup v2 directory whose subtree the scope is
 * narrowed to (bpf/cgscope.bpf.h), opened and named as the kernel names it.
 */
#ifndef TRACER_CGSCOPE_H
#define TRACER_CGSCOPE_H

#include <stdint.h>

/*
 * Opens path, which must be a directory of a cgroup2 file system: a
 * descriptor (close-on-exec) and the cgroup's id in *id (its inode number,
 * which is its kernfs id: what bpf_get_current_cgroup_id() returns), or
 * -errno and the reason in *why (-ENOENT, -ENOTDIR, -EACCES..., -EINVAL
 * for a directory of another file system, a cgroup v1 one included).
 */
int cgscope_open(const char *path, uint64_t *id, const char **why);

#endif /* TRACER_CGSCOPE_H */
