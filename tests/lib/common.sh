# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
# The script tests' shared helpers: the skip check, a private TMP removed at
# exit, tracer stopped, failures counted or fatal, waiting with a time limit.
# Sourced by tests/**/*.sh (and their lib.sh); TRACER_BIN is set by ctest.

# Hang guard for a wait, in seconds: generous, and more under qemu (scripts/vmtest).
LIMIT=30
[[ "${TRACER_VMTEST:-}" == 1 ]] && LIMIT=120

# skip REASON: the test cannot run here: exit 77, saying why.
skip()
{
	printf 'SKIP: %s\n' "$*"
	exit 77
}

# require_tools TOOL...: skip without one of the tools.
require_tools()
{
	local tool

	for tool in "$@"; do
		command -v "$tool" >/dev/null || skip "no $tool (scripts/deps installs it)"
	done
}

# require TOOL...: skip without root, the kernel's BTF, or one of the tools.
require()
{
	[[ "$(id -u)" -eq 0 && -r /sys/kernel/btf/vmlinux ]] || skip "needs root and kernel BTF"
	require_tools "$@"
}

TMP=
TRACER_PID=
AT_EXIT=()

# at_exit CMD...: each CMD (a string, eval'd) runs at exit, in the order given,
# before tracer is stopped and TMP removed.
at_exit()
{
	AT_EXIT+=("$@")
}

on_exit()
{
	local cmd

	for cmd in "${AT_EXIT[@]}"; do
		eval "$cmd"
	done
	stop_tracer || true
	[[ -z "$TMP" ]] || rm -rf "$TMP"
}

# private_tmp NAME: TMP, a new directory /tmp/tracer-NAME.XXXXXX that only
# root may enter (mktemp's 0700), removed at exit.
private_tmp()
{
	TMP=$(mktemp -d "/tmp/tracer-$1.XXXXXX") || exit 1
	trap on_exit EXIT
}

# stop_tracer: SIGINT to the tracer started in the background (TRACER_PID) if
# it still runs; returns its exit status.
stop_tracer()
{
	local status=0

	if [[ -n "$TRACER_PID" ]] && kill -0 "$TRACER_PID" 2>/dev/null; then
		kill -INT "$TRACER_PID"
		wait "$TRACER_PID" 2>/dev/null || status=$?
	fi
	TRACER_PID=
	return $status
}

# tracer's standard error ($TMP/err), indented, for a failure's context.
show_tracer_err()
{
	[[ -f "$TMP/err" ]] && sed 's/^/  tracer stderr: /' "$TMP/err" >&2
	return 0
}

failures=0

# fail MSG: one failed check, counted; the test goes on (finish reports).
fail()
{
	printf 'FAIL: %s\n' "$*" >&2
	show_tracer_err
	failures=$((failures + 1))
}

# die MSG: a failure the test cannot go on after.
die()
{
	fail "$@"
	exit 1
}

# finish: the test's end: exit 1 if a check failed, else PASS.
finish()
{
	if ((failures)); then
		echo "$failures checks failed"
		exit 1
	fi
	echo "PASS"
	exit 0
}

# wait_until SECONDS CMD...: polls CMD (50 ms steps) until it succeeds; false
# after SECONDS.
wait_until()
{
	local end=$((SECONDS + $1))

	shift
	until "$@"; do
		((SECONDS < end)) || return 1
		sleep 0.05
	done
}

# wait_line FILE PATTERN [SECONDS]: until a line of FILE matches PATTERN (grep);
# false after SECONDS (default 10).
wait_line()
{
	wait_until "${3:-10}" grep -q -- "$2" "$1" 2>/dev/null
}

# wait_ready [SECONDS]: until tracer (TRACER_PID, stderr in $TMP/err) says it
# is ready; a failure, and false, if it exits or is not ready in time.
wait_ready()
{
	local end=$((SECONDS + ${1:-$LIMIT}))

	until grep -q '^tracer: ready' "$TMP/err" 2>/dev/null; do
		if ! kill -0 "$TRACER_PID" 2>/dev/null; then
			fail "tracer exited at start-up"
			TRACER_PID=
			return 1
		fi
		((SECONDS < end)) || { fail "tracer not ready after ${1:-$LIMIT} s"; return 1; }
		sleep 0.05 # tracer says when it is ready
	done
}
