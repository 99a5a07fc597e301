# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
# Shared by the compilation database tests: a temporary directory, failures,
# and the database read with jq. Sourced; TRACER_BIN is set by ctest.

if [[ "$(id -u)" -ne 0 || ! -r /sys/kernel/btf/vmlinux ]]; then
	echo "SKIP: needs root and kernel BTF"
	exit 77
fi
for tool in jq make gcc g++; do
	command -v "$tool" >/dev/null || { echo "SKIP: no $tool (scripts/deps)"; exit 77; }
done

# A directory nobody may enter too (the SUDO_UID test), with a space in its name.
TMP=$(mktemp -d /tmp/tracer-cdb.XXXXXX)
chmod 755 "$TMP"
CLEANUP=()
cleanup()
{
	local c
	for c in "${CLEANUP[@]}"; do
		eval "$c"
	done
	rm -rf "$TMP"
}
trap cleanup EXIT

failures=0
fail()
{
	printf 'FAIL: %s\n' "$*" >&2
	[[ -f "$TMP/err" ]] && sed 's/^/  tracer stderr: /' "$TMP/err" >&2
	failures=$((failures + 1))
}

finish()
{
	if ((failures)); then
		echo "$failures failure(s)"
		exit 1
	fi
	echo "PASS"
	exit 0
}

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

# wait_for FILE [TRIES]: until FILE exists (50 ms steps); false after TRIES.
wait_for()
{
	local i
	for ((i = 0; i < ${2:-400}; i++)); do
		[[ -e "$1" ]] && return 0
		sleep 0.05
	done
	return 1
}
