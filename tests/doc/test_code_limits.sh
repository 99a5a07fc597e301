#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# test_code_limits.sh SOURCE_DIR: no C function over 80 lines and no source
# file over 800, in src/ and bpf/ (issue 22, item 8), as scripts/long-code
# counts them; a failure names each one over. First, scripts/long-code is
# shown a function and a file just over and just under, so that a script
# that saw nothing could not pass.
set -euo pipefail

source_dir="$1"
long_code="$source_dir/scripts/long-code"

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

require_tools python3
private_tmp code-limits

# body NAME LINES: a function of LINES lines, from its opening brace to its closing one.
body()
{
	local i

	printf 'static int %s(void)\n{\n' "$1"
	for ((i = 0; i < $2 - 2; i++)); do
		printf '\tstep();\n'
	done
	printf '}\n\n'
}

mkdir "$TMP/control"
{
	body just_over 81
	body at_limit 80
} >"$TMP/control/functions.c"
for ((i = 0; i < 801; i++)); do printf 'int v%d;\n' "$i"; done >"$TMP/control/over.h"
for ((i = 0; i < 800; i++)); do printf 'int v%d;\n' "$i"; done >"$TMP/control/at_limit.h"

if out=$(python3 "$long_code" "$TMP/control"); then
	fail "scripts/long-code exited 0 on a function and a file over the limits"
fi
grep -q "functions.c:1: just_over() 81 lines" <<<"$out" ||
	fail "scripts/long-code did not name the 81-line function: $out"
grep -q "over.h: 801 lines (file)" <<<"$out" ||
	fail "scripts/long-code did not name the 801-line file: $out"
grep -q "at_limit" <<<"$out" &&
	fail "scripts/long-code named what is at the limit, not over it: $out"
grep -q "^2 over the limits" <<<"$out" || fail "scripts/long-code did not count 2: $out"
((failures == 0)) || finish

# The tree itself.
if ! out=$(cd "$source_dir" && python3 scripts/long-code src bpf); then
	while IFS= read -r line; do
		[[ "$line" == *" over the limits "* ]] || fail "over the limits: $line"
	done <<<"$out"
	echo "(80 lines a function, 800 a file; split it, or say in a comment why its shape is earned)"
fi
finish
