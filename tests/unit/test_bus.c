// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The bus of sinks (sink.h): the order of the calls, a sink that is not
 * wanted, one that fails to open or start, one that asks to stop, a reopen
 * (SIGHUP), and finish and close called once each. Each fake sink writes what is done to
 * it into one log ("a.open b.open a.event:1 ...").
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "sink.h"

static char calls[1024];

static void note(const char *name, const char *what)
{
	size_t n = strlen(calls);

	snprintf(calls + n, sizeof(calls) - n, "%s%s.%s", n ? " " : "", name, what);
}

/* A fake sink's state: its name and what it answers. */
struct fake {
	const char *name;
	int open_ret; /* 0, SINK_NOT_WANTED, SINK_FAILED, SINK_USAGE */
	int start_ret;
	int event_ret;
	int finish_ret;
};

static struct fake fakes[4];

/* The fake's state is picked by the name of its ops (fake_ops[i] uses fakes[i]). */
static int fake_open(struct sink_ctx *ctx, void **state, struct fake *f)
{
	cr_assert_not_null(ctx);
	note(f->name, "open");
	if (f->open_ret)
		return f->open_ret;
	*state = f;
	return 0;
}

#define FAKE_OPEN(i)                                                 \
	static int fake_open_##i(struct sink_ctx *ctx, void **state) \
	{                                                            \
		return fake_open(ctx, state, &fakes[i]);             \
	}
FAKE_OPEN(0)
FAKE_OPEN(1)
FAKE_OPEN(2)
FAKE_OPEN(3)

static int fake_start(void *state)
{
	struct fake *f = state;

	note(f->name, "start");
	return f->start_ret;
}

static int fake_event(void *state, const struct tracer_event *ev)
{
	struct fake *f = state;
	char what[32];

	snprintf(what, sizeof(what), "event:%u", (unsigned int)ev->exec.pid);
	note(f->name, what);
	return f->event_ret;
}

static int fake_tick(void *state)
{
	struct fake *f = state;

	note(f->name, "tick");
	return f->event_ret;
}

static int fake_finish(void *state)
{
	struct fake *f = state;

	note(f->name, "finish");
	return f->finish_ret;
}

static void fake_close(void *state)
{
	struct fake *f = state;

	note(f->name, "close");
}

#define FAKE_OPS(i)                                                                              \
	{                                                                                        \
		.name = "fake", .open = fake_open_##i, .start = fake_start, .event = fake_event, \
		.tick = fake_tick, .finish = fake_finish, .close = fake_close                    \
	}

static const struct sink_ops fake_ops[] = { FAKE_OPS(0), FAKE_OPS(1), FAKE_OPS(2), FAKE_OPS(3) };
static const struct sink_ops *const table[] = { &fake_ops[0], &fake_ops[1], &fake_ops[2],
						&fake_ops[3] };

static struct sink_ctx ctx;

static void setup(void)
{
	static const char *const names[] = { "a", "b", "c", "d" };
	size_t i;

	calls[0] = '\0';
	for (i = 0; i < 4; i++)
		fakes[i] = (struct fake){ .name = names[i] };
}

TestSuite(bus, .init = setup);

static struct tracer_event exec_of(uint32_t pid)
{
	return (struct tracer_event){ .sz = sizeof(struct tracer_event),
				      .type = TRACER_EVENT_EXEC,
				      .exec.pid = pid };
}

/* Every call reaches every sink in the table's order; close goes the other way. */
Test(bus, order)
{
	struct tracer_event e1 = exec_of(1), e2 = exec_of(2);
	struct bus b;

	cr_assert_eq(bus_open(&b, table, 3, &ctx), -1);
	cr_assert_eq(b.n, 3);
	cr_assert_eq(bus_start(&b), 0);
	cr_assert_eq(bus_event(&b, &e1), 0);
	cr_assert_eq(bus_event(&b, &e2), 0);
	cr_assert_eq(bus_tick(&b), 0);
	cr_assert_eq(bus_finish(&b), 0);
	bus_close(&b);
	cr_assert_str_eq(calls, "a.open b.open c.open a.start b.start c.start "
				"a.event:1 b.event:1 c.event:1 a.event:2 b.event:2 c.event:2 "
				"a.tick b.tick c.tick a.finish b.finish c.finish "
				"c.close b.close a.close");
}

/* A sink whose option is absent is never called again. */
Test(bus, not_wanted_is_skipped)
{
	struct tracer_event e = exec_of(7);
	struct bus b;

	fakes[1].open_ret = SINK_NOT_WANTED;
	fakes[3].open_ret = SINK_NOT_WANTED;
	cr_assert_eq(bus_open(&b, table, 4, &ctx), -1);
	cr_assert_eq(b.n, 2);
	bus_start(&b);
	bus_event(&b, &e);
	bus_tick(&b);
	bus_finish(&b);
	bus_close(&b);
	cr_assert_str_eq(calls, "a.open b.open c.open d.open a.start c.start a.event:7 c.event:7 "
				"a.tick c.tick a.finish c.finish c.close a.close");
}

/* A sink that fails to open: those after it are not opened, those before are closed. */
Test(bus, open_fails)
{
	struct bus b;

	fakes[2].open_ret = SINK_FAILED;
	cr_assert_eq(bus_open(&b, table, 4, &ctx), TRACER_EXIT_FAILURE);
	cr_assert_str_eq(calls, "a.open b.open c.open b.close a.close");
	cr_assert_eq(b.n, 0);
	bus_close(&b);
	cr_assert_str_eq(calls, "a.open b.open c.open b.close a.close");

	setup();
	fakes[0].open_ret = SINK_USAGE;
	cr_assert_eq(bus_open(&b, table, 4, &ctx), TRACER_EXIT_USAGE);
	cr_assert_str_eq(calls, "a.open");
}

/* A sink that fails to start: the start stops there; every sink is still closed once. */
Test(bus, start_fails)
{
	struct bus b;

	fakes[1].start_ret = -1;
	cr_assert_eq(bus_open(&b, table, 3, &ctx), -1);
	cr_assert_eq(bus_start(&b), -1);
	bus_close(&b);
	cr_assert_str_eq(calls, "a.open b.open c.open a.start b.start c.close b.close a.close");
}

/* A sink that asks to stop: the event still reaches the others, the bus says stop. */
Test(bus, stop_reaches_everyone)
{
	struct tracer_event e = exec_of(3);
	struct bus b;

	fakes[0].event_ret = SINK_STOP;
	cr_assert_eq(bus_open(&b, table, 2, &ctx), -1);
	cr_assert_eq(bus_event(&b, &e), 1);
	cr_assert_eq(bus_tick(&b), 1);
	bus_close(&b);
	cr_assert_str_eq(calls, "a.open b.open a.event:3 b.event:3 a.tick b.tick b.close a.close");
}

/* finish and close: once each, however often asked; a failed finish is said, the rest go on. */
Test(bus, finish_and_close_once)
{
	struct bus b;

	fakes[0].finish_ret = -1;
	cr_assert_eq(bus_open(&b, table, 2, &ctx), -1);
	cr_assert_eq(bus_finish(&b), -1);
	cr_assert_eq(bus_finish(&b), 0);
	bus_close(&b);
	bus_close(&b);
	cr_assert_str_eq(calls, "a.open b.open a.finish b.finish b.close a.close");
}

static int fake_reopen(void *state)
{
	struct fake *f = state;

	note(f->name, "reopen");
	return f->finish_ret;
}

/* SIGHUP (hangup.h): each sink with a reopen, in order; one that fails does not stop the rest. */
Test(bus, reopen_reaches_those_that_have_it)
{
	struct sink_ops with_reopen[3] = { fake_ops[0], fake_ops[1], fake_ops[2] };
	const struct sink_ops *const reopen_table[] = { &with_reopen[0], &with_reopen[1],
							&with_reopen[2] };
	struct bus b;

	with_reopen[0].reopen = fake_reopen;
	with_reopen[2].reopen = fake_reopen;
	cr_assert_eq(bus_open(&b, reopen_table, 3, &ctx), -1);
	cr_assert_eq(bus_reopen(&b), 0);
	fakes[0].finish_ret = -1;
	cr_assert_eq(bus_reopen(&b), -1);
	bus_close(&b);
	cr_assert_str_eq(calls, "a.open b.open c.open a.reopen c.reopen a.reopen c.reopen "
				"c.close b.close a.close");
}

/*
 * The table of the real sinks: each opens from options or says it is not
 * wanted, but the writer and the limits' warning, always open.
 */
Test(bus, real_sinks_not_wanted_without_options)
{
	static struct cli_opts opts;
	struct sink_ctx real = { .opts = &opts };
	size_t i;
	void *state;

	opts.lib.sz = sizeof(opts.lib);
	for (i = 0; i < sink_table_len; i++) {
		state = NULL;
		if (sink_table[i] == &writer_sink || sink_table[i] == &limits_sink)
			continue;
		cr_assert_eq(sink_table[i]->open(&real, &state), SINK_NOT_WANTED, "%s",
			     sink_table[i]->name);
	}
}
