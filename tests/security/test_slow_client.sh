#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# Issue 12, finding 5 (in part): a client that keeps a connection busy, one
# header line every second, is never idle, so libmicrohttpd's idle timeout
# never ends it; 64 of them held every connection of the API. The deadline
# for the whole connection (10 s, src/service/conndeadline.h) ends it. The
# slow client runs as nobody. Needs root; TRACER_BIN is set by ctest.
set -u

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
sec_setup

PORT=$((20000 + RANDOM % 20000))
"$TRACER_BIN" --all --quiet --listen "127.0.0.1:$PORT" >/dev/null 2>"$TMP/err" &
TRACER_PID=$!
wait_ready || exit 1

# The slow client: a header line a second, for 25 s at most; prints how long the connection lasted.
cat >"$TMP/slow.sh" <<'SLOW'
exec 5<>"/dev/tcp/127.0.0.1/$1" || exit 3
printf 'GET /healthz HTTP/1.1\r\nHost: tracer\r\n' >&5
start=$SECONDS
while ((SECONDS - start < 25)); do
	printf 'X-Slow: %d\r\n' "$SECONDS" >&5 2>/dev/null || break
	# Until the server ends the connection, nothing comes back.
	read -r -t 1 -u 5 _
	(($? == 1)) && break
done
echo $((SECONDS - start))
SLOW
chmod 755 "$TMP" "$TMP/slow.sh"
lasted=$(setpriv --reuid=65534 --regid=65534 --clear-groups -- bash "$TMP/slow.sh" "$PORT" 2>/dev/null)
[[ -n "$lasted" ]] || die "the slow client could not connect"
((lasted <= 13)) || die "a busy slow connection lasted ${lasted} s (deadline 10 s)"
((lasted >= 9)) || die "the connection ended after ${lasted} s, before the deadline"
# Healthy clients are still served.
[[ "$(curl -s --max-time 10 "http://127.0.0.1:$PORT/healthz")" == '{"status":"ok"}' ]] ||
	die "/healthz not served after the slow client"
echo "PASS (the slow connection lasted ${lasted} s)"
