#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# Issue 23.8: --exclude-from blocked forever on a FIFO, and read /dev/zero
# until memory ran out, then ran with no exclusions at all (exit 0). Only a
# regular file of root's or of the sudo user's, of at most 1 MiB, is read;
# anything else, and any read error, is one line and exit 2 at once, with
# nothing loaded. A user created here (removed at the end) owns the files
# that are not root's. Needs root, useradd, setpriv; TRACER_BIN is set by ctest.
set -u

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
sec_setup useradd setpriv

OTHER=tsex$$
at_exit 'userdel "$OTHER" 2>/dev/null'
useradd -M -d /nonexistent -s /usr/sbin/nologin "$OTHER" || { echo "SKIP: useradd failed"; exit 77; }
OTHER_UID=$(id -u "$OTHER")
OTHER_GID=$(id -g "$OTHER")
chmod 755 "$TMP"

# refused WHY FILE [ENV...]: exit 2 within the time limit, one line saying WHY.
refused()
{
	local why=$1 file=$2 rc
	shift 2
	env "$@" timeout 20 "$TRACER_BIN" --exclude-from "$file" -- /bin/true >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[[ $rc -eq 2 ]] || fail "--exclude-from $file: exit $rc, want 2"
	[[ $(wc -l <"$TMP/err") -eq 1 ]] || fail "--exclude-from $file: not one line"
	grep -q "^tracer: cannot read --exclude-from '.*': $why" "$TMP/err" ||
		fail "--exclude-from $file: no message '$why'"
}

# A FIFO nobody writes to: refused at once, not waited on.
mkfifo "$TMP/fifo"
refused 'not a regular file' "$TMP/fifo"
# Endless input: refused before a byte is read.
refused 'not a regular file' /dev/zero
refused 'not a regular file' "$TMP"
# Too big: 2 MiB of valid lines.
yes '# a comment line' | head -c 2097152 >"$TMP/big"
refused 'larger than 1 MiB' "$TMP/big"
# Another user's file: they could change what root excludes.
printf 'cron\n' >"$TMP/theirs"
chown "$OTHER_UID:$OTHER_GID" "$TMP/theirs"
refused 'belongs to another user' "$TMP/theirs"
refused 'No such file' "$TMP/missing"

# The control: root's file, and the sudo user's own, are read.
printf '# root\n/bin/true\ncaller /bin/false\ncron\n' >"$TMP/ok"
timeout 30 "$TRACER_BIN" --exclude-from "$TMP/ok" -- /bin/true >"$TMP/out" 2>"$TMP/err"
rc=$?
[[ $rc -eq 0 ]] || fail "root's --exclude-from: exit $rc, want 0"
grep -q 'execs excluded' "$TMP/err" || fail "root's --exclude-from: /bin/true not excluded"
SUDO_UID=$OTHER_UID SUDO_GID=$OTHER_GID timeout 30 "$TRACER_BIN" --exclude-from "$TMP/theirs" \
	-- /bin/true >"$TMP/out" 2>"$TMP/err"
rc=$?
[[ $rc -eq 0 ]] || fail "the sudo user's own --exclude-from: exit $rc, want 0"
# A line that is no entry: still refused with its number.
printf 'ok\ncaller x\n' >"$TMP/badline"
timeout 20 "$TRACER_BIN" --exclude-from "$TMP/badline" -- /bin/true >"$TMP/out" 2>"$TMP/err"
rc=$?
[[ $rc -eq 2 ]] || fail "invalid line: exit $rc, want 2"
grep -q "line 2: invalid entry" "$TMP/err" || fail "invalid line: no line number"

finish
