#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# Issue 15: tracer --compile-db on a make build. The C compiler is a
# statically linked wrapper (static_cc.c: what it runs, an LD_PRELOAD tool
# never sees), the C++ one a shell script that execs g++, named with
# --compile-db-compiler; paths hold spaces, -D values quotes. The calls that
# compile nothing (-E, -M, -MM, --version, -v, -print-*, linking) are absent;
# the same build gives the same file; append replaces and adds; a malformed
# file is refused before the build runs; SIGINT writes what was compiled so
# far, SIGKILL leaves the old file; under sudo the file is the user's; --pid.
set -u
HERE=$(dirname "$0")
. "$HERE/lib.sh"
. "$HERE/project.sh"

P="$TMP/my proj"
make_project "$P"
mkdir -p "$P/tools dir"
cp "$CDB_STATIC_CC" "$P/tools dir/ccw"
printf '#!/bin/sh\nexec g++ "$@"\n' >"$P/tools dir/mycxx"
chmod 755 "$P/tools dir/ccw" "$P/tools dir/mycxx"
CCW="$P/tools dir/ccw"
MYCXX="$P/tools dir/mycxx"
MAKE_VARS=(CC="\"$CCW\"" CXX="\"$MYCXX\"")
DB="$TMP/db dir/compile_commands.json"
mkdir -p "$TMP/db dir"

# 1. The build, then the calls that compile nothing, in one trace.
tracer --compile-db "$DB" --compile-db-compiler mycxx -- \
	make -s -C "$P" "${MAKE_VARS[@]}" all queries
[[ $rc -eq 0 ]] || fail "build: exit $rc"
[[ -x "$P/prog" ]] && "$P/prog" || fail "build: the program was not built right"
check_project "$DB" "$P" /usr/bin/gcc "$MYCXX"
jq -e '[.[].arguments[] | select(. == "-E" or . == "-M" or . == "-MM" or . == "--version"
	or . == "-dumpversion" or . == "-v" or startswith("-print-") or . == "libas.so")] == []' \
	"$DB" >/dev/null || fail "a call that compiles nothing is in the database"
grep -q 'compilation database .*: 3 entries (3 compiles seen)' "$TMP/err" ||
	fail "no summary of the database on stderr"
[[ ! -s "$TMP/out" ]] || fail "events written to stdout"
grep -q '^\[' "$TMP/err" && fail "events written to stderr without -o"
[[ "$(stat -c %a "$DB")" == 644 ]] || fail "mode $(stat -c %a "$DB"), want 644"

# The negative control: without --compile-db-compiler, the script is no
# compiler and g++ behind it is (its argv[0] is then the g++ it ran).
tracer --compile-db "$TMP/nocc.json" -- make -s -C "$P" "${MAKE_VARS[@]}" b.o
[[ "$(jq -r '.[0].arguments[0]' "$TMP/nocc.json")" == /usr/bin/g++ ]] ||
	fail "without --compile-db-compiler: $(cat "$TMP/nocc.json")"

# 2. Run again: the same file, byte for byte.
cp "$DB" "$TMP/first.json"
tracer --compile-db "$DB" --compile-db-compiler mycxx -- make -s -C "$P" "${MAKE_VARS[@]}" all
cmp -s "$DB" "$TMP/first.json" || fail "the same build gave another file:
$(diff "$TMP/first.json" "$DB")"

# 3. Append: a.o again with other flags replaces its entry, c.c is added.
printf 'int c(void) { return 3; }\n' >"$P/c.c"
tracer --compile-db "$DB" --compile-db-append -- sh -c \
	"cd '$P' && gcc -O1 -c c.c && gcc -O2 -I 'inc dir' -DGREETING= -DQUOTE= -c 'src dir/a b.c' -o a.o"
[[ $rc -eq 0 ]] || fail "append: exit $rc"
[[ "$(entries "$DB")" == 4 ]] || fail "append: $(entries "$DB") entries, want 4"
expect_entry "$DB" 0 "$P" "$P/src dir/b.cpp" "$P/b.o" "$MYCXX" -std=c++17 -Wall -c \
	"src dir/b.cpp" -o b.o
expect_entry "$DB" 2 "$P" "$P/c.c" "" /usr/bin/gcc -O1 -c c.c
expect_entry "$DB" 3 "$P" "$P/src dir/a b.c" "$P/a.o" /usr/bin/gcc -O2 -I "inc dir" \
	-DGREETING= -DQUOTE= -c "src dir/a b.c" -o a.o

# 4. Bad input: nothing runs, nothing is attached, the file stays.
printf '[{"directory": "/x", "file": "a.c"},\n oops]\n' >"$TMP/bad.json"
cp "$TMP/bad.json" "$TMP/bad.orig"
tracer --compile-db "$TMP/bad.json" --compile-db-append -- touch "$TMP/ran"
[[ $rc -eq 2 ]] || fail "malformed file: exit $rc, want 2"
[[ $(wc -l <"$TMP/err") -eq 1 ]] && grep -q 'bad.json: not a JSON compilation database: line 2' \
	"$TMP/err" || fail "malformed file: not one clear line"
[[ ! -e "$TMP/ran" ]] || fail "malformed file: the command ran"
cmp -s "$TMP/bad.json" "$TMP/bad.orig" || fail "malformed file: changed"
tracer --compile-db-compiler gcc -- true
[[ $rc -eq 2 ]] || fail "--compile-db-compiler without --compile-db: exit $rc"
tracer --compile-db "$DB" --compile-db-compiler a/b -- true
[[ $rc -eq 2 ]] || fail "--compile-db-compiler a/b: exit $rc"
tracer --compile-db "$DB" -o "$DB" -- true
[[ $rc -eq 2 ]] || fail "--compile-db and -o the same file: exit $rc"
# A planted symlink, and another user's file: refused, untouched.
printf 'victim\n' >"$TMP/victim"
ln -s "$TMP/victim" "$TMP/link.json"
tracer --compile-db "$TMP/link.json" -- touch "$TMP/ran"
[[ $rc -eq 1 && ! -e "$TMP/ran" ]] || fail "symlink: exit $rc, or the command ran"
grep -q 'symbolic link' "$TMP/err" || fail "symlink: no message"
[[ -L "$TMP/link.json" && "$(cat "$TMP/victim")" == victim ]] || fail "symlink: written through"
printf '[]\n' >"$TMP/theirs.json"
chown 65534:65534 "$TMP/theirs.json"
tracer --compile-db "$TMP/theirs.json" -- true
[[ $rc -eq 1 ]] || fail "another user's file: exit $rc, want 1"

# /dev/null discards the database; it is never replaced by a file.
tracer --compile-db /dev/null -- true
[[ $rc -eq 0 && -c /dev/null ]] || fail "/dev/null: exit $rc, or no longer a device"

# 5. Under sudo: the file belongs to the user, who runs the build.
U="$TMP/user dir"
mkdir "$U" && printf 'int u;\n' >"$U/u.c" && chown -R 65534:65534 "$U"
cd "$U" || exit 1
SUDO_UID=65534 SUDO_GID=65534 tracer --compile-db "$TMP/db dir/u.json" -- gcc -c u.c
cd / || exit 1
[[ $rc -eq 0 ]] || fail "sudo: exit $rc"
[[ "$(stat -c '%u %g %a' "$TMP/db dir/u.json")" == "65534 65534 644" ]] ||
	fail "sudo: $(stat -c '%u %g %a' "$TMP/db dir/u.json"), want 65534 65534 644"
expect_entry "$TMP/db dir/u.json" 0 "$U" "$U/u.c" "" /usr/bin/gcc -c u.c

# A build that compiles one file, then waits for $TMP/go, then compiles another.
cat >"$P/Makefile.slow" <<'MK'
all: x1.o wait x2.o
x1.o:
	gcc -c c.c -o x1.o
wait:
	touch waiting; for i in $$(seq 400); do [ -e go ] && exit 0; sleep 0.05; done
x2.o:
	gcc -c c.c -o x2.o
.PHONY: all x1.o wait x2.o
MK

# 6. SIGINT in the middle (^C: to the build's process group, tracer's, which
# forwards it to the build too): what was compiled so far is written.
rm -f "$P/waiting" "$P/go" "$P/x1.o"
# Job control: a process group of its own, and SIGINT not ignored as it is in
# a script's background jobs.
set -m
"$TRACER_BIN" --compile-db "$TMP/int.json" -- make -s -C "$P" -f Makefile.slow \
	>"$TMP/out" 2>"$TMP/err" &
T=$!
set +m
at_exit "kill -9 -- -$T 2>/dev/null"
wait_for "$P/waiting" || fail "SIGINT: the build did not start"
kill -INT -- "-$T"
wait "$T"
rc=$?
[[ $rc -ne 0 ]] || fail "SIGINT: exit 0"
[[ "$(jq -c '[.[].output]' "$TMP/int.json" 2>&1)" == "[\"$P/x1.o\"]" ]] ||
	fail "SIGINT: $(cat "$TMP/int.json" 2>&1)"

# 7. SIGKILL: the old file stays, whole, and no temporary file is left.
rm -f "$P/waiting" "$P/go"
cp "$DB" "$TMP/before.json"
set -m
"$TRACER_BIN" --compile-db "$DB" -- make -s -C "$P" -f Makefile.slow \
	>"$TMP/out" 2>"$TMP/err" &
T=$!
set +m
at_exit "kill -9 -- -$T 2>/dev/null"
wait_for "$P/waiting" || fail "SIGKILL: the build did not start"
kill -KILL "$T"
wait "$T" 2>/dev/null
kill -KILL -- "-$T" 2>/dev/null
cmp -s "$DB" "$TMP/before.json" || fail "SIGKILL: the file changed"
[[ -z "$(ls -A "$TMP/db dir" | grep -v -x -e compile_commands.json -e u.json)" ]] ||
	fail "SIGKILL: left in the directory: $(ls -A "$TMP/db dir")"

# 8. --pid: a shell that compiles once it is told to.
rm -f "$P/go"
setsid sh -c "while [ ! -e '$P/go' ]; do sleep 0.05; done; cd '$P' && gcc -c c.c -o pid.o" &
S=$!
at_exit "kill -9 $S 2>/dev/null"
"$TRACER_BIN" --compile-db "$TMP/pid.json" --pid "$S" >"$TMP/out" 2>"$TMP/err" &
T=$!
for _ in $(seq 400); do grep -q '^tracer: ready' "$TMP/err" && break; sleep 0.05; done
touch "$P/go"
wait "$T"
rc=$?
[[ $rc -eq 0 ]] || fail "--pid: exit $rc"
expect_entry "$TMP/pid.json" 0 "$P" "$P/c.c" "$P/pid.o" /usr/bin/gcc -c c.c -o pid.o

finish
