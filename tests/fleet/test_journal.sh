#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# Issue 27, item 3: --journal sends each event as one structured journal
# entry. A systemd-journald of the test's own runs in a private mount
# namespace (its own /run, a tmpfs over /var/log/journal): nothing reaches
# the machine's journal, if it has one. tracer runs a COMMAND with three
# execs, one with an argument of hostile bytes (a newline, an escape
# sequence) and one that fails; the entries are read back with
# journalctl -o json and their fields checked exactly, TRACER_JSON against
# the JSON tracer wrote to -o at the same time. Needs root; TRACER_BIN is
# set by ctest.
set -u

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
JOURNALD=/lib/systemd/systemd-journald

if [[ "${1:-}" != inside ]]; then
	require unshare journalctl jq
	[[ -x "$JOURNALD" ]] || { echo "SKIP: no $JOURNALD (Debian's systemd package)"; exit 77; }
	unshare -m true 2>/dev/null || { echo "SKIP: cannot make a mount namespace"; exit 77; }
	if "$TRACER_BIN" --journal --all --quiet 2>&1 | grep -q 'not built in'; then
		echo "SKIP: this tracer is built without libsystemd"
		exit 77
	fi
	exec unshare -m --propagation private bash "$0" inside
fi

private_tmp journal
JOURNALD_PID=
at_exit '[[ -n "$JOURNALD_PID" ]] && kill "$JOURNALD_PID" 2>/dev/null && wait "$JOURNALD_PID"'

# Without a journal, --journal refuses to start, before anything is loaded.
mount -t tmpfs tmpfs /run || exit 1
"$TRACER_BIN" --journal -- /bin/true 2>"$TMP/err"
rc=$?
[[ $rc -eq 1 && "$(cat "$TMP/err")" == "tracer: --journal: no journal here: /run/systemd/journal/socket: No such file or directory" ]] ||
	fail "no journal: exit $rc, said: $(cat "$TMP/err")"

# The test's own journald: a runtime journal in /run/log/journal.
mkdir -p /run/systemd/journal
[[ -d /var/log/journal ]] && mount -t tmpfs tmpfs /var/log/journal
"$JOURNALD" 2>"$TMP/journald.err" &
JOURNALD_PID=$!
for ((i = 0; i < 100; i++)); do
	[[ -S /run/systemd/journal/socket ]] && break
	sleep 0.05
done
[[ -S /run/systemd/journal/socket ]] || { echo "SKIP: systemd-journald did not start: $(cat "$TMP/journald.err")"; exit 77; }

mkdir "$TMP/work"
cd "$TMP/work" || exit 1
hostile=$'x\ny\e[31m'
"$TRACER_BIN" --journal --json -o "$TMP/out.jsonl" -- \
	sh -c '/bin/true "a b" "$1"; /nonexistent/prog arg; exit 0' sh "$hostile" 2>"$TMP/err"
rc=$?
[[ $rc -eq 0 ]] || fail "tracer exited $rc: $(cat "$TMP/err")"

# The three entries, once journald has written them (they came by datagram).
entries()
{
	journalctl -D /run/log/journal -o json --no-pager SYSLOG_IDENTIFIER=tracer 2>/dev/null
}
for ((i = 0; i < 100; i++)); do
	[[ "$(entries | wc -l)" -ge 3 ]] && break
	sleep 0.05
done
journalctl --sync 2>/dev/null
entries >"$TMP/entries"
[[ "$(wc -l <"$TMP/entries")" -eq 3 ]] || fail "$(wc -l <"$TMP/entries") entries, not 3"
[[ "$(wc -l <"$TMP/out.jsonl")" -eq 3 ]] || fail "$(wc -l <"$TMP/out.jsonl") JSON lines, not 3"

# entry N [-r] FILTER: jq FILTER on the Nth entry (0-based), compact.
entry()
{
	sed -n "$(($1 + 1))p" "$TMP/entries" | jq -c "${@:2}"
}
# expect N FILTER VALUE
expect()
{
	local got

	got=$(entry "$1" "$2")
	[[ "$got" == "$3" ]] || fail "entry $1: $2 is $got, not $3"
}

sh_pid=$(sed -n 1p "$TMP/out.jsonl" | jq .pid)
for n in 0 1 2; do
	# TRACER_JSON is the line -o got, byte for byte.
	[[ "$(entry $n -r '.TRACER_JSON')" == "$(sed -n "$((n + 1))p" "$TMP/out.jsonl")" ]] ||
		fail "entry $n: TRACER_JSON is not the JSON line"
	expect $n .SYSLOG_IDENTIFIER '"tracer"'
	expect $n .TRACER_EVENT '"exec"'
	expect $n .TRACER_UID '"0"'
	expect $n .TRACER_CWD "\"$TMP/work\""
	# MESSAGE is one readable line: a string (journalctl shows bytes it
	# would not print as an array), no control character in it.
	expect $n '.MESSAGE | type' '"string"'
	[[ "$(entry $n -r .MESSAGE)" != *[[:cntrl:]]* ]] || fail "entry $n: a control character in MESSAGE"
	# The pid is the process's, not tracer's (journald's own _PID).
	[[ "$(entry $n -r .TRACER_PID)" != "$(entry $n -r ._PID)" ]] || fail "entry $n: TRACER_PID is tracer's"
done

# sh: its pid, its arguments as shell words.
expect 0 .TRACER_PID "\"$sh_pid\""
expect 0 .PRIORITY '"6"'
expect 0 .TRACER_FILENAME '"/usr/bin/sh"'
expect 0 .TRACER_ARGC '"5"'
[[ "$(entry 0 -r .TRACER_ARGV)" == "sh -c '/bin/true \"a b\" \"\$1\"; /nonexistent/prog arg; exit 0' sh \$'x\\ny\\x1b[31m'" ]] ||
	fail "entry 0: TRACER_ARGV is $(entry 0 .TRACER_ARGV)"

# /bin/true: the hostile argument as a shell word that reads back as its bytes.
expect 1 .TRACER_PPID "\"$sh_pid\""
expect 1 .PRIORITY '"6"'
expect 1 .TRACER_FILENAME '"/bin/true"'
expect 1 .TRACER_EXE '"/usr/bin/true"'
expect 1 .TRACER_ARGV "\"/bin/true 'a b' \$'x\\\\ny\\\\x1b[31m'\""
[[ "$(eval "printf '%s\\0' $(entry 1 -r .TRACER_ARGV)" | od -An -tx1 | tr -d ' \n')" == \
	"$(printf '%s\0' /bin/true 'a b' "$hostile" | od -An -tx1 | tr -d ' \n')" ]] ||
	fail "entry 1: TRACER_ARGV does not read back as the arguments"
expect 1 .TRACER_ERRNO 'null'
# MESSAGE is the readable line (execline.h) without a time column: the pid,
# then the command line; not the kv line.
msg=$(entry 1 -r .MESSAGE)
[[ "$msg" =~ ^\ *[0-9]+\ +/bin/true\ \'a\ b\'\  && "$msg" != *pid=* ]] ||
	fail "entry 1: MESSAGE is not the readable line: $msg"

# The failed exec: a warning, with its errno, no exe.
expect 2 .PRIORITY '"4"'
expect 2 .TRACER_ERRNO '"ENOENT"'
expect 2 .TRACER_FILENAME '"/nonexistent/prog"'
expect 2 .TRACER_ARGV '"/nonexistent/prog arg"'
[[ "$(entry 2 -r .MESSAGE)" == *"/nonexistent/prog arg"*ENOENT* ]] ||
	fail "entry 2: MESSAGE does not say the exec failed: $(entry 2 -r .MESSAGE)"
expect 2 .TRACER_EXE 'null'

if [[ $failures -eq 0 ]]; then
	echo "journal: 3 entries, every field as expected; the /bin/true entry:"
	sed -n 2p "$TMP/entries" | jq 'del(.__CURSOR, ._BOOT_ID, ._MACHINE_ID, ._HOSTNAME)'
fi
[[ $failures -eq 0 ]] || exit 1
