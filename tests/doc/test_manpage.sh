#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR MIT)
#
# test_manpage.sh PAGE TRACER PANDOC: the man page the build made from doc/
# (doc/CMakeLists.txt) renders without a single warning, as groff and man(1)
# read it, has a man page's sections, and documents in OPTIONS exactly the
# long options `tracer --help` lists: the two are written apart, this checks
# one against the other. Exit 77 when pandoc was missing (no page was built).
set -euo pipefail

page="$1"
tracer="$2"
pandoc="$3"

. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

if [[ -z "$pandoc" || "$pandoc" == *NOTFOUND ]]; then
	skip "pandoc was not found when cmake ran: no man page was built"
fi
[[ -s "$page" ]] || die "$page was not built"
for tool in groff man col; do
	command -v "$tool" >/dev/null || die "$tool not found (bash scripts/deps installs it)"
done

# man-db confines its filters with seccomp, which some containers and
# emulators refuse: the page's text is the same without.
export MAN_DISABLE_SECCOMP=1

# Every warning groff has (-ww): a line that cannot be broken or adjusted,
# a bad escape or macro; and man(1)'s own pipeline (preconv, tbl) at the
# widths of a narrow and a wide terminal.
warnings="$(groff -t -man -Tutf8 -ww -z "$page" 2>&1)"
[[ -z "$warnings" ]] || die "groff -ww: $warnings"
for width in 60 80 120; do
	warnings="$(MANWIDTH=$width man --warnings=w -l "$page" 2>&1 >/dev/null)"
	[[ -z "$warnings" ]] || die "man -l at $width columns: $warnings"
done

text="$(MANWIDTH=200 man -l "$page" 2>/dev/null | col -bx)"
for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES "SEE ALSO"; do
	grep -qx "$section" <<<"$text" || die "no $section section"
done

# section NAME: the lines of that section, up to the next one.
section()
{
	awk -v name="$1" '/^[A-Z]/ { inside = ($0 == name); next } inside' <<<"$text"
}

# The description says every way to give a scope, --all included.
description="$(section DESCRIPTION)"
for what in --pid --tty --all COMMAND; do
	grep -q -- "$what" <<<"$description" || die "DESCRIPTION does not mention $what"
done

# Long options: --help's option lines start with at most 6 spaces ("  -p,
# --pid=PID", "      --all"); the page's OPTIONS terms are at the margin of
# the section's text (7 spaces), "--all" possibly followed by its text.
help_options="$("$tracer" --help | grep -oE '^ {2,6}(-[A-Za-z], )?--[a-z][a-z-]*' |
	grep -oE -- '--[a-z][a-z-]*' | sort -u)"
page_options="$(section OPTIONS | grep -oE '^ {7}(-[A-Za-z], )?--[a-z][a-z-]*' |
	grep -oE -- '--[a-z][a-z-]*' | sort -u)"
[[ "$(wc -l <<<"$help_options")" -ge 30 ]] ||
	die "found only these long options in tracer --help: $help_options"
missing="$(comm -23 <(echo "$help_options") <(echo "$page_options"))"
[[ -z "$missing" ]] || die "tracer --help lists options OPTIONS does not: $missing"
extra="$(comm -13 <(echo "$help_options") <(echo "$page_options"))"
[[ -z "$extra" ]] || die "OPTIONS documents options tracer --help does not list: $extra"

echo "doc_manpage: no warning; $(wc -l <<<"$help_options") long options, the same in both"
