// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * libmicrohttpd opened at run time (src/service/mhd.h): every function the
 * service calls is found, and a library that is missing or is not
 * libmicrohttpd gives one line that says so (what --listen prints).
 */
#include <string.h>

#include <criterion/criterion.h>

#include "mhd.h"

Test(mhd, opens_every_function)
{
	char err[256] = "";
	void *const *fn = (void *const *)&mhd;
	size_t i;

	cr_assert_eq(mhd_open(err, sizeof(err)), 0, "%s", err);
	for (i = 0; i < sizeof(mhd) / sizeof(void *); i++)
		cr_assert_not_null(fn[i], "function %zu of struct mhd_api", i);
	/* Once is enough: the second call answers from the first. */
	cr_assert_eq(mhd_open(err, sizeof(err)), 0, "%s", err);
}

Test(mhd, missing_library)
{
	static const char want[] =
		"the HTTP API needs libmicrohttpd (libtracer-test-none.so.9), which cannot be loaded: ";
	struct mhd_api api;
	char err[512] = "";

	memset(&api, 0, sizeof(api));
	cr_assert_eq(mhd_open_name("libtracer-test-none.so.9", &api, err, sizeof(err)), -1);
	cr_assert(strncmp(err, want, strlen(want)) == 0 && strlen(err) > strlen(want), "%s", err);
	cr_assert_null(strchr(err, '\n'), "%s", err);
	cr_assert_null(api.start_daemon);
}

Test(mhd, not_libmicrohttpd)
{
	struct mhd_api api;
	char err[512] = "";

	memset(&api, 0, sizeof(api));
	cr_assert_eq(mhd_open_name("libz.so.1", &api, err, sizeof(err)), -1);
	cr_assert_str_eq(err,
			 "libz.so.1 has no MHD_start_daemon: not a libmicrohttpd tracer can use");
	cr_assert_null(api.start_daemon);
}
