#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# Issue 27, item 4: -o FILE is reopened on SIGHUP (logrotate's convention).
# A workload execs /bin/true rot-N without a pause while the test renames the
# log and sends SIGHUP, twice: every N appears exactly once over the files,
# the later ones in the new file; the new file passes -o's checks (0600,
# not through a symlink: the second time a symlink is planted at the path,
# and tracer keeps writing to the file it has, leaving the link's target
# untouched). Needs root; TRACER_BIN is set by ctest.
set -u

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
require
private_tmp rotate
WORK_PID=
at_exit '[[ -n "$WORK_PID" ]] && kill "$WORK_PID" 2>/dev/null' stop_tracer 'wait 2>/dev/null'

# The rot-N of a file, one per line.
tags()
{
	grep -o 'rot-[0-9]*' "$1" | sed 's/rot-//'
}

# The workload: waits for go, then execs /bin/true rot-0, rot-1, ... until
# stop exists, and writes how many it ran.
cd "$TMP" || exit 1
bash -c 'until [[ -e go ]]; do sleep 0.05; done
	i=0
	while [[ ! -e stop ]]; do /bin/true "rot-$i"; i=$((i + 1)); done
	echo "$i" >count' &
WORK_PID=$!

"$TRACER_BIN" --pid "$WORK_PID" -o "$TMP/execs.log" 2>"$TMP/err" &
TRACER_PID=$!
wait_line "$TMP/err" 'tracer: ready' || { fail "tracer did not start"; exit 1; }
touch go

# The first rotation, as logrotate does it (create mode: rename, then SIGHUP).
wait_line "$TMP/execs.log" 'rot-100' || fail "no events before the first rotation"
mv execs.log execs.log.1
kill -HUP "$TRACER_PID"
wait_line "$TMP/execs.log" 'rot-' || fail "no events in the new file after SIGHUP"
[[ "$(stat -c '%a %u %h' execs.log 2>/dev/null)" == "600 0 1" ]] ||
	fail "the new file is not root's 0600: $(stat -c '%a %u %h' execs.log 2>&1)"

# The second: a symlink planted at the path is not followed.
printf 'victim\n' >victim
n=$(wc -l <execs.log)
mv execs.log execs.log.2
ln -s victim execs.log
kill -HUP "$TRACER_PID"
wait_line "$TMP/err" 'reopening the output' || fail "the refused reopen is not said"
sleep 0.3 # execs keep coming: they must go on into execs.log.2
[[ "$(wc -l <execs.log.2)" -gt "$n" ]] || fail "the events stopped after a refused reopen"

touch stop
wait "$WORK_PID"
WORK_PID=
wait "$TRACER_PID"
rc=$?
TRACER_PID=
[[ $rc -eq 0 ]] || fail "tracer exited $rc"
[[ "$(cat victim)" == victim ]] || fail "the symlink's target was written"
grep -q 'symbolic link' err || fail "the refusal does not say why"

count=$(cat count)
tags execs.log.1 >all
tags execs.log.2 >>all
if [[ "$(sort -n all | uniq -d | head -1)" != "" ]]; then
	fail "events written twice: $(sort -n all | uniq -d | head -3 | tr '\n' ' ')"
fi
[[ "$(sort -n -u all | wc -l)" -eq "$count" && "$(sort -n all | tail -1)" -eq $((count - 1)) ]] ||
	fail "$count execs ran, $(sort -n -u all | wc -l) written"
# The later events are in the new file: all of them after the old file's.
[[ "$(tags execs.log.1 | tail -1)" -lt "$(tags execs.log.2 | head -1)" ]] ||
	fail "the new file does not continue where the old one ended"
echo "rotate: $count execs over two rotations, none lost, none twice"
[[ $failures -eq 0 ]] || exit 1
