#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# Issue 12, finding 7: in launch mode the events share stderr with the
# command, which can print lines that look exactly like events. With
# --output-fd N the events go to a descriptor of their own, which the
# command does not inherit: a command (run as nobody) that prints a fake
# event on stderr and tries descriptor N too leaves only real events there.
# Needs root; TRACER_BIN is set by ctest.
set -u

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
sec_setup

# The forgery is assembled at run time: the real event's argv holds only its recipe.
FORGE='f=FORGED; printf "[0.000001] pid=1 tid=1 uid=0 gid=0 syscall_id=59 comm=\"cron\" filename=\"/bin/rm\" ppid=0 ret=0 tty=- argv: rm %s-EVENT\n" "$f" >&2; printf "{\"type\":\"exec\",\"argv\":[\"%s-JSON\"]}\n" "$f" >&2; echo "$f-FD" >&3; exit 7'

for mode in text json; do
	json=()
	[[ $mode == json ]] && json=(--json)
	timeout 60 "$TRACER_BIN" "${json[@]}" --output-fd 3 -u nobody -- /bin/sh -c "$FORGE" \
		3>"$TMP/events" 2>"$TMP/err"
	rc=$?
	[[ $rc -eq 7 ]] || fail "$mode: exit $rc, want the command's 7"
	# The control: the forgery did reach stderr, where it would pass for an event.
	grep -q 'FORGED-EVENT' "$TMP/err" || fail "$mode: the command's forged line is not on stderr"
	grep -q 'FORGED-' "$TMP/events" && fail "$mode: a forged line is among the events"
	grep -q '/bin/sh' "$TMP/events" || fail "$mode: the real exec of /bin/sh is missing"
	[[ $(wc -l <"$TMP/events") -eq 1 ]] || fail "$mode: $(wc -l <"$TMP/events") lines, want 1"
done

# Validation: 0 is a usage error; a closed or read-only descriptor, a clear error.
"$TRACER_BIN" --output-fd 0 -- /bin/true 2>"$TMP/err"
[[ $? -eq 2 ]] || fail "--output-fd 0 accepted"
"$TRACER_BIN" --output-fd 9 -- /bin/true 9>&- 2>"$TMP/err"
[[ $? -eq 1 ]] || fail "--output-fd 9 (closed): not refused"
grep -q 'not an open descriptor' "$TMP/err" || fail "--output-fd 9 (closed): no message"
"$TRACER_BIN" --output-fd 3 -- /bin/true 3</dev/null 2>"$TMP/err"
[[ $? -eq 1 ]] || fail "--output-fd 3 (read-only): not refused"
grep -q 'not open for writing' "$TMP/err" || fail "--output-fd 3 (read-only): no message"
"$TRACER_BIN" --output-fd 3 -o "$TMP/x" -- /bin/true 3>/dev/null 2>"$TMP/err"
[[ $? -eq 2 ]] || fail "--output-fd with -o: not a usage error"

# Issue 23.1: --output-fd 1 and 2 are shared with the COMMAND, which keeps
# its standard output and error; -o - is standard output, never a file "-".
timeout 60 "$TRACER_BIN" --output-fd 1 -- /bin/sh -c 'echo hello-out' >"$TMP/out" 2>"$TMP/err"
rc=$?
[[ $rc -eq 0 ]] || fail "--output-fd 1: exit $rc"
grep -qx 'hello-out' "$TMP/out" || fail "--output-fd 1: the command's own output is lost"
grep -q '/bin/sh' "$TMP/out" || fail "--output-fd 1: no event on standard output"
timeout 60 "$TRACER_BIN" --output-fd 2 -- /bin/sh -c 'echo hello-err >&2' >"$TMP/out" 2>"$TMP/err"
rc=$?
[[ $rc -eq 0 ]] || fail "--output-fd 2: exit $rc"
grep -qx 'hello-err' "$TMP/err" || fail "--output-fd 2: the command's own error output is lost"
grep -q '/bin/sh' "$TMP/err" || fail "--output-fd 2: no event on standard error"
mkdir "$TMP/cwd"
(cd "$TMP/cwd" && timeout 60 "$TRACER_BIN" --json -o - -- /bin/sh -c 'echo hello-dash' \
	>"$TMP/out" 2>"$TMP/err")
rc=$?
[[ $rc -eq 0 ]] || fail "-o -: exit $rc"
[[ -e "$TMP/cwd/-" ]] && fail "-o - created a file named -"
grep -qx 'hello-dash' "$TMP/out" || fail "-o -: the command's output is lost"
grep -q '"type":"exec"' "$TMP/out" || fail "-o -: no event on standard output"
"$TRACER_BIN" -o - --output-fd 3 -- /bin/true 3>/dev/null 2>"$TMP/err"
[[ $? -eq 2 ]] || fail "-o - with --output-fd: not a usage error"

finish
