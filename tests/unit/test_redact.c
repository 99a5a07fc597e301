// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * Which environment variables hold a secret, and their redacted form: names
 * read word by word (tables of real names both ways), and the password of
 * any URL's user info whatever the name.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <tracer/tracer.h>
#include "redact.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static bool secret(const char *e)
{
	return redact_is_secret(e, strlen(e));
}

/* Names whose values are secrets (or say where one is). */
static const char *const secret_names[] = {
	"PASSWORD",
	"db_pass",
	"GITHUB_TOKEN",
	"AWS_SECRET_ACCESS_KEY",
	"AWS_SESSION_TOKEN",
	"apikey",
	"API_KEY",
	"X_API_KEY",
	"apiKey",
	"ApiKey",
	"CREDENTIALS",
	"GOOGLE_APPLICATION_CREDENTIALS",
	"SSH_AUTH_SOCK",
	"COOKIE",
	"SESSION_COOKIE",
	"PRIVATE_KEY",
	"SIGNATURE",
	"PASSWORD_SALT",
	"BEARER",
	"MY_JWT",
	"DATABASE_DSN",
	"SENTRY_DSN",
	"Key",
	"MYSQL_PWD",
	"MYSQL_ROOT_PASSWORD",
	"MYSQL_PASSWORD_FILE",
	"LDAP_BIND_PW",
	"SMTP_PW",
	"SMTP_PASS",
	"SLACK_WEBHOOK_URL",
	"DISCORD_WEBHOOK",
	"PGPASSWORD",
	"REDIS_PASSWORD",
	"POSTGRES_PASSWORD",
	"DB_PASSWD",
	"HTPASSWD",
	"NPM_TOKEN",
	"NPM_CONFIG__AUTH",
	"GITLAB_CI_TOKEN",
	"CI_JOB_TOKEN",
	"GH_TOKEN",
	"GITHUBTOKEN",
	"githubToken",
	"HOMEBREW_GITHUB_API_TOKEN",
	"VAULT_TOKEN",
	"CONSUL_HTTP_TOKEN",
	"DOCKER_AUTH_CONFIG",
	"REGISTRY_AUTH",
	"AZURE_CLIENT_SECRET",
	"CLIENT_SECRET",
	"clientSecret",
	"OAUTH_CLIENT_SECRET",
	"JWT_SECRET",
	"SECRET_KEY_BASE",
	"DJANGO_SECRET_KEY",
	"SECRETKEY",
	"ACCESSKEY",
	"MINIO_ACCESS_KEY",
	"AWSSECRETACCESSKEY",
	"STRIPE_SECRET_KEY",
	"TWILIO_AUTH_TOKEN",
	"OPENAI_API_KEY",
	"ANTHROPIC_API_KEY",
	"GPG_PASSPHRASE",
	"SSH_PASSPHRASE",
	"KEYSTORE_PASS",
	"TF_VAR_db_password",
	"ENCRYPTION_KEY",
	"MASTER_KEY",
	"SIGNING_KEY",
	"DBPassword",
	"DB2_PASSWORD",
	"S3_KEY",
	"PASSWORD2",
	"TOKEN_1",
	"ARTIFACTORY_CREDS",
	"GIT_CRED",
	"PRIVATEKEY",
	"COOKIES",
	"API_KEYS",
	"SECRETS",
	"AUTH_TOKENS",
	"user.password",
	"my-secret",
	"PW",
	"CSRF_SALT",
	"WEB_PASSWORDS",
	"OLD_PWD_HASH",
};

/* Names whose values are not secrets: hiding them only gets in the way. */
static const char *const harmless_names[] = {
	"PATH",
	"HOME",
	"LANG",
	"PWD",
	"OLDPWD",
	"TERM",
	"SHELL",
	"USER",
	"LOGNAME",
	"KEYMAP",
	"MONKEY",
	"XDG_SESSION_ID",
	"XDG_SESSION_TYPE",
	"XDG_SESSION_CLASS",
	"XDG_SESSION_DESKTOP",
	"DBUS_SESSION_BUS_ADDRESS",
	"DESKTOP_SESSION",
	"SESSION_MANAGER",
	"PRIVATE_DIR",
	"KEYBOARD_LAYOUT",
	"XKB_DEFAULT_KEYMAP",
	"GIT_AUTHOR_NAME",
	"GIT_AUTHOR_EMAIL",
	"GIT_AUTHOR_DATE",
	"XAUTHORITY",
	"TOKENIZERS_PARALLELISM",
	"PASSENGER_APP_ENV",
	"BYPASS_PROXY",
	"COMPASS_HOME",
	"GNOME_KEYRING_CONTROL",
	"PYTHON_KEYRING_BACKEND",
	"HOTKEY_MODE",
	"SSH_AGENT_PID",
	"SSH_CONNECTION",
	"SSH_CLIENT",
	"SSH_TTY",
	"DISPLAY",
	"WAYLAND_DISPLAY",
	"XDG_RUNTIME_DIR",
	"XDG_CONFIG_HOME",
	"XDG_DATA_DIRS",
	"EDITOR",
	"VISUAL",
	"PAGER",
	"LESS",
	"LS_COLORS",
	"HISTSIZE",
	"HISTCONTROL",
	"SHLVL",
	"HOSTNAME",
	"MAIL",
	"MANPATH",
	"LD_LIBRARY_PATH",
	"PKG_CONFIG_PATH",
	"CC",
	"CFLAGS",
	"LDFLAGS",
	"MAKEFLAGS",
	"MAKELEVEL",
	"MFLAGS",
	"JAVA_HOME",
	"GOPATH",
	"CARGO_HOME",
	"RUSTUP_HOME",
	"VIRTUAL_ENV",
	"CONDA_PREFIX",
	"NODE_ENV",
	"TZ",
	"LC_ALL",
	"COLORTERM",
	"TERM_PROGRAM",
	"TMUX",
	"TMUX_PANE",
	"SUDO_USER",
	"SUDO_UID",
	"SUDO_COMMAND",
	"DEBIAN_FRONTEND",
	"CI",
	"GITHUB_ACTIONS",
	"GITHUB_SHA",
	"GITHUB_REPOSITORY",
	"RUNNER_OS",
	"KEYCHAIN_PATH",
	"MONKEYPATCH",
	"TURNKEY",
	"DONKEY_KONG",
	"PASSAGE_DIR",
	"PASSIVE_MODE",
	"AUTHOR",
	"AUTHORS_FILE",
	"SALTSTACK_HOME",
	"TOKENIZER",
	"SECRETARY_NAME",
	"XDG_CURRENT_DESKTOP",
	"",
};

Test(redact, secret_names)
{
	char entry[128];
	size_t i;

	cr_assert_geq(N(secret_names), 80);
	for (i = 0; i < N(secret_names); i++) {
		snprintf(entry, sizeof(entry), "%s=x", secret_names[i]);
		cr_expect(secret(entry), "%s should be redacted", entry);
	}
}

Test(redact, harmless_names)
{
	char entry[128];
	size_t i;

	cr_assert_geq(N(harmless_names), 80);
	for (i = 0; i < N(harmless_names); i++) {
		snprintf(entry, sizeof(entry), "%s=/some/value", harmless_names[i]);
		cr_expect_not(secret(entry), "%s should be kept", entry);
	}
}

Test(redact, only_the_name_counts)
{
	cr_expect_not(secret("EDITOR=my-password-manager"));
	cr_expect_not(secret("NOEQUALS_TOKEN"));
	cr_expect_not(secret("=TOKEN"));
	/* The length given, not a NUL, ends the entry. */
	cr_expect_not(redact_is_secret("HOME=x\0TOKEN=y", 6));
	cr_expect_not(redact_is_secret("HOME=http://a:b@c", 6));
}

/* The redacted form of e, as a string. */
static const char *redacted(const char *e)
{
	static char out[512];
	size_t n;

	cr_assert(secret(e), "%s should be redacted", e);
	n = redact_entry(e, strlen(e), out, sizeof(out) - 1);
	cr_assert(n > 0, "%s: no room", e);
	cr_assert_leq(n, 3 * (strlen(e) + 1) + 1, "%s: longer than promised", e);
	out[n] = '\0';
	return out;
}

Test(redact, url_passwords_whatever_the_name)
{
	cr_expect_str_eq(redacted("DATABASE_URL=postgres://alice:pw@host/db"),
			 "DATABASE_URL=postgres://alice:" TRACER_REDACTED "@host/db");
	cr_expect_str_eq(redacted("HTTPS_PROXY=http://bob:pw@proxy:3128"),
			 "HTTPS_PROXY=http://bob:" TRACER_REDACTED "@proxy:3128");
	cr_expect_str_eq(redacted("https_proxy=http://bob:p%40ss@proxy"),
			 "https_proxy=http://bob:" TRACER_REDACTED "@proxy");
	/* An unescaped '@' in the password: up to the last one of the authority. */
	cr_expect_str_eq(redacted("DB=mysql://u:p@ss@db:3306/x?a=b@c"),
			 "DB=mysql://u:" TRACER_REDACTED "@db:3306/x?a=b@c");
	cr_expect_str_eq(redacted("REDIS_URL=redis://:hunter2@cache:6379/0"),
			 "REDIS_URL=redis://:" TRACER_REDACTED "@cache:6379/0");
	cr_expect_str_eq(redacted("MIRRORS=http://a:1@x https://b:2@y/z git+ssh://c:3@w"),
			 "MIRRORS=http://a:" TRACER_REDACTED "@x https://b:" TRACER_REDACTED
			 "@y/z git+ssh://c:" TRACER_REDACTED "@w");
	cr_expect_str_eq(redacted("U=s3://k:v@bucket"), "U=s3://k:" TRACER_REDACTED "@bucket");
	/* A secret name hides the whole value. */
	cr_expect_str_eq(redacted("DB_PASSWORD=postgres://alice:pw@host"),
			 "DB_PASSWORD=" TRACER_REDACTED);
}

Test(redact, urls_without_a_password)
{
	cr_expect_not(secret("HTTP_PROXY=http://proxy:3128"));
	cr_expect_not(secret("REPO=https://github.com/a/b@v1"));
	cr_expect_not(secret("R=ssh://git@github.com/a/b"));
	cr_expect_not(secret("R=http://alice:@host"));
	cr_expect_not(secret("MAIL=alice:x@example.org"));
	cr_expect_not(secret("X=://a:b@c"));
	cr_expect_not(secret("NO_PROXY=localhost,127.0.0.1"));
	cr_expect_not(secret("U=http://host/path?u=a:b@c"));
	cr_expect_not(secret("U=http://host#a:b@c"));
}

Test(redact, entry)
{
	char out[64];
	size_t n;

	n = redact_entry("API_TOKEN=abc\ndef", 17, out, sizeof(out));
	cr_assert_eq(n, strlen("API_TOKEN=" TRACER_REDACTED));
	cr_expect(!memcmp(out, "API_TOKEN=" TRACER_REDACTED, n));
	cr_expect_eq(redact_entry("API_TOKEN=abc", 13, out, 12), 0, "does not fit");
	cr_expect_eq(redact_entry("U=http://a:b@c", 14, out, 20), 0, "does not fit");
	cr_expect_eq(redact_entry("NOEQ", 4, out, sizeof(out)), 0);
	n = redact_entry("K=", 2, out, sizeof(out));
	cr_expect(!memcmp(out, "K=" TRACER_REDACTED, n));
	n = redact_entry("PW=", 3, out, sizeof(out));
	cr_expect_eq(n, 13);
}

/* The worst case for the room the decoder sets aside: many short URLs. */
Test(redact, bounded_growth)
{
	char in[400], out[2000];
	size_t len = 0, n;

	len += (size_t)snprintf(in, sizeof(in), "U=");
	while (len + 8 < sizeof(in))
		len += (size_t)snprintf(in + len, sizeof(in) - len, "a://:b@ ");
	n = redact_entry(in, len, out, sizeof(out));
	cr_assert(n > 0);
	cr_expect_leq(n, 3 * (len + 1) + 1);
}
