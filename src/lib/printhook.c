// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * libbpf's print callback, shared by every handle of the process: the only
 * state the handles share. The library's callback writes while a verbose
 * handle exists; the program's callback from before the first hold is put
 * back at the last release, unless the program has set its own since.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <bpf/libbpf.h>
#include "printhook.h"

static pthread_mutex_t print_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long print_holders;
static libbpf_print_fn_t print_before;
/* Read by the callback without the lock: libbpf may print from any thread. */
static unsigned long verbose_holders;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (!__atomic_load_n(&verbose_holders, __ATOMIC_SEQ_CST))
		return 0;
	(void)level;
	return vfprintf(stderr, fmt, args);
}

void printhook_hold(bool verbose)
{
	pthread_mutex_lock(&print_lock);
	if (print_holders++ == 0)
		print_before = libbpf_set_print(libbpf_print);
	if (verbose)
		__atomic_fetch_add(&verbose_holders, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&print_lock);
}

void printhook_release(bool verbose)
{
	libbpf_print_fn_t now;

	pthread_mutex_lock(&print_lock);
	if (verbose && verbose_holders)
		__atomic_fetch_sub(&verbose_holders, 1, __ATOMIC_SEQ_CST);
	if (print_holders && --print_holders == 0) {
		now = libbpf_set_print(print_before);
		/* Set by the program after ours: its own, to keep. */
		if (now != libbpf_print)
			libbpf_set_print(now);
	}
	pthread_mutex_unlock(&print_lock);
}
