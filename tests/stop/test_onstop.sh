#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# Issue 23.3: --on-stop could feed itself and was uncapped.
#  - Under --all its shell is in scope: when what it runs matches --stop-at,
#    it was stopped and started another --on-stop command (51 stopped root
#    shells in 2 s). Now what tracer forks after loading is never stopped:
#    one trigger gives exactly one stop, and the command resumes it.
#  - Twelve matching execs at once started twelve root commands at once. Now
#    at most 8 run (--on-stop-max changes it), the rest wait their turn, all
#    run in the end, and the summary counts those that waited.
# Needs root; TRACER_BIN is set by ctest.
set -u

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
require jq

private_tmp onstop
chmod 755 "$TMP"
at_exit stop_tracer 'pkill -CONT -f "^$TMP/" 2>/dev/null' 'pkill -KILL -f "^$TMP/" 2>/dev/null'

# Shells under names of their own: the patterns match only them.
MARK=$$
cp /bin/dash "$TMP/feed$MARK"
cp /bin/dash "$TMP/cap$MARK"

start_tracer()
{
	rm -f "$TMP/ev" "$TMP/err"
	"$TRACER_BIN" --all --json -o "$TMP/ev" --events exec "$@" 2>"$TMP/err" &
	TRACER_PID=$!
	wait_ready
}

# waits for every pid given, up to LIMIT seconds; false if one is left.
wait_gone()
{
	local end=$((SECONDS + LIMIT)) p
	for p in "$@"; do
		while kill -0 "$p" 2>/dev/null; do
			((SECONDS < end)) || return 1
			sleep 0.05
		done
	done
}

stops() { jq -r 'select(.type == "stop") | .pid' "$TMP/ev" | wc -l; }

# ---- 1. The on-stop command runs what --stop-at matches: it is not stopped. ----
if start_tracer --stop-at "feed$MARK" --on-stop "$TMP/feed$MARK -c 'kill -CONT {pid}'"; then
	"$TMP/feed$MARK" -c 'exit 0' &
	trigger=$!
	wait_gone "$trigger" || fail "feeding: the trigger was never resumed"
	# The on-stop shell has run its copy of feed (counted below); a cascade would
	# go on without end: a second's grace shows it.
	sleep 1
	stop_tracer
	[[ $(stops) -eq 1 ]] || fail "feeding: $(stops) stops, want 1 (the trigger only)"
	n=$(jq -r --arg e "$TMP/feed$MARK" 'select(.type == "exec" and .filename == $e) | .pid' \
		"$TMP/ev" | wc -l)
	[[ $n -eq 2 ]] || fail "feeding: $n execs of feed, want 2 (the trigger, the on-stop command's)"
fi

# ---- 2. Twelve stops at once: at most 8 commands at once, the others wait. ----
# Each command notes when it starts and ends; the most at once is computed after.
cat >"$TMP/slot" <<EOS
#!/bin/sh
echo "\$(date +%s%N) 1" >>"$TMP/log"
sleep 1
echo "\$(date +%s%N) -1" >>"$TMP/log"
kill -CONT "\$1"
EOS
chmod 755 "$TMP/slot"
most_at_once() { sort -n "$TMP/log" | awk '{ n += $2; if (n > m) m = n } END { print m + 0 }'; }

cap_case() # WANT_MAX OPTIONS...
{
	local want=$1 p got
	local -a triggers=()
	shift
	rm -f "$TMP/log"
	start_tracer --stop-at "cap$MARK" --on-stop "$TMP/slot {pid}" "$@" || return
	for _ in $(seq 12); do
		"$TMP/cap$MARK" -c 'exit 0' &
		triggers+=($!)
	done
	wait_gone "${triggers[@]}" || fail "cap $want: not every stopped process was resumed"
	stop_tracer
	[[ $(stops) -eq 12 ]] || fail "cap $want: $(stops) stops, want 12"
	got=$(grep -c ' 1$' "$TMP/log")
	[[ $got -eq 12 ]] || fail "cap $want: $got commands ran, want 12"
	got=$(most_at_once)
	((got <= want)) || fail "cap $want: $got commands ran at once"
	((got >= 2)) || fail "cap $want: never two at once ($got): no parallelism to cap"
	grep -qE "^tracer: [0-9]+ --on-stop commands waited for a free slot \(--on-stop-max $want\)$" \
		"$TMP/err" || fail "cap $want: the summary does not count the commands that waited"
}
cap_case 8
cap_case 3 --on-stop-max 3

# ---- 3. Bad values: usage errors. ----
for bad in "--on-stop-max 0" "--on-stop-max 1025" "--on-stop-max x"; do
	# shellcheck disable=SC2086 # the option and its value
	"$TRACER_BIN" --stop-at x --on-stop true $bad -- /bin/true 2>"$TMP/err"
	[[ $? -eq 2 ]] || fail "$bad: not a usage error"
done
"$TRACER_BIN" --stop-at x --on-stop-max 2 -- /bin/true 2>"$TMP/err"
[[ $? -eq 2 ]] || fail "--on-stop-max without --on-stop: not a usage error"

finish
