#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# Issue 15: compiler wrappers. CC="ccache gcc" (as in make CC="ccache gcc"),
# run twice into a fresh cache: the first run misses and ccache runs gcc
# (preprocessing, compiling), the second hits and runs no compiler at all;
# both databases have exactly one entry per compile, the same ones. Then
# ccache's masquerade directory (/usr/lib/ccache/gcc, a symlink to ccache,
# first in PATH): one entry per compile too, under the name executed.
set -u
HERE=$(dirname "$0")
. "$HERE/lib.sh"
. "$HERE/project.sh"
command -v ccache >/dev/null || { echo "SKIP: no ccache (scripts/deps)"; exit 77; }

P="$TMP/my proj"
make_project "$P"
export CCACHE_DIR="$TMP/ccache"
export CCACHE_NOHASHDIR=1 CCACHE_LOGFILE=
ccache -z >/dev/null

# stat NAME: a counter of ccache --print-stats.
stat()
{
	ccache --print-stats | awk -v k="$1" '$1 == k { print $2 }'
}

for run in miss hit; do
	rm -f "$P"/*.o "$P/prog"
	ccache -z >/dev/null
	tracer --compile-db "$TMP/$run.json" -- make -s -C "$P" CC="ccache gcc" CXX="ccache g++" all
	[[ $rc -eq 0 ]] || fail "$run: exit $rc"
	"$P/prog" || fail "$run: the program was not built right"
	check_project "$TMP/$run.json" "$P" gcc g++
	hits=$(($(stat direct_cache_hit) + $(stat preprocessed_cache_hit)))
	misses=$(stat cache_miss)
	case $run in
	miss) [[ $misses -eq 3 && $hits -eq 0 ]] || fail "miss: $misses misses, $hits hits, want 3, 0" ;;
	hit) [[ $misses -eq 0 && $hits -eq 3 ]] || fail "hit: $misses misses, $hits hits, want 0, 3" ;;
	esac
done
cmp -s "$TMP/miss.json" "$TMP/hit.json" || fail "a hit and a miss gave other files"

# The compiler behind a wrapper is no second entry, the other way round too:
# without knowing ccache, the real gcc it runs would be (the negative control).
tracer --compile-db "$TMP/bare.json" -- sh -c "cd '$P' && ccache -s >/dev/null && ccache gcc -c s.S -o s2.o"
[[ "$(entries "$TMP/bare.json")" == 1 ]] || fail "ccache -s, ccache gcc: $(cat "$TMP/bare.json")"

if [[ -x /usr/lib/ccache/gcc && -x /usr/lib/ccache/g++ ]]; then
	rm -f "$P"/*.o
	tracer --compile-db "$TMP/masq.json" -- env PATH="/usr/lib/ccache:$PATH" \
		make -s -C "$P" CC=gcc CXX=g++ all
	[[ $rc -eq 0 ]] || fail "masquerade: exit $rc"
	check_project "$TMP/masq.json" "$P" /usr/lib/ccache/gcc /usr/lib/ccache/g++
fi

finish
