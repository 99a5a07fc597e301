/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Paths built in the kernel at the exec: the caller's working directory, the
 * file executed and its interpreter, and what fds 0-2 refer to. A tracepoint
 * program cannot call bpf_d_path(), so a path is built the way d_path() does:
 * from the dentry up to the process's root directory, crossing mount points,
 * each component prepended into a per-CPU slot. The walk is a bpf_loop() (a
 * callback the verifier checks once, not an unrolled loop).
 *
 * What the walk cannot give whole is flagged: a path longer than
 * TRACER_PATH_MAX keeps its trailing part (CUT), an unlinked file or removed
 * directory keeps its last name (DELETED), and a walk that ends at the top of
 * a tree of mounts without meeting the process's root (a cwd outside a
 * chroot, another mount namespace, a lazily unmounted tree) is relative to
 * that top (DETACHED). The walk's bound, TRACER_PATH_DEPTH steps, is above
 * what TRACER_PATH_MAX bytes can hold: a callback that returns 1 ends it, so
 * a short path does not pay for the bound.
 */
#ifndef TRACER_PATH_BPF_H
#define TRACER_PATH_BPF_H

#include "maps.bpf.h"

/* include/uapi/linux/magic.h */
#define PIPEFS_MAGIC 0x50495045
#define SOCKFS_MAGIC 0x534F434B
#define ANON_INODE_FS_MAGIC 0x09041934

/* Longest component name (NAME_MAX); longer ones are cut. */
#define PATH_NAME_MAX 255

static __always_inline __u64 vfsmount_of(__u64 m)
{
	return m + bpf_core_field_offset(struct mount, mnt);
}

/*
 * struct dentry from d_hash to d_name, read with one helper call: d_hash,
 * d_parent and d_name have followed each other since Linux 2.6 (checked
 * against the running kernel's BTF by dentry_head_ok()).
 */
struct dentry_head {
	__u64 hash_next;
	__u64 hash_pprev; /* NULL: unhashed (deleted) */
	__u64 parent;
	__u32 hash;
	__u32 len;
	__u64 name;
};

static __always_inline bool dentry_head_ok(void)
{
	__u32 h = bpf_core_field_offset(struct dentry, d_hash);

	return bpf_core_field_offset(struct dentry, d_parent) == h + 16 &&
	       bpf_core_field_offset(struct dentry, d_name) == h + 24;
}

static __always_inline long read_dentry_head(struct dentry_head *dh, __u64 d)
{
	return bpf_probe_read_kernel(
		dh, sizeof(*dh), (const void *)(d + bpf_core_field_offset(struct dentry, d_hash)));
}

/* The mount's root dentry, kept in the state while the walk stays in that mount. */
static __always_inline void walk_enter_mount(struct walk_state *w, __u64 m)
{
	struct vfsmount *vm = (struct vfsmount *)vfsmount_of(m);

	w->mnt = m;
	w->mnt_root = (__u64)BPF_CORE_READ(vm, mnt_root);
}

/* bpf_loop() callback: one step up, a component prepended or a mount crossed. */
static long walk_step(__u32 i, void *data)
{
	struct scratch *s = *(struct scratch **)data;
	struct walk_state *w = &s->ws;
	struct dentry_head dh;
	struct mount *m, *pm;
	__u32 len, pos, k;

	if (w->dentry == w->root_dentry && vfsmount_of(w->mnt) == w->root_mnt)
		goto done;
	if (w->dentry == w->mnt_root) {
		m = (struct mount *)w->mnt;
		pm = BPF_CORE_READ(m, mnt_parent);
		if (pm == m || !pm) {
			w->flags |= TRACER_PATHF_DETACHED;
			goto done;
		}
		w->dentry = (__u64)BPF_CORE_READ(m, mnt_mountpoint);
		walk_enter_mount(w, (__u64)pm);
		return 0;
	}
	if (read_dentry_head(&dh, w->dentry)) {
		w->flags |= TRACER_PATHF_FAULT;
		goto done;
	}
	if (dh.parent == w->dentry || !dh.parent) {
		/* A dentry root that is no mount's root: disconnected. */
		w->flags |= TRACER_PATHF_DETACHED;
		goto done;
	}
	len = dh.len;
	if (len > PATH_NAME_MAX)
		len = PATH_NAME_MAX;
	pos = w->pos;
	/* The whole path stays within TRACER_PATH_MAX bytes: pos never below 1. */
	if (pos > PATH_END || len + 1 >= pos) {
		w->flags |= TRACER_PATHF_CUT;
		goto done;
	}
	pos -= len + 1;
	k = w->slot;
	if (pos >= PATH_END || k >= NSLOTS)
		goto done;
	barrier_var(pos);
	pos &= PATH_END - 1;
	s->slots[k][pos] = '/';
	barrier_var(len);
	len &= PATH_NAME_MAX;
	if (bpf_probe_read_kernel(&s->slots[k][pos + 1], len, (const void *)dh.name)) {
		w->flags |= TRACER_PATHF_FAULT;
		goto done;
	}
	w->pos = pos;
	w->dentry = dh.parent;
	return 0;
done:
	w->done = 1;
	return 1;
}

/*
 * A file that is in no directory (a memfd, other files the kernel makes with
 * alloc_file_pseudo()): its dentry is its own parent without being the
 * mount's root, and d_path() gives the name of d_dname(), for these
 * "/NAME (deleted)". The name, flagged deleted; the suffix is not appended,
 * as for any deleted file.
 */
static __always_inline __u32 pseudo_path(struct scratch *s, __u32 k, struct dentry_head *dh,
					 struct tracer_path_rec *pr)
{
	__u32 len = dh->len, pos;

	if (len > PATH_NAME_MAX)
		len = PATH_NAME_MAX;
	pos = PATH_END - 1 - len;
	if (k >= NSLOTS || pos >= PATH_END)
		return 0;
	barrier_var(pos);
	pos &= PATH_END - 1;
	s->slots[k][pos] = '/';
	barrier_var(len);
	len &= PATH_NAME_MAX;
	if (bpf_probe_read_kernel(&s->slots[k][pos + 1], len, (const void *)dh->name))
		return 0;
	pr->len = len + 1;
	pr->flags = TRACER_PATHF_DELETED;
	return pos;
}

/*
 * The root the paths of one exec are seen from: fs's, the process's root
 * directory. Read with helpers: a direct load of a pointer from a trusted
 * one (task->fs) makes the verifier search the kernel's whole BTF for the
 * rules of its type, four times per load it walks, at every start.
 */
static __always_inline void walk_set_root(struct scratch *s, struct fs_struct *fs)
{
	s->ws.root_dentry = (__u64)BPF_CORE_READ(fs, root.dentry);
	s->ws.root_mnt = (__u64)BPF_CORE_READ(fs, root.mnt);
}

/*
 * The path of (mnt, dentry) seen from the root walk_set_root() set into
 * slot k; fills pr (length, flags) and returns where in the slot the path
 * starts.
 */
static __always_inline __u32 build_path(struct scratch *s, __u32 k, struct vfsmount *mnt,
					struct dentry *dentry, struct tracer_path_rec *pr)
{
	struct walk_state *w = &s->ws;
	struct dentry_head dh;
	__u32 pos;

	pr->len = 0;
	pr->flags = TRACER_PATHF_FAULT;
	if (!dentry_head_ok() || read_dentry_head(&dh, (__u64)dentry))
		return 0;
	w->dentry = (__u64)dentry;
	walk_enter_mount(w, (__u64)mnt - bpf_core_field_offset(struct mount, mnt));
	w->slot = k;
	w->pos = PATH_END;
	w->flags = 0;
	w->done = 0;
	if (dh.parent == (__u64)dentry && (__u64)dentry != w->mnt_root &&
	    BPF_CORE_READ(dentry, d_op, d_dname))
		return pseudo_path(s, k, &dh, pr);
	if (!dh.hash_pprev && dh.parent != (__u64)dentry)
		w->flags |= TRACER_PATHF_DELETED;
	bpf_loop(TRACER_PATH_DEPTH, walk_step, &s, 0);
	if (!w->done)
		w->flags |= TRACER_PATHF_CUT;
	pos = w->pos;
	if (pos >= PATH_END && k < NSLOTS) {
		/* The root itself. */
		pos = PATH_END - 1;
		s->slots[k][PATH_END - 1] = '/';
	}
	pr->len = PATH_END - pos;
	pr->flags = w->flags;
	return pos;
}

/* A struct file's path (f_path). */
static __always_inline __u32 file_path(struct scratch *s, __u32 k, struct file *f,
				       struct tracer_path_rec *pr)
{
	return build_path(s, k, BPF_CORE_READ(f, f_path.mnt), BPF_CORE_READ(f, f_path.dentry), pr);
}

/*
 * What file f (fd, NULL when not open) refers to. At sched_prepare_exec the
 * table is still the caller's: an fd marked close-on-exec (cloexec_bits) is
 * open but the new program will not have it, so it is reported closed.
 */
static __always_inline __u32 fd_describe(struct scratch *s, __u32 k, struct file *f, __u32 fd,
					 __u64 cloexec_bits, struct tracer_fd_rec *fr)
{
	struct tracer_path_rec pr = {};
	struct inode *inode;
	struct dentry_head dh;
	unsigned long magic;
	__u32 pos = 0, len;

	fr->kind = TRACER_FDK_CLOSED;
	fr->flags = 0;
	fr->len = 0;
	fr->pad = 0;
	fr->ino = 0;
	if (!f || (cloexec_bits & (1ull << fd)))
		return 0;
	inode = BPF_CORE_READ(f, f_inode);
	magic = BPF_CORE_READ(inode, i_sb, s_magic);
	switch (magic) {
	case PIPEFS_MAGIC:
		fr->kind = TRACER_FDK_PIPE;
		fr->ino = BPF_CORE_READ(inode, i_ino);
		return 0;
	case SOCKFS_MAGIC:
		fr->kind = TRACER_FDK_SOCKET;
		fr->ino = BPF_CORE_READ(inode, i_ino);
		return 0;
	case ANON_INODE_FS_MAGIC:
		fr->kind = TRACER_FDK_ANON;
		if (!dentry_head_ok() ||
		    read_dentry_head(&dh, (__u64)BPF_CORE_READ(f, f_path.dentry)))
			return 0;
		len = dh.len;
		if (len > PATH_NAME_MAX)
			len = PATH_NAME_MAX;
		if (k >= NSLOTS || bpf_probe_read_kernel(s->slots[k], len, (const void *)dh.name))
			return 0;
		fr->len = len;
		return 0;
	}
	fr->kind = TRACER_FDK_PATH;
	pos = file_path(s, k, f, &pr);
	fr->len = pr.len;
	fr->flags = pr.flags;
	return pos;
}

/*
 * bpf_loop() callback: describes fd i of 0-2, or shares the previous one's
 * description when it is the same file (often a terminal three times). A
 * callback, so that the verifier checks fd_describe() once, not once per fd
 * and per combination of shared and described fds before it.
 */
static long stdio_one(__u32 i, void *data)
{
	struct scratch *s = *(struct scratch **)data;
	struct tracer_exec_rec *r = &s->rec;
	__u64 cloexec_bits = s->stdio_cloexec;
	__u32 k, prev;

	if (i >= 3)
		return 1;
	/* Opaque to the compiler, so that the masks stay and bound the registers indexing. */
	barrier_var(i);
	i &= 3;
	k = SLOT_FD0 + i;
	s->slot_of[k] = k;
	if (i > 0) {
		prev = i - 1;
		barrier_var(prev);
		prev &= 3;
		if (s->stdio_files[i] && s->stdio_files[i] == s->stdio_files[prev] &&
		    !(cloexec_bits & (3ull << prev))) {
			r->stdio[i] = r->stdio[prev];
			s->path_pos[k] = s->path_pos[SLOT_FD0 + prev];
			s->slot_of[k] = s->slot_of[SLOT_FD0 + prev];
			return 0;
		}
	}
	s->path_pos[k] =
		fd_describe(s, k, (struct file *)s->stdio_files[i], i, cloexec_bits, &r->stdio[i]);
	return 0;
}

#endif /* TRACER_PATH_BPF_H */
