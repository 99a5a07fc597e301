#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# Issue 12, findings 2 and 3: the files tracer (root) writes cannot be
# hijacked by another local user, and belong to the user who ran sudo.
# A user created here (removed at the end) plays the attacker: their
# symlink, their 0666 file and their FIFO in a directory they own. Every
# check also runs the old way round in spirit: the victim file is compared
# byte for byte, the attacker's file is checked unread and unchanged.
# Needs root; TRACER_BIN is set by ctest.
set -u

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
sec_setup useradd

EVIL=tsec$$
at_exit 'userdel "$EVIL" 2>/dev/null'
useradd -M -d /nonexistent -s /usr/sbin/nologin "$EVIL" || { echo "SKIP: useradd failed"; exit 77; }
EVIL_UID=$(id -u "$EVIL")
EVIL_GID=$(id -g "$EVIL")
chmod 755 "$TMP"

# Runs tracer with a time limit (a FIFO must not block it); status in $rc.
run_tracer()
{
	timeout 30 "$TRACER_BIN" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
}

as_evil()
{
	setpriv --reuid="$EVIL_UID" --regid="$EVIL_GID" --clear-groups -- "$@"
}

# The attacker's directory, and a file of root's they want written over.
EVIL_DIR=$TMP/evil
mkdir "$EVIL_DIR" && chown "$EVIL_UID:$EVIL_GID" "$EVIL_DIR"
VICTIM=$TMP/victim
printf 'root:secret:1\n' >"$VICTIM"
chmod 644 "$VICTIM"

# 1. Their symlink to root's file, as -o and as --timeline: refused, victim untouched.
as_evil ln -s "$VICTIM" "$EVIL_DIR/execs.log"
run_tracer -o "$EVIL_DIR/execs.log" -- /bin/true
[[ $rc -eq 1 ]] || fail "symlink -o: exit $rc, want 1"
grep -q 'symbolic link' "$TMP/err" || fail "symlink -o: no message naming the link"
[[ "$(cat "$VICTIM")" == 'root:secret:1' ]] || fail "symlink -o: the victim file was written"
as_evil ln -s "$VICTIM" "$EVIL_DIR/trace.json"
run_tracer --timeline "$EVIL_DIR/trace.json" -- /bin/true
[[ $rc -eq 1 ]] || fail "symlink --timeline: exit $rc, want 1"
[[ "$(cat "$VICTIM")" == 'root:secret:1' ]] || fail "symlink --timeline: the victim file was written"
# The summary's JSON too: one line, nothing created, the link left as it was.
as_evil ln -s "$VICTIM" "$EVIL_DIR/summary.json"
ls -A "$EVIL_DIR" >"$TMP/before"
run_tracer --summary-json "$EVIL_DIR/summary.json" -- /bin/true
[[ $rc -eq 1 ]] || fail "symlink --summary-json: exit $rc, want 1"
[[ $(wc -l <"$TMP/err") -eq 1 ]] && grep -q '^tracer: .*summary.json.*symbolic link' "$TMP/err" ||
	fail "symlink --summary-json: not one line naming the link"
[[ "$(cat "$VICTIM")" == 'root:secret:1' ]] || fail "symlink --summary-json: the victim file was written"
[[ "$(readlink "$EVIL_DIR/summary.json")" == "$VICTIM" ]] || fail "symlink --summary-json: the link was changed"
ls -A "$EVIL_DIR" | cmp -s - "$TMP/before" || fail "symlink --summary-json: a file was left in their directory"

# 2. Their file, created 0666 beforehand to read the trace: refused, not truncated.
as_evil sh -c "printf 'theirs\n' >'$EVIL_DIR/pre.log' && chmod 666 '$EVIL_DIR/pre.log'"
run_tracer -o "$EVIL_DIR/pre.log" -- /bin/echo tracer-sec-secret-token
[[ $rc -eq 1 ]] || fail "their 0666 file: exit $rc, want 1"
grep -q "belongs to uid $EVIL_UID" "$TMP/err" || fail "their 0666 file: no message naming the owner"
[[ "$(cat "$EVIL_DIR/pre.log")" == theirs ]] || fail "their 0666 file: written"
[[ "$(stat -c %u "$EVIL_DIR/pre.log")" == "$EVIL_UID" ]] || fail "their 0666 file: owner changed"

# 3. Their FIFO: refused at once, no hang (the time limit is 30 s; it must be quick).
as_evil mkfifo -m 666 "$EVIL_DIR/fifo"
start=$(date +%s)
run_tracer -o "$EVIL_DIR/fifo" -- /bin/true
[[ $rc -eq 1 ]] || fail "their FIFO: exit $rc, want 1 (124: tracer hung)"
(($(date +%s) - start < 10)) || fail "their FIFO: took $(($(date +%s) - start)) s"

# 4. Through sudo: a new file belongs to the sudo user, mode 0600 (-o, --timeline, --summary-json).
OWN_DIR=$TMP/own
mkdir "$OWN_DIR" && chmod 755 "$OWN_DIR"
SUDO_UID=$EVIL_UID SUDO_GID=$EVIL_GID run_tracer -o "$OWN_DIR/execs.log" \
	--timeline "$OWN_DIR/trace.json" --summary-json "$OWN_DIR/summary.json" -- /bin/true
[[ $rc -eq 0 ]] || fail "sudo user: exit $rc, want 0"
for f in "$OWN_DIR/execs.log" "$OWN_DIR/trace.json" "$OWN_DIR/summary.json"; do
	got=$(stat -c '%u:%g %a' "$f" 2>/dev/null)
	[[ "$got" == "$EVIL_UID:$EVIL_GID 600" ]] || fail "sudo user: $f is '$got', want $EVIL_UID:$EVIL_GID 600"
done
grep -q '/bin/true' "$OWN_DIR/execs.log" || fail "sudo user: the exec is not in execs.log"
as_evil grep -q '/bin/true' "$OWN_DIR/execs.log" || fail "sudo user: cannot read their own trace"

# 5. An existing file of the user's own, readable by all: reset to 0600, theirs still.
printf 'old\n' >"$OWN_DIR/mine.log"
chown "$EVIL_UID:$EVIL_GID" "$OWN_DIR/mine.log"
chmod 644 "$OWN_DIR/mine.log"
SUDO_UID=$EVIL_UID SUDO_GID=$EVIL_GID run_tracer -o "$OWN_DIR/mine.log" -- /bin/true
[[ $rc -eq 0 ]] || fail "own file: exit $rc, want 0"
got=$(stat -c '%u %a' "$OWN_DIR/mine.log")
[[ "$got" == "$EVIL_UID 600" ]] || fail "own file: '$got', want $EVIL_UID 600"
grep -q '^old$' "$OWN_DIR/mine.log" && fail "own file: not truncated"
printf 'old\n' >"$TMP/root.log"
chmod 644 "$TMP/root.log"
run_tracer -o "$TMP/root.log" -- /bin/true
[[ "$(stat -c '%u %a' "$TMP/root.log")" == "0 600" ]] || fail "root's own file not reset to 0600"

# 6. A pid that does not exist: a usage error, and the existing file untouched.
printf 'keep me\n' >"$TMP/keep.log"
chmod 600 "$TMP/keep.log"
run_tracer --pid 999999 -o "$TMP/keep.log" --timeline "$TMP/keep.json"
[[ $rc -eq 2 ]] || fail "--pid 999999: exit $rc, want 2"
[[ "$(cat "$TMP/keep.log")" == 'keep me' ]] || fail "--pid 999999: the -o file was emptied"
[[ -e "$TMP/keep.json" ]] && fail "--pid 999999: the timeline was created"

# 7. -o X --timeline X (or --summary-json X): a usage error, X not created.
run_tracer -o "$TMP/same" --timeline "$TMP/same" -- /bin/true
[[ $rc -eq 2 ]] || fail "-o X --timeline X: exit $rc, want 2"
[[ -e "$TMP/same" ]] && fail "-o X --timeline X: X was created"
run_tracer -o "$TMP/same" --summary-json "$TMP/same" -- /bin/true
[[ $rc -eq 2 ]] || fail "-o X --summary-json X: exit $rc, want 2"
[[ -e "$TMP/same" ]] && fail "-o X --summary-json X: X was created"

# 8. Issue 23.9: every output path is checked before anything is loaded: a
#    name that cannot be created (/proc/x) fails with no bpf() call made.
for opt in -o --timeline --compile-db --summary-json; do
	if command -v strace >/dev/null; then
		# LeakSanitizer cannot run under ptrace: off for a sanitized tracer here.
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
			timeout 30 strace -f -qq -e trace=bpf -o "$TMP/strace" "$TRACER_BIN" "$opt" /proc/x \
			-- /bin/true >"$TMP/out" 2>"$TMP/err"
		rc=$?
		grep -q 'BPF_PROG_LOAD' "$TMP/strace" &&
			fail "$opt /proc/x: $(grep -c BPF_PROG_LOAD "$TMP/strace") programs loaded before the error"
	else
		run_tracer "$opt" /proc/x -- /bin/true
	fi
	[[ $rc -eq 1 ]] || fail "$opt /proc/x: exit $rc, want 1"
	grep -q '/proc/x: cannot create it' "$TMP/err" || fail "$opt /proc/x: no clear message"
done

# 9. The same-file check covers descriptors: --output-fd 3 with 3>>F and
#    --compile-db F (or --timeline F) is a usage error, F left as it was.
printf '[{"directory":"/","file":"a.c","arguments":["cc","-c","a.c"]}]\n' >"$TMP/cdb.json"
chmod 600 "$TMP/cdb.json"
cp "$TMP/cdb.json" "$TMP/cdb.orig"
for opt in --compile-db --timeline --summary-json; do
	timeout 30 "$TRACER_BIN" --output-fd 3 "$opt" "$TMP/cdb.json" -- /bin/true \
		3>>"$TMP/cdb.json" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[[ $rc -eq 2 ]] || fail "--output-fd 3 $opt F with 3>>F: exit $rc, want 2"
	grep -q "name the same file" "$TMP/err" || fail "--output-fd 3 $opt F: no clear message"
	cmp -s "$TMP/cdb.json" "$TMP/cdb.orig" || fail "--output-fd 3 $opt F: F changed"
done

# 10. The token file: never through a symbolic link or a second link, the
#     user's own, and a root-only file named under sudo tells nothing of
#     what it holds (a private key is not "too long" or "two lines").
printf 'x123456789abcdef0123\n' >"$TMP/token"
chmod 600 "$TMP/token"
ln -s "$TMP/token" "$TMP/token.sym"
ln "$TMP/token" "$TMP/token.hard"
PORT=$((20000 + $$ % 20000))
run_tracer --all --quiet --listen "127.0.0.1:$PORT" --listen-token-file "$TMP/token.sym"
[[ $rc -eq 1 ]] || fail "token through a symlink: exit $rc, want 1"
grep -q 'symbolic link' "$TMP/err" || fail "token through a symlink: no clear message"
run_tracer --all --quiet --listen "127.0.0.1:$PORT" --listen-token-file "$TMP/token.hard"
[[ $rc -eq 1 ]] || fail "token with a second link: exit $rc, want 1"
grep -q 'hard links' "$TMP/err" || fail "token with a second link: no clear message"
rm -f "$TMP/token.hard"
printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAE\n' >"$TMP/rootkey"
chmod 600 "$TMP/rootkey"
SUDO_UID=$EVIL_UID SUDO_GID=$EVIL_GID run_tracer --all --quiet --listen "127.0.0.1:$PORT" \
	--listen-token-file "$TMP/rootkey"
[[ $rc -eq 1 ]] || fail "root's file as the sudo user's token: exit $rc, want 1"
grep -q 'belongs to uid 0' "$TMP/err" || fail "root's file as the sudo user's token: not refused by owner"
grep -qiE 'token:|line|characters' "$TMP/err" && fail "root's file: the message tells its contents"

finish
