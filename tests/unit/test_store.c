// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* The service's store (a ring of JSON objects) and --listen parsing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "listen.h"
#include "store.h"

static void add(struct store *s, double ts, uint32_t pid)
{
	char json[64];
	int n = snprintf(json, sizeof(json), "{\"ts\":%g,\"pid\":%u}", ts, pid);

	cr_assert_eq(store_add(s, ts, pid, json, (size_t)n), 0);
}

static void expect(struct store *s, size_t limit, double since, uint32_t pid, const char *want)
{
	struct store_query q = { .limit = limit, .since = since, .pid = pid };
	char *body;
	size_t len;

	cr_assert_eq(store_query(s, &q, &body, &len), 0);
	cr_assert_eq(len, strlen(body));
	cr_assert_str_eq(body, want);
	free(body);
}

Test(store, ring)
{
	struct store *s = store_new(3);

	cr_assert_not_null(s);
	expect(s, 10, -1, 0, "[]");
	add(s, 1, 10);
	add(s, 2, 20);
	cr_assert_eq(store_size(s), 2);
	expect(s, 10, -1, 0, "[{\"ts\":2,\"pid\":20},{\"ts\":1,\"pid\":10}]");
	add(s, 3, 10);
	add(s, 4, 10); /* the oldest (ts 1) goes */
	cr_assert_eq(store_size(s), 3);
	cr_assert_eq(store_capacity(s), 3);
	expect(s, 10, -1, 0, "[{\"ts\":4,\"pid\":10},{\"ts\":3,\"pid\":10},{\"ts\":2,\"pid\":20}]");
	expect(s, 1, -1, 0, "[{\"ts\":4,\"pid\":10}]");
	expect(s, 10, 2, 0, "[{\"ts\":4,\"pid\":10},{\"ts\":3,\"pid\":10}]");
	expect(s, 10, -1, 10, "[{\"ts\":4,\"pid\":10},{\"ts\":3,\"pid\":10}]");
	expect(s, 10, -1, 20, "[{\"ts\":2,\"pid\":20}]");
	expect(s, 10, -1, 30, "[]");
	store_free(s);
	cr_assert_null(store_new(0));
}

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
