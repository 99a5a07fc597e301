#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
# Issue 24: the readable line on a real build. An autoconf configure and a
# make of 7 C files, traced as a person would (tracer -- sh -c './configure &&
# make'): the median exec line is at most 100 characters and every command
# starts within the first 40 columns. The key=value line of the same build is
# measured too, for comparison (printed, not asserted).
set -u

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
require autoconf make gcc
private_tmp face

# The project: configure.ac, a Makefile.in, 7 sources.
P=$TMP/project
mkdir -p "$P"
cat >"$P/configure.ac" <<'AC'
AC_INIT([face], [1.0])
AC_PROG_CC
AC_CHECK_HEADERS([stdlib.h string.h unistd.h sys/stat.h])
AC_CHECK_FUNCS([strdup strndup])
AC_CONFIG_FILES([Makefile])
AC_OUTPUT
AC
cat >"$P/Makefile.in" <<'MK'
CC = @CC@
CFLAGS = @CFLAGS@
DEFS = @DEFS@
OBJS = a.o b.o c.o d.o e.o f.o main.o
prog: $(OBJS)
	$(CC) $(CFLAGS) -o prog $(OBJS)
.c.o:
	$(CC) $(DEFS) $(CFLAGS) -c $< -o $@
MK
for f in a b c d e f; do
	printf 'int %s(void) { return 1; }\n' "$f" >"$P/$f.c"
done
printf 'int a(void), b(void), c(void), d(void), e(void), f(void);\n%s\n' \
	'int main(void) { return a() + b() + c() + d() + e() + f() - 6; }' >"$P/main.c"
(cd "$P" && autoconf) || { echo "FAIL: autoconf"; exit 1; }
cp -a "$P" "$TMP/pristine"

# build FORMAT: traces a fresh configure && make, the events in $TMP/FORMAT.
build()
{
	rm -rf "$P" && cp -a "$TMP/pristine" "$P"
	(cd "$P" && "$TRACER_BIN" --color never -o "$TMP/$1" "${@:2}" -- \
		sh -c './configure >/dev/null && make >/dev/null') 2>"$TMP/err" ||
		{ fail "build $1: $(cat "$TMP/err")"; return 1; }
	[[ -x "$P/prog" ]] || fail "build $1: no prog"
}

# median FILE: the median length in characters of its lines.
median()
{
	awk '{ print length($0) }' "$1" | sort -n |
		awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : 0 }'
}

build text
build kv --format kv
build json --json

execs=$(grep -c '"type":"exec"' "$TMP/json")
failed=$(grep -c '"errno":"ENOENT"' "$TMP/json")
lines=$(wc -l <"$TMP/text")
med=$(median "$TMP/text")
longest=$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$TMP/text")
printf 'key=value: %d lines, median %d characters\n' "$(wc -l <"$TMP/kv")" "$(median "$TMP/kv")"
printf 'readable:  %d lines, median %d, longest %d characters (%d execs, %d ENOENT, %d folded)\n' \
	"$lines" "$med" "$longest" "$execs" "$failed" "$((execs - lines))"
printf 'what a person sees:\n'
grep -E ' (cc|gcc) ' "$TMP/text" | head -3

((execs > 100)) || fail "only $execs execs: not a configure"
((lines > 0)) || fail "no lines"
# The PATH walks (make's execvp of cc, the shells') are folded: fewer lines than execs.
((lines < execs)) || fail "$lines lines for $execs execs: no PATH lookup folded"
grep -qE 'after [0-9]+ failed PATH lookups?' "$TMP/text" || fail "no line says it was found after lookups"
((med <= 100)) || fail "median line $med characters, over 100"
# Each line: HH:MM:SS.ffffff, a space, the pid in 7 columns, a space: the command at column 25.
bad=$(grep -cvE '^[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9]{6} [0-9][0-9 ]{6} [^ ]' "$TMP/text")
((bad == 0)) || fail "$bad lines without the command at column 25: $(grep -vE \
	'^[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9]{6} [0-9][0-9 ]{6} [^ ]' "$TMP/text" | head -3)"
# What a person reads: the compiles, as the key=value line would not show them.
grep -qE '^[0-9:.]{15} [0-9 ]{7} (cc|gcc) .*-c a\.c -o a\.o' "$TMP/text" ||
	fail "no line for the compile of a.c: $(grep -m3 'a\.c' "$TMP/text")"
grep -qE '^[0-9:.]{15} [0-9 ]{7} \./configure  >/dev/null interp=[^ ]*sh$' "$TMP/text" ||
	fail "configure's line without its redirection and interpreter: $(grep -m1 ' ./configure' "$TMP/text")"

finish
