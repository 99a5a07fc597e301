/* SPDX-License-Identifier: (GPL-2.0-only OR MIT) */
/*
 * Hooks the kernel tests steer the library with, built in only with
 * -DTRACER_TEST_HOOKS=ON (scripts/test's builds). Without it they are
 * constants: a production library reads nothing of its environment, and
 * the names below are not even in the binary.
 */
#ifndef TRACER_TESTHOOKS_H
#define TRACER_TESTHOOKS_H

#include <stdbool.h>

#ifdef TRACER_TEST_HOOKS
/*
 * TRACER_TEST_NO_PREPARE_EXEC set: load the path of kernels before 6.10
 * (sched_process_exec) even where sched_prepare_exec exists.
 */
bool testhook_no_prepare_exec(void);
/*
 * TRACER_TEST_SEED_HOLD names a FIFO: the seeding reads a byte from it
 * after its first snapshot, before the inserts that pass may make, so that
 * a test can fork under a root while the seeding runs.
 */
void testhook_seed_hold(void);
#else
static inline bool testhook_no_prepare_exec(void)
{
	return false;
}

static inline void testhook_seed_hold(void)
{
}
#endif

#endif /* TRACER_TESTHOOKS_H */
