// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * The sinks of a run, in the order each event reaches them and each finishes:
 * the screen (--tui) first: it finishes by giving the terminal back (after
 * q), before the others write their pictures and summaries on it; then the
 * writer (a stop is said before --on-stop runs; its output flushed before the
 * pictures). Each opens only when its option is given. A new consumer of
 * events is one more line here.
 */
#include "sink.h"

const struct sink_ops *const sink_table[] = {
	&tui_sink,    &writer_sink, &lifecycle_sink, &summary_sink, &service_sink,
	&onstop_sink, &cdb_sink,    &journal_sink,   &limits_sink,
};

const size_t sink_table_len = sizeof(sink_table) / sizeof(sink_table[0]);
