/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* --listen [ADDR:]PORT: the address, and the socket listening on it. */
#ifndef TRACER_LISTEN_H
#define TRACER_LISTEN_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parses "PORT" (on 127.0.0.1) or "ADDR:PORT" (ADDR a dotted IPv4 address)
 * into addr (host byte order) and port (1..65535). Returns 0 or -EINVAL. Pure.
 */
int listen_parse(const char *s, uint32_t *addr, uint16_t *port);

/*
 * A TCP socket listening on addr:port (host byte order), close-on-exec, the
 * address reusable at once as libmicrohttpd makes its own. Returns the
 * descriptor, or a negative errno with the reason in err.
 */
int listen_tcp(uint32_t addr, uint16_t port, char *err, size_t errlen);

#endif /* TRACER_LISTEN_H */
