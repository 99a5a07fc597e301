#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# The list's live filter of tracer --tui (F, f), used as a person would,
# under tmux: a command execs as root and as an unprivileged user (setpriv:
# real and effective uid 65534, then effective only), with several programs
# and a failed exec. Filters typed at F in both forms show exactly the rows
# they select, in order (the rest hidden); the status line says the filter;
# search and the tree go through it; a bad filter says why in the status
# line and the rows stay; an empty one clears it, and f is --failed. Every
# wait polls the screen (the machine is slow and loaded). Needs root, BTF,
# tmux and setpriv; TRACER_BIN is set by ctest.
set -u

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
require tmux setpriv
if "$TRACER_BIN" --tui -- true </dev/null 2>&1 | grep -q 'not built in'; then
	skip "this tracer is built without the TUI (ncursesw, libvterm)"
fi
private_tmp tuifilter
# A tmux server of its own: no other session is touched.
SOCK="tracer-tuifilter-$$"
tm() { tmux -L "$SOCK" "$@"; }
at_exit 'tm kill-server 2>/dev/null'
screen() { tm capture-pane -p -t f "$@"; }

screen_has() { screen | grep -Eq -- "$RE"; }
# Waits until the screen has a line matching the extended regex $1.
wait_for()
{
	RE=$1
	wait_until "$LIMIT" screen_has
}

# The list's rows: the command after the time and pid, cut to its first two
# words (setpriv's to its tf- tag), one per line, in order.
rows()
{
	screen | sed -nE 's/^[0-9:.]+ +[0-9]+ +//p' |
		sed -E 's/^(setpriv) .*(tf-[a-z-]+).*/\1 \2/; s/^([^ ]+) +([^ ]+).*/\1 \2/'
}

rows_are() { [[ "$(rows)" == "$WANT" ]]; }
# check_rows WHAT EXPECTED: the list shows exactly these rows (waits for them).
check_rows()
{
	WANT=$2
	if ! wait_until "$LIMIT" rows_are; then
		fail "$1: the rows are not as expected; want:"$'\n'"$2"$'\n'"got:"$'\n'"$(rows)"$'\n'"screen:"$'\n'"$(screen)"
	fi
}

# set_filter TEXT: F, the text typed, Enter.
set_filter()
{
	tm send-keys -t f F
	wait_for '^filter \(--uid --comm --match --failed\): ?$' || fail "F: no prompt: $(screen | tail -1)"
	[[ -z "$1" ]] || tm send-keys -t f -l -- "$1"
	tm send-keys -t f Enter
}

NOBODY="setpriv --reuid 65534 --regid 65534 --clear-groups"
cat >"$TMP/cmd" <<EOF
exec >/dev/null 2>&1
/bin/echo tf-root-one
$NOBODY /bin/echo tf-nobody-one
$NOBODY /bin/true tf-nobody-two
setpriv --euid 65534 --clear-groups /bin/true tf-euid
/bin/true tf-root-two
/no/such/tf-missing
exec /bin/sleep 603
EOF
# As root, not as a sudo user: setpriv needs root.
tm -f /dev/null new-session -d -s f -x 200 -y 40 \
	"env -u SUDO_UID -u SUDO_GID -u SUDO_USER TERM=screen-256color \"$TRACER_BIN\" --tui -- sh \"$TMP/cmd\"; echo \$? >\"$TMP/rc\"" ||
	die "no tmux session"
tm set-option -t f -g status off >/dev/null

ALL="sh $TMP/cmd
/bin/echo tf-root-one
setpriv tf-nobody-one
/bin/echo tf-nobody-one
setpriv tf-nobody-two
/bin/true tf-nobody-two
setpriv tf-euid
/bin/true tf-euid
/bin/true tf-root-two
/no/such/tf-missing failed:
/bin/sleep 603"
wait_for '^[0-9:.]+ +[0-9]+ +/bin/sleep 603' || die "the list never showed sleep 603: $(screen)"
# The focus starts on the command's pane: the keys are the list's after Ctrl-S.
tm send-keys -t f C-s
wait_for 'focus list' || die "Ctrl-S: the focus is not on the list: $(screen | tail -1)"
check_rows "no filter" "$ALL"

# The user: real or effective uid 65534; the setpriv execs (root's) hidden.
set_filter "--uid 65534"
wait_for '\[filter: --uid 65534\]' || fail "--uid: the status line: $(screen | tail -1)"
check_rows "--uid 65534" "/bin/echo tf-nobody-one
/bin/true tf-nobody-two
/bin/true tf-euid"
# The search goes through what is shown only.
tm send-keys -t f /
tm send-keys -t f -l tf-root-one
tm send-keys -t f Enter
wait_for 'not found: tf-root-one' || fail "search: a hidden exec was found: $(screen | tail -1)"
# The tree: the three processes shown, roots (their parent sh has no exec shown).
tm send-keys -t f t
wait_for '^  [0-9]+ /bin/true tf-euid ' || fail "t: no row of tf-euid: $(screen)"
TREE=$(screen | grep -E '^ +[0-9]+ ')
[[ $(grep -c . <<<"$TREE") -eq 3 ]] || fail "t: want 3 rows, got: $TREE"
grep -q 'tf-root\|sleep\|setpriv' <<<"$TREE" && fail "t: a row the filter hides: $TREE"
tm send-keys -t f t
wait_for '^[0-9:.]+ +[0-9]+ +/bin/true tf-euid' || fail "t again: no list: $(screen)"

# A bad filter: one line that says why, the filter and its rows kept.
set_filter "--uid nosuchuser-tf"
wait_for '\[filter: --uid 65534\].*  \| bad filter: unknown user nosuchuser-tf in --uid \(kept: --uid 65534\)' ||
	fail "a bad filter: the status line: $(screen | tail -1)"
check_rows "after a bad filter" "/bin/echo tf-nobody-one
/bin/true tf-nobody-two
/bin/true tf-euid"
set_filter "--match 'gcc *"
wait_for 'bad filter: a single quote is not closed \(kept: --uid 65534\)' ||
	fail "an unclosed quote: the status line: $(screen | tail -1)"

# The short form; both must hold: uid 0 (tf-euid's real uid) and the program true.
set_filter "uid=0 comm=true"
wait_for '\[filter: --uid 0 --comm true\]' || fail "uid= comm=: the status line: $(screen | tail -1)"
check_rows "uid=0 comm=true" "/bin/true tf-euid
/bin/true tf-root-two"

# A glob over the command line.
set_filter "--match '/bin/echo *'"
wait_for "\[filter: --match '/bin/echo \*'\]" || fail "--match: the status line: $(screen | tail -1)"
check_rows "--match" "/bin/echo tf-root-one
/bin/echo tf-nobody-one"

# failed, and f the same switch.
set_filter "failed"
wait_for '\[filter: --failed\]' || fail "failed: the status line: $(screen | tail -1)"
check_rows "failed" "/no/such/tf-missing failed:"
tm send-keys -t f f
check_rows "f off" "$ALL"
screen | tail -1 | grep -q '\[filter' && fail "f off: the status line still has a filter: $(screen | tail -1)"
tm send-keys -t f f
check_rows "f on" "/no/such/tf-missing failed:"

# Empty clears it: every row back.
set_filter ""
wait_for 'filter cleared' || fail "empty: not said: $(screen | tail -1)"
check_rows "cleared" "$ALL"
screen | tail -1 | grep -q '\[filter' && fail "cleared: the status line still has a filter: $(screen | tail -1)"

# ? lists the key.
tm send-keys -t f '?'
wait_for '^F  filter: --uid UID --comm NAME --match GLOB --failed' || fail "help: no F: $(screen)"
tm send-keys -t f Escape
wait_for 'focus list' || fail "Escape: no list: $(screen)"
tm send-keys -t f q
wait_until "$LIMIT" test -s "$TMP/rc" || fail "q: tracer did not end"
finish
