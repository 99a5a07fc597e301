// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/* Wall-clock time from the kernel's monotonic stamps (walltime.h). */
#include <time.h>

#include "walltime.h"

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t walltime_of_mono(uint64_t mono_ns)
{
	uint64_t best_gap = UINT64_MAX, real_ns = 0;
	int i;

	for (i = 0; i < 3; i++) {
		uint64_t before = clock_ns(CLOCK_REALTIME);
		uint64_t mono = clock_ns(CLOCK_MONOTONIC);
		uint64_t after = clock_ns(CLOCK_REALTIME);
		uint64_t mid;

		if (after < before || after - before >= best_gap)
			continue;
		best_gap = after - before;
		mid = before + best_gap / 2;
		/* Back from the reading to mono_ns (which may be in the past). */
		real_ns = mono >= mono_ns ? mid - (mono - mono_ns) : mid + (mono_ns - mono);
	}
	return real_ns / 1000;
}

/*
 * The seconds part is the same for many events in a row: the last one's
 * broken-down time is kept (per thread: the service formats on its own).
 */
struct cached_second {
	int64_t sec;
	struct tm tm;
};

static const struct tm *second_utc(int64_t sec)
{
	static __thread struct cached_second c = { .sec = -1 };
	time_t t = (time_t)sec;

	if (c.sec != sec && gmtime_r(&t, &c.tm))
		c.sec = sec;
	return &c.tm;
}

static const struct tm *second_local(int64_t sec)
{
	static __thread struct cached_second c = { .sec = -1 };
	time_t t = (time_t)sec;

	if (c.sec != sec && localtime_r(&t, &c.tm))
		c.sec = sec;
	return &c.tm;
}

/* v as exactly n digits at p (the lowest n): the end. */
static char *digits(char *p, unsigned int v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

/* HH:MM:SS.ffffff at p: the end. */
static char *time_of_day(char *p, const struct tm *tm, uint64_t us)
{
	p = digits(p, (unsigned int)tm->tm_hour, 2);
	*p++ = ':';
	p = digits(p, (unsigned int)tm->tm_min, 2);
	*p++ = ':';
	p = digits(p, (unsigned int)tm->tm_sec, 2);
	*p++ = '.';
	return digits(p, (unsigned int)(us % 1000000), 6);
}

void walltime_iso(char *buf, uint64_t us)
{
	const struct tm *tm = second_utc((int64_t)(us / 1000000));
	char *p = buf;

	p = digits(p, (unsigned int)(tm->tm_year + 1900), 4);
	*p++ = '-';
	p = digits(p, (unsigned int)(tm->tm_mon + 1), 2);
	*p++ = '-';
	p = digits(p, (unsigned int)tm->tm_mday, 2);
	*p++ = 'T';
	p = time_of_day(p, tm, us);
	*p++ = 'Z';
	*p = '\0';
}

void walltime_clock(char *buf, uint64_t us)
{
	*time_of_day(buf, second_local((int64_t)(us / 1000000)), us) = '\0';
}
