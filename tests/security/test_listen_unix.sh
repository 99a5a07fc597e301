#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# Issue 12, finding 5 (in part): the HTTP API on a Unix-domain socket that
# only the invoking user can use. A user created here (removed at the end)
# plays the other local user: over 127.0.0.1 they could read every user's
# command lines; on the socket (mode 0600) the kernel refuses them. Also: the
# socket is the sudo user's under sudo, a symlink or a file at the path is
# refused and left alone, and a TCP address other than loopback draws a
# warning. Needs root, curl; TRACER_BIN is set by ctest.
set -u

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
sec_setup curl useradd

OTHER=tsec$$
at_exit 'userdel "$OTHER" 2>/dev/null'
useradd -M -d /nonexistent -s /usr/sbin/nologin "$OTHER" || { echo "SKIP: useradd failed"; exit 77; }
O_UID=$(id -u "$OTHER")
O_GID=$(id -g "$OTHER")
chmod 755 "$TMP"

as_user() # UID GID COMMAND...
{
	local uid=$1 gid=$2
	shift 2
	setpriv --reuid="$uid" --regid="$gid" --clear-groups -- "$@"
}
start_tracer()
{
	"$TRACER_BIN" "$@" >"$TMP/out" 2>"$TMP/err" &
	TRACER_PID=$!
	wait_ready
}
healthz() # [as UID GID]
{
	local cmd=(curl -sS --max-time 10 --unix-socket "$SOCK" http://tracer/healthz)
	if (($#)); then as_user "$1" "$2" "${cmd[@]}"; else "${cmd[@]}"; fi
}

# 1. As root: the socket is root's, 0600; root is served, the other user refused.
SOCK=$TMP/api.sock
if start_tracer --all --quiet --listen "unix:$SOCK"; then
	[[ "$(stat -c '%F %u %a' "$SOCK")" == "socket 0 600" ]] ||
		fail "socket is '$(stat -c '%F %u %a' "$SOCK")', want 'socket 0 600'"
	[[ "$(healthz)" == '{"status":"ok"}' ]] || fail "root is not served"
	healthz "$O_UID" "$O_GID" >/dev/null 2>&1 && fail "another user is served"
	as_user "$O_UID" "$O_GID" curl -s --max-time 10 --unix-socket "$SOCK" \
		'http://tracer/executions?limit=5' | grep -q '"argv"' && fail "another user read the executions"
	# A second tracer on the same path: refused, the first keeps its socket.
	"$TRACER_BIN" --all --quiet --listen "unix:$SOCK" >/dev/null 2>"$TMP/err2"
	[[ $? -eq 1 ]] || fail "a live socket was replaced"
	grep -q 'in use' "$TMP/err2" || fail "no 'in use' message: $(cat "$TMP/err2")"
	[[ "$(healthz)" == '{"status":"ok"}' ]] || fail "the first tracer lost its socket"
	stop_tracer
	[[ -e "$SOCK" ]] && fail "the socket is left behind"
fi

# 2. Under sudo: the socket is the sudo user's; they are served, nobody is not.
chown "$O_UID:$O_GID" "$TMP"
SOCK=$TMP/user.sock
if SUDO_UID=$O_UID SUDO_GID=$O_GID start_tracer --all --quiet --listen "unix:$SOCK"; then
	[[ "$(stat -c '%u:%g %a' "$SOCK")" == "$O_UID:$O_GID 600" ]] ||
		fail "sudo: socket is '$(stat -c '%u:%g %a' "$SOCK")', want $O_UID:$O_GID 600"
	[[ "$(healthz "$O_UID" "$O_GID")" == '{"status":"ok"}' ]] || fail "sudo: the user is not served"
	healthz 65534 65534 >/dev/null 2>&1 && fail "sudo: nobody is served"
	stop_tracer
fi
chown 0:0 "$TMP"

# 3. What the other user put at the path, in their directory: refused, untouched.
EVIL=$TMP/evil
mkdir "$EVIL" && chown "$O_UID:$O_GID" "$EVIL"
printf 'root data\n' >"$TMP/victim"
as_user "$O_UID" "$O_GID" ln -s "$TMP/victim" "$EVIL/link.sock"
timeout 30 "$TRACER_BIN" --all --quiet --listen "unix:$EVIL/link.sock" >/dev/null 2>"$TMP/err"
[[ $? -eq 1 ]] || fail "a symlink at the path was not refused"
[[ -L "$EVIL/link.sock" && "$(cat "$TMP/victim")" == 'root data' ]] || fail "the symlink or its target changed"
as_user "$O_UID" "$O_GID" sh -c "echo theirs >'$EVIL/file.sock'"
timeout 30 "$TRACER_BIN" --all --quiet --listen "unix:$EVIL/file.sock" >/dev/null 2>"$TMP/err"
[[ $? -eq 1 ]] || fail "a regular file at the path was not refused"
[[ "$(cat "$EVIL/file.sock")" == theirs ]] || fail "the file at the path changed"

# 4. TCP on an address other than loopback: served, with a warning on stderr.
PORT=$((20000 + RANDOM % 20000))
if start_tracer --all --quiet --listen "0.0.0.0:$PORT"; then
	grep -q '^tracer: warning: --listen on an address other than loopback' "$TMP/err" ||
		fail "no warning for 0.0.0.0"
	stop_tracer
fi
if start_tracer --all --quiet --listen "127.0.0.1:$PORT"; then
	grep -q 'warning' "$TMP/err" && fail "a warning for loopback"
	stop_tracer
fi

finish
