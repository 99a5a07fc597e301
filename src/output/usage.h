/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * What a process used (issue 26), compact for a person: the text output's
 * exit line and the tree. "0.41s" of CPU, "150M" of peak resident set.
 */
#ifndef TRACER_OUTPUT_USAGE_H
#define TRACER_OUTPUT_USAGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <tracer/tracer.h>

/* Long enough for either: "18446744073s", "17179869184.0G". */
#define USAGE_FMT_MAX 24

/* CPU time: "0.41s" below 10 s, "12.3s" below 100 s, "123s" above. Returns buf. */
char *usage_cpu(char buf[USAGE_FMT_MAX], uint64_t ns);

/* Memory in KiB: "512K", "1.6M" below 10 MiB, "150M", "2.1G" from 1 GiB (powers of 1024). Returns buf. */
char *usage_rss(char buf[USAGE_FMT_MAX], uint64_t kib);

/* The text exit line's tail, " cpu=0.41s rss=150M", when e->usage_valid. 0, or -1 (write failed). */
int usage_write_text(FILE *out, const struct tracer_exit_event *e);

#endif /* TRACER_OUTPUT_USAGE_H */
