# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
# Shared by the compilation database tests: the database read with jq (the
# rest is tests/lib/common.sh). Sourced; TRACER_BIN is set by ctest.

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
require jq make gcc g++

# A directory nobody may enter too (the SUDO_UID test), with a space in its name.
private_tmp cdb
chmod 755 "$TMP"

# tracer ARGS...: runs tracer (time-limited), stderr in $TMP/err; status in $rc.
tracer()
{
	timeout 60 "$TRACER_BIN" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
}

# json_args ARG...: the arguments as a compact JSON array, to compare with jq -c.
json_args()
{
	jq -nc '$ARGS.positional' --args -- "$@"
}

# entries DB: the number of entries.
entries()
{
	jq length "$1"
}

# expect_entry DB I DIR FILE OUTPUT ARG...: entry I is exactly this (OUTPUT "" for none).
expect_entry()
{
	local db=$1 i=$2 dir=$3 file=$4 out=$5 got want
	shift 5
	want=$(jq -cn --arg d "$dir" --arg f "$file" --arg o "$out" --argjson a "$(json_args "$@")" \
		'{directory: $d, arguments: $a, file: $f} + (if $o == "" then {} else {output: $o} end)')
	got=$(jq -c ".[$i] | {directory, arguments, file} + (if has(\"output\") then {output} else {} end)" "$db")
	[[ "$got" == "$want" ]] || fail "$db entry $i:
  got  $got
  want $want"
}

# wait_for FILE: until FILE exists; false after 20 s.
wait_for()
{
	wait_until 20 test -e "$1"
}
