/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * A decoded event, as the formatters and front ends see it: the public
 * library's event structs (include/tracer/tracer.h), so that what the
 * library delivers is what the formatters take.
 */
#ifndef TRACER_EVENT_H
#define TRACER_EVENT_H

#include <tracer/tracer.h>

#endif /* TRACER_EVENT_H */
