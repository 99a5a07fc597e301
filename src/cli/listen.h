/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/* --listen [ADDR:]PORT. Pure. */
#ifndef TRACER_LISTEN_H
#define TRACER_LISTEN_H

#include <stdint.h>

/*
 * Parses "PORT" (on 127.0.0.1) or "ADDR:PORT" (ADDR a dotted IPv4 address)
 * into addr (host byte order) and port (1..65535). Returns 0 or -EINVAL.
 */
int listen_parse(const char *s, uint32_t *addr, uint16_t *port);

#endif /* TRACER_LISTEN_H */
