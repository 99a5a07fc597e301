// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* What a process used, compact (usage.h): two or three significant digits are enough to read. */
#include <inttypes.h>
#include <stdio.h>

#include "usage.h"

char *usage_cpu(char buf[USAGE_FMT_MAX], uint64_t ns)
{
	double s = (double)ns / 1e9;

	if (s < 9.995)
		snprintf(buf, USAGE_FMT_MAX, "%.2fs", s);
	else if (s < 99.95)
		snprintf(buf, USAGE_FMT_MAX, "%.1fs", s);
	else
		snprintf(buf, USAGE_FMT_MAX, "%" PRIu64 "s",
			 ns / 1000000000u + (ns % 1000000000u >= 500000000u));
	return buf;
}

char *usage_rss(char buf[USAGE_FMT_MAX], uint64_t kib)
{
	double mib = (double)kib / 1024;

	if (kib < 1024)
		snprintf(buf, USAGE_FMT_MAX, "%" PRIu64 "K", kib);
	else if (mib < 9.95)
		snprintf(buf, USAGE_FMT_MAX, "%.1fM", mib);
	else if (mib < 1023.5)
		snprintf(buf, USAGE_FMT_MAX, "%.0fM", mib);
	else
		snprintf(buf, USAGE_FMT_MAX, "%.1fG", mib / 1024);
	return buf;
}

int usage_write_text(FILE *out, const struct tracer_exit_event *e)
{
	char cpu[USAGE_FMT_MAX], rss[USAGE_FMT_MAX];

	if (!e->usage_valid)
		return 0;
	return fprintf(out, " cpu=%s rss=%s", usage_cpu(cpu, e->utime_ns + e->stime_ns),
		       usage_rss(rss, e->maxrss_kib)) < 0 ?
		       -1 :
		       0;
}
