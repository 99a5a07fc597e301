#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# Issue 27, item 5: the completions made from the option table
# (src/cli/completions_gen.c), as the shells use them. bash: through
# bash-completion and the generated function, with COMP_WORDS and COMP_CWORD
# set as readline sets them, COMPREPLY checked: every option --help lists
# and no other, the closed sets of values (--format, --events as a list),
# running pids, a terminal in use, files, users, a COMMAND after --. fish:
# the same through `complete -C`. zsh: the script parses, has a spec for
# each option, and completes --form<Tab><Tab> in an interactive zsh on a pty. Usage: test_completions.sh COMPLETIONS_DIR; TRACER_BIN
# is set by ctest. No root needed.
set -u

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
DIR=$1
BASH_COMPLETION=/usr/share/bash-completion/bash_completion
[[ -r "$BASH_COMPLETION" ]] || skip "no bash-completion (Debian's bash-completion)"

private_tmp compl
SLEEP_PID=
PTY_PID=
at_exit '[[ -n "$SLEEP_PID" ]] && kill "$SLEEP_PID" 2>/dev/null' \
	'[[ -n "$PTY_PID" ]] && kill "$PTY_PID" 2>/dev/null' 'wait 2>/dev/null'

# The long options tracer --help lists, one per line, sorted.
"$TRACER_BIN" --help | grep -o -- '--[a-z][a-z-]*' | sort -u >"$TMP/help"
grep -qx -- --journal "$TMP/help" || fail "--help does not list --journal"

# bash_complete LINE: what bash offers at the end of LINE, one per line, sorted.
bash_complete()
{
	bash --norc --noprofile -c '
		. "$1"
		. "$2/tracer.bash"
		# Outside readline, compopt only complains: what it sets is not checked here.
		compopt() { builtin compopt "$@" 2>/dev/null || true; }
		read -r -a COMP_WORDS <<<"$3"
		[[ "$3" == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE=$3
		COMP_POINT=${#3}
		_tracer tracer "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' bash "$BASH_COMPLETION" "$DIR" "$1" | sort
}

# expect_bash LINE WORD...: bash offers exactly these words.
expect_bash()
{
	local line="$1" got want
	shift
	got=$(bash_complete "$line")
	want=$(printf '%s\n' "$@" | sort)
	[[ "$got" == "$want" ]] || fail "bash: '$line' completes as [$(echo $got)], not [$(echo $want)]"
}

# bash_offers LINE WORD: bash's offer for LINE includes WORD.
bash_offers()
{
	bash_complete "$1" | grep -qxF -- "$2" || fail "bash: '$1' does not offer $2: [$(bash_complete "$1" | head -20 | tr '\n' ' ')]"
}

echo "== bash"
bash_complete 'tracer -' | grep -v -x -- -- >"$TMP/bash-options"
diff -u "$TMP/help" "$TMP/bash-options" >"$TMP/diff" ||
	fail "bash's options are not --help's: $(cat "$TMP/diff")"
expect_bash 'tracer --jso' --json
expect_bash 'tracer --jour' --journal
expect_bash 'tracer --format ' json sh text
expect_bash 'tracer --format=j' json
expect_bash 'tracer -o out --format s' sh
expect_bash 'tracer --events ' all exec exit fork signal
expect_bash 'tracer --events exec,f' exec,fork
expect_bash 'tracer --max-args ' # a number: nothing offered
# Running pids, for --pid and as arguments; a terminal in use for --tty.
sleep 60 &
SLEEP_PID=$!
bash_offers 'tracer --pid ' "$SLEEP_PID"
bash_offers 'tracer -p ' "$SLEEP_PID"
bash_offers 'tracer ' "$SLEEP_PID"
[[ -z "$(bash_complete 'tracer --pid ' | grep -v '^[0-9]*$')" ]] || fail "bash: --pid offers what is not a pid"
if command -v script >/dev/null; then
	script -q -c 'sleep 60' /dev/null </dev/null >/dev/null 2>&1 &
	PTY_PID=$!
	for ((i = 0; i < 100; i++)); do
		tty=$(ps -o tty= --ppid "$PTY_PID" 2>/dev/null | tr -d ' ')
		[[ "$tty" == pts/* ]] && break
		sleep 0.05
	done
	[[ "$tty" == pts/* ]] && bash_offers 'tracer --tty ' "$tty" || fail "no terminal to offer ($tty)"
fi
# Files for -o, users for --user, a COMMAND and then its own completion after --.
touch "$TMP/events.log" "$TMP/events.json"
expect_bash "tracer -o $TMP/events.l" "$TMP/events.log"
expect_bash 'tracer --user roo' root
bash_offers 'tracer -- ech' echo
expect_bash 'tracer --all -- tracer --jso' --json

echo "== fish"
if command -v fish >/dev/null; then
	fish --no-execute "$DIR/tracer.fish" || fail "fish cannot parse tracer.fish"
	# fish_complete LINE: what fish offers, the words only, sorted.
	fish_complete()
	{
		fish --no-config -c "source $DIR/tracer.fish; complete -C '$1'" | cut -f1 | sort
	}
	fish_complete 'tracer --' | grep -x -- '--[a-z-]*' >"$TMP/fish-options"
	diff -u "$TMP/help" "$TMP/fish-options" >"$TMP/diff" ||
		fail "fish's options are not --help's: $(cat "$TMP/diff")"
	[[ "$(fish_complete 'tracer --format ' | tr '\n' ' ')" == "json sh text " ]] ||
		fail "fish: --format offers $(fish_complete 'tracer --format ' | tr '\n' ' ')"
	fish_complete 'tracer --events exec,' | grep -qx 'exec,fork' || fail "fish: --events exec, does not offer exec,fork"
	fish_complete 'tracer --pid ' | grep -qx "$SLEEP_PID" || fail "fish: --pid does not offer $SLEEP_PID"
else
	echo "fish is not installed: not checked"
fi

echo "== zsh"
if command -v zsh >/dev/null; then
	zsh -n "$DIR/_tracer" || fail "zsh cannot parse _tracer"
	head -1 "$DIR/_tracer" | grep -qx '#compdef tracer' || fail "_tracer does not start with #compdef tracer"
	# Each of --help's options has its spec.
	while read -r opt; do
		grep -q -e "'$opt[=[]" -e ",$opt[=}]" "$DIR/_tracer" || fail "zsh: no spec for $opt"
	done <"$TMP/help"
	# A person's Tab in an interactive zsh, on a pty (zsh/zpty): --form
	# becomes --format=, and a second Tab lists its values.
	mkdir "$TMP/zfunc" && cp "$DIR/_tracer" "$TMP/zfunc/"
	cat >"$TMP/drive.zsh" <<'ZSH'
zmodload zsh/zpty || exit 77
zpty z zsh -f -i
setopt extendedglob
# read_until PATTERN: what the shell writes, until PATTERN shows in it once
# its terminal's escape sequences are taken out (10 s at most).
read_until()
{
	local i chunk
	for ((i = 0; i < 50; i++)); do
		while zpty -r -t z chunk; do all+=$chunk; done
		[[ "${all//$'\e'\[[0-9;?]#[a-zA-Z]/}" == *$~1* ]] && return 0
		sleep 0.2
	done
	return 1
}
all=
# The line editor is ready when what compinit ran after says so (the echo of
# the command line says 'READY$((6*7))', not READY42).
zpty -w z "fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -d $2/zcompdump; PS1='%% '; print READY\$((6*7))"
read_until READY42
zpty -w -n z $'tracer --form\t'
read_until 'tracer --format='
zpty -w -n z $'\t'
read_until 'json*sh*text'
print -r -- "$all"
zpty -d z
ZSH
	zsh -f "$TMP/drive.zsh" "$TMP/zfunc" "$TMP" 2>&1 | tr -d '\r' | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' >"$TMP/zsh.out"
	grep -q 'tracer --format=' "$TMP/zsh.out" || fail "zsh: --form<Tab> did not become --format=: $(tail -3 "$TMP/zsh.out")"
	grep -Eq 'json +sh +text' "$TMP/zsh.out" || fail "zsh: --format=<Tab> did not list json sh text: $(tail -3 "$TMP/zsh.out")"
else
	echo "zsh is not installed: not checked"
fi

[[ $failures -eq 0 ]] && echo "completions: bash, fish and zsh as expected"
[[ $failures -eq 0 ]] || exit 1
