/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * libbpf's print callback. libbpf has one for the whole process: the
 * library's from the first handle's tracer_create() to the last handle's
 * tracer_destroy(), then the program's again (unless the program set
 * another in between: that one stays).
 */
#ifndef TRACER_PRINTHOOK_H
#define TRACER_PRINTHOOK_H

#include <stdbool.h>

/*
 * One per handle, from tracer_create() to tracer_destroy(). libbpf's
 * messages go to standard error while a handle held with verbose exists,
 * and are dropped otherwise.
 */
void printhook_hold(bool verbose);
void printhook_release(bool verbose);

#endif /* TRACER_PRINTHOOK_H */
