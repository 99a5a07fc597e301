#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# Issue 12, finding 5: any local user could read every user's command lines
# from the HTTP API. Two users created here (removed at the end) play the
# others: a member of the group given to --listen-group, and an outsider.
# 1. --listen-token-file over TCP: without the token, or with a wrong one,
#    401 with the JSON error body and WWW-Authenticate; with it, the execs;
#    /healthz without it. A token file that others can read, that another
#    user owns, or that is too short is refused with a clear message.
# 2. --listen unix:PATH --listen-group GROUP: the socket is 0660 and GROUP's;
#    the member is served, the outsider refused.
# Needs root, curl, jq, useradd, groupadd; TRACER_BIN is set by ctest.
set -u

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
sec_setup curl jq useradd groupadd

GROUP=tacg$$
MEMBER=tacm$$
OUTSIDER=taco$$
at_exit 'userdel "$MEMBER" 2>/dev/null' 'userdel "$OUTSIDER" 2>/dev/null' 'groupdel "$GROUP" 2>/dev/null'
groupadd "$GROUP" &&
	useradd -M -d /nonexistent -s /usr/sbin/nologin -G "$GROUP" "$MEMBER" &&
	useradd -M -d /nonexistent -s /usr/sbin/nologin "$OUTSIDER" ||
	{ echo "SKIP: cannot create users"; exit 77; }
chmod 755 "$TMP"
# Where the other users' curl writes what it got.
OUT=$TMP/out.d
mkdir "$OUT" && chmod 1777 "$OUT"

# As USER, with the groups that user has.
as_user() # USER COMMAND...
{
	local user=$1
	shift
	setpriv --reuid="$(id -u "$user")" --regid="$(id -g "$user")" --init-groups -- "$@"
}
start_tracer()
{
	"$TRACER_BIN" "$@" >"$TMP/out" 2>"$TMP/err" &
	TRACER_PID=$!
	wait_ready
}
# Runs tracer with these options; it must refuse to start, with exit status 1
# and a message that matches the pattern.
refused() # PATTERN OPTIONS...
{
	local pattern=$1 status
	shift
	timeout 30 "$TRACER_BIN" --all --quiet "$@" >/dev/null 2>"$TMP/refused"
	status=$?
	[[ $status -eq 1 ]] || fail "exit status $status, not 1, for: $*"
	grep -qE "$pattern" "$TMP/refused" || fail "no message /$pattern/ for $*: $(cat "$TMP/refused")"
}

# 1. The token, over TCP.
TOKEN=$(head -c 24 /dev/urandom | base64 | tr '+/' '-_')
printf '%s\n' "$TOKEN" >"$TMP/token"
chmod 600 "$TMP/token"
PORT=$((20000 + RANDOM % 20000))
URL=http://127.0.0.1:$PORT
if start_tracer --all --quiet --listen "127.0.0.1:$PORT" --listen-token-file "$TMP/token"; then
	/bin/true "tracer-token-$$"
	# The outsider, without the token, and with a wrong one.
	code=$(as_user "$OUTSIDER" curl -s -o "$OUT/body" -D "$OUT/headers" -w '%{http_code}' \
		"$URL/executions?limit=100")
	[[ "$code" == 401 ]] || fail "without the token: $code, not 401"
	jq -e '.error | type == "string"' "$OUT/body" >/dev/null || fail "401 without the JSON error body"
	grep -qi '^WWW-Authenticate: Bearer' "$OUT/headers" || fail "401 without WWW-Authenticate"
	grep -q argv "$OUT/body" && fail "execs in a 401"
	code=$(as_user "$OUTSIDER" curl -s -o /dev/null -w '%{http_code}' \
		-H "Authorization: Bearer ${TOKEN}x" "$URL/executions?limit=100")
	[[ "$code" == 401 ]] || fail "with a wrong token: $code, not 401"
	code=$(as_user "$OUTSIDER" curl -s -o /dev/null -w '%{http_code}' \
		-H "Authorization: Bearer ${TOKEN:0:20}" "$URL/metrics")
	[[ "$code" == 401 ]] || fail "with the token's start: $code, not 401"
	code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/nope")
	[[ "$code" == 401 ]] || fail "an unknown path without the token: $code, not 401"
	# /healthz says only that tracer runs: no token needed.
	[[ "$(as_user "$OUTSIDER" curl -s --max-time 10 "$URL/healthz")" == '{"status":"ok"}' ]] ||
		fail "/healthz needs the token"
	# With the token: the execs.
	ok=
	for _ in $(seq 100); do
		code=$(curl -s -o "$TMP/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
			"$URL/executions?limit=1000")
		[[ "$code" == 200 ]] || break
		jq -e --arg m "tracer-token-$$" 'any(.[]; .argv[1] == $m)' "$TMP/body" >/dev/null &&
			ok=1 && break
		sleep 0.1 # tracer drains the ring buffer every 20 ms
	done
	[[ "$code" == 200 && -n "$ok" ]] || fail "with the token: $code, or the exec not found"
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "authorization: bearer $TOKEN" "$URL/metrics")
	[[ "$code" == 200 ]] || fail "the scheme is case-insensitive: $code"
	stop_tracer
fi

# A token file that others can read or change, or that another user owns: refused.
chmod 640 "$TMP/token"
refused 'other users can read or change it.*chmod 600' --listen "127.0.0.1:$PORT" \
	--listen-token-file "$TMP/token"
chmod 600 "$TMP/token"
chown "$OUTSIDER" "$TMP/token"
refused "belongs to uid $(id -u "$OUTSIDER")" --listen "127.0.0.1:$PORT" \
	--listen-token-file "$TMP/token"
chown 0 "$TMP/token"
printf 'short\n' >"$TMP/short"
chmod 600 "$TMP/short"
refused 'not a token: one line of 16 to 4096 visible ASCII characters' --listen "127.0.0.1:$PORT" --listen-token-file "$TMP/short"
refused 'No such file' --listen "127.0.0.1:$PORT" --listen-token-file "$TMP/none"

# 2. A socket for a group: its member is served, the outsider is not.
SOCK=$TMP/api.sock
if start_tracer --all --quiet --listen "unix:$SOCK" --listen-group "$GROUP"; then
	[[ "$(stat -c '%F %U:%G %a' "$SOCK")" == "socket root:$GROUP 660" ]] ||
		fail "socket is '$(stat -c '%F %U:%G %a' "$SOCK")', want 'socket root:$GROUP 660'"
	[[ "$(as_user "$MEMBER" curl -s --max-time 10 --unix-socket "$SOCK" http://tracer/healthz)" == \
		'{"status":"ok"}' ]] || fail "the group's member is not served"
	as_user "$OUTSIDER" curl -s --max-time 10 --unix-socket "$SOCK" \
		'http://tracer/executions?limit=5' >"$TMP/body" 2>&1
	grep -q '"argv"' "$TMP/body" && fail "the outsider read the executions"
	as_user "$OUTSIDER" curl -s --max-time 10 --unix-socket "$SOCK" http://tracer/healthz \
		>/dev/null 2>&1 && fail "the outsider is served"
	stop_tracer
fi
"$TRACER_BIN" --all --listen 8080 --listen-group "$GROUP" >/dev/null 2>"$TMP/refused"
[[ $? -eq 2 ]] || fail "--listen-group with TCP is not a usage error"

finish
