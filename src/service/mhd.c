// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* libmicrohttpd opened at run time (see mhd.h). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "mhd.h"

#ifndef TRACER_MHD_SONAME
#error "TRACER_MHD_SONAME: libmicrohttpd's soname, set by src/service/CMakeLists.txt"
#endif

struct mhd_api mhd;

static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;
static int open_ret = 1; /* 1: not tried yet */
static char open_err[512];

/* dlsym() into a function pointer: through memcpy, which ISO C allows. */
static int sym(void *lib, const char *name, void *fn, const char *soname, char *err, size_t errlen)
{
	void *p = dlsym(lib, name);

	if (!p) {
		snprintf(err, errlen, "%s has no %s: not a libmicrohttpd tracer can use", soname,
			 name);
		return -1;
	}
	memcpy(fn, &p, sizeof(p));
	return 0;
}

int mhd_open_name(const char *soname, struct mhd_api *api, char *err, size_t errlen)
{
	struct mhd_api a;
	void *lib;
	const char *why;

	lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		why = dlerror();
		snprintf(err, errlen,
			 "the HTTP API needs libmicrohttpd (%s), which cannot be loaded: %s",
			 soname, why ? why : "unknown error");
		return -1;
	}
	/* Each field is named after its function, without the MHD_ prefix. */
#define SYM(f) sym(lib, "MHD_" #f, &a.f, soname, err, errlen)
	if (SYM(start_daemon) || SYM(stop_daemon) || SYM(create_response_from_buffer) ||
	    SYM(create_response_from_callback) || SYM(add_response_header) || SYM(queue_response) ||
	    SYM(destroy_response) || SYM(lookup_connection_value) || SYM(get_connection_values) ||
	    SYM(get_connection_info)) {
		dlclose(lib);
		return -1;
	}
#undef SYM
	/* Kept open for the life of the process: the daemon's thread runs its code. */
	*api = a;
	return 0;
}

int mhd_open(char *err, size_t errlen)
{
	int ret;

	pthread_mutex_lock(&open_lock);
	if (open_ret == 1)
		open_ret = mhd_open_name(TRACER_MHD_SONAME, &mhd, open_err, sizeof(open_err));
	ret = open_ret;
	if (ret)
		snprintf(err, errlen, "%s", open_err);
	pthread_mutex_unlock(&open_lock);
	return ret;
}
