// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Which environment variables look secret, and their redacted form. */
#include <criterion/criterion.h>
#include <string.h>
#include <tracer/tracer.h>
#include "redact.h"

static bool secret(const char *e)
{
	return redact_is_secret(e, strlen(e));
}

Test(redact, secret_names)
{
	static const char *const yes[] = {
		"PASSWORD=x",	"db_pass=x",	 "GITHUB_TOKEN=x",  "AWS_SECRET_ACCESS_KEY=x",
		"apikey=x",	"CREDENTIALS=x", "SSH_AUTH_SOCK=x", "COOKIE=x",
		"SESSION_ID=x", "PRIVATE_KEY=x", "SIGNATURE=x",	    "PASSWORD_SALT=x",
		"BEARER=x",	"MY_JWT=x",	 "DATABASE_DSN=x",  "Key=",
	};
	static const char *const no[] = {
		"PATH=/usr/bin", "HOME=/root",	   "LANG=C", "PWD=/tmp",
		"TERM=xterm",	 "NOEQUALS_TOKEN", "=TOKEN", "",
	};
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		cr_expect(secret(yes[i]), "%s should be secret", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		cr_expect_not(secret(no[i]), "%s should not be secret", no[i]);
}

Test(redact, only_the_name_counts)
{
	cr_expect_not(secret("EDITOR=my-password-manager"));
	/* The length given, not a NUL, ends the entry. */
	cr_expect_not(redact_is_secret("HOME=x\0TOKEN=y", 6));
}

Test(redact, entry)
{
	char out[64];
	size_t n;

	n = redact_entry("API_TOKEN=abc\ndef", 17, out, sizeof(out));
	cr_assert_eq(n, strlen("API_TOKEN=" TRACER_REDACTED));
	cr_expect(!memcmp(out, "API_TOKEN=" TRACER_REDACTED, n));
	cr_expect_eq(redact_entry("API_TOKEN=abc", 13, out, 12), 0, "does not fit");
	cr_expect_eq(redact_entry("NOEQ", 4, out, sizeof(out)), 0);
	n = redact_entry("K=", 2, out, sizeof(out));
	cr_expect(!memcmp(out, "K=" TRACER_REDACTED, n));
}
