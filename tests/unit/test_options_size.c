// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* tracer_options carries its size: older (smaller) and newer (larger) callers. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <tracer/tracer.h>

/* A caller built against a header with one more field. */
struct newer_options {
	struct tracer_options o;
	uint64_t added;
};

static int create(const struct tracer_options *o)
{
	struct tracer *t = NULL;
	int ret = tracer_create(o, &t);

	tracer_destroy(t);
	return ret;
}

Test(options_size, init_and_macro_agree)
{
	struct tracer_options a;

	tracer_options_init(&a);
	TRACER_OPTS(b, .n_pids = 0);
	cr_assert_eq(a.sz, sizeof(struct tracer_options));
	cr_assert_eq(memcmp(&a, &b, sizeof(a)), 0);
	cr_assert_eq(create(&a), 0);
}

Test(options_size, macro_overrides_defaults)
{
	TRACER_OPTS(o, .max_args = 7, .watch_children = false);

	cr_assert_eq(o.max_args, 7);
	cr_assert_not(o.watch_children);
	cr_assert_eq(o.max_arg_bytes, TRACER_MAX_ARG_BYTES_DEFAULT);
}

Test(options_size, no_size_is_refused)
{
	struct tracer_options o;

	tracer_options_init(&o);
	o.sz = 0;
	cr_assert_eq(create(&o), -EINVAL);
}

Test(options_size, older_caller_gets_defaults_for_what_it_lacks)
{
	struct tracer_options o;

	tracer_options_init(&o);
	/* Bytes past sz are not read: garbage there must not matter. */
	o.sz = offsetof(struct tracer_options, max_args);
	o.max_args = 0;
	o.max_arg_bytes = 0;
	o.ringbuf_bytes = 3;
	cr_assert_eq(create(&o), 0);
}

Test(options_size, newer_caller_with_unused_fields_is_accepted)
{
	struct newer_options n;

	memset(&n, 0, sizeof(n));
	tracer_options_init(&n.o);
	n.o.sz = sizeof(n);
	cr_assert_eq(create(&n.o), 0);
}

Test(options_size, newer_caller_using_unknown_fields_is_refused)
{
	struct newer_options n;

	memset(&n, 0, sizeof(n));
	tracer_options_init(&n.o);
	n.o.sz = sizeof(n);
	n.added = 1;
	cr_assert_eq(create(&n.o), -EINVAL);
}
