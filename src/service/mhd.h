/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * libmicrohttpd, opened when the HTTP API is asked for (--listen), not
 * linked: linked, it brings GnuTLS and eight more libraries into every run of
 * tracer, about 2.3 MB of resident memory and their constructors at start,
 * for a feature most runs do not use. The functions the service calls,
 * through mhd.NAME.
 */
#ifndef TRACER_SERVICE_MHD_H
#define TRACER_SERVICE_MHD_H

#include <stddef.h>
#include <microhttpd.h>

struct mhd_api {
	__typeof__(&MHD_start_daemon) start_daemon;
	__typeof__(&MHD_stop_daemon) stop_daemon;
	__typeof__(&MHD_create_response_from_buffer) create_response_from_buffer;
	__typeof__(&MHD_create_response_from_callback) create_response_from_callback;
	__typeof__(&MHD_add_response_header) add_response_header;
	__typeof__(&MHD_queue_response) queue_response;
	__typeof__(&MHD_destroy_response) destroy_response;
	__typeof__(&MHD_lookup_connection_value) lookup_connection_value;
	__typeof__(&MHD_get_connection_values) get_connection_values;
	__typeof__(&MHD_get_connection_info) get_connection_info;
};

/* Filled by mhd_open(); read only after it succeeded. */
extern struct mhd_api mhd;

/*
 * Opens the library by its soname (TRACER_MHD_SONAME, found at build time)
 * once and for all: 0, or -1 with a one-line reason in err. Thread-safe.
 */
int mhd_open(char *err, size_t errlen);

/* The same for a library named soname: for the tests. */
int mhd_open_name(const char *soname, struct mhd_api *api, char *err, size_t errlen);

#endif /* TRACER_SERVICE_MHD_H */
