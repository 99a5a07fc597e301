// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* usage.c: CPU and peak memory, compact, for the text exit line and the tree. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "usage.h"

Test(usage, cpu)
{
	char buf[USAGE_FMT_MAX];

	cr_assert_str_eq(usage_cpu(buf, 0), "0.00s");
	cr_assert_str_eq(usage_cpu(buf, 410000000), "0.41s");
	cr_assert_str_eq(usage_cpu(buf, 9994000000), "9.99s");
	cr_assert_str_eq(usage_cpu(buf, 9996000000), "10.0s");
	cr_assert_str_eq(usage_cpu(buf, 12340000000), "12.3s");
	cr_assert_str_eq(usage_cpu(buf, 99960000000), "100s");
	cr_assert_str_eq(usage_cpu(buf, 3600400000000), "3600s");
	cr_assert_str_eq(usage_cpu(buf, UINT64_MAX), "18446744074s");
}

Test(usage, rss)
{
	char buf[USAGE_FMT_MAX];

	cr_assert_str_eq(usage_rss(buf, 0), "0K");
	cr_assert_str_eq(usage_rss(buf, 1023), "1023K");
	cr_assert_str_eq(usage_rss(buf, 1024), "1.0M");
	cr_assert_str_eq(usage_rss(buf, 1638), "1.6M");
	cr_assert_str_eq(usage_rss(buf, 150 * 1024), "150M");
	cr_assert_str_eq(usage_rss(buf, 1023 * 1024), "1023M");
	cr_assert_str_eq(usage_rss(buf, 1024 * 1024), "1.0G");
	cr_assert_str_eq(usage_rss(buf, 2200000), "2.1G");
	cr_assert_lt(strlen(usage_rss(buf, UINT64_MAX)), USAGE_FMT_MAX);
}

Test(usage, text_tail_only_when_read)
{
	struct tracer_exit_event e = { .utime_ns = 300000000,
				       .stime_ns = 110000000,
				       .maxrss_kib = 150 * 1024 };
	struct capture c;
	char *buf;

	cap_open(&c);
	cr_assert_eq(usage_write_text(c.f, &e), 0);
	e.usage_valid = true;
	cr_assert_eq(usage_write_text(c.f, &e), 0);
	buf = cap_close(&c);
	cr_assert_str_eq(buf, " cpu=0.41s rss=150M");
	free(buf);
}
