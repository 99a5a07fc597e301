/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * The container a cgroup v2 path names ("container" in JSON), from the
 * cgroup names that container runtimes and systemd give their groups. The
 * patterns, checked for each component of the path (the innermost match
 * wins: a container in a container is the inner one):
 *
 *   docker-ID.scope            Docker with systemd's cgroup driver
 *   docker/ID                  Docker with its own (cgroupfs) driver
 *   cri-containerd-ID.scope    containerd's CRI (Kubernetes), systemd driver
 *   crio-ID.scope              CRI-O (Kubernetes), systemd driver
 *   podNNN/ID                  Kubernetes with the cgroupfs driver (any runtime)
 *   libpod-ID.scope, libpod-ID Podman (systemd driver; libpod_parent/)
 *   systemd-nspawn@NAME.service, machine-NAME.scope
 *                              systemd-nspawn, and other machines that
 *                              systemd-machined registers, but libvirt's
 *                              virtual machines (machine-qemu\x2d...)
 *
 * ID is 64 lowercase hexadecimal digits; NAME is systemd's escaped unit name
 * part, unescaped (\x2d is '-'). The runtimes' monitors (libpod-conmon-ID,
 * crio-conmon-ID) and the daemons' own units (docker.service) are not
 * containers.
 */
#ifndef TRACER_OUTPUT_CONTAINER_H
#define TRACER_OUTPUT_CONTAINER_H

#include <stddef.h>

/* A container's id or name is at most this long (a machine name: 64 bytes). */
#define CONTAINER_ID_MAX 255

/*
 * The container that the cgroup path (len bytes, not NUL-terminated) names:
 * its id into buf (size bytes, NUL-terminated, cut to fit) and its length;
 * 0 when the path names none.
 */
size_t container_id(const char *path, size_t len, char *buf, size_t size);

#endif /* TRACER_OUTPUT_CONTAINER_H */
