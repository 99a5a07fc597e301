#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# Issue 28: tracer's own CPU under an exec storm is its wake-ups and its
# system calls (each costs tens of microseconds on a virtual machine), so
# their number is held here, counted by strace, not timed:
#  - idle, about one wake-up a second (the poll's timeout);
#  - under the storm, at most one write of the output per 20 ms batch (not
#    one a line), and no map read per batch: the main loop's count of the
#    watched processes comes from memory shared with the kernel, and the
#    loss counters are read at most every 250 ms, the limits' every second;
#  - every exec reported all the same.
# Needs root and strace; TRACER_BIN is set by ctest.
set -u

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
require strace
private_tmp syscalls

N=400
# The storm's shell waits on a FIFO (no exec meanwhile), then runs N execs,
# each with 2 KB of arguments: two lines are more than 4 KiB, the size of
# stdio's own buffer (one that size took two writes a batch).
mkfifo "$TMP/go"
pad=$(printf '%02000d' 0)
sh -c 'read -r _ <"$1"; i=0; while [ $i -lt '$N' ]; do /bin/true syscalls-marker "$2"; i=$((i + 1)); done' \
	sh "$TMP/go" "$pad" &
storm=$!
at_exit 'kill $storm 2>/dev/null'
"$TRACER_BIN" --pid "$storm" --format json -o "$TMP/out" 2>"$TMP/err" &
TRACER_PID=$!
wait_ready || exit 1

# ctx_switches: the tracer's voluntary and involuntary context switches so far.
ctx_switches()
{
	awk '/^(non)?voluntary_ctxt_switches/ { s += $2 } END { print s + 0 }' \
		"/proc/$TRACER_PID/status"
}
c0=$(ctx_switches)
sleep 3 # idle: nothing runs in scope meanwhile
c1=$(ctx_switches)
idle=$((c1 - c0))
echo "idle: $idle wake-ups in 3 s"
((idle <= 5)) || fail "idle: $idle wake-ups in 3 s, want about one a second"

strace -f -qq -c -o "$TMP/strace" -p "$TRACER_PID" \
	-e trace=bpf,write,writev,clock_nanosleep,nanosleep,epoll_wait,poll,ppoll 2>"$TMP/strace.err" &
strace=$!
# strace says nothing once attached (-qq): its tracee shows a tracer pid.
wait_until 10 awk '/^TracerPid:/ { exit $2 == 0 }' "/proc/$TRACER_PID/status" ||
	die "strace did not attach: $(cat "$TMP/strace.err")"
start=$(date +%s%N)
echo go >"$TMP/go"
wait "$storm"
# tracer ends once nothing is watched; strace with it.
wait_until "$LIMIT" eval '! kill -0 $TRACER_PID 2>/dev/null' || die "tracer did not end after the storm"
ms=$((($(date +%s%N) - start) / 1000000))
wait "$TRACER_PID" || fail "tracer exited $?"
TRACER_PID=
wait "$strace"

n=$(grep -c '"type":"exec".*"syscalls-marker"' "$TMP/out")
((n == N)) || fail "$n execs reported, want $N"
# calls NAME...: the calls strace counted of these system calls, summed.
calls()
{
	local name sum=0 c

	for name in "$@"; do
		c=$(awk -v s="$name" '$NF == s { print $4 }' "$TMP/strace")
		sum=$((sum + ${c:-0}))
	done
	echo "$sum"
}
writes=$(calls write writev)
bpf=$(calls bpf)
echo "storm of $N execs in $ms ms: $writes writes, $bpf bpf calls"
sed 's/^/  /' "$TMP/strace"
# A batch lasts 20 ms; the first records after a quiet while go out at once.
((writes <= ms / 20 + 5)) || fail "$writes writes in $ms ms: more than one per 20 ms batch"
((bpf <= ms / 200 + 5)) || fail "$bpf bpf calls in $ms ms: a map read per batch"
finish
