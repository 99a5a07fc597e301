#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# installed-example.sh BUILD_DIR EXAMPLE_SOURCE [EXTRA_CFLAGS]: installs the
# build into a temporary prefix, checks what is installed, compiles the
# example against it with pkg-config only, runs it and checks its output.
set -euo pipefail

build="$1"
source="$2"
extra_cflags="${3:-}"
cc="${CC:-cc}"

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

private_tmp example
prefix=$TMP

cmake --install "$build" --prefix "$prefix" >/dev/null

installed=(bin/tracer include/tracer/tracer.h)
# The man page, when the build made one (pandoc found: doc/CMakeLists.txt).
[[ ! -f "$build/doc/tracer.1" ]] || installed+=(share/man/man1/tracer.1)
for f in "${installed[@]}"; do
	[[ -f "$prefix/$f" ]] || die "not installed: $f"
done
pc="$(find "$prefix" -name libtracer.pc)"
[[ -n "$pc" ]] || die "not installed: libtracer.pc"
libdir="$(dirname "$(dirname "$pc")")"
for f in libtracer.so libtracer.so.0 libtracer.a; do
	[[ -e "$libdir/$f" ]] || die "not installed: $libdir/$f"
done
readelf -d "$libdir/libtracer.so.0" | grep -q 'SONAME.*\[libtracer\.so\.0\]' ||
	die "SONAME is not libtracer.so.0"

# Only the public functions are exported.
others="$(nm -D --defined-only "$libdir/libtracer.so.0" | awk '{ print $3 }' |
	grep -v '^tracer_' || true)"
[[ -z "$others" ]] || die "symbols exported beyond the API: $others"

export PKG_CONFIG_PATH="$libdir/pkgconfig"
[[ "$(pkg-config --variable=libdir libtracer)" == "$libdir" ]] || die "libdir in libtracer.pc"
pkg-config --print-requires-private libtracer | grep -q '^libbpf' ||
	die "libbpf is not in Requires.private"

# shellcheck disable=SC2086,SC2046
"$cc" -Wall -Wextra -Werror $extra_cflags -o "$prefix/trace-exec" "$source" \
	$(pkg-config --cflags --libs libtracer) -Wl,-rpath,"$libdir"

out="$("$prefix/trace-exec" /bin/sh -c '/bin/true x')"
printf '%s\n' "$out"
[[ "$(grep -c '^exec ' <<<"$out")" -eq 2 ]] || die "expected exactly two execs"
grep -Eqx 'exec pid=[0-9]+ ppid=[0-9]+ ret=0 argv: /bin/sh -c /bin/true x' <<<"$out" ||
	die "the exec of /bin/sh is missing"
grep -Eqx 'exec pid=[0-9]+ ppid=[0-9]+ ret=0 argv: /bin/true x' <<<"$out" ||
	die "the exec of /bin/true is missing"
[[ "$(head -1 <<<"$out")" == *"argv: /bin/sh -c /bin/true x" ]] ||
	die "the command's own exec is not the first event"
# The static library, with what libbpf needs.
# shellcheck disable=SC2086,SC2046
"$cc" -Wall -Wextra -Werror $extra_cflags -o "$prefix/trace-exec-static" "$source" \
	$(pkg-config --cflags libtracer) "$libdir/libtracer.a" $(pkg-config --static --libs libbpf)
out="$("$prefix/trace-exec-static" /bin/true y)"
[[ "$out" =~ ^exec\ pid=[0-9]+\ ppid=[0-9]+\ ret=0\ argv:\ /bin/true\ y$ ]] ||
	die "static: unexpected output: $out"
echo "installed-example: ok"
