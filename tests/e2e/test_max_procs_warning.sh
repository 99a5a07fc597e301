#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# Issue 23.15: when --max-procs is full, a child that cannot be watched has
# its execs missing, and only the final summary said so. The warning now
# comes at the time: the COMMAND here fills the map with 30 live children,
# then waits for the warning on tracer's standard error while it still runs
# (exit 0 when it came, 3 when not). Then it is said once in 10 s, not once
# a tick. Needs root; TRACER_BIN is set by ctest.
set -u

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
require
private_tmp maxprocs

# Thirty children that live 8 s, then up to 6 s for the warning; more
# children come meanwhile (more failures): the warning must not repeat.
CMD='for i in $(seq 30); do sleep 8 & done
for i in $(seq 60); do
	grep -q "^tracer: warning: " "$1" && { sleep 2; /bin/true; exit 0; }
	/bin/true; sleep 0.1
done
exit 3'
timeout 60 "$TRACER_BIN" --max-procs 8 -- /bin/sh -c "$CMD" sh "$TMP/err" >"$TMP/out" 2>"$TMP/err"
rc=$?
[[ $rc -eq 0 ]] || fail "the warning did not come while the command ran (exit $rc)"
n=$(grep -c '^tracer: warning: .*could not be watched so far' "$TMP/err")
[[ $n -eq 1 ]] || fail "the warning said $n times, want once (rate-limited)"
grep -qE '^tracer: warning: [0-9]+ processes could not be watched so far: state map full \(8 entries, see --max-procs\); their execs are missing$' \
	"$TMP/err" || fail "the warning's words"
grep -q 'processes could not be watched: state map full' "$TMP/err" ||
	fail "the final summary lost its count"
finish
