#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# The command's pane of tracer --tui, used as a person would, under tmux:
# the command's colour shows in the pane (GREEN in green, read with
# capture-pane -e), keys typed while the pane has the focus reach the
# command (its read gets them), and quitting (Ctrl-S to the list, q) closes
# its terminal: the command dies of SIGHUP, tracer exits with its status
# (129). Needs root, BTF and tmux; TRACER_BIN is set by ctest.
set -u

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
if [[ "$(id -u)" -ne 0 || ! -r /sys/kernel/btf/vmlinux ]]; then
	echo "SKIP: needs root and kernel BTF"
	exit 77
fi
if ! command -v tmux >/dev/null; then
	echo "SKIP: needs tmux (scripts/deps installs it)"
	exit 77
fi
TMP=$(mktemp -d /tmp/tracer-tuipane.XXXXXX)
# A tmux server of its own: no other session is touched.
TMUX_SOCKET="tracer-tuipane-$$"
tm() { tmux -L "$TMUX_SOCKET" "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$TMP"' EXIT

# Waits up to 30 s (a loaded machine) for the pane to match the extended regex $1; -e keeps colours.
wait_screen() {
	local i
	for i in $(seq 300); do
		tm capture-pane -p -e -t pane >"$TMP/screen" 2>/dev/null
		grep -qE "$1" "$TMP/screen" && return 0
		sleep 0.1
	done
	return 1
}

CMD='printf "\033[32mGREEN\033[0m\n"; read x; echo "typed $x"; sleep 60'
printf '%s\n' "$CMD" >"$TMP/cmd"
tm new-session -d -s pane -x 100 -y 30 \
	"\"$TRACER_BIN\" --tui -- sh \"$TMP/cmd\"; echo \$? >\"$TMP/rc\"; sleep 600"
fail=0
# SGR 32 (or its 256-colour form) right before the word: drawn in green.
if ! wait_screen $'\033\\[(32|38;5;2)m(\033\\[[0-9;]*m)*GREEN'; then
	echo "FAIL: GREEN in green is not in the pane:" >&2
	cat -v "$TMP/screen" >&2
	fail=1
fi
tm send-keys -t pane 'hello pane' Enter
if ! wait_screen '^typed hello pane'; then
	echo "FAIL: the keys typed did not reach the command:" >&2
	cat -v "$TMP/screen" >&2
	fail=1
fi
# The focus to the list, then quit: the command's terminal is closed.
tm send-keys -t pane C-s
sleep 0.5
tm send-keys -t pane q
for i in $(seq 300); do
	[[ -s "$TMP/rc" ]] && break
	sleep 0.1
done
rc=$(cat "$TMP/rc" 2>/dev/null)
if [[ "$rc" != 129 ]]; then
	echo "FAIL: tracer exited with '$rc', want 129 (the command's SIGHUP)" >&2
	fail=1
fi
exit $fail
