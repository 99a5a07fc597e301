/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Wall-clock time of the events. The kernel stamps each event with
 * CLOCK_MONOTONIC (ts_ns); the offset to CLOCK_REALTIME is taken once, at
 * start (walltime_start()), and every event's wall time is the start's plus
 * its ts: time differences are exactly ts differences, and a clock step
 * after start (NTP, date -s) does not reorder the events.
 */
#ifndef TRACER_WALLTIME_H
#define TRACER_WALLTIME_H

#include <stddef.h>
#include <stdint.h>

/* "2026-12-06T22:24:02.123456Z" and its NUL. */
#define WALLTIME_ISO_LEN 28
/* "22:24:02.123456" and its NUL. */
#define WALLTIME_CLOCK_LEN 16

/*
 * CLOCK_REALTIME in microseconds at the CLOCK_MONOTONIC instant mono_ns: the
 * realtime clock read on both sides of a monotonic reading, the closest pair
 * of three tries kept. Exact to half the pair's gap (about a microsecond).
 */
uint64_t walltime_of_mono(uint64_t mono_ns);

/* us since the epoch as RFC 3339 UTC with microseconds: buf holds WALLTIME_ISO_LEN. */
void walltime_iso(char *buf, uint64_t us);

/* us since the epoch as the local time of day, HH:MM:SS.ffffff: buf holds WALLTIME_CLOCK_LEN. */
void walltime_clock(char *buf, uint64_t us);

#endif /* TRACER_WALLTIME_H */
