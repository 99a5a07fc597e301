#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# Issue 23.4: --stop-at on a real terminal (tmux), as a person uses it.
#  - A COMMAND whose child is stopped at exec: tracer says, after a while,
#    that the process still waits and what to do; then Ctrl-C ends the run
#    (it did nothing: the shell waited for its stopped child, tracer ignored
#    the terminal's SIGINT, only Ctrl-\ ended it). The stopped process is
#    resumed, takes its SIGINT, and tracer exits.
#  - The --on-stop recipe the docs give with gdb (backtrace, then resume)
#    leaves nothing stopped: the command runs to its end.
# Needs root, tmux, gdb; TRACER_BIN is set by ctest.
set -u

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
require tmux gdb

private_tmp stopterm
chmod 755 "$TMP"
SOCK=tst$$
at_exit 'tmux -L "$SOCK" kill-server 2>/dev/null' 'pkill -CONT -f "^$TMP/" 2>/dev/null' \
	'pkill -KILL -f "^$TMP/" 2>/dev/null'

cp /bin/sleep "$TMP/stopme"
# ---- 1. Ctrl-C while a child of the COMMAND is stopped. ----
# The wrapping shell catches the Ctrl-C too (a handler: its children get the default).
cat >"$TMP/run.sh" <<EOS
#!/bin/sh
trap : INT
"$TRACER_BIN" --stop-at stopme -- sh -c '$TMP/stopme 30; echo after' 2>"$TMP/err"
echo "EXIT=\$?" >"$TMP/rc"
EOS
chmod 755 "$TMP/run.sh"
tmux -L "$SOCK" -f /dev/null new-session -d -x 200 -y 50 "$TMP/run.sh; sleep 60"
stopped() { grep -q ' stop pid=' "$TMP/err" 2>/dev/null; }
reminded() { grep -q '^tracer: process [0-9]* is still stopped at its exec: gdb -p' "$TMP/err"; }
if ! wait_until "$LIMIT" stopped; then
	fail "no stop event"
else
	pid=$(sed -n 's/.* stop pid=\([0-9]*\) .*/\1/p' "$TMP/err" | head -n 1)
	# One line after 10 s of waiting, at a tick: nothing else wakes tracer for it.
	wait_until 20 reminded || fail "no line about the process still stopped after 20 s"
	[[ $(grep -c 'is still stopped at its exec' "$TMP/err") -eq 1 ]] ||
		fail "the reminder is not said once"
	tmux -L "$SOCK" send-keys C-c
	if ! wait_until 15 test -s "$TMP/rc"; then
		fail "Ctrl-C did not end the run"
	else
		grep -qx 'EXIT=130' "$TMP/rc" || fail "exit: $(cat "$TMP/rc"), want 130 (the command's SIGINT)"
	fi
	kill -0 "$pid" 2>/dev/null && fail "the stopped process $pid is still there"
	grep -q "resumed process $pid" "$TMP/err" || fail "not said that $pid was resumed"
	pgrep -f "^$TRACER_BIN --stop-at stopme" >/dev/null && fail "tracer still runs"
fi
tmux -L "$SOCK" kill-server 2>/dev/null

# ---- 2. The documented gdb recipe: a backtrace, then the program goes on. ----
timeout $((2 * LIMIT)) "$TRACER_BIN" --stop-at stopme \
	--on-stop 'gdb -q -nx -batch -iex "set debuginfod enabled off" -p {pid} -ex bt; kill -CONT {pid}' \
	-- sh -c "$TMP/stopme 0.1; echo after-gdb" >"$TMP/out" 2>"$TMP/err" </dev/null
rc=$?
[[ $rc -eq 0 ]] || fail "gdb recipe: exit $rc (124: the program stayed stopped)"
grep -qx 'after-gdb' "$TMP/out" || fail "gdb recipe: the command did not run to its end"
grep -q '^#0 ' "$TMP/out" || fail "gdb recipe: no backtrace"

finish
