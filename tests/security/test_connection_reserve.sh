#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# Issue 12, finding 5: 70 connections that send a header line every 2 s held
# the API's 64 connections, and /healthz went unanswered until the slow
# clients' connections ended. Now a new connection beyond 64 ends the oldest
# one whose request has not come whole (src/service/conndeadline.h): with 70
# slow clients (nobody) connected, /healthz must answer at once, again and
# again, and /executions too. Needs root, curl; TRACER_BIN is set by ctest.
set -u

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
sec_setup curl

SLOW_PID=
at_exit '[[ -n "$SLOW_PID" ]] && kill "$SLOW_PID" 2>/dev/null && wait "$SLOW_PID" 2>/dev/null'

PORT=$((20000 + RANDOM % 20000))
"$TRACER_BIN" --all --quiet --listen "127.0.0.1:$PORT" >/dev/null 2>"$TMP/err" &
TRACER_PID=$!
wait_ready || exit 1

# 70 slow clients in one process: each connection sends its request line,
# then a header line every 2 s, never the end of the headers, for 20 s.
cat >"$TMP/slow.sh" <<'SLOW'
trap "" PIPE # connections that tracer ends are written to, in vain
fds=()
for i in $(seq 70); do
	exec {fd}<>"/dev/tcp/127.0.0.1/$1" || exit 3
	printf 'GET /healthz HTTP/1.1\r\nHost: tracer\r\n' >&"$fd"
	fds+=("$fd")
done
echo connected >"$2"
for round in $(seq 10); do
	sleep 2 # the slow client's pace
	for fd in "${fds[@]}"; do
		printf 'X-Slow-%d: %d\r\n' "$fd" "$round" >&"$fd" 2>/dev/null
	done
done
SLOW
chmod 755 "$TMP" "$TMP/slow.sh"
: >"$TMP/connected"
chmod 666 "$TMP/connected"
setpriv --reuid=65534 --regid=65534 --clear-groups -- bash "$TMP/slow.sh" "$PORT" "$TMP/connected" \
	2>/dev/null &
SLOW_PID=$!
for _ in $(seq 100); do
	[[ -s "$TMP/connected" ]] && break
	kill -0 "$SLOW_PID" 2>/dev/null || die "the slow clients could not connect"
	sleep 0.1 # waiting for the slow clients to say they are connected
done
[[ -s "$TMP/connected" ]] || die "the slow clients did not connect"
sleep 1 # let the slow clients send a header line or two: they are busy, not idle

for i in 1 2 3 4 5; do
	got=$(curl -s --max-time 3 "http://127.0.0.1:$PORT/healthz")
	[[ "$got" == '{"status":"ok"}' ]] ||
		die "/healthz not answered within 3 s (try $i) with 70 slow clients connected"
done
code=$(curl -s --max-time 3 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/executions?limit=5")
[[ "$code" == 200 ]] || die "/executions: $code with 70 slow clients connected"
kill -0 "$SLOW_PID" 2>/dev/null || die "the slow clients ended early: the test proves nothing"
echo PASS
