#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
# A bounded load run on loopback only: wrk, 2 connections for 3 s, against
# /executions?limit=50 while 2000 execs run. Every request must be answered
# with 200 (no socket errors), no event lost (all 2000 in the store), and the
# resident memory must stay within a small bound. Prints the figures.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require
command -v wrk >/dev/null && command -v curl >/dev/null && command -v jq >/dev/null ||
	die "wrk, curl and jq are needed"

N=2000
M="svc-load-$$-$RANDOM"
# Under AddressSanitizer, freed memory waits in a quarantine (256 MB by
# default) that would count as growth: keep it small.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4"
# --all also stores what the rest of the machine runs meanwhile: the 2000
# are counted in the output, which keeps every event, not in the store.
start_service --all --json -o "$TMP/events" --store 20000 --ringbuf-size 64M
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$TRACER_PID/status"; }
for _ in $(seq 20); do get "/executions?limit=50" >/dev/null; done
before=$(rss)

(for i in $(seq "$N"); do /bin/true "$M-$i"; done) &
burst=$!
wrk -t2 -c2 -d3s --latency "$URL/executions?limit=50" >"$TMP/wrk" 2>&1 || die "wrk failed"
wait "$burst"
wait_for_arg "$M-$N"
after=$(rss)
cat "$TMP/wrk"

grep -q 'Socket errors' "$TMP/wrk" && die "socket errors"
grep -q 'Non-2xx' "$TMP/wrk" && die "responses other than 200"
requests=$(awk '/requests in/ { print $1 }' "$TMP/wrk")
((requests > 100)) || die "only $requests requests answered"

[[ "$(get "/executions?limit=20000")" == 200 ]] || die "GET /executions"
stored=$(jq --arg p "$M-" '[.[] | select(.argv[1] // "" | startswith($p))] | length' "$TMP/body")
((stored > 0)) || die "none of the execs stored"
seen=$(grep -c "\"/bin/true\",\"$M-" "$TMP/events" || true)
[[ "$seen" == "$N" ]] || die "$seen of $N execs written"
get /metrics >/dev/null
grep -qx 'tracer_events_lost_total 0' "$TMP/body" || die "events lost"
kill -0 "$TRACER_PID" || die "tracer died"
stop_tracer || die "tracer exited with $? after SIGINT"

echo "load: $(awk '/Requests\/sec/ { print $2 }' "$TMP/wrk") requests/s," \
	"p99 $(awk '$1 == "99%" { print $2 }' "$TMP/wrk"), $requests requests, $seen execs ($stored stored)," \
	"RSS ${before} kB before, ${after} kB after"
# The store holds about N small JSON strings more: a few MB at most.
((after - before < 16384)) || die "RSS grew by $((after - before)) kB"
echo PASS
