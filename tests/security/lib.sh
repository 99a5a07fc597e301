# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
# Sourced by the security tests: what they need to run, a private TMP, and
# tracer stopped at the end. Each test keeps its own cleanup and fail().

# sec_setup TOOL...: skip (77) without root, the kernel's BTF or a tool;
# else TMP, a new private directory (each test's cleanup removes it).
sec_setup()
{
	local tool

	if [[ "$(id -u)" -ne 0 || ! -r /sys/kernel/btf/vmlinux ]]; then
		echo "SKIP: needs root and kernel BTF"
		exit 77
	fi
	for tool in "$@"; do
		command -v "$tool" >/dev/null || { echo "SKIP: no $tool"; exit 77; }
	done
	TMP=$(mktemp -d /tmp/tracer-sec.XXXXXX)
}

TRACER_PID=

# SIGINT to the tracer started in the background (TRACER_PID), if it still runs.
stop_tracer()
{
	if [[ -n "$TRACER_PID" ]] && kill -0 "$TRACER_PID" 2>/dev/null; then
		kill -INT "$TRACER_PID"
		wait "$TRACER_PID" 2>/dev/null
	fi
	TRACER_PID=
}

# tracer's standard error ($TMP/err), indented, for a failure's context.
show_tracer_err()
{
	[[ -f "$TMP/err" ]] && sed 's/^/  tracer stderr: /' "$TMP/err" >&2
}
