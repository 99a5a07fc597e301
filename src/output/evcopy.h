/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * A copy of an event that outlives the callback it came to (whose strings
 * belong to the library until the callback returns): the event and every
 * string and array it points to, in one allocation, so that a sink can keep
 * events as data and write them later, in any format. Pure.
 */
#ifndef TRACER_EVCOPY_H
#define TRACER_EVCOPY_H

#include <stddef.h>
#include <tracer/tracer.h>

/*
 * The copy, to be freed with free(); NULL when out of memory. Fields that ev
 * does not carry (TRACER_EVENT_HAS) are not carried by the copy either.
 */
struct tracer_event *evcopy_new(const struct tracer_event *ev);

#endif /* TRACER_EVCOPY_H */
