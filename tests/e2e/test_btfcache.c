// SPDX-License-Identifier: (GPL-2.0-only OR MIT)
/*
 * End-to-end: a start with the minimal kernel BTF (src/lib/btfcache.h),
 * made then read from the cache, reports the same events as a start with
 * the kernel's whole BTF: every kind of event, every program loaded
 * (execs that succeed, fail and run a script; forks, exits, a signal); and
 * libbpf relocates every instruction as it does with the whole BTF.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "harness.h"
#include "wire.h"
#include "glob.h" /* before the skeleton: its read-only data holds patterns */
#include "tracer.skel.h"
#include "btfcache.h"
#include "btftargets.h"

TestSuite(btfcache, .init = h_setup, .fini = h_teardown, .timeout = 180);

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* Fields that differ from one run to the next whatever the BTF (what an exit used, too). */
static const char *const varying[] = { "ts",	     "time",	   "pid",	 "tid",
				       "ppid",	     "parent_tid", "sender_pid", "sender_tid",
				       "target_pid", "target_tid", "lifetime",	 "stdout",
				       "stderr",     "utime_ns",   "stime_ns",	 "maxrss_kib",
				       "rchar",	     "wchar",	   "nvcsw",	 "nivcsw" };

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * -v's line for prog: the verifier's instruction count (above zero) and its
 * time, from the kernel's BPF_LOG_STATS (src/lib/verstats.h).
 */
static void expect_verifier_stats(const char *err, const char *prog)
{
	const char *line = strstr(err, h_str("tracer: verifier: %s: ", prog));
	char *end;
	long insns;
	double ms;

	cr_assert_neq(line, NULL, "no verifier figures for %s: %s", prog, err);
	line = strchr(line + strlen("tracer: verifier: "), ' ') + 1;
	insns = strtol(line, &end, 10);
	cr_expect_gt(insns, 0, "no instruction count for %s: %s", prog, err);
	cr_assert_eq(strncmp(end, " insns processed, ", 18), 0, "%s", err);
	ms = strtod(end + 18, &end);
	cr_expect(ms >= 0 && !strncmp(end, " ms\n", 4), "no verification time for %s: %s", prog,
		  err);
}

/* The events of one run, each without its varying fields, sorted. */
static char **run_once(const char *cache, const char *expect_btf, size_t *n)
{
	const char *events = h_path(h_str("events-%s.json", expect_btf));
	const char *script = h_path("script.sh");
	const char *env[] = { h_str("TRACER_BTF_CACHE=%s", cache), NULL };
	const char *sh = h_str("%s a; /nonexistent-btfcache b 2>/dev/null; %s c; "
			       "trap '' USR1; kill -USR1 $$; exit 3",
			       "/bin/true", script);
	struct h_run_opts opts = { .env = env };
	struct h_json ev;
	struct h_run r;
	char **lines;
	size_t i, k;

	h_write_file(script, "#!/bin/sh\nexit 0\n", 17, 0755);
	h_run_start(ARGS("-v", "--events", "exec,fork,exit,signal", "--json", "-o", events, "--",
			 "/bin/sh", "-c", sh),
		    &opts, &r);
	h_run_wait(&r, 120);
	cr_assert_eq(r.status, 3, "tracer exited %d: %s", r.status, r.err);
	cr_assert_neq(strstr(r.err, h_str("tracer: kernel BTF: %s", expect_btf)), NULL,
		      "expected the %s BTF: %s", expect_btf, r.err);
	expect_verifier_stats(r.err, "handle_sched_process_fork");
	expect_verifier_stats(r.err, "handle_exec_failed");
	h_json_load(&ev, events);
	cr_assert_geq(ev.n, 12, "too few events: %s", h_read_file(events, NULL));
	lines = calloc(ev.n, sizeof(*lines));
	for (i = 0; i < ev.n; i++) {
		for (k = 0; k < sizeof(varying) / sizeof(varying[0]); k++)
			json_object_object_del(ev.ev[i], varying[k]);
		/* Whether the shell blocks SIGCHLD at that moment is a race of its own. */
		if (!strcmp(h_json_str(ev.ev[i], "type"), "signal") &&
		    h_json_int(ev.ev[i], "signal") == 17)
			json_object_object_del(ev.ev[i], "blocked");
		lines[i] = strdup(json_object_to_json_string(ev.ev[i]));
	}
	qsort(lines, ev.n, sizeof(*lines), cmp_str);
	*n = ev.n;
	h_json_free(&ev);
	h_run_free(&r);
	return lines;
}

static void expect_same(char **a, size_t na, char **b, size_t nb, const char *what)
{
	size_t i;

	cr_assert_eq(na, nb, "%s: %zu events against %zu", what, nb, na);
	for (i = 0; i < na; i++)
		cr_expect_str_eq(a[i], b[i], "%s: event %zu differs:\n%s\n%s", what, i, a[i], b[i]);
}

static void free_lines(char **lines, size_t n)
{
	while (n)
		free(lines[--n]);
	free(lines);
}

Test(btfcache, cached_start_same_events)
{
	const char *cache = h_path("cache");
	char **whole, **made, **cached;
	size_t n_whole, n_made, n_cached;
	struct stat st;

	H_REQUIRE();
	whole = run_once("off", "the kernel's whole BTF", &n_whole);
	made = run_once(cache, "minimal, made now", &n_made);
	cr_assert_eq(stat(cache, &st), 0, "no cache directory made");
	cached = run_once(cache, "minimal, from the cache", &n_cached);
	expect_same(whole, n_whole, made, n_made, "minimal BTF, made now");
	expect_same(whole, n_whole, cached, n_cached, "minimal BTF, from the cache");
	cr_expect_neq(strstr(whole[0], "\"type\""), NULL);
	free_lines(whole, n_whole);
	free_lines(made, n_made);
	free_lines(cached, n_cached);
}

/*
 * The CO-RE relocations libbpf makes with the minimal BTF are those it
 * makes with the kernel's whole BTF: tracer's object loaded both ways, in
 * this process, every program's instructions compared after the load (map
 * file descriptors aside). A minimal BTF with a member renamed away (as if
 * the generator had dropped it) must not pass the same comparison.
 */

/* libbpf's warnings, for a load that fails. */
static int print_warnings(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

/* One load of tracer's object with btf_path (NULL: the kernel's, as libbpf finds it). */
static struct tracer_bpf *load_with(const char *btf_path)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = btf_path);
	struct tracer_bpf *skel = tracer_bpf__open_opts(&opts);
	struct bpf_program *prog;
	struct bpf_map *map;
	int32_t ids[BTFTARGETS_N];
	size_t i;
	int fd;

	libbpf_set_print(print_warnings);
	cr_assert_not_null(skel, "cannot open the object: %s", strerror(errno));
	/* Sizes tracer sets at run time (attach.c); task storage has none. */
	bpf_object__for_each_map(map, skel->obj)
		if (bpf_map__max_entries(map) == 0 &&
		    bpf_map__type(map) != BPF_MAP_TYPE_TASK_STORAGE)
			bpf_map__set_max_entries(
				map, bpf_map__type(map) == BPF_MAP_TYPE_RINGBUF ? 64 * 1024 : 1);
	/* The attach targets this kernel lacks (sched_prepare_exec before 6.10). */
	fd = open("/sys/kernel/btf/vmlinux", O_RDONLY | O_CLOEXEC);
	cr_assert_geq(fd, 0);
	cr_assert_eq(btftargets_scan(fd, ids), 0);
	close(fd);
	btftargets_set(ids);
	bpf_object__for_each_program(prog, skel->obj)
		for (i = 0; i < BTFTARGETS_N; i++)
			if (!ids[i] &&
			    !strcmp(bpf_program__section_name(prog), btftargets_section(i)))
				bpf_program__set_autoload(prog, false);
	if (tracer_bpf__load(skel)) {
		tracer_bpf__destroy(skel);
		return NULL;
	}
	return skel;
}

static bool is_map_load(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW) &&
	       (insn->src_reg == BPF_PSEUDO_MAP_FD || insn->src_reg == BPF_PSEUDO_MAP_VALUE);
}

/* The programs that differ between the two loads (0: none), *n_insns those compared. */
static int differing_programs(struct tracer_bpf *a, struct tracer_bpf *b, size_t *n_insns)
{
	struct bpf_program *pa, *pb;
	const struct bpf_insn *ia, *ib;
	struct bpf_insn x, y;
	int differ = 0;
	size_t i, n;

	*n_insns = 0;
	bpf_object__for_each_program(pa, a->obj) {
		pb = bpf_object__find_program_by_name(b->obj, bpf_program__name(pa));
		cr_assert_not_null(pb);
		if (!bpf_program__autoload(pa))
			continue;
		n = bpf_program__insn_cnt(pa);
		ia = bpf_program__insns(pa);
		ib = bpf_program__insns(pb);
		cr_assert(n > 0 && ia && ib, "no instructions kept for %s", bpf_program__name(pa));
		if (n != bpf_program__insn_cnt(pb)) {
			differ++;
			continue;
		}
		for (i = 0; i < n; i++) {
			x = ia[i];
			y = ib[i];
			if (is_map_load(&x) && is_map_load(&y))
				x.imm = y.imm = 0; /* each load's own map fd */
			if (memcmp(&x, &y, sizeof(x))) {
				differ++;
				break;
			}
		}
		*n_insns += n;
	}
	return differ;
}

/* The minimal BTF that btfcache makes, in a file of the test's directory. */
static const char *made_btf(void)
{
	struct btfcache_load ld;
	const char *path = h_path("min.btf");
	size_t obj_len;
	const void *obj = tracer_bpf__elf_bytes(&obj_len);
	struct stat st;
	char *data;
	int fd;

	setenv("TRACER_BTF_CACHE", h_path("cache-insns"), 1);
	cr_assert_eq(btfcache_prepare(&ld, obj, obj_len, false), 0);
	cr_assert_eq(ld.source, BTFCACHE_MADE, "not made: %s", ld.why);
	cr_assert_eq(fstat(ld.btf_fd, &st), 0);
	data = malloc(st.st_size);
	cr_assert_eq(pread(ld.btf_fd, data, st.st_size, 0), st.st_size);
	btfcache_done(&ld);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert_eq(write(fd, data, st.st_size), st.st_size);
	close(fd);
	free(data);
	return path;
}

/* The file at path with each "name\0" in its string table changed to "nam_\0". */
static const char *without_member(const char *path, const char *name)
{
	size_t len, nlen = strlen(name) + 1;
	char *data = h_read_file(path, &len), *p;
	const char *out = h_path(h_str("min-without-%s.btf", name));
	bool found = false;

	for (p = data; (p = memmem(p, len - (p - data), name, nlen)); p += nlen) {
		if (p > data && p[-1] != '\0')
			continue;
		p[nlen - 2] = '_';
		found = true;
	}
	cr_assert(found, "no member %s in the minimal BTF", name);
	h_write_file(out, data, len, 0600);
	return out;
}

Test(btfcache, same_relocations_as_whole_btf)
{
	struct tracer_bpf *whole, *made, *broken;
	const char *path;
	size_t n_insns, n_broken;

	H_REQUIRE();
	path = made_btf();
	whole = load_with(NULL);
	cr_assert_not_null(whole, "the object does not load with the kernel's BTF");
	made = load_with(path);
	cr_assert_not_null(made, "the object does not load with the minimal BTF");
	cr_expect_eq(differing_programs(whole, made, &n_insns), 0,
		     "programs relocated differently with the minimal BTF");
	cr_expect_gt(n_insns, 1000, "too few instructions compared: %zu", n_insns);
	tracer_bpf__destroy(made);
	/* The negative control: task_struct's tgid, read by every program, gone. */
	broken = load_with(without_member(path, "tgid"));
	cr_expect(!broken || differing_programs(whole, broken, &n_broken) > 0,
		  "a minimal BTF without tgid relocated as the whole one");
	tracer_bpf__destroy(broken);
	tracer_bpf__destroy(whole);
}
