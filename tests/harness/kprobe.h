/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
#ifndef TRACER_TEST_KPROBE_H
#define TRACER_TEST_KPROBE_H

#include <stdbool.h>

/*
 * Whether a kprobe on func can be attached here, as libbpf would attach it
 * (no kprobe PMU nor kprobe_events here; Debian's 6.1 and 6.12 have both).
 * tracer reads a #! script's argv[0] and inode from one (remove_arg_zero).
 */
bool kprobe_attaches(const char *func);

#endif
