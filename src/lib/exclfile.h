/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Excluded files (--exclude, --exclude-caller): opened, checked, and named
 * the way the kernel names them, by asking the kernel.
 *
 * The kernel compares an inode's i_ino and its superblock's s_dev. Neither
 * is what stat(2) shows everywhere: s_dev is encoded major << 20 | minor
 * (glibc's st_dev is not), and btrfs (a subvolume's anonymous device) and
 * overlayfs (the layer's device, remapped inode numbers) report in st_dev
 * and st_ino something else than the inode the kernel holds. So the values
 * are not derived from stat: the files are opened, and an iter/task_file
 * program reports how the kernel names tracer's own open files.
 */
#ifndef TRACER_EXCLFILE_H
#define TRACER_EXCLFILE_H

#include <stddef.h>
#include <stdint.h>

struct bpf_program;
struct bpf_map;

/*
 * Opens path (O_PATH, following symlinks) as a file to exclude: a regular
 * file that is not a #! script (a script's process runs its interpreter, and
 * an exec of it loads the interpreter: neither would ever match). Returns
 * the descriptor, or a negative errno with the reason in *why: -EINVAL for a
 * file of the wrong kind.
 */
int exclfile_open(const char *path, const char **why);

/*
 * Puts the n open files fds[] into map, each with its TRACER_EXCL_* bits
 * kinds[] (a file named twice gets both), keyed as the kernel names them,
 * which iter (the iter/task_file program, loaded) reports. Returns 0 or a
 * negative errno with a reason in err.
 */
int exclfile_fill(struct bpf_program *iter, struct bpf_map *map, const int *fds,
		  const uint8_t *kinds, size_t n, char *err, size_t errlen);

#endif /* TRACER_EXCLFILE_H */
