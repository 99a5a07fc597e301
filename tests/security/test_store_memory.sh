#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# Issue 12, finding 4: the HTTP API's memory is bounded, whatever a local
# user does. The attacker (nobody) makes 1,000 failed execs with 32 KB
# arguments of 0xff bytes: each byte that is not UTF-8 takes 6 in the stored
# JSON, about 190 KB an exec. Then 10 slow readers ask for
# /executions?limit=1000 and read nothing. Before, tracer's resident memory
# grew by the whole lot (38 MB to 231 MB) and by a copy per reader (1.94 GB);
# now the store keeps at most its budget (--store-bytes, default 32M) and an
# answer is streamed. Tracer's RSS must grow by less than the budget plus
# 32 MB, and /metrics must report the store's bytes within its budget.
# Needs root, curl, jq; TRACER_BIN is set by ctest.
set -u

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
sec_setup curl jq

BUDGET=$((32 << 20)) # the documented default, on purpose: no option given
SLACK=$((32 << 20))
# Under AddressSanitizer, freed memory waits in a quarantine (256 MB by default).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4"

READERS=()
close_readers()
{
	local fd
	for fd in "${READERS[@]}"; do
		exec {fd}<&-
	done
}
at_exit close_readers
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$TRACER_PID/status"; }
metric() { curl -s --max-time 10 "http://127.0.0.1:$PORT/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }

PORT=$((20000 + RANDOM % 20000))
"$TRACER_BIN" --all --quiet --listen "127.0.0.1:$PORT" >/dev/null 2>"$TMP/err" &
TRACER_PID=$!
wait_ready || exit 1
for _ in $(seq 20); do curl -s --max-time 10 "http://127.0.0.1:$PORT/executions?limit=50" >/dev/null; done
before=$(rss_kb)

# The attacker: 1,000 execs of a file that does not exist, each with 32 KB of 0xff.
M="store-mem-$$-$RANDOM"
# With execfail, a failed exec returns to bash: no fork for each (forks are slow here).
cat >"$TMP/attack.sh" <<'ATTACK'
shopt -s execfail
arg=$(head -c 32768 /dev/zero | tr '\0' '\377')
exec 3>&2 2>/dev/null
for i in $(seq 1000); do
	exec /nonexistent/tracer-attack "$arg"
done
exec 2>&3
/bin/true "$1"
ATTACK
chmod 755 "$TMP" "$TMP/attack.sh"
setpriv --reuid=65534 --regid=65534 --clear-groups -- bash "$TMP/attack.sh" "$M"
for _ in $(seq 200); do
	# grep, not jq: the answer holds tens of MB of the attacker's escapes.
	curl -s --max-time 10 "http://127.0.0.1:$PORT/executions?limit=300" |
		grep -qF "\"$M\"" && break
	sleep 0.1 # tracer drains the ring buffer every 20 ms
done
after_execs=$(rss_kb)
bytes=$(metric tracer_store_bytes)
budget=$(metric tracer_store_bytes_budget)
attacks=$(curl -s --max-time 10 "http://127.0.0.1:$PORT/executions?limit=10000" |
	jq '[.[] | select(.filename == "/nonexistent/tracer-attack")] | length')
[[ -n "$attacks" ]] || die "/executions?limit=10000 is not a JSON array"
((attacks > 20)) || die "only $attacks of the attacker's execs stored: the attack did not happen"

# 10 slow readers: the request, then nothing read.
for _ in $(seq 10); do
	exec {fd}<>"/dev/tcp/127.0.0.1/$PORT" || die "cannot connect"
	READERS+=("$fd")
	printf 'GET /executions?limit=1000 HTTP/1.1\r\nHost: tracer\r\n\r\n' >&"$fd"
done
peak=0
for _ in $(seq 30); do
	r=$(rss_kb)
	((r > peak)) && peak=$r
	sleep 0.1 # sampling the readers' effect for 3 s
done
for fd in "${READERS[@]}"; do
	exec {fd}<&-
done
READERS=()
[[ "$(curl -s --max-time 10 "http://127.0.0.1:$PORT/healthz")" == '{"status":"ok"}' ]] ||
	die "/healthz not served after the slow readers"

echo "took ${SECONDS} s"
echo "RSS: ${before} kB at the start, ${after_execs} kB after the execs, ${peak} kB at most with 10 slow readers"
echo "store: ${bytes:-?} bytes of ${budget:-?}, $attacks of the attacker's execs"
limit=$(((BUDGET + SLACK) / 1024))
((after_execs - before < limit)) ||
	die "the execs took RSS from ${before} kB to ${after_execs} kB (bound: +${limit} kB)"
((peak - before < limit)) ||
	die "10 slow readers took RSS from ${before} kB to ${peak} kB (bound: +${limit} kB)"
[[ "$budget" == "$BUDGET" ]] || die "tracer_store_bytes_budget is '$budget', expected $BUDGET"
[[ -n "$bytes" ]] && ((bytes <= BUDGET && bytes > BUDGET / 2)) ||
	die "tracer_store_bytes is '$bytes': not within the budget, or the store not full"
echo PASS
