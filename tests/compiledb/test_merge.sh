#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# Issue 23, item 12: --compile-db over a build's life. An existing database
# never loses entries to a build that compiles less: a make with nothing to
# do leaves it whole (it used to become []), an incremental one updates the
# one entry it recompiled and keeps the others (it used to leave one). Entries
# whose source is gone when the build ends are dropped: configure's
# conftest.c, a TryCompile directory CMake removes, a source deleted since
# the last run. --compile-db-append still works (it is the default now); a
# file that is no compilation database is refused before the build runs.
set -u
HERE=$(dirname "$0")
. "$HERE/lib.sh"

P="$TMP/inc proj"
mkdir -p "$P"
for f in one two three; do
	printf 'int %s(void) { return 1; }\n' "$f" >"$P/$f.c"
done
cat >"$P/Makefile" <<'MK'
CFLAGS ?= -O0
OBJS = one.o two.o three.o
all: lib.a
lib.a: $(OBJS)
	ar rcs $@ $(OBJS)
%.o: %.c
	gcc $(CFLAGS) -c $< -o $@
# What configure does: compile a test program, keep the answer, remove it.
configure:
	printf 'int main(void) { return 0; }\n' >conftest.c
	gcc -c conftest.c -o conftest.o && echo yes >have_cc
	rm -f conftest.c conftest.o
# What CMake's try_compile does: a scratch directory, compiled in, removed.
trycompile:
	mkdir -p TryCompile-x && printf 'int f(void) { return 0; }\n' >TryCompile-x/src.c
	cd TryCompile-x && gcc -c src.c -o src.o
	rm -rf TryCompile-x
.PHONY: all configure trycompile
MK
DB="$TMP/compile_commands.json"

# files DB: the sources of its entries, sorted, one line.
files()
{
	jq -r '[.[].file] | sort | join(" ")' "$1"
}

# 1. A full build, with configure's and CMake's scratch compiles around it.
tracer --compile-db "$DB" -- make -s -C "$P" configure trycompile all
[[ $rc -eq 0 ]] || fail "full build: exit $rc"
[[ "$(files "$DB")" == "$P/one.c $P/three.c $P/two.c" ]] ||
	fail "full build: sources gone at the end are still there, or one is missing: $(files "$DB")"
grep -q 'left out of the database: the source file is gone' "$TMP/err" ||
	fail "full build: the dropped entries are not said"
cp "$DB" "$TMP/full.json"

# 2. make again: nothing to do, nothing compiled; the database stays whole.
tracer --compile-db "$DB" -- make -s -C "$P" all
[[ $rc -eq 0 ]] || fail "no-op build: exit $rc"
cmp -s "$DB" "$TMP/full.json" || fail "a build with nothing to do changed the database:
$(diff "$TMP/full.json" "$DB")"
grep -q 'compilation database .*: 3 entries (0 compiles seen)' "$TMP/err" ||
	fail "no-op build: $(cat "$TMP/err")"

# 3. One source changed, rebuilt with other flags: its entry is updated, the others stay.
sleep 1.1 # make compares modification times, to the second on some file systems
printf 'int two(void) { return 2; }\n' >"$P/two.c"
tracer --compile-db "$DB" -- make -s -C "$P" CFLAGS=-O2 all
[[ $rc -eq 0 ]] || fail "incremental build: exit $rc"
[[ "$(entries "$DB")" == 3 ]] || fail "incremental build: $(entries "$DB") entries, want 3"
[[ "$(jq -c "[.[] | select(.file == \"$P/two.c\") | .arguments[1]]" "$DB")" == '["-O2"]' ]] ||
	fail "incremental build: two.c's entry not updated: $(cat "$DB")"
[[ "$(jq -c "[.[] | select(.file == \"$P/one.c\") | .arguments[1]]" "$DB")" == '["-O0"]' ]] ||
	fail "incremental build: one.c's entry lost or changed: $(cat "$DB")"

# 4. A source deleted since: its entry goes, though nothing compiles it now.
rm "$P/three.c"
tracer --compile-db "$DB" -- true
[[ $rc -eq 0 ]] || fail "deleted source: exit $rc"
[[ "$(files "$DB")" == "$P/one.c $P/two.c" ]] || fail "deleted source: $(files "$DB")"
printf 'int three(void) { return 3; }\n' >"$P/three.c"

# 5. --compile-db-append, as before: the same merge.
cp "$DB" "$TMP/before-append.json"
tracer --compile-db "$DB" --compile-db-append -- make -s -C "$P" all
[[ $rc -eq 0 ]] || fail "--compile-db-append: exit $rc"
[[ "$(files "$DB")" == "$P/one.c $P/three.c $P/two.c" ]] ||
	fail "--compile-db-append: $(files "$DB")"

# 6. A file that is no compilation database: refused, untouched, nothing run.
printf 'my notes\n' >"$TMP/notes.json"
tracer --compile-db "$TMP/notes.json" -- touch "$TMP/ran"
[[ $rc -eq 2 ]] || fail "not a database: exit $rc, want 2"
[[ $(wc -l <"$TMP/err") -eq 1 ]] && grep -q 'notes.json: not a JSON compilation database' \
	"$TMP/err" || fail "not a database: not one clear line: $(cat "$TMP/err")"
[[ ! -e "$TMP/ran" ]] || fail "not a database: the command ran"
[[ "$(cat "$TMP/notes.json")" == "my notes" ]] || fail "not a database: the file changed"

finish
