#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# Issue 25: tracer --tui as a person uses it. A tmux server of the test's
# own (-L) runs a shell in a window of a fixed size; the test types tracer's
# command line into it (send-keys), reads the screen (capture-pane, -e for
# the colours and the selection) and checks what a person would see: the
# execs of the command by their exact command lines, the failed one red,
# the status line's counts; / search, Enter details with their labels, ?
# the keys; q and SIGTERM give the terminal back (stty -a: icanon, echo;
# no alternate screen left); a --pid scope; a storm of 2,000 execs, none
# lost. Every wait polls the screen (at most WAIT_S seconds): the machine
# is slow and loaded. Needs root; TRACER_BIN is set by ctest.
set -u

WAIT_S=${TRACER_TUI_WAIT_S:-20}

if [[ "$(id -u)" -ne 0 || ! -r /sys/kernel/btf/vmlinux ]]; then
	echo "SKIP: needs root and kernel BTF"
	exit 77
fi
command -v tmux >/dev/null || { echo "SKIP: no tmux"; exit 77; }
if "$TRACER_BIN" --tui -- true </dev/null 2>&1 | grep -q 'not built in'; then
	echo "SKIP: this tracer is built without the TUI (ncursesw, libvterm)"
	exit 77
fi

TMP=$(mktemp -d /tmp/tracer-tui.XXXXXX)
SOCK=
WINDOWS=0
PIDS=()
cleanup()
{
	[[ -n "$SOCK" ]] && tmux -L "$SOCK" kill-server 2>/dev/null
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT

failures=0
fail()
{
	printf 'FAIL: %s\n' "$*" >&2
	failures=$((failures + 1))
}

tm() { tmux -L "$SOCK" "$@"; }
screen() { tm capture-pane -p -t t "$@"; }

# A fresh shell in a 160x40 window, on a tmux server of its own; the prompt is "$ ".
new_window()
{
	local try

	[[ -n "$SOCK" ]] && tm kill-server 2>/dev/null
	for try in 1 2 3; do
		SOCK="tracer-tui-$$-$((++WINDOWS))"
		tm -f /dev/null new-session -d -s t -x 160 -y 40 \
			"env -i PATH=$PATH TERM=screen-256color HOME=/root PS1='$ ' bash --norc --noprofile" &&
			tm set-option -t t -g status off >/dev/null && break
	done
	if ! wait_for '^\$ ?$'; then
		fail "no tmux window with a shell"
		exit 1
	fi
}

# Waits until the screen has a line matching the regex $1 (capture-pane args after it).
wait_for()
{
	local re=$1 i
	shift
	for ((i = 0; i < WAIT_S * 10; i++)); do
		screen "$@" | grep -Eq -- "$re" && return 0
		sleep 0.1
	done
	return 1
}

# Waits until the screen no longer has a line matching $1.
wait_gone()
{
	local re=$1 i
	for ((i = 0; i < WAIT_S * 10; i++)); do
		screen | grep -Eq -- "$re" || return 0
		sleep 0.1
	done
	return 1
}

# Whether process $1 is gone (reaped by tracer, which exits after it), within WAIT_S.
gone()
{
	local i
	[[ -n "$1" ]] || return 1
	for ((i = 0; i < WAIT_S * 10; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

type_line() { tm send-keys -t t -l "$1"; tm send-keys -t t Enter; }

# The terminal is the shell's again: line discipline on, no alternate screen.
check_terminal_back()
{
	local what=$1
	[[ "$(tm display-message -p -t t '#{alternate_on}')" == 0 ]] ||
		fail "$what: the alternate screen is still on"
	type_line "stty -a | tr ' ;' '\n\n' | grep -Ex -- '-?(icanon|echo)' | tr '\n' ' '; echo STTY-DONE"
	wait_for '^icanon echo STTY-DONE$' || fail "$what: stty -a: $(screen | grep STTY-DONE)"
}

STATUS_RE='events [0-9]+  execs [0-9]+  failed [0-9]+  lost [0-9]+  stopped [0-9]+  focus '

# --- without a terminal: a usage error, one line, exit 2 ---
out=$("$TRACER_BIN" --tui -- /bin/true </dev/null 2>&1 >/dev/null)
rc=$?
[[ $rc -eq 2 && "$out" == "tracer: --tui needs a terminal (standard input and output)" ]] ||
	fail "no terminal: exit $rc, said: $out"
out=$("$TRACER_BIN" --tui --json -- /bin/true 2>&1 </dev/null)
rc=$?
[[ $rc -eq 2 && "$out" == "tracer: --tui shows the events itself: --format needs -o FILE or --output-fd N" ]] ||
	fail "--tui --json: exit $rc, said: $out"

# --- the list, a failed exec, the status line; search, details, help; q ---
new_window
CMD="/bin/echo tui-one 'two words'; /no/such/prog-tui; /bin/true tui-two; /usr/bin/env PATH=/no/tui-a:/no/tui-b:/bin true tui-walk; /usr/bin/head -n 1 | /usr/bin/tr a-z A-Z; exec /bin/sleep 600"
type_line "$TRACER_BIN --tui -- sh -c \"$CMD\""
# The command's pane has the focus: what is typed reaches the command, its output shows.
wait_for '^[0-9:.]+ +[0-9]+ +/usr/bin/head -n 1' || fail "the list never showed head: $(screen)"
wait_for "${STATUS_RE}command" || fail "the focus is not on the command: $(screen | tail -1)"
screen | grep -q '^tui-one two words$' || fail "the pane: no output of echo: $(screen)"
tm send-keys -t t -l typed; tm send-keys -t t Enter
wait_for '^TYPED$' || fail "the pane: typed keys did not reach the command: $(screen)"
wait_for '^[0-9:.]+ +[0-9]+ +/bin/sleep 600' || fail "the list never showed sleep 600: $(screen)"
tm send-keys -t t C-s
wait_for "${STATUS_RE}list" || fail "Ctrl-S: the focus is not on the list: $(screen | tail -1)"
S=$(screen)
grep -Eq "^[0-9:.]+ +[0-9]+ +sh -c '/bin/echo tui-one" <<<"$S" || fail "no line of sh -c: $S"
grep -Eq "^[0-9:.]+ +[0-9]+ +/bin/echo tui-one 'two words'" <<<"$S" || fail "no line of echo: $S"
grep -Eq "^[0-9:.]+ +[0-9]+ +/bin/true tui-two" <<<"$S" || fail "no line of true: $S"
grep -Eq "^[0-9:.]+ +[0-9]+ +/bin/sleep 600" <<<"$S" || fail "no line of sleep: $S"
# The failed exec: its own line, in red (SGR 31).
grep -Eq "prog-tui +failed: ENOENT" <<<"$S" || fail "the failed exec's line: $S"
screen -e | grep 'prog-tui  ' | grep -q $'\e\\[31m' || fail "the failed exec is not red: $(screen -e | grep prog-tui)"
screen -e | grep '/bin/echo tui-one' | grep -q $'\e\\[31m' && fail "a successful exec is red"
# env walking PATH: one line for the true it found, its failed lookups folded into it.
grep -Eq "^[0-9:.]+ +[0-9]+ +true tui-walk +\(after 2 failed PATH lookups\)" <<<"$S" ||
	fail "the PATH walk is not one folded line: $S"
[[ $(grep -Ec "^[0-9:.]+ +[0-9]+ +true tui-walk" <<<"$S") -eq 1 ]] ||
	fail "a failed PATH lookup has a line of its own: $S"
grep -Eq "execs 9  failed 1  lost 0" <<<"$S" || fail "status counts: $(tail -1 <<<"$S")"
grep -q '? help' <<<"$S" || fail "status line without '? help'"

# / finds sh -c (its command line has tui-one), n the echo: it is selected
# (reverse video, SGR 7), and Enter shows it.
tm send-keys -t t / ; tm send-keys -t t -l "tui-one"; tm send-keys -t t Enter
wait_for $'\e\\[[0-9;]*7m[^\e]*sh -c' -e || fail "search did not select sh -c: $(screen -e | grep 'sh -c')"
tm send-keys -t t n
wait_for $'\e\\[[0-9;]*7m[^\e]*tui-one' -e || fail "search did not select the echo: $(screen -e | grep tui-one)"
tm send-keys -t t Enter
wait_for '^argv +/bin/echo$' || fail "details: no argv: $(screen)"
S=$(screen)
grep -Eq "^ +tui-one$" <<<"$S" || fail "details: argv[1]"
grep -Eq "^ +'two words'$" <<<"$S" || fail "details: argv[2] one line"
grep -Eq "^cwd +$(pwd)$" <<<"$S" || fail "details: cwd: $(grep ^cwd <<<"$S")"
grep -Eq "^exe +/usr/bin/echo$" <<<"$S" || fail "details: exe: $(grep ^exe <<<"$S")"
grep -Eq "^stdout +/dev/pts/[0-9]+$" <<<"$S" || fail "details: stdout (the pane): $(grep ^stdout <<<"$S")"
grep -Eq "^exit_code +0$" <<<"$S" || fail "details: exit_code: $(grep ^exit_code <<<"$S")"
# PgDn: the rest of the details, the sh line last.
tm send-keys -t t NPage
wait_for "^\(cd -P -- .* /bin/echo tui-one 'two words'\)$" || fail "details: the sh line: $(screen)"
# y copies the sh line with OSC 52: tmux keeps it as a buffer.
tm set-option -g set-clipboard on >/dev/null
tm send-keys -t t y
wait_for 'copied' || fail "y: nothing said"
tm show-buffer 2>/dev/null | grep -q "/bin/echo tui-one 'two words')" ||
	fail "y: the clipboard has: $(tm show-buffer 2>&1 | head -2)"
# w writes it to a file, after asking for its name.
tm send-keys -t t w; tm send-keys -t t -l "$TMP/sh-line"; tm send-keys -t t Enter
wait_for 'written to' || fail "w: $(screen | tail -1)"
grep -q "/bin/echo tui-one 'two words')$" "$TMP/sh-line" 2>/dev/null || fail "w: the file has: $(cat "$TMP/sh-line" 2>&1)"
# Escape: the list again; ? the keys.
tm send-keys -t t Escape
wait_for "${STATUS_RE}" || fail "Escape: no list"
wait_gone '^argv ' || fail "Escape: still the details"
tm send-keys -t t '?'
wait_for '^q  quit' || fail "help: no 'q  quit': $(screen)"
S=$(screen)
for k in 'Ctrl-S  ' '/  search' 'Enter  details' 'Escape  back' 'Ctrl-L  redraw' '\?  this help'; do
	grep -Eq "^$k" <<<"$S" || fail "help: no line for $k"
done
tm send-keys -t t Escape
# f: failed only.
tm send-keys -t t f
wait_for '\[filter: --failed\]' || fail "f: not said"
wait_gone 'tui-two' || fail "f: the successful execs are still shown"
screen | grep -q 'prog-tui' || fail "f: the failed exec is gone"
tm send-keys -t t f
wait_gone '\[filter: --failed\]' || fail "f again: still failed only"
# t: the tree of the processes; sh became sleep 600 (still running), its
# children under it; Left folds it.
tm send-keys -t t t
wait_for '^- [0-9]+ /bin/sleep 600 .* running$' || fail "t: no root: $(screen)"
S=$(screen)
grep -Eq '^    [0-9]+ /bin/echo tui-one .* exit 0 [0-9.]+s$' <<<"$S" || fail "t: echo's row: $S"
grep -Eq '^    [0-9]+ /no/such/prog-tui +failed: ENOENT .* exit 127 [0-9.]+s$' <<<"$S" ||
	fail "t: the failed exec's row: $S"
tm send-keys -t t Left
wait_for '^\+ [0-9]+ /bin/sleep 600 ' || fail "t: Left did not fold: $(screen)"
wait_gone '^ +[0-9]+ /bin/echo tui-one' || fail "t: folded, the children still show"
tm send-keys -t t t
wait_for '^[0-9:.]+ +[0-9]+ +/bin/true tui-two' || fail "t again: no list"
# q: the command ends (sleep 600 is gone), the terminal is the shell's.
SLEEP_PID=$(pgrep -f '^/bin/sleep 600$' | head -1)
tm send-keys -t t q
wait_for '^tracer: [0-9]+ events' || fail "q: tracer did not end: $(screen)"
gone "$SLEEP_PID" || fail "q: the command still runs"
check_terminal_back "q"

# --- SIGTERM gives the terminal back too ---
new_window
type_line "$TRACER_BIN --tui -- sh -c 'exec >/dev/null 2>&1; exec /bin/sleep 601'"
wait_for '^[0-9:.]+ +[0-9]+ +/bin/sleep 601' || fail "SIGTERM run: no list: $(screen)"
TRACER_PID=$(pgrep -n -f -- "^$TRACER_BIN --tui -- sh -c")
SLEEP_PID=$(pgrep -f '^/bin/sleep 601$' | head -1)
kill -TERM "$TRACER_PID"
wait_for '^\$ ?$' || fail "SIGTERM: no prompt: $(screen)"
gone "$SLEEP_PID" || fail "SIGTERM: the command still runs"
check_terminal_back "SIGTERM"

# --- breakpoints (b): a stop held and continued, a pattern added live, a stop killed ---
new_window
type_line "$TRACER_BIN --tui --stop-at sleep -- sh -c 'exec >/dev/null 2>&1; /bin/sleep 0.1; /bin/echo after-stop'"
wait_for "lost 0  stopped 1  focus" || fail "b: no stop counted: $(screen | tail -1)"
tm send-keys -t t C-s
wait_for "${STATUS_RE}list" || fail "b: Ctrl-S: $(screen | tail -1)"
tm send-keys -t t b
wait_for '^stopped  [0-9]+  /bin/sleep 0\.1  \(sleep\)$' || fail "b: the stopped sleep: $(screen)"
tm send-keys -t t a; tm send-keys -t t -l 'ech*'; tm send-keys -t t Enter
wait_for '^pattern  ech\*$' || fail "b: a did not add the pattern: $(screen)"
tm send-keys -t t Down Down c
wait_for '^stopped  [0-9]+  /bin/echo after-stop  \(ech\*\)$' ||
	fail "b: continued sleep, then echo stopped by the new pattern: $(screen)"
tm send-keys -t t Down k
wait_for 'tracing is over' || fail "b: k did not end the run: $(screen | tail -1)"
tm send-keys -t t b Enter
wait_for '^signal +9 \(SIGKILL\)$' || fail "b: the killed echo's details: $(screen)"
tm send-keys -t t q
wait_for '^\$ ?$' || fail "b: q: no prompt"

# --- a --pid scope, no COMMAND: the list alone, focus on it ---
new_window
sh -c "exec >/dev/null 2>&1; while [ ! -e $TMP/go ]; do sleep 0.1; done; /bin/echo pid-scope-exec; exec /bin/sleep 602" &
SCOPE=$!
PIDS+=("$SCOPE")
type_line "$TRACER_BIN --tui --pid $SCOPE"
wait_for "${STATUS_RE}list" || fail "--pid: no status line: $(screen)"
# A smaller window: the layout is made again, the status line on its new last row.
tm resize-window -t t -x 120 -y 25
for ((i = 0; i < WAIT_S * 10; i++)); do
	[[ "$(screen | wc -l)" -eq 25 ]] && screen | tail -1 | grep -Eq "${STATUS_RE}list" && break
	sleep 0.1
done
screen | tail -1 | grep -Eq "${STATUS_RE}list" || fail "resize: the last row: $(screen | tail -1)"
touch "$TMP/go"
wait_for '/bin/echo pid-scope-exec' || fail "--pid: the exec is not listed: $(screen)"
kill "$SCOPE"
wait_for 'tracing is over' || fail "--pid: not over when the process ended: $(screen | tail -1)"
tm send-keys -t t q
wait_for '^\$ ?$' || fail "--pid: q: no prompt"
check_terminal_back "--pid"

# --- Ctrl-Z gives the terminal back while tracer is stopped; fg brings the screen back ---
new_window
type_line "$TRACER_BIN --tui --pid \$\$"
wait_for "${STATUS_RE}list" || fail "Ctrl-Z run: no screen: $(screen)"
tm send-keys -t t C-z
wait_for 'Stopped +.*tracer --tui' || fail "Ctrl-Z: not stopped: $(screen)"
check_terminal_back "Ctrl-Z"
type_line "fg"
# The shell's stty ran while tracer was stopped: its exec was kept in the ring, now listed.
wait_for '^[0-9:.]+ +[0-9]+ +stty -a' || fail "fg: the screen did not come back: $(screen)"
tm send-keys -t t q
wait_for '^\$ ?$' || fail "Ctrl-Z: q: no prompt"
check_terminal_back "Ctrl-Z, fg, q"

# --- a storm: 2,000 execs, none lost, the last one on the list's last line ---
new_window
type_line "$TRACER_BIN --tui -- sh -c 'exec >/dev/null 2>&1; i=0; while [ \$i -lt 2000 ]; do /bin/true storm-\$i; i=\$((i+1)); done; /bin/echo storm-last'"
WAIT_S=$((WAIT_S * 6)) wait_for 'tracing is over' || fail "storm: not over: $(screen | tail -1)"
S=$(screen)
grep -Eq "execs 2002  failed 0  lost 0" <<<"$S" || fail "storm: status: $(tail -1 <<<"$S")"
LAST=$(grep -v '^$' <<<"$S" | tail -2 | head -1)
grep -Eq "^[0-9:.]+ +[0-9]+ +/bin/echo storm-last( |$)" <<<"$LAST" || fail "storm: the last line: $LAST"
tm send-keys -t t q
wait_for '^\$ ?$' || fail "storm: q: no prompt"

if ((failures)); then
	echo "$failures check(s) failed"
	exit 1
fi
echo "PASS"
