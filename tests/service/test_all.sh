#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
# --all sees a process nobody named; --exclude, --exclude-comm and
# --exclude-from drop exactly what they name, in the kernel (counted).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require

M="svc-all-$$-$RANDOM"
cp /bin/sh "$TMP/svcexclsh"          # comm "svcexclsh": excluded by name
cp /bin/sh "$TMP/svcfromsh"          # excluded by name through --exclude-from
cp /bin/echo "$TMP/echo-excluded"    # excluded by path
printf '# exclusions\n\n%s/echo-from\nsvcfromsh\n' "$TMP" >"$TMP/list"
cp /bin/echo "$TMP/echo-from"        # excluded by path through --exclude-from

start_tracer --all --json --ringbuf-size 64M --exclude "$TMP/echo-excluded" --exclude-comm svcexclsh \
	--exclude-from "$TMP/list"
grep -qxE 'tracer: ready: watching all processes since [0-9-]{10}T[0-9:.]{15}Z' "$TMP/err" || die "no ready line"

# Started by setsid, outside any process tree tracer was told about.
setsid /bin/sh -c "/bin/echo $M-seen" >/dev/null
"$TMP/echo-excluded" "$M-path" >/dev/null
"$TMP/svcexclsh" -c "/bin/echo $M-comm; /bin/echo $M-comm2" >/dev/null
"$TMP/echo-from" "$M-frompath" >/dev/null
"$TMP/svcfromsh" -c "/bin/echo $M-fromcomm" >/dev/null
/bin/echo "$M-last" >/dev/null
for _ in $(seq 100); do
	grep -q "$M-last" "$TMP/out" && break
	sleep 0.05 # the last event is the sign that every earlier one was written
done
stop_tracer || die "tracer exited with $? after SIGINT"

grep -q "\"argv\":\[\"/bin/echo\",\"$M-seen\"\]" "$TMP/out" || die "--all missed a process"
grep -q "\"filename\":\"$TMP/svcexclsh\"" "$TMP/out" ||
	die "the exec of the excluded comm's program itself is the caller's (bash): expected"
for what in path comm comm2 frompath fromcomm; do
	if grep -q "\"$M-$what\"\]" "$TMP/out"; then
		die "excluded exec ($what) reported"
	fi
done
grep -q "tracer: 5 execs excluded" "$TMP/err" ||
	{ grep excluded "$TMP/err" >&2; die "excluded count is not 5"; }
grep -q ', 0 lost,' "$TMP/err" || die "events lost"
echo PASS
