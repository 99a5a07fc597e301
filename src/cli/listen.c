// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* --listen [ADDR:]PORT (see listen.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "listen.h"

int listen_parse(const char *s, uint32_t *addr, uint16_t *port)
{
	const char *colon = strrchr(s, ':'), *p = colon ? colon + 1 : s;
	char host[INET_ADDRSTRLEN];
	struct in_addr in;
	unsigned long v = 0;
	size_t len;

	if (!*p || strlen(p) > 5)
		return -EINVAL;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v < 1 || v > 65535)
		return -EINVAL;
	in.s_addr = htonl(INADDR_LOOPBACK);
	if (colon) {
		len = (size_t)(colon - s);
		if (len == 0 || len >= sizeof(host))
			return -EINVAL;
		memcpy(host, s, len);
		host[len] = '\0';
		if (inet_pton(AF_INET, host, &in) != 1)
			return -EINVAL;
	}
	*addr = ntohl(in.s_addr);
	*port = (uint16_t)v;
	return 0;
}

int listen_tcp(uint32_t addr, uint16_t port, char *err, size_t errlen)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(addr),
	};
	char host[INET_ADDRSTRLEN];
	int fd, on = 1, saved;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && !setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) &&
	    !bind(fd, (struct sockaddr *)&sa, sizeof(sa)) && !listen(fd, SOMAXCONN))
		return fd;
	saved = errno;
	if (fd >= 0)
		close(fd);
	inet_ntop(AF_INET, &sa.sin_addr, host, sizeof(host));
	snprintf(err, errlen, "cannot listen on %s:%u (in use, or not an address here?)", host,
		 port);
	return -saved;
}
