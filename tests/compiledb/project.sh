# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
# A small make project in a directory with spaces, sourced by the tests:
# make_project DIR writes it. C with -D values holding quotes and spaces, C++,
# and assembler (.S); "make queries" runs the calls that compile nothing.
make_project()
{
	local p=$1
	mkdir -p "$p/src dir" "$p/inc dir"
	printf '#define ANSWER 42\n' >"$p/inc dir/h.h"
	cat >"$p/src dir/a b.c" <<'C'
#include "h.h"
const char *greeting(void) { return GREETING QUOTE; }
int answer(void) { return ANSWER; }
C
	cat >"$p/src dir/b.cpp" <<'C'
#include <string>
extern "C" int answer(void);
extern "C" long sfunc(void);
int main() { return std::to_string(answer()).size() == 2 && sfunc() == 7 ? 0 : 1; }
C
	printf '\t.globl sfunc\n\t.text\nsfunc:\n\tmovq $7, %%rax\n\tret\n\t.section .note.GNU-stack,"",@progbits\n' \
		>"$p/s.S"
	cat >"$p/Makefile" <<'MK'
all: prog
prog: a.o b.o s.o
	$(CXX) a.o b.o s.o -o prog
a.o:
	$(CC) -DGREETING='"hello world"' -DQUOTE="\"it's\"" -I "inc dir" -c "src dir/a b.c" -o a.o
b.o:
	$(CXX) -std=c++17 -Wall -c "src dir/b.cpp" -o b.o
s.o:
	$(CC) -c s.S -o s.o
queries:
	$(CC) -E -I "inc dir" -DGREETING= -DQUOTE= "src dir/a b.c" -o /dev/null
	$(CC) -M -I "inc dir" "src dir/a b.c" >/dev/null
	$(CC) -MM -I "inc dir" "src dir/a b.c" >/dev/null
	$(CC) --version >/dev/null
	$(CC) -dumpversion >/dev/null
	$(CC) -print-prog-name=cc1 >/dev/null
	$(CC) -v 2>/dev/null
	$(CC) a.o s.o -shared -o libas.so
.PHONY: all a.o b.o s.o queries
MK
}

# The entries "make all" gives: check_project DB DIR CC CXX (argv[0] of each).
check_project()
{
	local db=$1 p=$2 cc=$3 cxx=$4 n
	n=$(entries "$db")
	[[ "$n" == 3 ]] || fail "$db: $n entries, want 3: $(cat "$db")"
	expect_entry "$db" 0 "$p" "$p/src dir/a b.c" "$p/a.o" "$cc" '-DGREETING="hello world"' \
		"-DQUOTE=\"it's\"" -I "inc dir" -c "src dir/a b.c" -o a.o
	expect_entry "$db" 1 "$p" "$p/src dir/b.cpp" "$p/b.o" "$cxx" -std=c++17 -Wall -c \
		"src dir/b.cpp" -o b.o
	expect_entry "$db" 2 "$p" "$p/s.S" "$p/s.o" "$cc" -c s.S -o s.o
}
