// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Unit tests of container.c: the cgroup paths that container runtimes and
 * systemd make (as /proc/PID/cgroup shows them on real hosts), and the
 * near misses that must not be taken for containers.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "container.h"

#define ID "4f1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5061728394a5b6c7d8e9f"
#define ID2 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define POD "pod1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901"
#define PODSLICE "kubepods-burstable-pod1b2c3d4e_5f60_7182_93a4_b5c6d7e8f901.slice"

struct row {
	const char *path;
	const char *want; /* "" when the path names no container */
};

static struct row rows[] = {
	/* Docker */
	{ "/system.slice/docker-" ID ".scope", ID },
	{ "/docker/" ID, ID },
	{ "/system.slice/docker-" ID ".scope/init.scope", ID }, /* systemd inside */
	{ "/docker/" ID "/docker/" ID2, ID2 }, /* Docker in Docker: the inner one */
	/* containerd and CRI-O under Kubernetes, systemd driver */
	{ "/kubepods.slice/kubepods-burstable.slice/" PODSLICE "/cri-containerd-" ID ".scope", ID },
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0a1b.slice/crio-" ID
	  ".scope",
	  ID },
	/* Kubernetes, cgroupfs driver: burstable and guaranteed pods */
	{ "/kubepods/burstable/" POD "/" ID, ID },
	{ "/kubepods/" POD "/" ID, ID },
	/* Podman: rootful, rootless, a container running systemd, cgroupfs */
	{ "/machine.slice/libpod-" ID ".scope", ID },
	{ "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID ".scope", ID },
	{ "/machine.slice/libpod-" ID ".scope/container", ID },
	{ "/libpod_parent/libpod-" ID, ID },
	/* systemd-nspawn: by its template unit, or as a registered machine */
	{ "/machine.slice/systemd-nspawn@debian.service/payload", "debian" },
	{ "/machine.slice/machine-fedora\\x2d39.scope/payload", "fedora-39" },
	{ "/machine.slice/machine-lxc\\x2d4242\\x2dweb.scope", "lxc-4242-web" },

	/* Near misses */
	{ "/", "" },
	{ "", "" },
	{ "/init.scope", "" },
	{ "/system.slice/cron.service", "" },
	{ "/system.slice/docker.service", "" },
	{ "/system.slice/containerd.service", "" },
	{ "/system.slice/docker.socket", "" },
	{ "/system.slice/docker-compose@app.service", "" },
	{ "/system.slice/docker-" ID ".service", "" },
	{ "/system.slice/docker-" ID ".scopes", "" },
	{ "/system.slice/docker-" ID "0.scope", "" }, /* 65 digits */
	{ "/system.slice/docker-4f1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5061728394a5b6c7d8e9.scope",
	  "" }, /* 63 digits */
	{ "/system.slice/docker-4F1B2C3D4E5F60718293A4B5C6D7E8F9A0B1C2D3E4F5061728394A5B6C7D8E9F.scope",
	  "" }, /* Docker writes lower case */
	{ "/docker", "" },
	{ "/docker/notanid", "" },
	{ "/dockerd/" ID, "" },
	{ "/other/" ID, "" },
	{ "/" ID, "" },
	{ "/kubepods/burstable/" POD, "" }, /* the pod, not a container */
	{ "/kubepods.slice/kubepods-burstable.slice/" PODSLICE, "" },
	{ "/machine.slice/libpod-conmon-" ID ".scope", "" }, /* Podman's monitor */
	{ "/kubepods.slice/kubepods-burstable.slice/" PODSLICE "/crio-conmon-" ID ".scope", "" },
	{ "/machine.slice/machine-qemu\\x2d1\\x2dwin10.scope", "" }, /* a virtual machine */
	{ "/machine.slice/systemd-nspawn@.service", "" },
	{ "/machine.slice/machine-.scope", "" },
	{ "/machine.slice", "" },
	{ "/user.slice/user-1000.slice/session-3.scope", "" },
	{ "/user.slice/user-1000.slice/user@1000.service/app.slice/podman.service", "" },
};

ParameterizedTestParameters(container, table)
{
	return cr_make_param_array(struct row, rows, sizeof(rows) / sizeof(rows[0]));
}

ParameterizedTest(struct row *r, container, table)
{
	char buf[CONTAINER_ID_MAX + 1];
	size_t n = container_id(r->path, strlen(r->path), buf, sizeof(buf));

	cr_assert_eq(n, strlen(r->want), "%s: got [%s], want [%s]", r->path, buf, r->want);
	cr_assert_str_eq(buf, r->want, "%s", r->path);
}

/* Only len bytes are read: a path whose next byte is not NUL. */
Test(container, reads_only_len_bytes)
{
	static const char path[] = "/docker/" ID "/docker/" ID2;
	char buf[CONTAINER_ID_MAX + 1];

	cr_assert_eq(container_id(path, 8 + 64, buf, sizeof(buf)), 64);
	cr_assert_str_eq(buf, ID);
	cr_assert_eq(container_id(path, 8 + 63, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "");
}

/* A buffer too small gets what fits; none at all gets nothing. */
Test(container, small_buffers)
{
	static const char path[] = "/machine.slice/machine-fedora\\x2d39.scope";
	char buf[8];

	cr_assert_eq(container_id(path, strlen(path), buf, sizeof(buf)), 7);
	cr_assert_str_eq(buf, "fedora-");
	cr_assert_eq(container_id(path, strlen(path), buf, 0), 0);
	cr_assert_eq(container_id(NULL, 0, buf, sizeof(buf)), 0);
}

/* A dangling escape stays as it is. */
Test(container, escapes_that_are_not)
{
	static const char path[] = "/machine.slice/machine-a\\x2.scope";
	char buf[64];

	cr_assert_eq(container_id(path, strlen(path), buf, sizeof(buf)), 4);
	cr_assert_str_eq(buf, "a\\x2");
}
