# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
# Shared by the service tests: tests/lib/common.sh, tracer started with
# --listen, the HTTP API read. Sourced; TRACER_BIN is set by ctest. A failure
# ends these tests at once (die): each step needs the one before.

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
private_tmp service

# Starts tracer with the given options, output in $TMP/out, stderr in $TMP/err,
# and waits for its ready line.
start_tracer()
{
	"$TRACER_BIN" "$@" >"$TMP/out" 2>"$TMP/err" &
	TRACER_PID=$!
	wait_ready 10 || exit 1
}

# Starts tracer with --listen on a free loopback port (tried until one is
# free), with the given options; PORT and URL are set.
start_service()
{
	local try
	for try in $(seq 20); do
		PORT=$((20000 + RANDOM % 40000))
		URL="http://127.0.0.1:$PORT"
		"$TRACER_BIN" --listen "127.0.0.1:$PORT" "$@" >"$TMP/out" 2>"$TMP/err" &
		TRACER_PID=$!
		for _ in $(seq 200); do
			grep -q '^tracer: ready' "$TMP/err" 2>/dev/null && return 0
			kill -0 "$TRACER_PID" 2>/dev/null || break
			sleep 0.05
		done
		wait "$TRACER_PID" 2>/dev/null || true
		TRACER_PID=
		grep -q 'cannot listen' "$TMP/err" || die "tracer exited at start-up"
	done
	die "no free port found"
}

# GET $1 (a path): the body in $TMP/body, the status printed.
get()
{
	curl -sS -g -o "$TMP/body" -w '%{http_code}' "$URL$1"
}

# Waits until GET /executions shows an argument equal to $1.
wait_for_arg()
{
	for _ in $(seq 200); do
		[[ "$(get "/executions?limit=50")" == 200 ]] &&
			jq -e --arg m "$1" 'any(.[]; .argv | index($m))' "$TMP/body" >/dev/null &&
			return 0
		sleep 0.05 # tracer drains the ring buffer every 20 ms
	done
	die "$1 never appeared in /executions"
}
