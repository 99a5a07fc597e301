#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# Issue 28: tracer's own CPU under an exec storm is its wake-ups and its
# system calls (each costs tens of microseconds on a virtual machine), so
# their number is held here, counted by strace, not timed:
#  - idle, about one wake-up a second (the poll's timeout);
#  - after the quiet spell, an exit alone does not make the exec after it
#    wait for a batch's 20 ms: that exec is written before any such sleep;
#  - under the storm, at most one write of the output per 20 ms batch (not
#    one a line), and no map read per batch: the main loop's count of the
#    watched processes comes from memory shared with the kernel, and the
#    loss counters are read at most every 250 ms, the limits' every second;
#  - with a COMMAND, the events go to standard error, shared with the
#    command's own messages: a write per batch there too (line buffering
#    made one a line), and no line cut by the command's;
#  - a storm that lasts: after its first second, batches of 100 ms, not
#    20 (each batch is a wake-up and a write);
#  - every exec reported all the same.
# Needs root and strace; TRACER_BIN is set by ctest.
set -u

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
require strace
private_tmp syscalls
# A sanitizer build's leak check cannot run under ptrace: tracer would fail at exit.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

N=400
# The storm's shell waits on a FIFO (no exec meanwhile), forks a subshell
# that exits at once (an exit alone), then runs N execs, each with 2 KB of
# arguments: two lines are more than 4 KiB, the size of stdio's own buffer
# (one that size took two writes a batch).
mkfifo "$TMP/go"
pad=$(printf '%02000d' 0)
sh -c 'read -r _ <"$1"; (exit 3); i=0; while [ $i -lt '$N' ]; do /bin/true syscalls-marker "$2"; i=$((i + 1)); done' \
	sh "$TMP/go" "$pad" &
storm=$!
at_exit 'kill $storm 2>/dev/null'
"$TRACER_BIN" --pid "$storm" --events exec,exit --format json -o "$TMP/out" 2>"$TMP/err" &
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

# -s: the first exec's line may follow the exit's in one write.
strace -f -qq -s 2048 -o "$TMP/trace" -p "$TRACER_PID" \
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
# calls FILE NAME...: the calls of these system calls in strace's FILE.
calls()
{
	local file="$1"

	shift
	grep -cE "^([0-9]+ +)?($(IFS='|'; echo "$*"))\(" "$file"
}
writes=$(calls "$TMP/trace" write writev)
bpf=$(calls "$TMP/trace" bpf)
echo "storm of $N execs in $ms ms: $writes writes, $bpf bpf calls"
# A batch lasts 20 ms; the first records after a quiet while go out at once.
((writes <= ms / 20 + 5)) || fail "$writes writes in $ms ms: more than one per 20 ms batch"
((bpf <= ms / 200 + 5)) || fail "$bpf bpf calls in $ms ms: a map read per batch"
# The subshell's exit came first, alone; the first exec's line is written
# before the reader sleeps for a batch (idle, it only waits in epoll_wait).
grep -q '"type":"exit".*"exit_code":3' "$TMP/out" || fail "the subshell's exit is not reported"
first=$(grep -m1 -nE '^([0-9]+ +)?write\([0-9]+, ".*\\"type\\":\\"exec' "$TMP/trace" | cut -d: -f1)
# A batch's wait: epoll_wait with a timeout of 100 ms at most (idle waits
# last a second).
sleep1=$(grep -m1 -nE '^([0-9]+ +)?epoll_wait\(.*, ([1-9][0-9]?|100)\) += ' "$TMP/trace" | cut -d: -f1)
[[ -n "$first" ]] || fail "no write of an exec line traced"
[[ -z "$sleep1" || "${first:-0}" -lt "$sleep1" ]] ||
	fail "after a quiet spell the first exec was held for a batch (line $first of the trace, its first sleep line $sleep1)"

# With a COMMAND: strace runs tracer (not -f: the command is not traced).
# The command says a line of its own on standard error after each exec.
cmd='i=0; while [ $i -lt '$N' ]; do /bin/true syscalls-marker "$1"; echo "command-says-$i" >&2; i=$((i + 1)); done'
start=$(date +%s%N)
strace -qq -o "$TMP/trace2" -e trace=write,writev \
	"$TRACER_BIN" --format json -- sh -c "$cmd" sh "$(printf '%01000d' 0)" >/dev/null 2>"$TMP/err2" ||
	fail "tracer with a command exited $?"
ms=$((($(date +%s%N) - start) / 1000000))
n=$(grep -c '^{"type":"exec".*"syscalls-marker".*}$' "$TMP/err2")
((n == N)) || fail "with a command: $n whole exec lines, want $N"
said=$(grep -cx 'command-says-[0-9]*' "$TMP/err2")
((said == N)) || fail "with a command: $said of the command's lines whole, want $N"
other=$(grep -cvE '^(\{"type":"exec".*\}|command-says-[0-9]+|tracer: .*)$' "$TMP/err2")
((other == 0)) || fail "with a command: $other lines cut or mixed"
writes=$(calls "$TMP/trace2" write writev)
echo "with a command, $N execs in $ms ms: $writes writes"
((writes <= ms / 20 + 5)) || fail "with a command: $writes writes in $ms ms: more than one per 20 ms batch"

# A storm that lasts 4 s, whatever the machine's speed: 20 ms batches for
# its first second, then 100 ms ones. Counted: the writes of the output.
cmd='end=$(($(date +%s) + 5)); i=0; while [ "$(date +%s)" -lt $end ]; do /bin/true lasting-marker; i=$((i + 1)); done; echo "$i" >"$1"'
strace -qq -o "$TMP/trace3" -e trace=write,writev \
	"$TRACER_BIN" --format json -o "$TMP/out3" -- sh -c "$cmd" sh "$TMP/count3" 2>"$TMP/err3" ||
	fail "tracer on a lasting storm exited $?"
ran=$(cat "$TMP/count3")
n=$(grep -c '^{"type":"exec".*"lasting-marker".*}$' "$TMP/out3")
((n == ran)) || fail "lasting storm: $n execs reported, want $ran"
# From the first exec to the last (ts: seconds since tracer started).
ms=$(grep -o '"ts":[0-9.]*' "$TMP/out3" | cut -d: -f2 |
	awk 'NR == 1 { f = $1 } { l = $1 } END { printf "%d", (l - f) * 1000 }')
writes=$(calls "$TMP/trace3" write writev)
echo "lasting storm, $n execs in $ms ms: $writes writes"
((ms >= 3000)) || fail "the lasting storm lasted $ms ms, want 4 s or more"
# One write per batch: 50 in the first second, then 10 a second, and a few
# more for the first records and the end. 20 ms batches all along would be
# 50 a second: the bound is halfway.
((writes <= 50 + (ms - 1000) / 50 + 10)) ||
	fail "lasting storm: $writes writes in $ms ms: batches did not lengthen to 100 ms"
finish
