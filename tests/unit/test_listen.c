// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* --listen [ADDR:]PORT: the address, and the socket bound before anything starts. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <criterion/criterion.h>

#include "listen.h"

Test(listen, parse)
{
	uint32_t addr;
	uint16_t port;

	cr_assert_eq(listen_parse("8080", &addr, &port), 0);
	cr_assert_eq(addr, 0x7f000001);
	cr_assert_eq(port, 8080);
	cr_assert_eq(listen_parse("0.0.0.0:1", &addr, &port), 0);
	cr_assert_eq(addr, 0);
	cr_assert_eq(port, 1);
	cr_assert_eq(listen_parse("10.1.2.3:65535", &addr, &port), 0);
	cr_assert_eq(addr, 0x0a010203);
	cr_assert_eq(listen_parse("0", &addr, &port), -EINVAL);
	cr_assert_eq(listen_parse("65536", &addr, &port), -EINVAL);
	cr_assert_eq(listen_parse("80x", &addr, &port), -EINVAL);
	cr_assert_eq(listen_parse("", &addr, &port), -EINVAL);
	cr_assert_eq(listen_parse(":80", &addr, &port), -EINVAL);
	cr_assert_eq(listen_parse("localhost:80", &addr, &port), -EINVAL);
	cr_assert_eq(listen_parse("1.2.3:80", &addr, &port), -EINVAL);
	cr_assert_eq(listen_parse("127.0.0.1:", &addr, &port), -EINVAL);
}

/* The socket is bound at once: a port in use is said before anything is started. */
Test(listen, tcp)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	char err[128], want[128];
	int fd, again;

	fd = listen_tcp(0x7f000001, 0, err, sizeof(err));
	cr_assert_geq(fd, 0, "%s", err);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	cr_assert_neq(sa.sin_port, 0);
	again = listen_tcp(0x7f000001, ntohs(sa.sin_port), err, sizeof(err));
	cr_assert_eq(again, -EADDRINUSE);
	snprintf(want, sizeof(want),
		 "cannot listen on 127.0.0.1:%u (in use, or not an address here?)",
		 ntohs(sa.sin_port));
	cr_assert_str_eq(err, want);
	close(fd);
}
