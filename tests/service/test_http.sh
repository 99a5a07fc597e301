#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
# The HTTP API with --all: /executions (fields, newest first, limit, since),
# /executions/PID, exclusions absent from the API and the output, the status
# codes of bad requests, /healthz, and /metrics as Prometheus text.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require
command -v curl >/dev/null && command -v jq >/dev/null || die "curl and jq are needed"

M="svc-http-$$-$RANDOM"
cp /bin/echo "$TMP/echo-excluded"
cp /bin/sh "$TMP/svcexclsh"
T_BEFORE=$EPOCHREALTIME
start_service --all --json --ringbuf-size 64M --store 20000 --exclude "$TMP/echo-excluded" \
	--exclude-comm svcexclsh

for i in 1 2 3; do
	/bin/echo "$M-$i" >/dev/null
done
"$TMP/echo-excluded" "$M-path" >/dev/null
"$TMP/svcexclsh" -c "/bin/echo $M-comm" >/dev/null
# One process, three execs: sh, which execs sh, which execs echo.
/bin/sh -c "exec /bin/sh -c 'exec /bin/echo $M-p3'" >/dev/null &
SHPID=$!
wait "$SHPID"
/bin/echo "$M-last" >/dev/null
wait_for_arg "$M-last"

# /executions: our three in the order they ran, newest first, with every field.
[[ "$(get "/executions?limit=20000")" == 200 ]] || die "GET /executions"
jq -e 'type == "array"' "$TMP/body" >/dev/null || die "not an array"
order=$(jq -r --arg p "$M-" '[.[] | .argv[1] // "" | select(startswith($p))
	| select(test("-[123]$"))] | join(" ")' "$TMP/body")
[[ "$order" == "$M-3 $M-2 $M-1" ]] || die "order: $order"
jq -e --arg m "$M-2" '.[] | select(.argv == ["/bin/echo", $m]) |
	select(.type == "exec" and .filename == "/bin/echo" and .ret == 0 and .errno == null
	and (.pid | type) == "number" and .pid > 0 and .ppid > 0 and .tid == .pid
	and .comm == "bash" and .syscall == "execve" and .syscall_id == 59
	and (.ts | type) == "number" and .argv_truncated == false and .argv_fault == false
	and has("uid") and has("gid") and has("tty"))' "$TMP/body" >/dev/null ||
	die "fields of $M-2"
# The same object as the --json line tracer wrote.
line=$(grep -F "\"argv\":[\"/bin/echo\",\"$M-2\"]" "$TMP/out")
jq -e --argjson l "$line" --arg m "$M-2" '.[] | select(.argv == ["/bin/echo", $m]) | . == $l' \
	"$TMP/body" >/dev/null || die "the API's object differs from the --json line"
# ts is non-increasing from newest to oldest (one CPU clock; allow equal).
jq -e '[.[].ts] as $t | all(range(1; $t | length); $t[.] <= $t[. - 1] + 0.001)' \
	"$TMP/body" >/dev/null || die "not newest first"

# Excluded execs are nowhere.
for what in path comm; do
	jq -e --arg m "$M-$what" 'any(.[]; .argv[-1] == $m)' "$TMP/body" >/dev/null &&
		die "excluded exec ($what) in the API"
	grep -q "\"$M-$what\"\]" "$TMP/out" && die "excluded exec ($what) in the output"
done

# limit: exactly that many, the newest.
[[ "$(get "/executions?limit=2")" == 200 ]] || die "limit=2"
[[ "$(jq length "$TMP/body")" == 2 ]] || die "limit=2 gave $(jq length "$TMP/body")"
[[ "$(get "/executions")" == 200 ]] || die "GET /executions default"
n=$(jq length "$TMP/body")
((n >= 8 && n <= 500)) || die "default limit: $n"

# since: only what came after the ts of $M-2.
get "/executions?limit=20000" >/dev/null
ts2=$(jq -r --arg m "$M-2" '.[] | select(.argv == ["/bin/echo", $m]) | .ts' "$TMP/body")
[[ "$(get "/executions?limit=20000&since=$ts2")" == 200 ]] || die "since"
jq -e --argjson t "$ts2" 'all(.[]; .ts > $t)' "$TMP/body" >/dev/null || die "since: older"
jq -e --arg m "$M-3" 'any(.[]; .argv[1] == $m)' "$TMP/body" >/dev/null || die "since: no -3"
jq -e --arg m "$M-2" 'any(.[]; .argv[1] == $m) | not' "$TMP/body" >/dev/null ||
	die "since: -2 itself"

# Issue 23.7: paging forward. With since, a page is the oldest after it, oldest
# first; passing the largest ts seen as the next since reads each exec once.
/bin/echo "$M-page-0" >/dev/null
for i in $(seq 40); do
	/bin/echo "$M-page-$i" >/dev/null
done
wait_for_arg "$M-page-40"
get "/executions?limit=20000" >/dev/null
since=$(jq -r --arg m "$M-page-0" '.[] | select(.argv[1] == $m) | .ts' "$TMP/body")
: >"$TMP/paged"
for _ in $(seq 500); do
	[[ "$(get "/executions?limit=7&since=$since")" == 200 ]] || die "page after $since"
	[[ "$(jq length "$TMP/body")" == 0 ]] && break
	jq -e '[.[].ts] as $t | all(range(1; $t | length); $t[.] > $t[. - 1])' "$TMP/body" \
		>/dev/null || die "a page is not oldest first, with ts unique"
	jq -r --arg p "$M-page-" '.[] | .argv[1] // "" | select(startswith($p))' "$TMP/body" \
		>>"$TMP/paged"
	# The ts as written, not as jq would print it again.
	since=$(grep -o '"ts":[0-9.]*' "$TMP/body" | tail -n 1 | cut -d: -f2)
	# Under --all the machine's other execs keep coming: stop after ours.
	grep -qx "$M-page-40" "$TMP/paged" && break
done
[[ -z "$(sort "$TMP/paged" | uniq -d)" ]] || die "paging: read twice: $(sort "$TMP/paged" | uniq -d)"
[[ $(wc -l <"$TMP/paged") -eq 40 ]] || die "paging: $(wc -l <"$TMP/paged") of 40 execs read"
[[ "$(head -n 1 "$TMP/paged")" == "$M-page-1" ]] || die "paging: first page not the oldest"

# /executions/PID: the process's three execs, newest first.
[[ "$(get "/executions/$SHPID")" == 200 ]] || die "GET /executions/PID"
got=$(jq -c '[.[] | .argv]' "$TMP/body")
want=$(jq -nc --arg m "$M-p3" '[["/bin/echo", $m], ["/bin/sh", "-c", "exec /bin/echo \($m)"],
	["/bin/sh", "-c", "exec /bin/sh -c '"'"'exec /bin/echo \($m)'"'"'"]]')
[[ "$got" == "$want" ]] || die "execs of pid $SHPID: $got, expected $want"
jq -e --argjson p "$SHPID" 'all(.[]; .pid == $p)' "$TMP/body" >/dev/null || die "other pids"
[[ "$(get "/executions/4194303")" == 200 ]] || die "unknown pid"
[[ "$(cat "$TMP/body")" == "[]" ]] || die "unknown pid: not []"

# Bad requests.
expect()
{
	local code
	code=$(get "$2")
	[[ "$code" == "$1" ]] || die "GET $2: $code, expected $1"
}
expect 400 "/executions?limit=0"
expect 400 "/executions?limit=20001"
expect 400 "/executions?limit=abc"
expect 400 "/executions?limit=-1"
expect 400 "/executions?since=x"
expect 400 "/executions?since=0x10"
expect 400 "/executions?since=1e3"
expect 400 "/executions?since=inf"
expect 400 "/executions?since=-1"
expect 400 "/executions?since="
expect 400 "/executions?since"
expect 400 "/executions?since=1%00"
expect 400 "/executions?nope=1"
expect 400 "/executions?limit=1&limit=2"
expect 400 "/executions/1%00"
expect 400 "/executions/1?since=1"
expect 400 "/metrics?x=1"
expect 200 "/executions?since=0.5&limit=1"
expect 400 "/executions/abc"
jq -e '.error | type == "string"' "$TMP/body" >/dev/null || die "400 without a JSON error"
expect 400 "/executions/12x"
expect 404 "/nope"
expect 404 "/executions/1/2x/"
expect 414 "/executions?x=$(head -c 5000 /dev/zero | tr '\0' a)"
expect 414 "/executions?x=$(head -c 50000 /dev/zero | tr '\0' a)"
code=$(curl -sS -o /dev/null -D "$TMP/headers" -w '%{http_code}' -X POST "$URL/executions")
[[ "$code" == 405 ]] || die "POST: $code"
grep -qi '^Allow: GET' "$TMP/headers" || die "405 without Allow"
code=$(curl -sS -o /dev/null -w '%{http_code}' -X DELETE "$URL/metrics")
[[ "$code" == 405 ]] || die "DELETE: $code"
# Not HTTP at all: MHD answers 400 (or closes); tracer must live on.
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
printf 'NOT HTTP AT ALL\r\n\r\n' >&3
reply=$(timeout 5 head -c 12 <&3 || true)
exec 3<&-
[[ -z "$reply" || "$reply" == "HTTP/1.1 400" ]] || die "garbage got: $reply"

# Stuck clients: one sends half a request, one never reads its (large)
# answer. Others are still served and events still flow.
exec 4<>"/dev/tcp/127.0.0.1/$PORT"
printf 'GET /executions HTTP/1.1\r\nHost: x\r\n' >&4
exec 5<>"/dev/tcp/127.0.0.1/$PORT"
printf 'GET /executions?limit=20000 HTTP/1.1\r\nHost: x\r\n\r\n' >&5
/bin/echo "$M-stuck" >/dev/null
wait_for_arg "$M-stuck"
exec 4<&- 5<&-

# Answers are streamed (chunked), HEAD has none.
code=$(curl -sS -o /dev/null -D "$TMP/headers" -w '%{http_code}' "$URL/executions?limit=3")
[[ "$code" == 200 ]] || die "GET for the headers: $code"
grep -qi '^Transfer-Encoding: chunked' "$TMP/headers" || die "/executions not streamed"
grep -qi '^Content-Type: application/json' "$TMP/headers" || die "/executions not JSON"
code=$(curl -sS -I -o "$TMP/headers" -w '%{http_code}' "$URL/executions")
[[ "$code" == 200 ]] || die "HEAD /executions: $code"

# /healthz and /metrics.
expect 200 "/healthz"
jq -e '.status == "ok"' "$TMP/body" >/dev/null || die "healthz"
expect 200 "/metrics"
grep -vE '^(# (HELP|TYPE) [a-z_]+ .*|[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? [0-9.eE+-]+)$' \
	"$TMP/body" && die "lines above are not Prometheus text"
for m in tracer_events_total tracer_events_lost_total tracer_events_excluded_total \
	tracer_watched_processes tracer_state_map_capacity \
	tracer_store_events tracer_store_capacity tracer_store_bytes tracer_store_bytes_budget \
	tracer_store_dropped_total; do
	grep -q "^# TYPE $m " "$TMP/body" || die "no TYPE for $m"
	grep -qE "^$m [0-9]+$" "$TMP/body" || die "no $m"
done
# Each count once, under one name (the watched count was also tracer_state_map_entries).
grep -q '^tracer_state_map_entries' "$TMP/body" && die "the watched count twice"
dups=$(grep -v '^#' "$TMP/body" | awk '{ print $1 }' | sort | uniq -d)
[[ -z "$dups" ]] || die "metrics reported twice: $dups"
grep -qx 'tracer_store_capacity 20000' "$TMP/body" || die "store capacity"
grep -qx 'tracer_store_bytes_budget 33554432' "$TMP/body" || die "store budget (default 32M)"
sb=$(awk '$1 == "tracer_store_bytes" { print $2 }' "$TMP/body")
se=$(awk '$1 == "tracer_store_events" { print $2 }' "$TMP/body")
# Each exec takes at least its JSON (over 100 bytes here), and far less than a page.
((sb > se * 100 && sb < se * 4096)) || die "store bytes $sb for $se execs"
grep -qx 'tracer_events_lost_total 0' "$TMP/body" || die "events lost"
ex=$(awk '$1 == "tracer_events_excluded_total" { print $2 }' "$TMP/body")
((ex >= 2)) || die "excluded: $ex"
# Where ts 0 lies on the wall clock: after this test began, before now.
st=$(awk '$1 == "tracer_start_time_seconds" { print $2 }' "$TMP/body")
[[ -n "$st" ]] || die "no tracer_start_time_seconds"
awk -v s="$st" -v b="$T_BEFORE" -v n="$EPOCHREALTIME" 'BEGIN { exit !(s >= b && s <= n) }' ||
	die "tracer_start_time_seconds $st not between $T_BEFORE and now"

kill -0 "$TRACER_PID" || die "tracer died"
stop_tracer || die "tracer exited with $? after SIGINT"
echo PASS
