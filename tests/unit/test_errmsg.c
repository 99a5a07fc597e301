// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* errmsg_set(): the reason is written, and errno is left as the failure set it. */
#include <errno.h>
#include <string.h>
#include <wchar.h>

#include <criterion/criterion.h>

#include "errmsg.h"

/*
 * Callers write the reason, then return -errno: formatting must not change
 * it. A wide character that the C locale cannot encode makes vsnprintf()
 * set EILSEQ.
 */
Test(errmsg, keeps_errno)
{
	char err[64];

	errno = EPERM;
	errmsg_set(err, sizeof(err), "cannot do it: %s", strerror(errno));
	cr_assert_eq(errno, EPERM);
	cr_assert_str_eq(err, "cannot do it: Operation not permitted");

	errno = EBUSY;
	errmsg_set(err, sizeof(err), "a wide character: %lc", (wint_t)0xffffffff);
	cr_assert_eq(errno, EBUSY, "errno %d (%s) after errmsg_set()", errno, strerror(errno));
}

Test(errmsg, cut_to_the_buffer)
{
	char err[8];

	errmsg_set(err, sizeof(err), "%s", "a reason longer than the buffer");
	cr_assert_str_eq(err, "a reaso");
}
